#!/usr/bin/env bash
# tangle.sh: tangle every file-like root of the chapters into a directory.
#
# usage: book/tangle.sh [-L] OUTDIR CHAPTER.nw...
#   -L       emit #line directives in C, header and assembly files, so that
#            compiler errors and debuggers point at the .nw source
#   OUTDIR   receives one file per root; files whose content did not change
#            keep their timestamps, and files tangled earlier whose root has
#            gone are removed (the list lives in OUTDIR/.tangled)
# Roots come from noroots; Makefiles are tangled with -t8 to keep their tabs.
# Any noweb error stops the script with a non-zero status.
set -euo pipefail

prog=tangle.sh
die() { echo "$prog: $*" >&2; exit 1; }

line=
if [ "${1:-}" = "-L" ]; then line=-L; shift; fi
[ $# -ge 2 ] || die "usage: $prog [-L] OUTDIR CHAPTER.nw..."
out=$1; shift

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

noroots "$@" > "$tmp/.roots" || die "noroots failed"
sed -n 's/^<<\(.*\)>>$/\1/p' "$tmp/.roots" | sort > "$tmp/.names"

while IFS= read -r root; do
    case $root in
        *\ *|'') continue ;;        # not a file name; the lint reports it
        /*|*..*) die "root '$root' must be a relative path inside the tree" ;;
    esac
    case $root in
        Makefile|*/Makefile|*.mk) opts=(-t8) ;;
        *.c|*.h|*.S) opts=(${line:+"$line"}) ;;
        *) opts=() ;;
    esac
    mkdir -p "$tmp/files/$(dirname "$root")"
    notangle ${opts[@]+"${opts[@]}"} -R"$root" "$@" > "$tmp/files/$root" ||
        die "notangle failed on root '$root'"
    [ -s "$tmp/files/$root" ] || die "root '$root' tangled to an empty file"
    echo "$root" >> "$tmp/.tangled"
done < "$tmp/.names"
[ -s "$tmp/.tangled" ] || die "no file roots found in $*"

mkdir -p "$out"
if [ -f "$out/.tangled" ]; then
    comm -23 <(sort "$out/.tangled") <(sort "$tmp/.tangled") |
        while IFS= read -r gone; do rm -f "$out/$gone"; done
fi
while IFS= read -r root; do
    if ! cmp -s "$tmp/files/$root" "$out/$root"; then
        mkdir -p "$out/$(dirname "$root")"
        install -m 644 "$tmp/files/$root" "$out/$root"
    fi
done < "$tmp/.tangled"
sort "$tmp/.tangled" > "$out/.tangled"
