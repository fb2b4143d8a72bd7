#!/usr/bin/env bash
# grade-selftest.sh: the grader, graded. Builds fault-injected submissions
# from copies of the reference tree and checks what the grader makes of them.
#
# usage: grading/tests/grade-selftest.sh GRADE [REF]
# GRADE is the grader binary (build/tools/grade), REF the reference tree
# (default generated). Run from the top of the project. Prints one
# PASS:/FAIL: line per check; exit status 1 if any check failed. Scratch
# submissions go to build/test/grade/, the grader's runs to build/grade/st-*.
#
# The submissions (each a copy of REF, with one thing broken):
#   reference     REF itself: 100/100, exit 0, results.json of 10 passed tests
#   copyout       kernel/vm.c's copyout returns -1: loses exactly the points
#                 of the tests that copy out to user memory (copy, timeinfo)
#   mutant-*      one plausible bug for each test (frames, walk, unmap, copy,
#                 elf, timeinfo, mmap, ptdump, faults): that test fails
#   nobuild       kernel/vm.c does not compile: 0, every test "build failed"
#   hang          frame_alloc loops forever: every test fails by timeout,
#                 and the whole run stays within its time bound
#   panic         mm_new panics: every qemu test fails on the panic line
#   flood         sys_write writes forever: "output flood", not a timeout
#   spoof         the Makefile, the user library and a test program of the
#                 submission are changed: all ignored (and reported), 100/100
#   replay        a kernel that maps nothing and prints every line of the
#                 reference's run: every qemu test fails (new token and seed)
#   missing       kernel/mm.c absent: 0, "missing", nothing built
#   symlink       kernel/vm.c a symbolic link to the reference: refused
#   dirlink       kernel/ a symbolic link to the reference's: refused
# and a specification with an error: `grade: FILE:LINE: message`, status 2.
set -uo pipefail

grade=${1:?usage: grade-selftest.sh GRADE [REF]}
ref=${2:-generated}
work=build/test/grade
failed=0
pass() { echo "PASS: grade: $*"; }
fail() { echo "FAIL: grade: $*"; failed=1; }
rm -rf "$work"; mkdir -p "$work"

# A copy of the reference to break (no build products).
submission() {
    local d=$work/$1
    rm -rf "$d"; mkdir -p "$d"
    (cd "$ref" && tar cf - --exclude='./out*' .) | (cd "$d" && tar xf -)
    echo "$d"
}

# Run the grader on submission $1 (or the reference if $1 is -); extra args follow.
# Sets $out (its stdout+stderr), $status and $secs.
run_grade() {
    local sub=$1 name=$2; shift 2
    local t0=$SECONDS args=(--name "st-$name" --ref "$ref")
    [ "$sub" = - ] || args+=(--submission "$sub")
    out=$("$grade" "${args[@]}" "$@" 2>&1); status=$?
    secs=$((SECONDS - t0))
    printf '%s\n' "$out" > "$work/$name.out"
}

# The tests a run reports as passed / failed, space-separated, in order.
passed() { printf '%s\n' "$out" | awk '/^== Test /{t=$3} /^OK \(/{printf "%s ", t}'; }
failed_tests() { printf '%s\n' "$out" | awk '/^== Test /{t=$3} /^FAIL \(/{printf "%s ", t}'; }
score() { printf '%s\n' "$out" | sed -n 's/^Score: \([0-9]*\/[0-9]*\)$/\1/p'; }
all_tests="frames_unit frames walk unmap copy elf timeinfo mmap ptdump faults "

# Replace the body of C function $2 in file $1 (from its name at the start
# of a line to the closing brace in column 0) by the lines of $3.
replace_body() {
    local file=$1 fn=$2 body=$3
    awk -v fn="$fn" -v body="$body" '
        $0 ~ "^" fn "\\(" { infn = 1 }
        infn && $0 == "{" { print; print body; skip = 1; next }
        skip && $0 == "}" { skip = 0; infn = 0 }
        !skip { print }' "$file" > "$file.new" && mv "$file.new" "$file"
    grep -q -F -- "$body" "$file"
}

# ---- the reference ------------------------------------------------------------
run_grade - reference --json "$work/reference.json"
if [ $status -eq 0 ] && [ "$(score)" = 100/100 ] && [ "$(passed)" = "$all_tests" ]; then
    pass "reference: 100/100 in ${secs}s, all $(echo $all_tests | wc -w) tests pass, exit 0"
else
    fail "reference: status $status, score '$(score)', passed: $(passed); see $work/reference.out"
fi
j=$work/reference.json
if [ -s "$j" ] && grep -q '"score": 100,' "$j" && grep -q '"max_score": 100,' "$j" &&
   [ "$(grep -c '"status": "passed"' "$j")" -eq 10 ] && grep -q '"visibility": "hidden"' "$j" &&
   grep -q '"number": "1.2"' "$j" && grep -q '"execution_time": [0-9.]*,' "$j"; then
    pass "reference: results.json has the score, 10 passed tests, numbers and visibilities"
else
    fail "reference: results.json is not as expected: $j"
fi

# ---- copyout broken: exactly the copy-out tests fail ---------------------------
d=$(submission copyout)
if replace_body "$d/kernel/vm.c" copyout '    (void)pt; (void)dst; (void)src; (void)len; return -1;'; then
    run_grade "$d" copyout
    if [ "$(score)" = 75/100 ] && [ "$(failed_tests)" = "copy timeinfo " ] && [ $status -eq 1 ]; then
        pass "copyout returns -1: 75/100, only copy and timeinfo fail (exit 1)"
    else
        fail "copyout returns -1: score '$(score)', failed: '$(failed_tests)', status $status; want 75/100, 'copy timeinfo'; see $work/copyout.out"
    fi
else
    fail "copyout: could not inject the fault"
fi

# ---- every test can fail: one plausible student bug for each ------------------
# name | file | perl substitution (must change the file) | the test that must fail
mutants=(
 'nozero|kernel/frame.c|s/memset\(pa2kva\(ppn2pa\(p\)\), 0, PAGE_SIZE\);/;/|frames_unit'
 'nozero|kernel/frame.c|s/memset\(pa2kva\(ppn2pa\(p\)\), 0, PAGE_SIZE\);/;/|frames'
 'alias|kernel/vm.c|s/pte_t \*e = &pt\[vpn_index\(vpn, level\)\];/uint64 ix = vpn_index(vpn, level);\n        if (level == 2 && ix >= 64 && ix < 256)\n            ix -= 32;\n        pte_t *e = &pt[ix];/|walk'
 'noclear|kernel/vm.c|s/(frame_free\(pte_ppn\(\*e\)\);\n)(\s*)\*e = 0;/$1$2if (!free_frames)\n$2    *e = 0;/|unmap'
 'firstpage|kernel/vm.c|s/page < va \+ len; page \+= PAGE_SIZE/page < va + 1; page += PAGE_SIZE/|copy'
 'onepage|kernel/elf.c|s/elf \+ p->p_offset, p->p_filesz\)/elf + p->p_offset,\n                      p->p_filesz > PAGE_SIZE ? PAGE_SIZE : p->p_filesz)/|elf'
 'noyield|kernel/syscall.c|s/(\s*)t->syscall_times\[num\]\+\+;/$1if (num != SYS_sched_yield)$1    t->syscall_times[num]++;/|timeinfo'
 'prot|kernel/syscall.c|s/\(prot & ~7UL\) \x7c\x7c //|mmap'
 'flags|kernel/vm.c|s/"VRWXUGAD"/"VRWXGUAD"/|ptdump'
 'leak|kernel/mm.c|s/a->kind == AREA_FRAMED\);/a->kind == AREA_FRAMED \&\& a->use != USE_MMAP);/|faults'
)
declare -A made
for m in "${mutants[@]}"; do
    IFS='|' read -r name file subst test <<< "$m"
    d=$work/mutant-$name
    if [ -z "${made[$name]:-}" ]; then
        d=$(submission "mutant-$name")
        perl -0pi -e "$subst" "$d/$file"
        made[$name]=1
    fi
    if cmp -s "$ref/$file" "$d/$file"; then
        fail "mutant $name: could not inject the fault into $file"
        continue
    fi
    run_grade "$d" "mutant-$name-$test" --test "$test"
    if [ "$(failed_tests)" = "$test " ] && [[ $(score) == 0/* ]] && [ $status -eq 1 ]; then
        pass "mutant $name ($file): test $test fails: $(printf '%s\n' "$out" | sed -n 's/^FAIL (\(.*\))$/\1/p' | cut -c1-90)"
    else
        fail "mutant $name ($file): test $test does not fail; see $work/mutant-$name-$test.out"
    fi
done

# ---- a build failure ----------------------------------------------------------
d=$(submission nobuild)
echo 'this is not C;' >> "$d/kernel/vm.c"
run_grade "$d" nobuild --json "$work/nobuild.json"
n=$(printf '%s\n' "$out" | grep -c '^FAIL (build failed)$')
if [ "$(score)" = 0/100 ] && [ "$n" -eq 10 ] && printf '%s\n' "$out" | grep -q 'not C' &&
   [ "$(grep -c '"status": "failed"' "$work/nobuild.json")" -eq 10 ]; then
    pass "a kernel file that does not compile: 0/100, every test 'build failed', the compiler's error shown"
else
    fail "build failure: score '$(score)', $n tests 'build failed'; see $work/nobuild.out"
fi

# ---- a hang at boot -----------------------------------------------------------
d=$(submission hang)
if replace_body "$d/kernel/frame.c" frame_alloc '    for (;;)
        ;'; then
    # All 10 at once: one wave of time limits (5 s, 10 s for the host test).
    run_grade "$d" hang -j 10
    n=$(printf '%s\n' "$out" | grep -c -E '^FAIL \(timeout after (5|10)s\)$')
    if [ "$(score)" = 0/100 ] && [ "$n" -eq 10 ] && [ "$secs" -le 20 ]; then
        pass "frame_alloc hangs: every test fails by timeout, the run takes ${secs}s (bound 20s)"
    else
        fail "hang: score '$(score)', $n timeouts, ${secs}s; see $work/hang.out"
    fi
else
    fail "hang: could not inject the fault"
fi

# ---- a panic ------------------------------------------------------------------
d=$(submission panic)
if replace_body "$d/kernel/mm.c" mm_new '    panic("mm_new: injected");'; then
    run_grade "$d" panic
    n=$(printf '%s\n' "$out" | grep -c '^FAIL (unexpected (line [0-9]*): \[kernel\] panic at kernel/mm.c')
    if [ "$(score)" = 5/100 ] && [ "$n" -eq 9 ] && [ "$(passed)" = "frames_unit " ]; then
        pass "mm_new panics: every qemu test fails on the panic line, the frame unit test still passes (5/100)"
    else
        fail "panic: score '$(score)', $n panic failures; see $work/panic.out"
    fi
else
    fail "panic: could not inject the fault"
fi

# ---- an output flood ----------------------------------------------------------
d=$(submission flood)
if replace_body "$d/kernel/syscall.c" sys_write '    (void)fd; (void)buf; (void)len;
    for (;;)
        console_write("flood! ", 7);
    return 0;'; then
    run_grade "$d" flood --cap 65536
    n=$(printf '%s\n' "$out" | grep -c '^FAIL (output flood: more than 65536 bytes)$')
    if [ "$(score)" = 5/100 ] && [ "$n" -eq 9 ] &&
       [ "$(stat -c %s build/grade/st-flood/copy.log)" -le 65536 ]; then
        pass "sys_write floods: every qemu test fails by 'output flood', logs capped at --cap 64 KiB (${secs}s)"
    else
        fail "flood: score '$(score)', $n floods; see $work/flood.out"
    fi
else
    fail "flood: could not inject the fault"
fi

# ---- spoofing through files that are not editable -----------------------------
d=$(submission spoof)
printf '$(error this Makefile must never be used)\n' > "$d/Makefile"
printf '#error this user library must never be used\n' > "$d/user/lib/printf.c"
cat > "$d/user/g_copy.c" <<'EOF'
/* A spoofed test program: prints what it guesses the grader wants. */
#include "user.h"
int main(void) { printf("g_copy: OK refused=0xfff tv=ok\n"); return 0; }
EOF
mkdir -p "$d/grading" && echo 'lab spoof' > "$d/grading/tests.spec"
run_grade "$d" spoof
ign=$(printf '%s\n' "$out" | grep -c -E '^ignored: (Makefile|user/lib/printf\.c|user/g_copy\.c|grading/tests\.spec) \(')
if [ "$(score)" = 100/100 ] && [ "$ign" -eq 4 ]; then
    pass "changed Makefile, user library, an added test program and spec: all 4 reported ignored, 100/100"
else
    fail "spoof: score '$(score)', $ign of 4 files reported ignored; see $work/spoof.out"
fi

# ---- spoofing by replay: a kernel that does no work and prints every line -----
# of the reference's run above (programs' lines, exit lines, fault lines,
# dumps). The token and the seed are new in every run: none of it counts.
d=$(submission replay)
{
    printf 'static const char replay[] =\n'
    cat build/grade/st-reference/*.log | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/'
    printf '    ;\n'
    cat "$ref/kernel/syscall.c"
} > "$d/kernel/syscall.c"
if replace_body "$d/kernel/syscall.c" sys_mmap '    (void)start; (void)len; (void)prot;
    return -1;' &&
   replace_body "$d/kernel/syscall.c" sys_write '    (void)fd; (void)buf; (void)len;
    static int replayed;
    if (!replayed)
        console_write(replay, sizeof replay - 1);
    replayed = 1;
    return len;'; then
    run_grade "$d" replay
    n=$(grep -c '^g_[a-z_]*: [0-9a-f]\{32\} ' build/grade/st-replay/copy.log)
    if [ "$(score)" = 5/100 ] && [ "$(passed)" = "frames_unit " ] && [ "$n" -ge 15 ]; then
        pass "replay of the reference run's $n pass lines by a kernel that does no work: every qemu test fails (5/100: the host test of the reference frame.c)"
    else
        fail "replay: score '$(score)', passed: $(passed), $n replayed lines; see $work/replay.out"
    fi
else
    fail "replay: could not inject the fault"
fi

# ---- an editable file missing, or a symbolic link -----------------------------
d=$(submission missing)
rm "$d/kernel/mm.c"
run_grade "$d" missing
if [ "$(score)" = 0/100 ] && printf '%s\n' "$out" | grep -q 'kernel/mm.c (missing)' &&
   [ ! -e build/grade/st-missing/build.log ]; then
    pass "kernel/mm.c missing: 0/100, reported, nothing built"
else
    fail "missing file: score '$(score)'; see $work/missing.out"
fi
d=$(submission symlink)
ln -sf "$(cd "$ref" && pwd)/kernel/vm.c" "$d/kernel/vm.c"
run_grade "$d" symlink
if [ "$(score)" = 0/100 ] && printf '%s\n' "$out" | grep -q 'kernel/vm.c (not a regular file)'; then
    pass "kernel/vm.c a symbolic link to the solution: refused, 0/100"
else
    fail "symlink: score '$(score)'; see $work/symlink.out"
fi
d=$(submission dirlink)
rm -rf "$d/kernel" && ln -s "$(cd "$ref" && pwd)/kernel" "$d/kernel"
run_grade "$d" dirlink
if [ "$(score)" = 0/100 ] && printf '%s\n' "$out" | grep -q 'kernel/vm.c (a directory on its path is a link)'; then
    pass "kernel/ a symbolic link to the solution's: refused, 0/100"
else
    fail "dirlink: score '$(score)'; see $work/dirlink.out"
fi

# ---- an error in a specification ----------------------------------------------
spec=$work/bad.spec
mkdir -p "$work/progs"
printf 'lab x\neditable kernel/vm.c\n\ntest a\nexercise 1\npoints 5\nkind qemu\nprograms nosuch\n' > "$spec"
out=$("$grade" --spec "$spec" 2>&1); status=$?
if [ $status -eq 2 ] && printf '%s\n' "$out" | grep -q "^grade: $spec:8: programs: .*nosuch.c: No such file"; then
    pass "a bad specification: '$(printf '%s\n' "$out" | head -n 1)', status 2"
else
    fail "bad specification: status $status, said: $out"
fi
# The runs take ~10 MB each: keep them only to look at a failure.
[ $failed -ne 0 ] || rm -rf build/grade/st-*
exit $failed
