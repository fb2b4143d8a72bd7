#!/usr/bin/env bash
# deps.sh: `make deps` installs exactly the missing packages, and without apt
# it stops with the package list. Uses stand-ins for dpkg-query and apt-get.
set -uo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
cat > "$tmp/dpkg-query" <<'SH'
#!/bin/sh
# stand-in: every package is installed except pandoc and lmodern
for p; do :; done
case $p in pandoc|lmodern) echo not-installed ;; *) echo installed ;; esac
SH
cat > "$tmp/apt-get" <<SH
#!/bin/sh
echo "\$*" >> "$tmp/apt.log"
SH
chmod +x "$tmp/dpkg-query" "$tmp/apt-get"
make --no-print-directory -s deps DPKG_QUERY="$tmp/dpkg-query" APT_GET="$tmp/apt-get" SUDO= \
    > "$tmp/out" 2>&1
if [ "$(tail -n 1 "$tmp/apt.log" 2>/dev/null)" = "install -y -qq --no-install-recommends pandoc lmodern" ] &&
   grep -qx 'update -qq' "$tmp/apt.log"; then
    echo "PASS: make deps installs exactly the missing packages, non-interactively"
else
    echo "FAIL: make deps: apt-get calls were: $(tr '\n' ';' < "$tmp/apt.log" 2>/dev/null)"; failed=1
fi
out=$(make --no-print-directory -s deps APT_GET=/nonexistent/apt-get \
      NEEDED_COMMANDS="cc no-such-command-here" 2>&1); status=$?
if [ $status -ne 0 ] && grep -q "'no-such-command-here' is missing" <<<"$out" &&
   grep -q 'gcc-riscv64-unknown-elf' <<<"$out"; then
    echo "PASS: without apt, make deps stops with the package list"
else
    echo "FAIL: without apt, make deps said (status $status): $out"; failed=1
fi
exit $failed
