#!/usr/bin/env bash
# procs.sh: chapter 5's process tree under an init (make qemu ... INIT=proc_init).
#
# usage: grading/tests/procs.sh KERNEL.elf [MEM...]
# For each MEM (default: 32M 1G) boots proc_init as INIT with the process
# programs and hello, and checks: QEMU exits 0 by itself; proc_init is pid 1
# and collects exactly its three children and the one orphan it adopts
# ("proc_init: OK"); proc_spawn and proc_orphan pass; the grandchild says it
# was adopted by 1; proc_exec's refusals leave it intact and its exit code,
# as proc_child's, reaches proc_spawn; no FAIL line, no panic; the free-frame
# count is the same before and after. Then forkbomb alone at each MEM (fork
# fails with -1 when the task table is full, and when memory runs out;
# nothing panics; every frame comes back), and exhaust_spawn as init (spawn
# refused while it holds every frame, hello loaded once it gave them back),
# cow alone (fork copies nothing; with COW=0 it must see the copy), and
# stride alone (shares in proportion to priorities).
# Then an INIT that is not among
# the programs: make stops with an error naming it. The ELF files come from the
# directory user/ beside KERNEL.elf. Logs: build/test/procs-*.log.
# PASS:/FAIL: lines; exit status 1 if any check failed.
set -uo pipefail

kernel=${1:?usage: procs.sh KERNEL.elf [MEM...]}; shift
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(32M 1G)
userdir=$(cd "$(dirname "$kernel")" && pwd)/user
logdir=build/test; mkdir -p "$logdir"
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# boot LOG MEM [make arguments...]: boot with those arguments at MEM into
# LOG, and start $bad with what every run must show: QEMU exits 0 by
# itself, no panic, the free-frame count the same before and after ($frames).
boot() {
    local log=$1 mem=$2 status; shift 2
    timeout 120 make --no-print-directory -s qemu MEM="$mem" "$@" < /dev/null 2>&1 | tr -d '\r' > "$log"
    status=${PIPESTATUS[0]}
    bad=
    [ "$status" -eq 0 ] || bad+=" exit status $status (124 = timeout);"
    grep -a -q '^\[kernel\] panic' "$log" && bad+=" $(grep -a -m1 '^\[kernel\] panic' "$log");"
    frames=$(sed -n 's/^\[kernel\] free frames: \([0-9]*\) before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    [ -n "$frames" ] && [ "${frames% *}" = "${frames#* }" ] || bad+=" free frames '${frames:-none}';"
    heap=$(sed -n 's/^\[kernel\] kernel heap: \([0-9]*\) bytes in use before the first application, \([0-9]*\) after the last$/\1 \2/p' "$log")
    [ -n "$heap" ] && [ "${heap% *}" = "${heap#* }" ] || bad+=" kernel heap '${heap:-none}';"
}

progs=(proc_init proc_spawn proc_exec proc_child proc_orphan proc_middle proc_grandchild hello)
apps=; for p in "${progs[@]}"; do apps+=" $userdir/$p.elf"; done

for mem in "${sizes[@]}"; do
    log=$logdir/procs-$mem.log
    boot "$log" "$mem" APPS="${apps# }" INIT=proc_init
    grep -a -q -E '^[a-z_0-9]+: FAIL' "$log" && bad+=" $(grep -a -m1 -E '^[a-z_0-9]+: FAIL' "$log");"
    for want in 'proc_init: 4 processes collected (3 started, 1 adopted)' 'proc_init: OK' \
                'proc_spawn: OK' 'proc_orphan: OK' 'proc_exec: exec refused three times, caller intact' \
                '[kernel] application proc_init (pid 1) exited with code 0' \
                '[kernel] first application (proc_init) starts'; do
        grep -a -q -F -e "$want" "$log" || bad+=" no '$want';"
    done
    grep -a -q -E '^proc_grandchild: adopted by 1 ' "$log" || bad+=" the grandchild was not adopted by init;"
    # Only init starts at boot: every other program is somebody's child.
    n=$(grep -a -c -E '^proc_child: pid [0-9]+, parent 0$' "$log")
    [ "$n" -eq 0 ] || bad+=" $n proc_child started with no parent;"
    if [ -z "$bad" ]; then
        pass "procs -m $mem: init (pid 1) started 3 programs by name and collected them and 1 orphan; exec, waitpid and getppid as the ABI says; frames ${frames% *} before and after"
    else
        fail "procs -m $mem:$bad see $log"
    fi
done

# forkbomb alone: a chain of forks until the task table is full, then one
# holding 4 MiB each until memory runs out (at 32M; the table at 1G).
for mem in "${sizes[@]}"; do
    log=$logdir/procs-forkbomb-$mem.log
    boot "$log" "$mem" APPS="$userdir/forkbomb.elf"
    grep -a -q -x 'forkbomb: OK' "$log" || bad+=" no 'forkbomb: OK';"
    chains=$(sed -n 's/^forkbomb: a chain of \([0-9]*\) processes, then \([0-9]*\) holding 4 MiB each$/\1 \2/p' "$log")
    if [ "$mem" = 32M ] && [ -n "$chains" ] && [ "${chains#* }" -ge "${chains% *}" ]; then
        bad+=" at 32M the 4 MiB chain ($chains) should end by memory, shorter than the first;"
    fi
    if [ -z "$bad" ]; then
        pass "forkbomb -m $mem: fork refused with -1 after a chain of ${chains% *} (task table full), then of ${chains#* } holding 4 MiB each; no panic, every frame back"
    else
        fail "forkbomb -m $mem:$bad see $log"
    fi
done

# exhaust_spawn as init, with hello: spawn fails while it holds every
# frame, and works once it has given them back (chapter 4's promise).
for mem in "${sizes[@]}"; do
    log=$logdir/procs-exhaust-$mem.log
    boot "$log" "$mem" APPS="$userdir/exhaust_spawn.elf $userdir/hello.elf" INIT=exhaust_spawn
    grep -a -q -x 'exhaust_spawn: OK' "$log" || bad+=" no 'exhaust_spawn: OK' ($(grep -a -m1 FAIL "$log"));"
    grep -a -q -E '^\[kernel\] application hello \(pid [0-9]+\) exited with code 0$' "$log" || bad+=" hello did not run;"
    if [ -z "$bad" ]; then
        pass "exhaust_spawn -m $mem: $(sed -n 's/^exhaust_spawn: \([0-9]*\) pages mapped.*/\1/p' "$log") pages mapped, spawn refused; after munmap, hello loaded and ran; every frame back"
    else
        fail "exhaust_spawn -m $mem:$bad see $log"
    fi
done

# cow alone: fork copies nothing (the frames it took are page tables, the
# kernel stack and the trap context) and the child's 256 writes take 256
# frames; linked with COW=0 (the eager copy) the same program must see the
# copy and fail.
for mem in "${sizes[@]}"; do
    log=$logdir/procs-cow-$mem.log
    boot "$log" "$mem" APPS="$userdir/cow.elf"
    grep -a -q -x 'cow: OK' "$log" || bad+=" no 'cow: OK' ($(grep -a -m1 FAIL "$log"));"
    took=$(sed -n 's/^cow: fork took \([0-9]*\) frames$/\1/p' "$log")
    wrote=$(sed -n 's/^cow: writing 256 pages took \([0-9]*\) frames$/\1/p' "$log")
    [ -n "$took" ] && [ "$took" -lt 32 ] || bad+=" fork took '${took:-?}' frames (want < 32);"
    [ -n "$wrote" ] && [ "$wrote" -ge 256 ] && [ "$wrote" -le 264 ] || bad+=" 256 writes took '${wrote:-?}' frames (want 256 to 264);"
    if [ -z "$bad" ]; then
        pass "cow -m $mem: fork of a 1 MiB heap took $took frames, the child's 256 writes $wrote; the parent's bytes and a constant intact; every frame back"
    else
        fail "cow -m $mem:$bad see $log"
    fi
done
log=$logdir/procs-cow-eager.log
boot "$log" 32M APPS="$userdir/cow.elf" COW=0
took=$(sed -n 's/^cow: fork took \([0-9]*\) frames$/\1/p' "$log")
if [ -z "$bad" ] && [ -n "$took" ] && [ "$took" -ge 256 ] && grep -a -q "^cow: FAIL child's pages in shared frames" "$log"; then
    pass "cow with COW=0 (eager fork): fork took $took frames and cow says so (FAIL line): the test sees a copy"
else
    fail "cow with COW=0:$bad fork took '${took:-?}' frames; $(grep -a -m1 -E 'FAIL|cow: OK' "$log"); see $log"
fi

# lazy with LAZY=0 (mmap makes every page at once): the program must see it.
log=$logdir/procs-lazy-eager.log
boot "$log" 32M APPS="$userdir/lazy.elf" LAZY=0
if [ -z "$bad" ] && grep -a -q -x 'lazy: FAIL pages made by mmap: 512, want 0' "$log"; then
    pass "lazy with LAZY=0 (pages made by mmap at once): lazy says so (FAIL line): the test sees the difference"
else
    fail "lazy with LAZY=0:$bad $(grep -a -m1 -E 'FAIL|lazy: OK' "$log"); see $log"
fi

# stride alone: setpriority's refusals, four children's shares in
# proportion to priorities 5..8 (within 30%), and a task woken after many
# wraps of the passes gets its share at once.
# Under -icount (a slice is a fixed number of instructions, so the shares
# do not depend on the host's load), once: memory size plays no part.
for mem in "${sizes[0]}"; do
    log=$logdir/procs-stride-$mem.log
    boot "$log" "$mem" APPS="$userdir/stride.elf" QEMU_EXTRA="-icount shift=3"
    grep -a -q -x 'stride: OK' "$log" || bad+=" no 'stride: OK' ($(grep -a -m1 FAIL "$log"));"
    if [ -z "$bad" ]; then
        pass "stride -m $mem: turns per priority $(sed -n 's/^stride: priority \([0-9]*\): .*, \([0-9]*\) per 1000 priority$/\2/p' "$log" | tr '\n' ' ')(priorities 5-8), a woken task $(sed -n 's/^stride: after a long wait: \([0-9]*\) Ki turns, beside \([0-9]*\)$/\1 beside \2/p' "$log")"
    else
        fail "stride -m $mem:$bad see $log"
    fi
done

# INIT must name one of the programs.
out=$(make --no-print-directory -s kernel APPS="$userdir/hello.elf" INIT=no_such_init 2>&1)
if [ $? -ne 0 ] && grep -q 'INIT=no_such_init is not one of the programs in APPS' <<< "$out"; then
    pass "procs: INIT=no_such_init refused: $(printf '%s\n' "$out" | grep -o 'INIT=no_such_init is not one of the programs in APPS')"
else
    fail "procs: INIT=no_such_init not refused by make: $(printf '%s\n' "$out" | tail -n 2 | tr '\n' '|')"
fi
exit $failed
