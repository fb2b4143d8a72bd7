#!/usr/bin/env bash
# gdb.sh: check that gdb, attached to QEMU, stops in main and shows the .nw source.
# usage: grading/tests/gdb.sh KERNEL.elf PORT GDBINIT
# GDBINIT is the script `make gdb` runs (it connects, breaks in main, continues).
set -uo pipefail
kernel=${1:?usage: gdb.sh KERNEL.elf PORT GDBINIT}; port=${2:?port}; init=${3:?gdbinit}
log=build/test/gdb.log; mkdir -p build/test
qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 -m 128M \
    -no-reboot -kernel "$kernel" -S -gdb tcp::"$port" < /dev/null > /dev/null 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
sleep 0.5
timeout 30 gdb-multiarch -q -batch -nx -x "$init" -ex 'info source' > "$log" 2>&1
n=$(sed -n 's/^Breakpoint 1, main (hartid=0, dtb=[0-9]*) at src.nw\/01-boot.nw:\([0-9]*\)$/\1/p' "$log" | head -1)
shown=$(grep -m1 "^$n"$'\t' "$log" | cut -f2-)
if [ -n "$n" ] && grep -q "^Located in $PWD/src.nw/01-boot.nw" "$log" &&
   [ "$shown" = "$(sed -n "${n}p" src.nw/01-boot.nw)" ]; then
    echo "PASS: gdb stops in main at src.nw/01-boot.nw:$n and shows that line"
else
    echo "FAIL: gdb did not stop in main with .nw source; see $log"; exit 1
fi
