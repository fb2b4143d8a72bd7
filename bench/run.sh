#!/usr/bin/env bash
# run.sh: the project's benchmarks; a table on stdout and build/bench.json.
#
# usage: bench/run.sh [RUNS]   (RUNS defaults to 5; medians are reported)
# BENCH_MUTANTS=0 leaves out the full mutant runs (half an hour; make mutants
# gives the same figures on its own); bench.json's "mutants" is then null.
# Wall-clock figures are noisy on a shared machine, so each one is the median
# of RUNS runs and is shown beside a floor measured in the same run: the
# boot time beside a kernel that only prints one line and powers off.
set -euo pipefail
runs=${1:-5}
out=build/bench; mkdir -p "$out"
cc=${CROSS_CC:-riscv64-unknown-elf-gcc}

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# time_cmd N CMD...: run CMD N times, print the median seconds
time_cmd() {
    local n=$1; shift
    for _ in $(seq "$n"); do
        local t0; t0=$(now); "$@" > /dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
        awk -v a="$(now)" -v b="$t0" 'BEGIN {printf "%.4f\n", a - b}'
    done | median
}
boot() {
    timeout 30 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 \
        -m 128M -no-reboot -kernel "$1" < /dev/null
}
clean_build() {
    rm -rf "$out/clean"
    make --no-print-directory BUILD="$out/clean" tangle tools kernel
}
book_build() {
    rm -rf "$out/book"
    make --no-print-directory BUILD="$out/book" book
}

make --no-print-directory kernel > /dev/null
# Kernels with chosen programs, in their own output directories.
src=build/src
kvariant() {   # kvariant NAME [VAR=VALUE...] APP...: build src/out-bench-NAME/kernel.elf with those apps
    local name=$1 vars=(); shift
    while [[ ${1:-} == *=* ]]; do vars+=("$1"); shift; done
    make --no-print-directory -s -C "$src" O="out-bench-$name" "${vars[@]}" APPS="$*" > /dev/null
    echo "$src/out-bench-$name/kernel.elf"
}
hello_k=$(kvariant hello "$PWD/$src/out/user/hello.elf")
# Chapter 4's mmap (every page made at once: LAZY=0), and chapter 5's
# demand paging (pages made on first touch) beside it.
mmap_k=$(kvariant mmap LAZY=0 "$PWD/$src/out/user/bench_mmap.elf")
mmap_dbg_k=$(kvariant mmap-kdebug KDEBUG=1 LAZY=0 "$PWD/$src/out/user/bench_mmap.elf")
mmap_lazy_k=$(kvariant mmap-lazy "$PWD/$src/out/user/bench_mmap.elf")
hello4k_k=$(kvariant hello-4k MEGAPAGES=0 "$PWD/$src/out/user/hello.elf")
exhaust_k=$(kvariant exhaust "$PWD/$src/out/user/mmap_exhaust.elf")
fuzz_k=$(kvariant fuzz "$PWD/$src/out/user/fuzz.elf")
fork_k=$(kvariant fork "$PWD/$src/out/user/bench_fork.elf")
fork_eager_k=$(kvariant fork-eager COW=0 "$PWD/$src/out/user/bench_fork.elf")
# qemu_log KERNEL MEM [QEMU options...]: the console output, without \r
qemu_log() {
    local k=$1 m=$2; shift 2
    timeout 300 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 \
        -m "$m" -no-reboot "$@" -kernel "$k" < /dev/null | tr -d '\r'
}
$cc -march=rv64imac_zicsr -mabi=lp64 -nostdlib -Wl,-n -Wl,-Ttext=0x80200000 \
    -o "$out/floor.elf" bench/floor.S

build_s=$(time_cmd "$runs" clean_build)
boot_s=$(time_cmd "$runs" boot build/src/out/kernel.elf)
hello_s=$(time_cmd "$runs" boot "$hello_k")
# Boot to the first user instruction: the kernel logs the time CSR (us since
# reset) at the first dispatch; median over the runs.
first_us=$(for _ in $(seq "$runs"); do
    qemu_log "$hello_k" 128M | sed -n 's/.*first application (hello) starts \([0-9]*\) us after reset/\1/p'
done | median)
# Instructions per page of mmap + touch + munmap (deterministic: -icount),
# in the default build and in the debug build (KDEBUG=1), each split into
# its mmap, touch and munmap parts.
mmap_out=$(qemu_log "$mmap_k" 128M -icount shift=0 | grep '^bench_mmap: ') ||
    { echo "bench: bench_mmap printed nothing" >&2; exit 1; }
per_page=$(sed -n 's/.* \([0-9]*\) instructions per page.*/\1/p' <<< "$mmap_out")
split=$(sed -n 's/.*per page: mmap \([0-9]*\), touch \([0-9]*\), munmap \([0-9]*\)$/\1 \2 \3/p' <<< "$mmap_out")
dbg_out=$(qemu_log "$mmap_dbg_k" 128M -icount shift=0 | grep '^bench_mmap: ') ||
    { echo "bench: bench_mmap (KDEBUG=1) printed nothing" >&2; exit 1; }
per_page_dbg=$(sed -n 's/.* \([0-9]*\) instructions per page.*/\1/p' <<< "$dbg_out")
split_dbg=$(sed -n 's/.*per page: mmap \([0-9]*\), touch \([0-9]*\), munmap \([0-9]*\)$/\1 \2 \3/p' <<< "$dbg_out")
[ -n "$per_page_dbg" ] && [ -n "$split" ] && [ -n "$split_dbg" ] ||
    { echo "bench: cannot read bench_mmap's split: $mmap_out / $dbg_out" >&2; exit 1; }
read -r mmap_i touch_i munmap_i <<< "$split"
lazy_out=$(qemu_log "$mmap_lazy_k" 128M -icount shift=0 | grep '^bench_mmap: ') ||
    { echo "bench: bench_mmap (lazy) printed nothing" >&2; exit 1; }
per_page_lazy=$(sed -n 's/.* \([0-9]*\) instructions per page.*/\1/p' <<< "$lazy_out")
read -r mmap_lazy_i touch_lazy_i munmap_lazy_i <<< \
    "$(sed -n 's/.*per page: mmap \([0-9]*\), touch \([0-9]*\), munmap \([0-9]*\)$/\1 \2 \3/p' <<< "$lazy_out")"
[ -n "$per_page_lazy" ] && [ -n "$munmap_lazy_i" ] || { echo "bench: cannot read bench_mmap (lazy): $lazy_out" >&2; exit 1; }
read -r mmap_dbg_i touch_dbg_i munmap_dbg_i <<< "$split_dbg"
zero_page=$(sed -n 's/.*zeroing one page: \([0-9]*\)/\1/p' <<< "$mmap_out")
getpid_i=$(sed -n 's/.*per call: getpid \([0-9]*\), .*/\1/p' <<< "$mmap_out")
yield_i=$(sed -n 's/.*per call: .*sched_yield \([0-9]*\)$/\1/p' <<< "$mmap_out")
[ -n "$per_page" ] && [ -n "$zero_page" ] && [ -n "$getpid_i" ] && [ -n "$yield_i" ] ||
    { echo "bench: cannot read bench_mmap's output: $mmap_out" >&2; exit 1; }
# fork + exit + waitpid at 1 and 16 MiB touched, copy-on-write and eager
# (COW=0); a write fault that copies and one that takes the frame over.
fork_line() {   # fork_line KERNEL: "ONE SIXTEEN COPYFAULT TAKEOVER"
    local o; o=$(qemu_log "$1" 128M -icount shift=0 | grep '^bench_fork: ')
    printf '%s %s %s\n' \
        "$(sed -n 's/.*1 MiB \([0-9]*\), 16 MiB \([0-9]*\) instructions$/\1 \2/p' <<< "$o")" \
        "$(sed -n 's/.*write fault that copies: \([0-9]*\) instructions$/\1/p' <<< "$o")" \
        "$(sed -n 's/.*takes the frame over: \([0-9]*\) instructions$/\1/p' <<< "$o")"
}
read -r fork1_cow fork16_cow cow_fault_i takeover_i <<< "$(fork_line "$fork_k")"
read -r fork1_eager fork16_eager _ _ <<< "$(fork_line "$fork_eager_k")"
[ -n "$takeover_i" ] && [ -n "$fork16_eager" ] || { echo "bench: cannot read bench_fork's output" >&2; exit 1; }
per_page_more() { echo $(( ($2 - $1) / 3840 )); }
# Page-table pages of the kernel's own address space, by RAM size.
# With megapages (the default) and without (MEGAPAGES=0).
declare -A pt_pages pt_pages_4k
for m in 32M 128M 1G; do
    pt_pages[$m]=$(qemu_log "$hello_k" $m | sed -n 's/.*kernel address space: \([0-9]*\) page-table pages.*/\1/p')
    pt_pages_4k[$m]=$(qemu_log "$hello4k_k" $m | sed -n 's/.*kernel address space: \([0-9]*\) page-table pages.*/\1/p')
    [ -n "${pt_pages[$m]}" ] && [ -n "${pt_pages_4k[$m]}" ] || { echo "bench: no page-table line at $m" >&2; exit 1; }
done
# Under pressure (chapter 4): the pages one program maps, one mmap call
# each, until memory runs out; the slowest munmap of mmap_exhaust (which
# includes unmapping all of them in one call); the fuzzer's speed; and the
# slowest system call of each run, by the kernel's own clock (its last log
# lines: "slowest system call: NAME (NUM) by PROGRAM (pid N), US us").
declare -A exhaust_pages exhaust_worst exhaust_sys
slowest_call() {
    sed -n 's/^\[kernel\] slowest system call: \([a-z_]*\) ([0-9]*) by [a-z_0-9]* (pid [0-9]*), \([0-9]*\) us$/\2 \1/p'
}
for m in 32M 128M 1G; do
    e=$(qemu_log "$exhaust_k" $m)
    grep -q '^mmap_exhaust: OK$' <<< "$e" || { echo "bench: mmap_exhaust failed at $m: $e" >&2; exit 1; }
    exhaust_pages[$m]=$(sed -n 's/^mmap_exhaust: \([0-9]*\) pages (.*mapped one by one.*/\1/p' <<< "$e")
    exhaust_worst[$m]=$(sed -n 's/^mmap_exhaust: the slowest munmap took \([0-9]*\) us$/\1/p' <<< "$e")
    exhaust_sys[$m]=$(slowest_call <<< "$e")
    [ -n "${exhaust_sys[$m]}" ] || { echo "bench: no slowest system call line at $m" >&2; exit 1; }
done
f=$(qemu_log "$fuzz_k" 128M)
fuzz_rate=$(sed -n 's/^fuzz: .* (\([0-9]*\) calls\/s)$/\1/p' <<< "$f")
fuzz_sys=$(slowest_call <<< "$f")
[ -n "$fuzz_rate" ] && [ -n "$fuzz_sys" ] || { echo "bench: the fuzzer printed no rate or no slowest call" >&2; exit 1; }
worst_sys=$(printf '%s\n' "${exhaust_sys[@]}" "$fuzz_sys" | sort -n | tail -n 1)
floor_s=$(time_cmd "$runs" boot "$out/floor.elf")
# make grade on the reference: wall time of the whole command (build of the
# scratch tree, every test), the number of tests, and the sum of the tests'
# own times (what running them one after another would take at the least).
make --no-print-directory build/tools/grade > /dev/null
# $1: extra grader options; prints one line per run: wall, tests, build, phase, sum.
grade_bench() {
    for _ in $(seq "$runs"); do
        t0=$(now)
        g=$(make --no-print-directory grade GRADE_ARGS="$1" 2>&1) || { echo "bench: make grade failed: $g" >&2; exit 1; }
        t1=$(now)
        sed -n 's/^grade: \([0-9]*\) tests in [0-9.]*s: setup and build \([0-9.]*\)s, then the tests \([0-9.]*\)s (their own times add up to \([0-9.]*\)s)$/\1 \2 \3 \4/p' <<< "$g" |
            awk -v a="$t1" -v b="$t0" '{printf "%.4f %s %s %s %s\n", a - b, $1, $2, $3, $4}'
    done
}
grade_isolation=$(make --no-print-directory grade GRADE_ARGS='--test frames' 2>&1 |
                  sed -n 's/^grade: isolation: \([a-z]*\).*/\1/p')
grade_runs=$(grade_bench "")
[ "$(wc -l <<< "$grade_runs")" -eq "$runs" ] || { echo "bench: cannot read make grade's summary" >&2; exit 1; }
grade_s=$(awk '{print $1}' <<< "$grade_runs" | median)
grade_tests=$(awk '{print $2}' <<< "$grade_runs" | sort -u | head -n 1)
grade_build=$(awk '{print $3}' <<< "$grade_runs" | median)
grade_phase=$(awk '{print $4}' <<< "$grade_runs" | median)
grade_sum=$(awk '{print $5}' <<< "$grade_runs" | median)
# The same grade with no sandbox (--isolation none, for measuring only).
bare_runs=$(grade_bench "--isolation none")
[ "$(wc -l <<< "$bare_runs")" -eq "$runs" ] || { echo "bench: cannot read make grade's summary (no sandbox)" >&2; exit 1; }
grade_bare_s=$(awk '{print $1}' <<< "$bare_runs" | median)
grade_cost=$(awk -v a="$grade_s" -v b="$grade_bare_s" 'BEGIN {printf "%.2f", a / b}')

# Every lab's mutants (labs/LAB/mutants), graded in full: how many of the
# realistic mistakes the instructor's grader catches, and how many it
# blames on their own exercise (make test grades a sample only).
declare -A mut_all mut_killed mut_blamed mut_secs
mut_labs="lab4 lab5"
[ "${BENCH_MUTANTS:-1}" = 0 ] && mut_labs=
for lab in $mut_labs; do
    make --no-print-directory mutants LAB="${lab#lab}" > "$out/mutants-$lab.out" 2>&1 ||
        { echo "bench: make mutants LAB=${lab#lab} failed; see $out/mutants-$lab.out" >&2; exit 1; }
    line=$(grep "^mutants: $lab: [0-9]* of [0-9]* killed" "$out/mutants-$lab.out")
    read -r mut_killed[$lab] mut_all[$lab] mut_blamed[$lab] < <(sed -n \
        's/^mutants: [a-z0-9]*: \([0-9]*\) of \([0-9]*\) killed ([0-9]*%), \([0-9]*\) of .*/\1 \2 \3/p' <<< "$line")
    mut_secs[$lab]=$(sed -n 's/^mutants: .* graded in \([0-9]*\)s$/\1/p' "$out/mutants-$lab.out")
done
book_s=$(time_cmd 3 book_build)
rm -rf "$out/clean" "$out/book"

printf '%-44s %10s\n' "benchmark (median of $runs runs)" "seconds"
printf '%-44s %10.3f\n' "clean build: tangle + tools + kernel" "$build_s"
printf '%-44s %10.3f\n' "boot, run all programs, power off, 128M" "$boot_s"
printf '%-44s %10.3f\n' "boot, run hello, power off, 128M" "$hello_s"
printf '%-44s %10.3f\n' "  floor: one-line kernel, same QEMU + OpenSBI" "$floor_s"
printf '%-44s %10.3f\n' "  kernel's own share (boot - floor)" "$(awk -v a="$hello_s" -v b="$floor_s" 'BEGIN {print a - b}')"
printf '%-44s %10.3f\n' "reset to first user instruction (time CSR)" "$(awk -v u="$first_us" 'BEGIN {print u / 1e6}')"
printf '%-44s %10.3f\n' "book, HTML, clean (median of 3)" "$book_s"
printf '%-44s %10.3f\n' "make grade, reference, $grade_tests tests (target < 10)" "$grade_s"
printf '%-44s %10s\n' "  isolation of its steps" "$grade_isolation"
printf '%-44s %10.3f\n' "  without the sandbox (--isolation none)" "$grade_bare_s"
printf '%-44s %10.2f\n' "  sandbox's cost (ratio, target <= 1.20)" "$grade_cost"
printf '%-44s %10.3f\n' "  copy + build of the scratch tree" "$grade_build"
printf '%-44s %10.3f\n' "  the tests, $(nproc) at once" "$grade_phase"
printf '%-44s %10.3f\n' "  sum of the tests' own times" "$grade_sum"
printf '%-44s %10.2f\n' "  speed-up from parallel runs (sum / tests)" "$(awk -v a="$grade_sum" -v b="$grade_phase" 'BEGIN {print a / b}')"
echo
printf '%-44s %10s\n' "counts (deterministic; instructions under QEMU -icount)" ""
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '%-44s %10s\n' "instructions per page: mmap + touch + munmap" "$per_page"
printf '%-44s %10s\n' "  (default build; its mmap, touch, munmap)" "$mmap_i $touch_i $munmap_i"
printf '%-44s %10s\n' "  floor: zeroing one 4 KiB page" "$zero_page"
printf '%-44s %10s\n' "  ratio to the floor (target <= 1.30)" "$(ratio "$per_page" "$zero_page")"
printf '%-44s %10s\n' "  debug build (KDEBUG=1)" "$per_page_dbg"
printf '%-44s %10s\n' "  (debug build; its mmap, touch, munmap)" "$mmap_dbg_i $touch_dbg_i $munmap_dbg_i"
printf '%-44s %10s\n' "  debug build's ratio to the floor" "$(ratio "$per_page_dbg" "$zero_page")"
printf '%-44s %10s\n' "demand paging (chapter 5): per page, all told" "$per_page_lazy"
printf '%-44s %10s\n' "  (its mmap, first touch, munmap)" "$mmap_lazy_i $touch_lazy_i $munmap_lazy_i"
printf '%-44s %10s\n' "  first touch's ratio to zeroing a page" "$(ratio "$touch_lazy_i" "$zero_page")"
printf '%-44s %10s\n' "instructions per getpid (round trip)" "$getpid_i"
printf '%-44s %10s\n' "fork + exit + waitpid, 1 MiB touched, COW" "$fork1_cow"
printf '%-44s %10s\n' "  eager copy (COW=0)" "$fork1_eager"
printf '%-44s %10s\n' "fork + exit + waitpid, 16 MiB touched, COW" "$fork16_cow"
printf '%-44s %10s\n' "  eager copy (COW=0)" "$fork16_eager"
printf '%-44s %10s\n' "  each page more, COW / eager" "$(per_page_more "$fork1_cow" "$fork16_cow") / $(per_page_more "$fork1_eager" "$fork16_eager")"
printf '%-44s %10s\n' "  eager / COW at 16 MiB" "$(ratio "$fork16_eager" "$fork16_cow")"
printf '%-44s %10s\n' "a write fault that copies the page" "$cow_fault_i"
printf '%-44s %10s\n' "a write fault that takes the frame over" "$takeover_i"
printf '%-44s %10s\n' "instructions per sched_yield (via scheduler)" "$yield_i"
for m in 32M 128M 1G; do
    printf '%-44s %10s\n' "kernel page-table pages, $m (target <= 8)" "${pt_pages[$m]}"
    printf '%-44s %10s\n' "  without megapages (MEGAPAGES=0)" "${pt_pages_4k[$m]}"
done
echo
printf '%-44s %10s\n' "under pressure (wall clock under QEMU)" ""
for m in 32M 128M 1G; do
    printf '%-44s %10s\n' "pages one program maps one by one, $m" "${exhaust_pages[$m]}"
    printf '%-44s %10s\n' "  slowest munmap (us; all of them at once)" "${exhaust_worst[$m]}"
    printf '%-44s %10s\n' "  slowest system call, kernel's clock (us)" "${exhaust_sys[$m]% *} ${exhaust_sys[$m]#* }"
done
printf '%-44s %10s\n' "fuzzer, system calls per second, 128M" "$fuzz_rate"
printf '%-44s %10s\n' "  slowest system call, kernel's clock (us)" "${fuzz_sys% *} ${fuzz_sys#* }"
printf '%-44s %10s\n' "worst single system call above (us)" "${worst_sys% *} ${worst_sys#* }"
printf '%-44s %10s\n' "mutants killed by the grader (make mutants)" "${mut_labs:-skipped}"
for lab in $mut_labs; do
    printf '%-44s %10s\n' "  $lab: killed of all, blamed right (${mut_secs[$lab]}s)" \
        "${mut_killed[$lab]}/${mut_all[$lab]} ${mut_blamed[$lab]}"
done
cat > build/bench.json <<JSON
{
  "runs": $runs,
  "clean_build_s": $build_s,
  "boot_all_programs_s": $boot_s,
  "boot_hello_s": $hello_s,
  "reset_to_first_user_us": $first_us,
  "mmap_touch_munmap_instructions_per_page": $per_page,
  "per_page_split": {"mmap": $mmap_i, "touch": $touch_i, "munmap": $munmap_i},
  "kdebug_instructions_per_page": $per_page_dbg,
  "kdebug_per_page_split": {"mmap": $mmap_dbg_i, "touch": $touch_dbg_i, "munmap": $munmap_dbg_i},
  "zero_page_instructions": $zero_page,
  "lazy_instructions_per_page": $per_page_lazy,
  "lazy_per_page_split": {"mmap": $mmap_lazy_i, "first_touch": $touch_lazy_i, "munmap": $munmap_lazy_i},
  "getpid_instructions": $getpid_i,
  "sched_yield_instructions": $yield_i,
  "fork_exit_wait_instructions": {"cow": {"1MiB": $fork1_cow, "16MiB": $fork16_cow}, "eager": {"1MiB": $fork1_eager, "16MiB": $fork16_eager}},
  "cow_fault_copy_instructions": $cow_fault_i,
  "cow_fault_takeover_instructions": $takeover_i,
  "kernel_pagetable_pages": {"32M": ${pt_pages[32M]}, "128M": ${pt_pages[128M]}, "1G": ${pt_pages[1G]}},
  "kernel_pagetable_pages_4k": {"32M": ${pt_pages_4k[32M]}, "128M": ${pt_pages_4k[128M]}, "1G": ${pt_pages_4k[1G]}},
  "mmap_pages_one_by_one": {"32M": ${exhaust_pages[32M]}, "128M": ${exhaust_pages[128M]}, "1G": ${exhaust_pages[1G]}},
  "slowest_munmap_us": {"32M": ${exhaust_worst[32M]}, "128M": ${exhaust_worst[128M]}, "1G": ${exhaust_worst[1G]}},
  "slowest_syscall_us": {"32M": ${exhaust_sys[32M]% *}, "128M": ${exhaust_sys[128M]% *}, "1G": ${exhaust_sys[1G]% *}, "fuzz": ${fuzz_sys% *}},
  "worst_syscall": {"us": ${worst_sys% *}, "call": "${worst_sys#* }"},
  "fuzz_calls_per_s": $fuzz_rate,
  "boot_floor_s": $floor_s,
  "book_html_s": $book_s,
  "grade_s": $grade_s,
  "grade_tests": $grade_tests,
  "grade_build_s": $grade_build,
  "grade_tests_phase_s": $grade_phase,
  "grade_sum_of_test_times_s": $grade_sum,
  "grade_isolation": "$grade_isolation",
  "grade_no_sandbox_s": $grade_bare_s,
  "grade_sandbox_cost_ratio": $grade_cost,
  "mutants": $(if [ -n "$mut_labs" ]; then
      echo "{\"lab4\": {\"all\": ${mut_all[lab4]}, \"killed\": ${mut_killed[lab4]}, \"blamed_right\": ${mut_blamed[lab4]}, \"s\": ${mut_secs[lab4]}},"
      echo "              \"lab5\": {\"all\": ${mut_all[lab5]}, \"killed\": ${mut_killed[lab5]}, \"blamed_right\": ${mut_blamed[lab5]}, \"s\": ${mut_secs[lab5]}}}"
  else echo null; fi)
}
JSON
echo "(written to build/bench.json)"
