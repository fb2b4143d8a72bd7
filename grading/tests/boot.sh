#!/usr/bin/env bash
# boot.sh: boot the kernel under QEMU with several RAM sizes and check the banner.
#
# usage: grading/tests/boot.sh KERNEL.elf [MEM...]
# For each MEM (default: 32M 33M 64M 256M 1G; 33M ends off a 2 MiB boundary) runs `make qemu MEM=...`, the command
# a reader types, and prints one PASS:/FAIL: line per check: QEMU exits by
# itself with status 0 within the timeout, the banner's memory
# line gives exactly MEM, the kernel's own table takes at most 8 pages, and the kernel's last line is the power-off line.
# Logs go to build/test/boot-MEM.log. Exit status 1 if any check failed.
set -uo pipefail

kernel=${1:?usage: boot.sh KERNEL.elf [MEM...]}; shift
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(32M 33M 64M 256M 1G)
logdir=build/test; mkdir -p "$logdir"
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

mib() {   # 64M -> 64, 1G -> 1024
    case $1 in *G) echo $(( ${1%G} * 1024 )) ;; *M) echo "${1%M}" ;; *) echo "$1" ;; esac
}

for mem in "${sizes[@]}"; do
    log=$logdir/boot-$mem.log
    timeout 20 make --no-print-directory -s qemu MEM="$mem" INIT= < /dev/null 2>&1 |
        tr -d '\r' > "$log"
    status=${PIPESTATUS[0]}
    if [ "$status" -eq 0 ]; then
        pass "make qemu MEM=$mem: QEMU exits 0 by itself"
    else
        fail "make qemu MEM=$mem: exit status $status (124 = timeout); see $log"
    fi
    want=$(mib "$mem")
    got=$(sed -n 's/^\[kernel\] memory .*) *\([0-9]*\) MiB$/\1/p' "$log")
    base=$(sed -n 's/^\[kernel\] memory *\[\(0x[0-9a-f]*\), \(0x[0-9a-f]*\)).*/\1 \2/p' "$log")
    if [ "$got" = "$want" ] && [ -n "$base" ] &&
       [ $(( ${base#* } - ${base% *} )) -eq $(( want << 20 )) ]; then
        pass "boot -m $mem: banner reports $want MiB at ${base% *}"
    else
        fail "boot -m $mem: banner memory line says '${got:-nothing}' MiB, want $want; see $log"
    fi
    # The kernel maps RAM with megapages (chapter 4): 4 KiB pages only in
    # the 2 MiB regions the image touches (one level-0 table each), for a
    # tail of RAM shorter than 2 MiB, and for the finisher and the top
    # (a level-1 and a level-0 table each), beside the root and the RAM's
    # level-1 table: 4 + regions + tail + 2, which with the default programs
    # is 7 at every 2 MiB-aligned size; and never more than 8 at those.
    tables=$(sed -n 's/^\[kernel\] kernel address space: \([0-9]*\) page-table pages, permissions checked$/\1/p' "$log")
    text=$(sed -n 's/^\[kernel\] \.text *\[\(0x[0-9a-f]*\),.*/\1/p' "$log")
    free=$(sed -n 's/^\[kernel\] free *\[\(0x[0-9a-f]*\),.*/\1/p' "$log")
    regions=1; [ -n "$text" ] && [ -n "$free" ] && regions=$(( ((free - 1) >> 21) - (text >> 21) + 1 ))
    tail=0; [ $(( $(mib "$mem") % 2 )) -eq 0 ] || tail=1
    limit=$(( 6 + regions + tail ))
    [ $tail -eq 0 ] && [ $limit -gt 8 ] && limit=8
    if [ -n "$tables" ] && [ "$tables" -le $limit ]; then
        pass "boot -m $mem: the kernel's own table takes $tables page-table pages (at most $limit: the image in $regions 2 MiB region(s)), permissions checked"
    else
        fail "boot -m $mem: the kernel's table takes '${tables:-no line}' page-table pages, want at most $limit; see $log"
    fi
    if grep -q '^\[kernel\] \.text *\[0x0000000080200000, ' "$log" &&
       [ "$(tail -n 1 "$log")" = "[kernel] all done, powering off" ]; then
        pass "boot -m $mem: sections printed, last line is the power-off line"
    else
        fail "boot -m $mem: banner incomplete or output after power-off; see $log"
    fi
done

# A device tree without a usable /memory node must stop the boot with a
# panic that names the problem and the chapter line, and QEMU must exit 1.
dtb=$logdir/nomem.dtb; log=$logdir/boot-nomem.log
qemu-system-riscv64 -machine virt,dumpdtb="$dtb.orig" -m 64M -bios default \
    -nographic -smp 1 > /dev/null 2>&1
perl -0777 -pe 's/memory\0/memorx\0/g' "$dtb.orig" > "$dtb"
timeout 20 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 \
    -m 64M -no-reboot -dtb "$dtb" -kernel "$kernel" < /dev/null 2>&1 |
    tr -d '\r' > "$log"
status=${PIPESTATUS[0]}
where=$(sed -n 's/^\[kernel\] panic at \([^:]*\):\([0-9]*\): .*no \/memory node.*/\1:\2/p' "$log")
file=${where%:*}; line=${where#*:}
if [ "$status" -eq 1 ] && [ -n "$where" ] && [ -f "$file" ] &&
   sed -n "${line}p" "$file" | grep -q 'panic('; then
    pass "bad device tree: panic names $where and QEMU exits 1"
else
    fail "bad device tree: want a panic naming a .nw line and exit 1, got status $status; see $log"
fi
exit $failed
