#!/usr/bin/env bash
# line-error.sh: a typo in a C chunk must give a compiler error at its .nw file:line.
# usage: grading/tests/line-error.sh CHAPTER.nw...   (run from the repository root)
set -uo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src.nw"; cp "$@" "$tmp/src.nw/"
chapter=$tmp/src.nw/01-boot.nw
line=$(grep -n '^    sbi_init();$' "$chapter" | head -1 | cut -d: -f1)
[ -n "$line" ] || { echo "FAIL: compiler error names the .nw line: no 'sbi_init();' line to break"; exit 1; }
sed -i "${line}s/sbi_init();/sbi_inti();/" "$chapter"
root=$PWD
(cd "$tmp" && "$root/book/tangle.sh" -L build src.nw/*.nw && make -C build) > "$tmp/log" 2>&1
if grep -q "^src.nw/01-boot.nw:$line:[0-9]*: error: implicit declaration of function 'sbi_inti'" "$tmp/log"; then
    echo "PASS: a typo in a C chunk is reported at src.nw/01-boot.nw:$line"
else
    echo "FAIL: compiler error does not name src.nw/01-boot.nw:$line:"; grep -m3 error "$tmp/log"; exit 1
fi
