#!/usr/bin/env bash
# lab5-cut.sh: lab 5's solution regions in chapter 5, before the lab itself
# (its tests and make lab5) exists. Checks: the markers pair with
# labs/lab5/exercises (strip --check); the chapters 0-5 with every lab 5
# region replaced by its stub tangle to a kernel that builds (-Werror) and
# boots, and whose stubs say so (fork, exec and spawn each print their
# exercise's "not implemented" line, nothing panics, the kernel powers
# off); with every region kept, the tangle is generated/ but for the
# solution markers.
#
# usage: labs/tests/lab5-cut.sh STRIP
# PASS:/FAIL: lines; exit status 1 if any check failed.
set -uo pipefail
strip=${1:?usage: lab5-cut.sh STRIP}
[[ $strip == /* ]] || strip=$PWD/$strip
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
work=build/test/lab5-cut
chapters=(src.nw/0[0-5]-*.nw)
failed=0
pass() { echo "PASS: lab5-cut: $*"; }
fail() { echo "FAIL: lab5-cut: $*"; failed=1; }
rm -rf "$work"; mkdir -p "$work"
nex=$(grep -c '^exercise ' labs/lab5/exercises)

if out=$("$strip" --lab lab5 --exercises labs/lab5/exercises --check "${chapters[@]}" 2>&1); then
    pass "the markers of chapter 5 pair with labs/lab5/exercises ($nex exercises)"
else
    fail "strip --check: $(printf '%s\n' "$out" | head -n 3 | tr '\n' ' ')"
fi

# Every region kept: the tangle must be generated/ but for the markers
# (the stripper drops every lab's markers; the lines between them stay).
unmark() {      # unmark DIR: a copy without solution markers, in DIR.unmarked
    rm -rf "$1.unmarked"; cp -r "$1" "$1.unmarked"
    find "$1.unmarked" -type f -name '*.[chS]' | while read -r f; do
        awk '/\/\* BEGIN SOLUTION / { skip = 1 } skip { if ($0 ~ /\*\/[ \t]*$/) skip = 0; next }
             /\/\* END SOLUTION \*\// { next } { print }' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
    done
}
"$strip" --lab lab5 --exercises labs/lab5/exercises --keep "$(seq -s, 1 "$nex")" \
    --out "$work/kept-src" "${chapters[@]}" > "$work/kept.out" 2>&1 &&
    book/tangle.sh "$work/kept" "$work/kept-src"/*.nw >> "$work/kept.out" 2>&1
cp -r generated "$work/generated" && rm -rf "$work/generated/out"* && unmark "$work/generated" && unmark "$work/kept"
if diff -r -x .tangled "$work/kept.unmarked" "$work/generated.unmarked" > "$work/kept.diff" 2>&1; then
    pass "every solution kept: the tangle is generated/ without its solution markers"
else
    fail "every solution kept: differs from generated/ (markers aside); see $work/kept.diff"
fi

# The skeleton: stubs everywhere; it builds and boots.
sk=$work/skeleton
if "$strip" --lab lab5 --exercises labs/lab5/exercises --out "$work/src" "${chapters[@]}" > "$work/strip.out" 2>&1 &&
   book/tangle.sh "$sk" "$work/src"/*.nw >> "$work/strip.out" 2>&1 &&
   make -C "$sk" -j2 > "$work/build.out" 2>&1; then
    pass "the skeleton (every lab 5 region a stub) builds with -Werror"
else
    fail "the skeleton does not build; see $work/strip.out, $work/build.out"
    exit 1
fi
u=$PWD/$sk/out/user
if make -C "$sk" -s APPS="$u/forktest.elf $u/proc_exec.elf $u/proc_spawn.elf $u/proc_child.elf" > "$work/apps.out" 2>&1; then
    timeout 60 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 -m 32M -no-reboot \
        -kernel "$sk/out/kernel.elf" < /dev/null 2>&1 | tr -d '\r' > "$work/boot.log"
    status=${PIPESTATUS[0]}
else
    status=build
fi
bad=
[ "$status" = 0 ] || bad+=" exit status $status;"
grep -q '^\[kernel\] panic' "$work/boot.log" && bad+=" $(grep -m1 '^\[kernel\] panic' "$work/boot.log");"
for want in 'lab5 ex2: area_share not implemented' 'lab5 ex3: sys_exec not implemented' \
            'lab5 ex5: sys_spawn not implemented' 'all done, powering off'; do
    grep -q -F "$want" "$work/boot.log" || bad+=" no '$want';"
done
if [ -z "$bad" ]; then
    pass "the skeleton boots forktest, proc_exec and proc_spawn: fork, exec and spawn print their exercises' 'not implemented' lines, no panic, power off"
else
    fail "the skeleton's boot:$bad see $work/boot.log"
fi
[ $failed -ne 0 ] || rm -rf "$work"
exit $failed
