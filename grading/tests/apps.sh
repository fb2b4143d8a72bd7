#!/usr/bin/env bash
# apps.sh: boot the kernel with the shipped user programs and check what they print.
#
# usage: grading/tests/apps.sh KERNEL.elf [MEM...]
# For each MEM (default: 32M 1G) runs `make qemu MEM=...` (every program of
# user/ at once) and prints one PASS:/FAIL: line per check: QEMU exits 0 by
# itself; every self-checking program prints "<name>: OK" and exits with
# code 0, and no program prints a FAIL line; every bad_* program is killed
# with the trap kind (and, where it is known, the address) it provokes and
# never prints "SHOULD NOT GET HERE"; compute's powers are right; the yield
# programs interleave; the ptdump output is complete and matches the ELF's
# segments; no frame leaks; the last line is the power-off line.
# After the first MEM it also boots 32 copies of hello at once
# (`make qemu APPS=...`), so the later runs also check that the kernel goes
# back to the default programs. The ELF files are taken from the directory
# user/ beside KERNEL.elf. Logs go to build/test/apps-*.log (carriage
# returns removed, NUL bytes shown as '?').
# Exit status 1 if any check failed.
set -uo pipefail

kernel=${1:?usage: apps.sh KERNEL.elf [MEM...]}; shift
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(32M 1G)
userdir=$(cd "$(dirname "$kernel")" && pwd)/user
logdir=build/test; mkdir -p "$logdir"
TIMEOUT=60
NM=riscv64-unknown-elf-nm
READELF=riscv64-unknown-elf-readelf
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# Programs that check themselves and end with "<name>: OK" (hello: its greeting).
normal=(hello compute yield_a yield_b yield_c sleep taskinfo fp_a fp_b fp_c
        mmap_rw sbrk_heap cross_page hostile ptdump proc_spawn proc_orphan
        forktest fork_mem fp_fork cow lazy)
# Chapter 5's programs that other programs start too, and how many times
# each prints "<name>: OK" when every program starts at boot: proc_child
# once at boot, three times for proc_spawn, once for each proc_exec (at
# boot and proc_spawn's), which becomes it; proc_middle at boot and for
# proc_orphan; proc_grandchild at boot and for each proc_middle.
declare -A family=([proc_child]=6 [proc_middle]=2 [proc_grandchild]=3)
# Programs the kernel must kill, with the trap kind it must name.
declare -A kind=(
    [bad_illegal]=IllegalInstruction [bad_priv]=IllegalInstruction
    [bad_null]=PageFault [bad_kread]=PageFault [bad_textwrite]=PageFault
    [bad_nx]=PageFault [bad_stack]=PageFault [bad_partial]=PageFault)
bad=(bad_illegal bad_priv bad_null bad_kread bad_textwrite bad_nx bad_stack bad_partial)

# Escape a fixed string for grep -E.
ere() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
# How many lines of log equal the fixed string.
count_line() { grep -a -c -x -F -e "$2" "$1"; }
# Line number of the first line equal to the fixed string (empty if none).
line_no() { grep -a -n -x -F -e "$2" "$1" | head -n 1 | cut -d: -f1; }
# base^e mod m with 64-bit shell arithmetic (m < 2^31).
powmod() {
    local b=$(( $1 % $3 )) e=$2 m=$3 r=1
    while (( e > 0 )); do
        (( e & 1 )) && r=$(( r * b % m ))
        b=$(( b * b % m )); e=$(( e >> 1 ))
    done
    echo "$r"
}
# Address of a symbol in an ELF file, as the kernel prints it: 0x, lower case, no padding.
sym() { printf '0x%x' "0x$($NM "$1" | awk -v s="$2" '$3 == s { print $1; exit }')"; }

# Run make qemu with extra arguments; log to $1. Sets $status.
boot() {
    local log=$1; shift
    timeout "$TIMEOUT" make --no-print-directory -s qemu INIT= "$@" < /dev/null 2>&1 |
        tr -d '\r' | tr '\000' '?' > "$log"
    status=${PIPESTATUS[0]}
}

# Checks every run shares: exit status, no panic, no leak, last line.
check_common() {
    local log=$1 what=$2
    if [ "$status" -eq 0 ]; then
        pass "$what: QEMU exits 0 by itself"
    else
        fail "$what: exit status $status (124 = timeout); see $log"
    fi
    if grep -a -q -E '^\[kernel\] panic' "$log"; then
        fail "$what: kernel panic: $(grep -a -m1 -E '^\[kernel\] panic' "$log")"
    fi
    local frames
    frames=$(sed -n 's/^\[kernel\] free frames: \([0-9]*\) before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    if [ -n "$frames" ] && [ "${frames% *}" = "${frames#* }" ]; then
        pass "$what: no frame leaked (${frames% *} free before and after)"
    else
        fail "$what: free-frames line missing or unequal ('${frames:-none}'); see $log"
    fi
    local heap
    heap=$(sed -n 's/^\[kernel\] kernel heap: \([0-9]*\) bytes in use before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    if [ -n "$heap" ] && [ "${heap% *}" = "${heap#* }" ]; then
        pass "$what: no kernel heap block leaked (${heap% *} bytes in use before and after)"
    else
        fail "$what: kernel-heap line missing or unequal ('${heap:-none}'); see $log"
    fi
    if [ "$(grep -a '^\[kernel\] ' "$log" | tail -n 1)" = "[kernel] all done, powering off" ] &&
       [ "$(tail -n 1 "$log")" = "[kernel] all done, powering off" ]; then
        pass "$what: last line is the power-off line"
    else
        fail "$what: last line is not '[kernel] all done, powering off'; see $log"
    fi
}

# Each self-checking program: its final line once, its exit line with code 0.
check_normal() {
    local log=$1 what=$2 p final n
    for p in "${normal[@]}"; do
        if [ "$p" = hello ]; then
            n=$(grep -a -c -E '^Hello, world from user mode! \(pid [0-9]+\)$' "$log")
            final="Hello, world from user mode!"
        else
            final="$p: OK"; n=$(count_line "$log" "$final")
        fi
        if [ "$n" -eq 1 ] &&
           [ "$(grep -a -c -E "^\[kernel\] application $p \(pid [0-9]+\) exited with code 0$" "$log")" -eq 1 ]; then
            pass "$what: $p prints '$final' and exits with code 0"
        else
            fail "$what: $p: want '$final' once and an exit line with code 0; got: $(grep -a -E "^($p|\[kernel\].* $p[ ,])" "$log" | tail -n 2 | tr '\n' '|')"
        fi
    done
    for p in "${!family[@]}"; do
        n=$(count_line "$log" "$p: OK")
        if [ "$n" -eq "${family[$p]}" ]; then
            pass "$what: $p prints '$p: OK' ${family[$p]} times (at boot and as a child)"
        else
            fail "$what: $p prints '$p: OK' $n times, want ${family[$p]}"
        fi
    done
    n=$(count_line "$log" "proc_exec: exec refused three times, caller intact")
    if [ "$n" -eq 2 ] && ! grep -a -q -E '^\[kernel\] application proc_exec \(pid' "$log"; then
        pass "$what: proc_exec survives three refused execs, then becomes proc_child (at boot and for proc_spawn)"
    else
        fail "$what: proc_exec: $n refusal lines (want 2), or an exit under its own name"
    fi
    if grep -a -q -E '^[a-z_0-9]+: FAIL' "$log"; then
        fail "$what: a program reports a failure: $(grep -a -E '^[a-z_0-9]+: FAIL' "$log" | head -n 5 | tr '\n' '|')"
    else
        pass "$what: no program reports a FAIL line"
    fi
    if grep -a -q -e 'must not be printed' -e 'was taken for write' "$log"; then
        fail "$what: the kernel printed a buffer that hostile's refused write named"
    else
        pass "$what: hostile's refused writes printed nothing"
    fi
}

# The expected bad addr of a killed program, where it can be known ('' if not).
bad_addr() {
    case $1 in
        bad_null|bad_partial) echo 0x0 ;;
        bad_kread) echo 0x80200000 ;;
        bad_textwrite) sym "$userdir/bad_textwrite.elf" main ;;
        bad_nx) sym "$userdir/bad_nx.elf" code ;;
        *) echo '' ;;
    esac
}

# Each bad program: announced its action, killed with the right kind, never went on.
check_bad() {
    local log=$1 what=$2 p k addr line re
    for p in "${bad[@]}"; do
        k=${kind[$p]}
        addr=$(bad_addr "$p")
        re="^\[kernel\] $k in application $p, bad addr = ${addr:-0x[0-9a-f]+}, bad instruction = 0x[0-9a-f]+, killed\.$"
        [ "$p" = bad_nx ] && re="^\[kernel\] $k in application $p, bad addr = $addr, bad instruction = $addr, killed\.$"
        line=$(grep -a -E "^\[kernel\] .* in application $p, " "$log" | head -n 1)
        if grep -a -q -E "^$p: [a-z]" "$log" && [ "$(grep -a -c -E "$re" "$log")" -eq 1 ] &&
           ! grep -a -q -E "^\[kernel\] application $p \(pid" "$log"; then
            pass "$what: $p is killed: $line"
        else
            fail "$what: $p: want one line matching '$re' and no exit line; got '${line:-nothing}'"
        fi
    done
    # bad_partial's unfinished line ends where the kernel's own line begins.
    if [ "$(count_line "$log" "bad_partial: a line without its end")" -eq 1 ]; then
        pass "$what: bad_partial's unfinished line is a line of its own, the kernel's starts the next"
    else
        fail "$what: bad_partial's unfinished line shares a line: $(grep -a 'bad_partial: a line' "$log" | head -n 1)"
    fi
    if grep -a -q 'SHOULD NOT GET HERE' "$log"; then
        fail "$what: a killed program went on: $(grep -a 'SHOULD NOT GET HERE' "$log" | head -n 3 | tr '\n' '|')"
    else
        pass "$what: no killed program went on after its fault"
    fi
}

# compute's five powers of 3, recomputed here.
check_compute() {
    local log=$1 what=$2 r e want missing=
    for r in 1 2 3 4 5; do
        e=$(( r * 8000000 ))
        want="compute: 3^$e mod 998244353 = $(powmod 3 $e 998244353)"
        [ "$(count_line "$log" "$want")" -eq 1 ] || missing="$missing '$want'"
    done
    if [ -z "$missing" ]; then
        pass "$what: compute prints the five right powers of 3"
    else
        fail "$what: compute: missing$missing"
    fi
}

# The yield programs print their lines in order, and take turns.
check_yield() {
    local log=$1 what=$2 p i prev n ok=1 a_last
    for p in yield_a yield_b yield_c; do
        prev=0
        for i in 1 2 3 4 5; do
            n=$(line_no "$log" "$p: line $i of 5")
            if [ -z "$n" ] || [ "$n" -le "$prev" ]; then ok=0; break; fi
            prev=$n
        done
    done
    if [ $ok -eq 1 ]; then
        pass "$what: each yield program prints its five lines in order"
    else
        fail "$what: a yield program's lines are missing or out of order"
    fi
    a_last=$(line_no "$log" "yield_a: line 5 of 5")
    for p in yield_b yield_c; do
        n=$(line_no "$log" "$p: line 1 of 5")
        if [ -n "$n" ] && [ -n "$a_last" ] && [ "$n" -lt "$a_last" ]; then
            pass "$what: $p's first line comes before yield_a's last (they take turns)"
        else
            fail "$what: $p's first line (line ${n:-none}) is not before yield_a's last (line ${a_last:-none})"
        fi
    done
}

# The ptdump program's dump: complete, and its user leaves match the ELF's segments.
check_ptdump() {
    local log=$1 what=$2 dump entries end want vaddr flags perm leaf
    dump=$(sed -n '/^\[ptdump\] begin ptdump root 0x[0-9a-f]\{16\}$/,/^\[ptdump\] end ptdump /p' "$log" |
           grep -a '^\[ptdump\] ')
    entries=$(printf '%s\n' "$dump" | grep -a -c -E '^\[ptdump\] [012] [0-9]+ 0x[0-9a-f]{16} 0x[0-9a-f]{16} 0x[0-9a-f]{16} [V-][R-][W-][X-][U-][G-][A-][D-]$')
    end=$(printf '%s\n' "$dump" | sed -n 's/^\[ptdump\] end ptdump \([0-9]*\)$/\1/p')
    if [ -n "$end" ] && [ "$entries" -eq "$end" ] && [ "$entries" -gt 0 ]; then
        pass "$what: ptdump prints a complete dump ($entries entries)"
    else
        fail "$what: ptdump dump incomplete: $entries entry lines, end line says '${end:-nothing}'"
        return
    fi
    want=ok
    while read -r vaddr flags; do
        perm=V; [[ $flags == *R* ]] && perm+=R || perm+=-
        [[ $flags == *W* ]] && perm+=W || perm+=-
        [[ $flags == *E* ]] && perm+=X || perm+=-
        perm+=U
        leaf=$(printf '%s\n' "$dump" | awk -v va="$(printf '0x%016x' "$vaddr")" '$2 == 0 && $4 == va { print $7 }')
        [ "${leaf:0:5}" = "$perm" ] || want="leaf at $vaddr is '${leaf:-missing}', want $perm..."
    done < <($READELF -lW "$userdir/ptdump.elf" |
             awk '$1 == "LOAD" { f = ""; for (i = 7; i <= NF; i++) if ($i !~ /^0x/) f = f $i; print $3, f }')
    if printf '%s\n' "$dump" | grep -a -q -E ' 0xfffffffffffff000 0x[0-9a-f]{16} 0x[0-9a-f]{16} V...-'; then :; else
        want="the trampoline leaf is missing or has U set"
    fi
    if [ "$want" = ok ]; then
        pass "$what: ptdump's leaves carry its segments' permissions plus U; the trampoline has no U"
    else
        fail "$what: ptdump: $want"
    fi
}

# The shipped programs are exactly those this script knows (bench_* programs
# are built for `make bench`, the stress programs for grading/tests/stress.sh;
# make qemu runs neither).
# proc_init and exhaust_spawn (INITs), forkbomb and stride (alone) are built for
# grading/tests/procs.sh; sh (never started at boot but as init) and read_check
# (it waits for input) for grading/tests/shell.sh; cow_fig for the book's figures.
stress=(mmap_exhaust hog_a hog_b hog_worker fuzz fuzz_long proc_init forkbomb exhaust_spawn stride
        sh read_check cow_fig)
known=$(printf '%s\n' "${normal[@]}" "${bad[@]}" "${!family[@]}" proc_exec | sort)
found=$(cd "$userdir" 2>/dev/null && ls -- *.elf 2>/dev/null | sed 's/\.elf$//' | grep -v '^bench_' |
        grep -v -x -F "$(printf '%s\n' "${stress[@]}")" | sort)
if [ "$known" = "$found" ]; then
    pass "apps: the $(echo "$known" | wc -l) programs in $userdir are the ones this test checks"
else
    fail "apps: programs in $userdir differ from this test's list: $(diff <(echo "$known") <(echo "$found") | grep '^[<>]' | tr '\n' ' ')"
fi

# 32 copies of hello, each under its own name, at once.
many_hellos() {
    local dir=$logdir/apps32 log=$logdir/apps-32hello.log what="32 hellos" i name list=() pids missing=
    rm -rf "$dir"; mkdir -p "$dir"
    for i in $(seq -w 1 32); do
        cp "$userdir/hello.elf" "$dir/hello$i.elf"
        list+=("$(cd "$dir" && pwd)/hello$i.elf")
    done
    boot "$log" MEM=32M APPS="${list[*]}"
    check_common "$log" "$what"
    for i in $(seq -w 1 32); do
        [ "$(grep -a -c -E "^\[kernel\] application hello$i \(pid [0-9]+\) exited with code 0$" "$log")" -eq 1 ] ||
            missing="$missing hello$i"
    done
    pids=$(sed -n 's/^Hello, world from user mode! (pid \([0-9]*\))$/\1/p' "$log" | sort -u | wc -l)
    if [ -z "$missing" ] && [ "$pids" -eq 32 ] &&
       [ "$(grep -a -c '^\[kernel\] application ' "$log")" -eq 32 ]; then
        pass "$what: all 32 run to completion with 32 different pids"
    else
        fail "$what: missing exit lines for:${missing:- none}; $pids distinct pids greeted; see $log"
    fi
}

first=1
for mem in "${sizes[@]}"; do
    log=$logdir/apps-$mem.log
    boot "$log" MEM="$mem"
    what="apps -m $mem"
    check_common "$log" "$what"
    check_normal "$log" "$what"
    check_bad "$log" "$what"
    check_compute "$log" "$what"
    check_yield "$log" "$what"
    check_ptdump "$log" "$what"
    for s in "cross_page: this line crosses a page boundary in .bss" \
             "cross_page: this line crosses a page boundary in mmap pages"; do
        if [ "$(count_line "$log" "$s")" -eq 1 ]; then
            pass "$what: line written across a page boundary arrives whole: '$s'"
        else
            fail "$what: want the line '$s' once"
        fi
    done
    if [ $first -eq 1 ]; then many_hellos; first=0; fi
done
exit $failed
