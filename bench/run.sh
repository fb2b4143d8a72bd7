#!/usr/bin/env bash
# run.sh: the project's benchmarks; a table on stdout and build/bench.json.
#
# usage: bench/run.sh [RUNS]   (RUNS defaults to 5; medians are reported)
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
$cc -march=rv64imac_zicsr -mabi=lp64 -nostdlib -Wl,-n -Wl,-Ttext=0x80200000 \
    -o "$out/floor.elf" bench/floor.S

build_s=$(time_cmd "$runs" clean_build)
boot_s=$(time_cmd "$runs" boot build/src/out/kernel.elf)
floor_s=$(time_cmd "$runs" boot "$out/floor.elf")
book_s=$(time_cmd 3 book_build)
rm -rf "$out/clean" "$out/book"

printf '%-44s %10s\n' "benchmark (median of $runs runs)" "seconds"
printf '%-44s %10.3f\n' "clean build: tangle + tools + kernel" "$build_s"
printf '%-44s %10.3f\n' "boot to power-off, 128M" "$boot_s"
printf '%-44s %10.3f\n' "  floor: one-line kernel, same QEMU + OpenSBI" "$floor_s"
printf '%-44s %10.3f\n' "  kernel's own share (boot - floor)" "$(awk -v a="$boot_s" -v b="$floor_s" 'BEGIN {print a - b}')"
printf '%-44s %10.3f\n' "book, HTML, clean (median of 3)" "$book_s"
cat > build/bench.json <<JSON
{
  "runs": $runs,
  "clean_build_s": $build_s,
  "boot_to_poweroff_s": $boot_s,
  "boot_floor_s": $floor_s,
  "book_html_s": $book_s
}
JSON
echo "(written to build/bench.json)"
