#!/usr/bin/env bash
# stress.sh: the kernel under pressure (chapter 4, "The kernel under pressure").
#
# usage: [KDEBUG=1] grading/tests/stress.sh KERNEL.elf [fuzz]
# Boots the kernel with the stress programs of user/ beside KERNEL.elf
# (`make qemu APPS=...`), one set at a time:
#   mmap_exhaust at 32M (pages made on first touch) and 1G (LAZY=0: made at
#       once, chapter 4's way): maps page by page until memory runs out,
#       unmaps everything in one call, again, then 20,000 separate areas;
#       each round the same count (the program checks; its count is shown)
#   hog_a, hog_b and hog_worker at 32M: two tasks take every frame, the
#       third still unmaps (splitting its area), shrinks its heap and exits
#   fuzz at 128M: 100,000 system calls with hostile arguments, each result
#       predicted by a model (with the argument fuzz: fuzz_long, a million)
# and checks each run: QEMU exits 0 by itself, no panic, every program's
# "<name>: OK" line and exit code 0, no FAIL line, the free-frame count the
# same before and after, the kernel's "slowest system call" line (shown).
# Logs: build/test/stress-*.log. PASS:/FAIL: lines;
# exit status 1 if any check failed.
set -uo pipefail

kernel=${1:?usage: stress.sh KERNEL.elf [fuzz]}
# KDEBUG=1 in the environment: the debug build (KERNEL must be that build's,
# which its kflags file shows).
kdebug=${KDEBUG:-0}
userdir=$(cd "$(dirname "$kernel")" && pwd)/user
logdir=build/test; mkdir -p "$logdir"
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# run NAME MEM TIMEOUT [VAR=VALUE...] PROGRAM...: boot with those programs
# (and those link-time choices), check the run.
run() {
    local name=$1 mem=$2 limit=$3; shift 3
    local log=$logdir/stress-$name.log apps= p bad= vars=()
    while [[ ${1:-} == *=* ]]; do vars+=("$1"); shift; done
    for p in "$@"; do apps+=" $userdir/$p.elf"; done
    local t0=$SECONDS
    timeout "$limit" make --no-print-directory -s qemu APPS="${apps# }" MEM="$mem" KDEBUG="$kdebug" \
        ${vars[@]+"${vars[@]}"} < /dev/null 2>&1 |
        tr -d '\r' | tr '\000' '?' > "$log"
    local status=${PIPESTATUS[0]} secs=$((SECONDS - t0))
    [ "$status" -eq 0 ] || bad+=" exit status $status (124 = timeout);"
    grep -a -q '^\[kernel\] panic' "$log" && bad+=" $(grep -a -m1 '^\[kernel\] panic' "$log");"
    for p in "$@"; do
        grep -a -q -x "$p: OK" "$log" || bad+=" no '$p: OK';"
        grep -a -q -E "^\[kernel\] application $p \(pid [0-9]+\) exited with code 0$" "$log" ||
            bad+=" $p did not exit with 0;"
    done
    grep -a -q -E '^[a-z_0-9]+: FAIL' "$log" && bad+=" $(grep -a -m1 -E '^[a-z_0-9]+: FAIL' "$log");"
    local frames
    frames=$(sed -n 's/^\[kernel\] free frames: \([0-9]*\) before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    [ -n "$frames" ] && [ "${frames% *}" = "${frames#* }" ] || bad+=" free frames '${frames:-none}';"
    local heap
    heap=$(sed -n 's/^\[kernel\] kernel heap: \([0-9]*\) bytes in use before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    [ -n "$heap" ] && [ "${heap% *}" = "${heap#* }" ] || bad+=" kernel heap '${heap:-none}';"
    # The kernel's own clock: the slowest system call, logged at the end.
    local slow
    slow=$(sed -n 's/^\[kernel\] slowest system call: \([a-z_]*\) ([0-9]*) by \([a-z_0-9]*\) (pid [0-9]*), \([0-9]*\) us$/\1 by \2, \3 us/p' "$log")
    [ -n "$slow" ] || bad+=" no 'slowest system call' line;"
    if [ -z "$bad" ]; then
        pass "stress $name ($mem, $build${vars[*]+, ${vars[*]}}, ${secs}s): $(summary "$name" "$log"); slowest system call: $slow"
    else
        fail "stress $name ($mem):$bad see $log"
    fi
}

# What a passing run says, in a few words.
summary() {
    case $1 in
        exhaust-*)
            sed -n -e 's/^mmap_exhaust: \([0-9]*\) pages (\([0-9]*\) KiB) mapped one by one.*/\1 pages mapped one by one, twice;/p' \
                   -e 's/^mmap_exhaust: \([0-9]*\) areas of one page.*/\1 separate areas;/p' \
                   -e 's/^mmap_exhaust: the slowest munmap took \([0-9]*\) us/slowest munmap \1 us; no frame lost/p' "$2" | tr '\n' ' ' | sed 's/ *$//' ;;
        hogs) echo "two hogs took every frame; the worker unmapped (two splits), shrank its heap and exited; no frame lost" ;;
        fuzz*) sed -n 's/^fuzz[a-z_]*: \([0-9]*\) calls with seed \([0-9a-f]*\) in \([0-9]*\) ms (\([0-9]*\) calls\/s)$/\1 calls (seed \2), every result as predicted, \4 calls\/s; no frame lost/p' "$2" ;;
    esac
}

flags=$(cat "$(dirname "$kernel")/kernel/kflags" 2>/dev/null)
if [ "$kdebug" = 1 ] && [[ " $flags " != *" -DKDEBUG "* ]]; then
    fail "stress: KDEBUG=1, but $kernel was not built with -DKDEBUG (flags: '${flags:-none}')"
    exit 1
fi
build=default; [ "$kdebug" = 1 ] && build="debug build"

if [ "${2:-}" = fuzz ]; then
    run fuzz-long 128M 600 fuzz_long
    exit $failed
fi
run exhaust-32M 32M 60 mmap_exhaust
# At 1G, chapter 4's eager mmap (LAZY=0): made on first touch, each of the
# 260,000 pages would cost a fault and a flush of QEMU's TLB on the way
# back, and the run three times as long; the lazy path is pressed at 32M.
run exhaust-1G 1G 180 LAZY=0 mmap_exhaust
run hogs 32M 60 hog_a hog_b hog_worker
run fuzz 128M 120 fuzz
exit $failed
