#!/usr/bin/env bash
# badelf.sh: the kernel refuses malformed ELF files with a clear message, runs the rest.
#
# usage: grading/tests/badelf.sh SRC   (SRC = the #line tangle, build/src)
# Makes damaged copies of the shipped hello.elf (and two files that are not
# ELF at all), boots one kernel with all of them followed by the intact
# hello.elf, and checks: each damaged file gets its own "bad ELF: <reason>;
# skipped" line, the intact one runs, no frame leaks, QEMU exits 0 (no panic).
# Prints PASS:/FAIL: lines; exit status 1 if any check failed.
set -uo pipefail

src=${1:?usage: badelf.sh SRC}
dir=build/test/badelf; rm -rf "$dir"; mkdir -p "$dir"
log=build/test/badelf.log
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

make --no-print-directory -s -C "$src" out/user/hello.elf > /dev/null || {
    fail "badelf: cannot build hello.elf"; exit 1; }
hello=$src/out/user/hello.elf

# poke FILE OFFSET HEXBYTES...: overwrite bytes at OFFSET
poke() {
    local f=$1 off=$2; shift 2
    printf "$(printf '\\x%s' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
# u64 FILE OFFSET: read a little-endian 64-bit number
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }

phoff=$(u64 "$hello" 32)
phnum=$(od -An -t u2 -j 56 -N 2 "$hello" | tr -d ' ')
loads=()
for ((i = 0; i < phnum; i++)); do
    [ "$(u32 "$hello" $((phoff + i * 56)))" = 1 ] && loads+=($((phoff + i * 56)))
done
[ ${#loads[@]} -ge 2 ] || { fail "badelf: hello.elf has fewer than two PT_LOAD segments"; exit 1; }
l0=${loads[0]} l1=${loads[1]}

# name|expected message|how to damage a fresh copy (shell code; $f is the copy)
cases=(
  "truncated|file too small for an ELF header|head -c 40 $hello > \$f"
  "empty|file too small for an ELF header|: > \$f"
  "text|bad magic number (not an ELF file)|for i in {1..20}; do echo 'not an ELF file'; done > \$f"
  "badmagic|bad magic number (not an ELF file)|poke \$f 1 58"
  "class32|not a 64-bit ELF file|poke \$f 4 01"
  "bigendian|not little-endian|poke \$f 5 02"
  "version|unknown ELF version|poke \$f 6 02"
  "x86|not a RISC-V file|poke \$f 18 3e 00"
  "dyn|not a static executable (ET_EXEC)|poke \$f 16 03"
  "phoff|program headers lie outside the file|poke \$f 32 00 ff ff ff 00 00 00 00"
  "fileszbig|segment with p_filesz > p_memsz|poke \$f $((l0 + 32)) ff ff ff 00"
  "memszero|segment with p_filesz > p_memsz|poke \$f $((l0 + 40)) 00 00 00 00 00 00 00 00"
  "offwrap|segment bytes lie outside the file|poke \$f $((l0 + 8)) 00 ff ff ff ff ff ff ff"
  "lowvaddr|segment outside the user half [0x1000, 0x4000000000)|poke \$f $((l0 + 16)) 00 00 00 00 00 00 00 00"
  "highvaddr|segment outside the user half [0x1000, 0x4000000000)|poke \$f $((l0 + 16)) 00 00 00 00 40 00 00 00"
  "noperm|segment with no permissions|poke \$f $((l0 + 4)) 00"
  "overlap|overlapping segments|dd if=$hello of=\$f bs=1 skip=$((l0 + 16)) seek=$((l1 + 16)) count=8 conv=notrunc status=none"
  "noload|no loadable segment|for o in ${loads[*]}; do poke \$f \$o 00; done"
)
apps=()
for c in "${cases[@]}"; do
    IFS='|' read -r name _ how <<< "$c"
    f=$dir/bad_$name.elf
    cp "$hello" "$f"
    eval "$how" || { fail "badelf: could not make $name"; exit 1; }
    apps+=("$PWD/$f")
done
apps+=("$PWD/$hello")

make --no-print-directory -s -C "$src" O=out-badelf APPS="${apps[*]}" > /dev/null || {
    fail "badelf: the kernel with damaged files does not build"; exit 1; }
timeout 30 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 -m 32M \
    -no-reboot -kernel "$src/out-badelf/kernel.elf" < /dev/null 2>&1 | tr -d '\r' > "$log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && pass "badelf: QEMU exits 0 (no panic) with ${#cases[@]} malformed files" ||
    fail "badelf: QEMU exit status $status; see $log"

for c in "${cases[@]}"; do
    IFS='|' read -r name msg _ <<< "$c"
    want="[kernel] application bad_$name: bad ELF: $msg; skipped"
    if grep -qxF "$want" "$log"; then
        pass "badelf: $name refused: $msg"
    else
        fail "badelf: $name: want '$want'; got '$(grep -a "bad_$name" "$log" | head -1)'"
    fi
done
grep -qx '\[kernel\] application hello (pid 1) exited with code 0' "$log" &&
    pass "badelf: the intact program after them runs" ||
    fail "badelf: hello did not run to completion; see $log"
frames=$(sed -n 's/^\[kernel\] free frames: \([0-9]*\) before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
[ -n "$frames" ] && [ "${frames% *}" = "${frames#* }" ] &&
    pass "badelf: no frame leaked ($frames)" || fail "badelf: free frames before/after: '$frames'"
heap=$(sed -n 's/^\[kernel\] kernel heap: \([0-9]*\) bytes in use before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
[ -n "$heap" ] && [ "${heap% *}" = "${heap#* }" ] &&
    pass "badelf: no kernel heap block leaked ($heap)" || fail "badelf: kernel heap bytes before/after: '$heap'"
exit $failed
