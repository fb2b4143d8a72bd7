#!/usr/bin/env bash
# grade-selftest.sh: the grader, graded. Builds fault-injected submissions
# from copies of the reference tree and checks what the grader makes of them.
#
# usage: grading/tests/grade-selftest.sh GRADE [REF]
# GRADE is the grader binary (build/tools/grade), REF the reference tree
# (default build/lab4-ref, the tangle of lab 4's chapters). Run from the top of the project. Prints one
# PASS:/FAIL: line per check; exit status 1 if any check failed. Scratch
# submissions go to build/test/grade/, the grader's runs to build/grade/runs/st-*.
#
# First the reference alone (100/100, exit 0, a results.json of 11 passed
# tests; the practice test walk_practice neither run nor named, in the
# report or the JSON), and mutants: one plausible bug for each test
# (frames_unit, frames, walk, walk_unit, unmap, kvm, vm_unit, copy, elf,
# elf_unit, timeinfo, mmap, munmap_unit, ptdump, faults, free_unit), graded
# on that test alone, which must fail. The practice
# test, made public in a copy of the spec as students get it: the
# reference passes it, the walk mutant fails it. Then one `grade --batch` of these
# submissions (copies of REF with one thing broken), into one CSV whose rows
# and the reports are checked:
#   reference     REF itself: 100/100
#   copyout       kernel/vm.c's copyout returns -1: loses exactly the points
#                 of the tests that copy out to user memory (copy, timeinfo)
#   nobuild       kernel/vm.c does not compile: 0, every test "build failed"
#   hang          (graded alone, on 4 tests) frame_alloc loops forever:
#                 every test fails by timeout,
#                 and the submission stays within its time bound
#   panic         mm_new panics: every QEMU test fails on the panic line
#   flood         sys_write writes forever: "output flood", not a timeout
#   replay        system calls that do no work and print every line of the
#                 reference's run: every program test fails (new token, seed)
# and a second batch, of the submissions whose checks are about how they are
# taken in (files, links, archives), graded on one test, copy (15 points
# here: a kernel built from all five files runs a program), into a CSV of its own:
#   spoof         the Makefile, the user library and a test program (copy's)
#                 of the submission are changed: all ignored (and reported), 15/15
#   missing       kernel/mm.c absent: 0, "missing", nothing built
#   symlink       kernel/vm.c a symbolic link to the reference: refused
#   dirlink       kernel/ a symbolic link to the reference's: refused
#   flat          the five files alone, no directories: graded, 15/15
#   nested        a directory holding one .tar.gz of a lab4/ tree: 15/15
#   hostile.tar.gz  the right files, and members with '..', absolute paths,
#                 links, devices, a FIFO, pax and GNU long names, a member too
#                 big: each refused with its reason, nothing written outside
#                 the scratch directory, the rest graded 15/15
#   notatar.tar.gz, badsum.tar.gz, cut.tar.gz  damaged archives: 0, why
#   notes.txt     a stray file: a "skipped" row
# (no walk_practice column, row or line in the CSVs or the reports), and
# specifications with an error: `grade: FILE:LINE: message`, status 2; for
# `total`, one whose graded tests (all but practice ones) and one whose
# students' tests (all but hidden ones) do not add up to it.
set -uo pipefail

grade=${1:?usage: grade-selftest.sh GRADE [REF]}
ref=${2:-build/lab4-ref}
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
spec=grading/lab4/tests.spec
# Every test of the spec the grader runs (not the practice ones), in order,
# and the hidden twins: TWIN:PUBLIC pairs.
all_tests=$(awk '/^test /{t=$2; n[++k]=t} /^visibility practice/{p[t]=1}
                 END{for (i=1; i<=k; i++) if (!p[n[i]]) printf "%s ", n[i]}' "$spec")
twins=$(awk '/^test /{t=$2} /^twin /{printf "%s:%s ", t, $2}' "$spec")
twin_of() { local p; for p in $twins; do [ "${p#*:}" = "$1" ] && echo "${p%%:*}"; done; }
# The spec without its hidden twins, each twin's points given back to its
# public test (as students' copies count them), and twins flag (its public
# tests have no twins; it keeps the hidden walk): the checks below that
# grade whole submissions many times use it, and keep their numbers.
nspec=$work/lab4-notwins/tests.spec
mkdir -p "$(dirname "$nspec")"
for x in progs ktests hidden values.c; do ln -sfn "$PWD/grading/lab4/$x" "$(dirname "$nspec")/$x"; done
ln -sfn "$PWD/grading/host" "$work/host"
ln -sfn "$PWD/grading/common" "$work/common"
awk 'NR == FNR { if ($1 == "test") t = $2; else if ($1 == "points") pts[t] = $2
                 else if ($1 == "twin") twin[t] = $2; next }
     FNR == 1 { for (h in twin) extra[twin[h]] += pts[h] }
     /^test / { name = $2; drop = (name in twin) }
     drop { next }
     $1 == "points" && extra[name] { $0 = "points " ($2 + extra[name]) }
     $1 == "twins" { $0 = "twins flag" }
     { print }' "$spec" "$spec" > "$nspec"
public_tests=$(awk '/^test /{t=$2; n[++k]=t} /^visibility practice/{p[t]=1}
                    END{for (i=1; i<=k; i++) if (!p[n[i]]) printf "%s ", n[i]}' "$nspec")

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
ntests=$(echo $all_tests | wc -w)
if [ $status -eq 0 ] && [ "$(score)" = 100/100 ] && [ "$(passed)" = "$all_tests" ] &&
   [ "$ntests" -ge 20 ] && ! grep -q suspicious "$work/reference.out"; then
    pass "reference: 100/100 in ${secs}s, all $ntests tests pass (twins: $(echo $twins | wc -w)), exit 0, nothing suspicious"
else
    fail "reference: status $status, score '$(score)', passed: $(passed); see $work/reference.out"
fi
j=$work/reference.json
if [ -s "$j" ] && grep -q '"score": 100,' "$j" && grep -q '"max_score": 100,' "$j" &&
   [ "$(grep -c '"status": "passed"' "$j")" -eq "$ntests" ] && grep -q '"visibility": "hidden"' "$j" &&
   grep -q '"number": "1.2"' "$j" && grep -q '"execution_time": [0-9.]*,' "$j"; then
    pass "reference: results.json has the score, $ntests passed tests, numbers and visibilities"
else
    fail "reference: results.json is not as expected: $j"
fi
if ! grep -q walk_practice "$work/reference.out" "$j" &&
   grep -q '^grade: 1 practice test not run ' "$work/reference.out"; then
    pass "reference: the practice test is not run, and named neither in the report nor in results.json (the report says '$(grep '^grade: 1 practice test' "$work/reference.out")')"
else
    fail "reference: walk_practice in the report or results.json, or no line about practice tests; see $work/reference.out, $j"
fi

# ---- every test can fail: one plausible student bug for each ------------------
# name | file | perl substitution (must change the file) | the test that must fail
mutants=(
 'nozero|kernel/frame.c|s/memset\(pa2kva\(ppn2pa\(p\)\), 0, PAGE_SIZE\);/;/|frames_unit'
 'nozero|kernel/frame.c|s/memset\(pa2kva\(ppn2pa\(p\)\), 0, PAGE_SIZE\);/;/|frames'
 'alias|kernel/vm.c|s/pte_t \*e = &pt\[vpn_index\(vpn, level\)\];/uint64 ix = vpn_index(vpn, level);\n        if (level == 2 && ix >= 64 && ix < 256)\n            ix -= 32;\n        pte_t *e = &pt[ix];/|walk'
 'ppnaspa|kernel/vm.c|s/pt = pa2kva\(pte_pa\(\*e\)\);/pt = pa2kva(pte_ppn(*e).n);/|walk'
 'nohuge|kernel/vm.c|s/if \(pte_leaf\(\*e\)\)\n\s*panic\("walk: huge page[^;]*;//|walk_unit'
 'noremap|kernel/vm.c|s/if \(\*e & PTE_V\)\n\s*panic\("map_pages: remap[^;]*;//|vm_unit'
 'noclear|kernel/vm.c|s/(frame_free\(pte_ppn\(\*e\)\);\n)(\s*)\*e = 0;/$1$2if (!free_frames)\n$2    *e = 0;/|unmap'
 'firstpage|kernel/vm.c|s/page < va \+ len; page \+= PAGE_SIZE/page < va + 1; page += PAGE_SIZE/|copy'
 'onepage|kernel/elf.c|s/elf \+ p->p_offset, p->p_filesz\)/elf + p->p_offset,\n                      p->p_filesz > PAGE_SIZE ? PAGE_SIZE : p->p_filesz)/|elf'
 'noyield|kernel/syscall.c|s/(\s*)t->syscall_times\[num\]\+\+;/$1if (num != SYS_sched_yield)$1    t->syscall_times[num]++;/|timeinfo'
 'prot|kernel/syscall.c|s/\(prot & ~7UL\) \x7c\x7c //|mmap'
 'noneed|kernel/vm.c|s/\(\*e & \(PTE_V \x7c need\)\) != \(PTE_V \x7c need\)/(*e \& PTE_V) != PTE_V/|kvm'
 'count|kernel/vm.c|s/int n = dump_level\(pt, 2, 0\);/int n = dump_level(pt, 2, 0) - 1;/|ptdump'
 'leak|kernel/mm.c|s/a->kind == AREA_FRAMED\);/a->kind == AREA_FRAMED \&\& a->use != USE_MMAP);/|faults'
 'userbit|kernel/vm.c|s/\*e = make_pte\(p, PTE_V\);/*e = make_pte(p, PTE_V \x7c PTE_U);/|frames'
 'notype|kernel/elf.c|s/p->p_type != PT_LOAD \x7c\x7c //|elf_unit'
 'wholeoff|kernel/mm.c|s/if \(s\.n <= a->start\.n && a->end\.n <= e\.n\)/if (s.n <= a->start.n \&\& a->end.n < e.n)/|munmap_unit'
 'nostruct|kernel/mm.c|s/\n\s*kfree\(mm\);\n(\s*\/\* END SOLUTION)/\n$1/|free_unit'
 'constleak|kernel/frame.c|s/(\n\s*fa\.rec\[i\]\.next = fa\.free_head;)/\n    if (i % 16 == 3)\n        return;$1/; s/(frame_free_count\(void\)\n\{\n)/$1    return 4242;\n/|faults'
)
# Two at a time: one grader run's build and its one or two QEMU tests leave
# a core idle much of the time (the grader's slots keep two runs apart).
declare -A made
for m in "${mutants[@]}"; do
    IFS='|' read -r name file subst test <<< "$m"
    d=$work/mutant-$name
    if [ -z "${made[$name]:-}" ]; then
        d=$(submission "mutant-$name")
        perl -0pi -e "$subst" "$d/$file"
        made[$name]=1
    fi
    cmp -s "$ref/$file" "$d/$file" && continue
    tw=$(twin_of "$test")
    ( run_grade "$d" "mutant-$name-$test" --test "$test" ${tw:+--test "$tw"}
      echo "$status" > "$work/mutant-$name-$test.status" ) &
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
done
wait
for m in "${mutants[@]}"; do
    IFS='|' read -r name file subst test <<< "$m"
    d=$work/mutant-$name
    if cmp -s "$ref/$file" "$d/$file"; then
        fail "mutant $name: could not inject the fault into $file"
        continue
    fi
    # The test, and its hidden twin if it has one: both must fail.
    tw=$(twin_of "$test")
    out=$(cat "$work/mutant-$name-$test.out" 2>/dev/null); status=$(cat "$work/mutant-$name-$test.status" 2>/dev/null)
    if [ "$(failed_tests)" = "$test ${tw:+$tw }" ] && [[ $(score) == 0/* ]] && [ "$status" = 1 ]; then
        pass "mutant $name ($file): test $test${tw:+ and its twin $tw} fail: $(printf '%s\n' "$out" | sed -n 's/^FAIL (\(.*\))$/\1/p' | head -n 1 | cut -c1-90)"
    else
        fail "mutant $name ($file): test $test${tw:+ or its twin $tw} does not fail; see $work/mutant-$name-$test.out"
    fi
done
# A kernel that traps in a student's function: the reason says which, and
# its exercise, from the panic line's sepc and the kernel's symbols.
r=$(sed -n 's/^FAIL (\(.*\))$/\1/p' "$work/mutant-ppnaspa-walk.out" 2>/dev/null | head -n 1)
if [[ $r =~ ^the\ kernel\ trapped\ \([A-Za-z]+,\ stval\ 0x[0-9a-f]+\)\ in\ walk\ \(exercise\ 2\)\; ]]; then
    pass "mutant ppnaspa: the kernel's trap is placed: '${r:0:80}'"
else
    fail "mutant ppnaspa: the reason does not say the kernel trapped in walk (exercise 2): '$r'"
fi

# A kernel whose page table does not map its own code (walk puts U on table
# entries, so the supervisor may not fetch through them): when paging goes
# on, the hart faults on its trap handler for ever. The timeout says so,
# from the monitor's CSRs (pc = stvec = sepc), and names the spec's
# tablefuncs with their exercises, and the last call.
r=$(sed -n 's/^FAIL (\(.*\))$/\1/p' "$work/mutant-userbit-frames.out" 2>/dev/null | head -n 1)
d=$(grep -m 1 '^    timeout after' "$work/mutant-userbit-frames.out" 2>/dev/null)
if [[ $r == "timeout after 5s: the kernel cannot run its own trap handler: its page table, from walk (exercise 2)"* ]] &&
   [[ $d == *"map_pages (exercise 3), maps it wrong: the hart traps for ever at the handler's first instruction, 0x"*" (instruction page fault, stval 0x"*"; satp 0x8"*"), last called from kvm_enable" ]]; then
    pass "mutant userbit: a kernel faulting for ever on its own trap handler is said to be, with the page table's builders: '${d:4:140}...'"
else
    fail "mutant userbit: the timeout does not say the kernel cannot run its trap handler: '$r' / '$d'"
fi

# ---- the practice test, as students run it -------------------------------------
# A copy of the spec with the practice tests made public, no total and twins
# flag (walk_practice has no twin; the hidden tests stay), beside
# the real programs, in-kernel tests and host tests.
sdir=$work/students/lab4
mkdir -p "$sdir"
for x in progs ktests hidden; do ln -s "$PWD/grading/lab4/$x" "$sdir/$x"; done
ln -s "$PWD/grading/host" "$work/students/host"
ln -s "$PWD/grading/common" "$work/students/common"
ln -s "$PWD/grading/lab4/values.c" "$sdir/values.c"
grep -v -e '^visibility practice$' -e '^total ' grading/lab4/tests.spec |
    sed 's/^twins gate$/twins flag/' > "$sdir/tests.spec"
ppts=$(awk '$1 == "test" { t = $2 } t == "walk_practice" && $1 == "points" { print $2; exit }' "$sdir/tests.spec")
run_grade - practice-reference --spec "$sdir/tests.spec" --test walk_practice
if [ $status -eq 0 ] && [ "$(passed)" = "walk_practice " ] && [ "$(score)" = "$ppts/$ppts" ]; then
    pass "walk_practice (made public, as students get it): the reference passes it (${secs}s)"
else
    fail "walk_practice on the reference: status $status, score '$(score)'; see $work/practice-reference.out"
fi
run_grade "$work/mutant-alias" practice-alias --spec "$sdir/tests.spec" --test walk_practice
if [ "$(failed_tests)" = "walk_practice " ] && [ "$(score)" = "0/$ppts" ] && [ $status -eq 1 ]; then
    pass "mutant alias (kernel/vm.c): walk_practice fails too: $(printf '%s\n' "$out" | sed -n 's/^FAIL (\(.*\))$/\1/p' | cut -c1-90)"
else
    fail "mutant alias: walk_practice does not fail; see $work/practice-alias.out"
fi

# ---- suspicious: a public test passes, its hidden twin fails --------------------
# A copy of the spec whose twin frames_h wants a line no kernel prints: the
# reference passes frames and fails frames_h, which the report, and the CSV
# of a batch, call suspicious. Under twins gate (lab 4's) neither counts:
# 0/5; under twins flag frames still counts: 3/5.
susdir=$work/suspicious/lab4
mkdir -p "$susdir" "$work/suspicious/batch"
for x in progs ktests hidden values.c; do ln -sfn "$PWD/grading/lab4/$x" "$susdir/$x"; done
ln -sfn "$PWD/grading/host" "$work/suspicious/host"
ln -sfn "$PWD/grading/common" "$work/suspicious/common"
awk '/^test /{t=$2} t == "frames_h" && /^expect \^h_frames:/{print "expect ^h_frames: no kernel prints this$"; next} {print}' \
    "$spec" > "$susdir/tests.spec"
run_grade - suspicious --spec "$susdir/tests.spec" --test frames --test frames_h
if [ $status -eq 1 ] && [ "$(passed)" = "frames " ] && [ "$(failed_tests)" = "frames_h " ] &&
   grep -q '^grade: suspicious: frames passes, but its hidden twin frames_h fails .*; so neither counts (twins gate)$' "$work/suspicious.out" &&
   grep -q '^Score: 0/5 (suspicious: see above)$' "$work/suspicious.out"; then
    pass "suspicious: frames passes and its twin frames_h fails, neither counts (0/5): '$(grep '^grade: suspicious' "$work/suspicious.out" | cut -c1-100)'"
else
    fail "suspicious: not reported, or frames counted under twins gate; see $work/suspicious.out"
fi
sed 's/^twins gate$/twins flag/' "$susdir/tests.spec" > "$susdir/flag.spec"
run_grade - suspicious-flag --spec "$susdir/flag.spec" --test frames --test frames_h
if [ $status -eq 1 ] && grep -q '^twins flag$' "$susdir/flag.spec" &&
   grep -q '^grade: suspicious: frames passes, but its hidden twin frames_h fails ([^;]*)$' "$work/suspicious-flag.out" &&
   grep -q '^Score: 3/5 (suspicious: see above)$' "$work/suspicious-flag.out"; then
    pass "suspicious under twins flag: frames still counts (3/5), reported suspicious"
else
    fail "suspicious under twins flag: see $work/suspicious-flag.out"
fi
cp -r "$ref" "$work/suspicious/batch/alice"
rm -rf "$work/suspicious/batch/alice/out"*
"$grade" --spec "$susdir/tests.spec" --ref "$ref" --batch "$work/suspicious/batch" --csv "$work/suspicious.csv" \
    --out build/grade/st-suspicious --test frames --test frames_h > "$work/suspicious-batch.out" 2>&1
if head -n 1 "$work/suspicious.csv" | grep -q ',suspicious,seconds,' &&
   grep -q '^alice,0,5,graded,,0,0,[,]*,frames,[0-9.]*,' "$work/suspicious.csv"; then
    pass "suspicious: the batch's CSV names frames in its suspicious column, and counts it 0"
else
    fail "suspicious: not in the CSV; see $work/suspicious.csv"
fi

# ---- the fault-injected submissions, graded in two batches ----------------------
# Each is made in $work/batch/ (graded on every test), or, if what its check
# is about is how a submission is taken in, in $work/intake/ (a directory, or
# an archive; graded on copy alone); one `grade --batch` grades each
# directory into one CSV; each report is then checked.
b=$work/batch ib=$work/intake
mkdir -p "$b" "$ib"
bsub() { local d; d=$(submission "batch/$1"); echo "$d"; }
isub() { local d; d=$(submission "intake/$1"); echo "$d"; }
bout=build/grade/st-batch ibout=build/grade/st-intake
# copy's points in $nspec (its twin's given back): full marks in the intake batch
ipts=$(awk '$1 == "test" { t = $2 } t == "copy" && $1 == "points" { print $2 }' "$nspec")
evil=/tmp/grade-selftest-evil-$$          # nothing may ever be written here
evil_abs=$PWD/$work/evil-absolute
rm -rf "$evil" "$evil_abs"*

# The reference itself, as a submission.
bsub reference > /dev/null

# copyout returns -1: loses exactly the points of the tests that copy out.
d=$(bsub copyout)
replace_body "$d/kernel/vm.c" copyout '    (void)pt; (void)dst; (void)src; (void)len; return -1;' ||
    fail "copyout: could not inject the fault"

# A kernel file that does not compile.
d=$(bsub nobuild)
echo 'this is not C;' >> "$d/kernel/vm.c"

# A hang at boot: frame_alloc loops forever (graded on its own, below: a
# hanging QEMU burns its core until its time limit).
d=$(submission hang)
replace_body "$d/kernel/frame.c" frame_alloc '    for (;;)
        ;' || fail "hang: could not inject the fault"

# A panic: mm_new panics.
d=$(bsub panic)
replace_body "$d/kernel/mm.c" mm_new '    panic("mm_new: injected");' ||
    fail "panic: could not inject the fault"

# An output flood: sys_write writes forever.
d=$(bsub flood)
replace_body "$d/kernel/syscall.c" sys_write '    (void)fd; (void)buf; (void)len;
    for (;;)
        console_write("flood! ", 7);
    return 0;' || fail "flood: could not inject the fault"

# Spoofing through files that are not editable.
d=$(isub spoof)
printf '$(error this Makefile must never be used)\n' > "$d/Makefile"
printf '#error this user library must never be used\n' > "$d/user/lib/printf.c"
cat > "$d/user/g_copy.c" <<'EOF'
/* A spoofed test program: prints what it guesses the grader wants. */
#include "user.h"
int main(void) { printf("g_copy: OK refused=0xfff tv=ok\n"); return 0; }
EOF
mkdir -p "$d/grading" && echo 'lab spoof' > "$d/grading/tests.spec"

# Spoofing by replay: a kernel that does no work and prints every line of the
# reference's run above (programs' lines, exit lines, fault lines, dumps),
# each once, without the firmware's banners: it fits under the batch's cap,
# so its tests fail on what it printed, not by a flood.
# The token and the seed are new in every run: none of it counts.
d=$(bsub replay)
{
    printf 'static const char replay[] =\n'
    awk 'FNR == 1 { k = 0 } /^\[kernel\]/ { k = 1 } k && !seen[$0]++' \
        build/grade/runs/st-reference/*.log | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/'
    printf '    ;\n'
    cat "$ref/kernel/syscall.c"
} > "$d/kernel/syscall.c"
replace_body "$d/kernel/syscall.c" sys_mmap '    (void)start; (void)len; (void)prot;
    return -1;' &&
replace_body "$d/kernel/syscall.c" sys_write '    (void)fd; (void)buf; (void)len;
    static int replayed;
    if (!replayed)
        console_write(replay, sizeof replay - 1);
    replayed = 1;
    return len;' || fail "replay: could not inject the fault"

# An editable file missing, a symbolic link, a directory that is a link.
d=$(isub missing); rm "$d/kernel/mm.c"
d=$(isub symlink); ln -sf "$(cd "$ref" && pwd)/kernel/vm.c" "$d/kernel/vm.c"
d=$(isub dirlink); rm -rf "$d/kernel" && ln -s "$(cd "$ref" && pwd)/kernel" "$d/kernel"

# Uploads as students make them: the five files alone; a directory holding
# only a .tar.gz of a tree with a top directory.
editable="frame vm mm elf syscall"
mkdir -p "$ib/flat"
for f in $editable; do cp "$ref/kernel/$f.c" "$ib/flat/"; done
mkdir -p "$work/lab4/kernel" "$ib/nested"
for f in $editable; do cp "$ref/kernel/$f.c" "$work/lab4/kernel/"; done
tar czf "$ib/nested/lab4.tar.gz" -C "$work" lab4

# A hostile archive: the right files, and members that try to write
# outside the scratch directory (traversal, absolute paths, through a link
# it would have made, by pax and GNU long names), links, devices, a FIFO
# and a member too big.
members=(d:lab4 d:lab4/kernel)
for f in $editable; do members+=("f:lab4/kernel/$f.c:$ref/kernel/$f.c"); done
members+=("s:../../../../../../../../..$evil-dotdot:pwned"
          "s:$evil_abs:pwned"
          "l:lab4/esc:/tmp" "s:lab4/esc/$(basename "$evil")-via-link:pwned"
          "h:lab4/hard:/etc/passwd" "c:lab4/tty" "b:lab4/disk" "p:lab4/fifo"
          "x:lab4/pax:../../../../../../../..$evil-pax" "s:lab4/pax:pwned"
          "L:x:lab4/../../../../../../../..$evil-long" "s:lab4/long:pwned"
          "z:lab4/big:2000000")
grading/tests/mktar.pl "${members[@]}" | gzip > "$ib/hostile.tar.gz"
# Damaged archives: not a tar, a bad header checksum, cut short; a stray file.
printf 'not an archive\n' | gzip > "$ib/notatar.tar.gz"
grading/tests/mktar.pl bad:lab4/kernel/vm.c | gzip > "$ib/badsum.tar.gz"
grading/tests/mktar.pl d:lab4 cut:lab4/kernel/vm.c:5000 | gzip > "$ib/cut.tar.gz"
echo 'notes' > "$ib/notes.txt"

t0=$SECONDS
# --cap 24 KiB: the reference's largest log is about 6 KiB and the replay
# below about 18 KiB, and the flood must reach the cap well inside its 5 s
# even with 6 QEMUs on 2 cores and make test's other lane beside them
# (64 KiB took over 5 s once in CI).
out=$("$grade" --spec "$nspec" --ref "$ref" --batch "$b" --csv "$work/scores.csv" --out "$bout" --parallel 3 -j 2 --cap 24576 2>&1)
status=$?
secs=$((SECONDS - t0))
printf '%s\n' "$out" > "$work/batch.out"
nsubs=$(ls "$b" | wc -l)
csv_head="^submission,score,max_score,status,frames_unit,frames,walk,walk_unit,unmap,kvm,vm_unit,elf,elf_kernel,elf_unit,mmap,munmap_unit,copy,timeinfo,ptdump,faults,free_unit,suspicious,seconds,message"
if [ $status -eq 0 ] && [ "$(wc -l < "$work/scores.csv")" -eq $((nsubs + 1)) ] &&
   head -n 1 "$work/scores.csv" | grep -q "$csv_head"; then
    pass "batch: $nsubs submissions graded in ${secs}s into one CSV with a column per test"
else
    fail "batch: status $status, CSV $(wc -l < "$work/scores.csv" 2>/dev/null) lines for $nsubs submissions; see $work/batch.out"
fi
# The batch's test programs: built by one submission's run, taken by the
# others' (one seed and token key a batch), and gone at its end.
took=$(grep -l '^grade: the test programs of this batch, built once' "$bout"/*/run/progs.log 2> /dev/null | wc -l)
left=$(find "$bout" -maxdepth 1 -name '.progs-*' | wc -l)
if [ "$took" -eq $((nsubs - 1)) ] && [ "$left" -eq 0 ]; then
    pass "batch: the test programs built once for the $nsubs submissions ($took took them), none left after"
else
    fail "batch: $took of $nsubs submissions took the batch's programs (want $((nsubs - 1))), $left caches left in $bout"
fi
t0=$SECONDS
out=$("$grade" --spec "$nspec" --ref "$ref" --batch "$ib" --csv "$work/intake.csv" --out "$ibout" --parallel 3 -j 2 --cap 65536 \
      --test copy 2>&1)
status=$?
secs=$((SECONDS - t0))
printf '%s\n' "$out" > "$work/intake.out"
nisubs=$(ls "$ib" | wc -l)
if [ $status -eq 0 ] && [ "$(wc -l < "$work/intake.csv")" -eq $((nisubs + 1)) ] &&
   head -n 1 "$work/intake.csv" | grep -q "$csv_head" && [ "$ipts" -gt 0 ] 2>/dev/null; then
    pass "intake batch: $nisubs submissions graded on copy ($ipts points) in ${secs}s into one CSV with a column per test"
else
    fail "intake batch: status $status, CSV $(wc -l < "$work/intake.csv" 2>/dev/null) lines for $nisubs submissions; see $work/intake.out"
fi

# The report of batch submission $1 becomes $out; its CSV row $row (from
# the batch in $rdir, its CSV $rcsv, out of $rmax points).
rdir=$bout rcsv=$work/scores.csv rmax=100
report() {
    out=$(cat "$rdir/$1/report.txt" 2>/dev/null)
    row=$(grep "^$1," "$rcsv" | tr -d '\r')
}
# Check the CSV row: submission $1 has score $2 and status $3.
csv_is() { [[ $row == "$1,$2,$rmax,$3,"* ]]; }

report reference
if [ "$(score)" = 100/100 ] && [ "$(passed)" = "$public_tests" ] && csv_is reference 100 graded &&
   [[ $row == reference,100,100,graded,5,5,8,2,5,7,3,5,2,3,8,2,15,10,10,8,2,* ]]; then
    pass "batch reference: 100/100, every test's points in its row"
else
    fail "batch reference: score '$(score)', row '$row'"
fi

report copyout
if [ "$(score)" = 75/100 ] && [ "$(failed_tests)" = "copy timeinfo " ] &&
   [[ $row == copyout,75,100,graded,5,5,8,2,5,7,3,5,2,3,8,2,0,0,10,8,2,* ]]; then
    pass "copyout returns -1: 75/100, only copy and timeinfo fail"
else
    fail "copyout returns -1: score '$(score)', failed: '$(failed_tests)', row '$row'; want 75/100, 'copy timeinfo'"
fi

report nobuild
n=$(printf '%s\n' "$out" | grep -c '^FAIL (build failed)$')
if [ "$(score)" = 0/100 ] && [ "$n" -eq 17 ] && grep -q 'not C' <<< "$out" &&
   [ "$(grep -c '"status": "failed"' "$bout/nobuild/results.json")" -eq 17 ] && csv_is nobuild 0 'build failed'; then
    pass "a kernel file that does not compile: 0/100, every test 'build failed', the compiler's error shown"
else
    fail "build failure: score '$(score)', $n tests 'build failed', row '$row'"
fi

run_grade "$work/hang" hang --spec "$nspec" -j 2 --test frames_unit --test frames --test walk --test kvm
n=$(printf '%s\n' "$out" | grep -c -E '^FAIL \(timeout after (5|10)s[):]')
# The QEMU tests say where the kernel was (its monitor's pc, named from
# the kernel's symbols); the host test has no monitor.
nwhere=$(printf '%s\n' "$out" | grep -c -E '^FAIL \(timeout after 5s: the kernel was in frame_alloc \(exercise 1\)')
hang_secs=$(printf '%s\n' "$out" | sed -n 's/^grade: 4 tests in \([0-9]*\)\..*/\1/p')
if [ "$(score)" = 0/25 ] && [ "$n" -eq 4 ] && [ "$nwhere" -eq 3 ] && [ "${hang_secs:-999}" -le 25 ]; then
    pass "frame_alloc hangs: every test fails by timeout, the 3 QEMU ones saying the kernel was in frame_alloc (exercise 1); the submission takes ${hang_secs}s (bound 25s: 10s + 3 x 5s + 5s, two at a time)"
else
    fail "hang: score '$(score)', $n timeouts, $nwhere of 3 in frame_alloc (exercise 1), ${hang_secs}s; see $work/hang.out"
fi

report panic
n=$(printf '%s\n' "$out" | grep -c '^FAIL (unexpected (line [0-9]*): \[kernel\] panic at kernel/mm.c')
if [ "$(score)" = 10/100 ] && [ "$n" -eq 11 ] && [ "$(passed)" = "frames_unit walk_unit vm_unit " ] && csv_is panic 10 graded; then
    pass "mm_new panics (the kernel's own address space is an mm): every QEMU test fails on the panic line, the host tests of frame.c and vm.c still pass, those of elf.c and mm.c fail (10/100)"
else
    fail "panic: score '$(score)', $n panic failures, row '$row'"
fi

report flood
n=$(printf '%s\n' "$out" | grep -c '^FAIL (output flood: more than 24576 bytes)$')
if [ "$(score)" = 26/100 ] && [ "$n" -eq 9 ] && [ "$(stat -c %s "$bout/flood/run/copy.log")" -le 24576 ] &&
   csv_is flood 26 graded; then
    pass "sys_write floods: every qemu test fails by 'output flood', logs capped at --cap 24 KiB (the 26: the tests that write nothing)"
else
    fail "flood: score '$(score)', $n floods, row '$row'; $(printf '%s\n' "$out" | grep -c '^FAIL (timeout') by timeout"
fi

report replay
n=$(grep -c '^g_[a-z_]*: [0-9a-f]\{32\} ' "$bout/replay/run/copy.log")
nflood=$(printf '%s\n' "$out" | grep -c '^FAIL (output flood' || true)
if [ "$(score)" = 26/100 ] && [ "$(passed)" = "frames_unit walk_unit kvm vm_unit elf_kernel elf_unit munmap_unit free_unit " ] && [ "$n" -ge 15 ] &&
   [ "$nflood" -eq 0 ] && csv_is replay 26 graded; then
    pass "spoofed: a kernel whose system calls do no work and print the reference run's $n pass lines scores 26/100: every program test fails on what it printed (none by a flood); the 26 are the host and in-kernel tests of its untouched frame.c, vm.c, elf.c and mm.c"
else
    fail "replay: score '$(score)', passed: $(passed), $n replayed lines, $nflood floods, row '$row'"
fi

# The intake batch: graded on copy alone.
rdir=$ibout rcsv=$work/intake.csv rmax=$ipts
report spoof
ign=$(printf '%s\n' "$out" | grep -c -E '^ignored: (Makefile|user/lib/printf\.c|user/g_copy\.c|grading/tests\.spec) \(')
if [ "$(score)" = "$ipts/$ipts" ] && [ "$(passed)" = "copy " ] && [ "$ign" -eq 4 ] && csv_is spoof "$ipts" graded; then
    pass "changed Makefile, user library, an added test program (copy's) and spec: all 4 reported ignored, copy passes, $ipts/$ipts"
else
    fail "spoof: score '$(score)', $ign of 4 files reported ignored, row '$row'"
fi

report missing
if [ "$(score)" = "0/$ipts" ] && grep -q 'kernel/mm.c (missing)' <<< "$out" &&
   [ ! -e "$ibout/missing/run/build.log" ] && csv_is missing 0 unusable; then
    pass "kernel/mm.c missing: 0/$ipts, reported, nothing built"
else
    fail "missing file: score '$(score)', row '$row'"
fi
report symlink
if [ "$(score)" = "0/$ipts" ] && grep -q 'kernel/vm.c (not a regular file)' <<< "$out" &&
   csv_is symlink 0 unusable; then
    pass "kernel/vm.c a symbolic link to the solution: refused, 0/$ipts"
else
    fail "symlink: score '$(score)', row '$row'"
fi
report dirlink
if [ "$(score)" = "0/$ipts" ] && grep -q 'kernel/vm.c (a directory on its path is a link)' <<< "$out" &&
   csv_is dirlink 0 unusable; then
    pass "kernel/ a symbolic link to the solution's: refused, 0/$ipts"
else
    fail "dirlink: score '$(score)', row '$row'"
fi

report flat
n=$(printf '%s\n' "$out" | grep -c -E '^took (frame|vm|mm|elf|syscall)\.c for kernel/')
if [ "$(score)" = "$ipts/$ipts" ] && [ "$n" -eq 5 ] && ! grep -q '^ignored:' <<< "$out" &&
   csv_is flat "$ipts" graded; then
    pass "the five files uploaded alone: each taken for its place in the tree, $ipts/$ipts"
else
    fail "flat: score '$(score)', $n files taken, row '$row'"
fi
report nested
if [ "$(score)" = "$ipts/$ipts" ] && grep -q '^unpacking lab4.tar.gz$' <<< "$out" &&
   csv_is nested "$ipts" graded; then
    pass "a directory holding one .tar.gz of a tree with a top directory: unpacked, $ipts/$ipts"
else
    fail "nested: score '$(score)', row '$row'"
fi

report hostile
n=$(printf '%s\n' "$out" | grep -c '^archive: refused ')
outside=$(ls -d "$evil"* "$evil_abs"* /tmp/"$(basename "$evil")"-via-link 2>/dev/null)
if [ "$(score)" = "$ipts/$ipts" ] && [ "$n" -eq 10 ] && [ -z "$outside" ] && csv_is hostile "$ipts" graded &&
   grep -q "^archive: refused ../../.*$(basename "$evil")-dotdot (a '..' in its path)$" <<< "$out" &&
   grep -q "^archive: refused $evil_abs (an absolute path)$" <<< "$out" &&
   grep -q "^archive: refused lab4/esc (a symbolic link to /tmp: links are not unpacked)$" <<< "$out" &&
   grep -q "^archive: refused lab4/tty (a device)$" <<< "$out" &&
   grep -q "^archive: refused lab4/big (2000000 bytes; the limit is 1048576)$" <<< "$out" &&
   [ -f "$ibout/hostile/run/unpacked/lab4/esc/$(basename "$evil")-via-link" ]; then
    pass "hostile archive: $n members refused with their reasons (traversal, absolute, links, devices, FIFO, pax and long names, size), nothing written outside the scratch directory, the rest graded $ipts/$ipts"
else
    fail "hostile archive: score '$(score)', $n refusals, outside: '$outside', row '$row'"
fi

report notatar
if csv_is notatar 0 unusable && grep -q 'notatar.tar.gz: not a tar archive' <<< "$out"; then
    pass "a gzip file that is not a tar: 0/$ipts, '$(printf '%s\n' "$out" | grep -o 'not a tar archive.*' | head -n 1)'"
else
    fail "notatar: row '$row'"
fi
report badsum
if csv_is badsum 0 unusable && grep -q 'badsum.tar.gz: not a tar archive (bad header at byte 0)' <<< "$out"; then
    pass "a tar header with a bad checksum: 0/$ipts, refused"
else
    fail "badsum: row '$row'"
fi
report cut
if csv_is cut 0 unusable && grep -q 'cut.tar.gz: it ends inside lab4/kernel/vm.c' <<< "$out"; then
    pass "an archive cut short: 0/$ipts, 'it ends inside lab4/kernel/vm.c'"
else
    fail "cut: row '$row'"
fi
# (a skipped row is out of the whole spec's points: nothing of it was graded)
row=$(grep '^notes.txt,' "$rcsv" | tr -d '\r')
if [[ $row == 'notes.txt,0,100,skipped,'*',not a directory or a .tar.gz archive' ]]; then
    pass "a stray file in the batch directory: a 'skipped' row"
else
    fail "stray file: row '$row'"
fi
rm -rf "$evil"* "$evil_abs"*
if ! grep -q walk_practice "$work/scores.csv" "$work/intake.csv" "$bout"/*/report.txt "$bout"/*/results.json \
        "$ibout"/*/report.txt "$ibout"/*/results.json; then
    pass "batches: no walk_practice in the CSVs, the reports or the results.json files"
else
    fail "batches: walk_practice in $(grep -l walk_practice "$work/scores.csv" "$work/intake.csv" "$bout"/*/report.txt "$bout"/*/results.json "$ibout"/*/report.txt "$ibout"/*/results.json | head -n 3 | tr '\n' ' ')"
fi

# ---- --lab: a lab by name ----------------------------------------------------------
out=$("$grade" --lab 'lab4/../x' 2>&1); status=$?
out2=$(GRADE_ROOT=$PWD "$grade" --lab no_such_lab 2>&1); status2=$?
if [ $status -eq 2 ] && [ "$out" = "grade: --lab lab4/../x: a lab's name is letters, digits, _ and -" ] &&
   [ $status2 -eq 2 ] && [ "$out2" = "grade: $PWD/grading/no_such_lab/tests.spec: No such file or directory" ]; then
    pass "--lab: a name with a slash refused ('$out'); a lab that does not exist named by its spec's path"
else
    fail "--lab: status $status '$out'; status $status2 '$out2'"
fi

# ---- an error in a specification ----------------------------------------------
spec=$work/bad.spec
mkdir -p "$work/progs"
printf 'lab x\neditable kernel/vm.c\n\ntest a\nexercise 1\npoints 5\nkind qemu\nprograms nosuch\n' > "$spec"
out=$("$grade" --spec "$spec" 2>&1); status=$?
if [ $status -eq 2 ] && grep -q "^grade: $spec:8: programs: no .*/progs/nosuch.c or .*/hidden/nosuch.c" <<< "$out"; then
    pass "a bad specification: '$(printf '%s\n' "$out" | head -n 1)', status 2"
else
    fail "bad specification: status $status, said: $out"
fi
# functions: an exercise number, then C names, each one exercise's.
bad=""
for line in 'functions walk' 'functions 2' 'functions 2 walk-it' 'functions 2 walk\nfunctions 3 walk' \
            'functions 2 walk\ntablefuncs walk map_pages' 'tablefuncs'; do
    printf "lab x\neditable kernel/vm.c\n$line\n" > "$spec"
    o=$("$grade" --spec "$spec" 2>&1); st=$?
    { [ $st -eq 2 ] && grep -q "^grade: $spec:[34]: \(functions\|tablefuncs\): " <<< "$o"; } || bad="$bad [$line: $st '$o']"
done
if [ -z "$bad" ]; then
    pass "functions: a missing exercise or name, a name that is not C's, a function given twice, a tablefuncs name no functions line gives, a tablefuncs line without names: each refused at its line"
else
    fail "functions: accepted or misreported:$bad"
fi
# tool: a host test's program, compiled by the grader (the lab's code) and
# kept in OUTROOT/.tools; a bad line refused at its line, a tool that does
# not compile named; a changed source (or a header beside it) makes a new one.
bad=""
tdir=$work/tools; rm -rf "$tdir"; mkdir -p "$tdir/t"
printf 'int main(void) { return 0; }\n' > "$tdir/t/ok.c"
for line in 'tool h nosuch.c' 'tool h -O0' 'tool h -o x t/ok.c' 'tool a/b t/ok.c' 'tool h t/ok.c\ntool h t/ok.c'; do
    printf "lab x\neditable kernel/vm.c\ntest a\nexercise 1\npoints 5\nkind host\nrun true\n$line\n" > "$tdir/bad.spec"
    o=$("$grade" --spec "$tdir/bad.spec" 2>&1); st=$?
    { [ $st -eq 2 ] && grep -q "^grade: $tdir/bad.spec:[89]: tool" <<< "$o"; } || bad="$bad [$line: $st '$o']"
done
printf 'lab x\neditable kernel/vm.c\ntwins flag\ntest a\nexercise 1\npoints 5\nkind qemu\nprograms g_copy\ntool h t/ok.c\n' > "$tdir/bad.spec"
mkdir -p "$tdir/progs" && cp grading/lab4/progs/g_copy.c "$tdir/progs/"
o=$("$grade" --spec "$tdir/bad.spec" 2>&1); st=$?
{ [ $st -eq 2 ] && grep -q "test a: tools are for host tests" <<< "$o"; } || bad="$bad [tool in a qemu test: $st '$o']"
# t.c prints its TAP line and a word from t.h; the test counts both.
printf '#include <stdio.h>\n#include "t.h"\nint main(void) { printf("ok 1 - test_tool %%s\\n", WORD); return 0; }\n' > "$tdir/t/t.c"
printf '#define WORD "one"\n' > "$tdir/t/t.h"
printf 'lab x\neditable kernel/vm.c\ntest a\nexercise 1\npoints 5\nkind host\ntool tt -O0 -Wall -Werror t/t.c\nrun exec "$GRADE_TOOLS/tt"\ncount 1 ^ok 1 - test_tool one$\n' > "$tdir/tool.spec"
run_tool() { "$grade" --spec "$tdir/tool.spec" --ref "$ref" --out "$tdir/out" --name tool 2>&1; }
o1=$(run_tool); st1=$?; bins1=$(ls "$tdir/out/.tools" | grep -c '^tt-')
o2=$(run_tool); st2=$?; bins2=$(ls "$tdir/out/.tools" | grep -c '^tt-')
printf '#define WORD "two"\n' > "$tdir/t/t.h"
o3=$(run_tool); st3=$?; bins3=$(ls "$tdir/out/.tools" | grep -c '^tt-')
printf 'int main(void) { return x; }\n' > "$tdir/t/t.c"
o4=$(run_tool); st4=$?
if [ -z "$bad" ] && [ $st1 -eq 0 ] && grep -q '^Score: 5/5' <<< "$o1" && [ $bins1 -eq 1 ] &&
   [ $st2 -eq 0 ] && [ $bins2 -eq 1 ] && [ $st3 -eq 1 ] && grep -q '^Score: 0/5' <<< "$o3" && [ $bins3 -eq 2 ] &&
   [ $st4 -eq 2 ] && grep -q "tool.spec: test a's tool tt does not compile" <<< "$o4"; then
    pass "tool: bad lines refused at their line; built once and kept (a second run compiles nothing), rebuilt when a header beside it changes (the test then sees 'two' and fails), one that does not compile named: '$(tail -n 1 <<< "$o4")'"
else
    fail "tool:$bad; runs: $st1/$bins1 $st2/$bins2 $st3/$bins3 $st4: $(tail -n 2 <<< "$o1") | $(tail -n 2 <<< "$o3") | $(tail -n 1 <<< "$o4")"
fi
# twins gate: in a spec with hidden tests, a public qemu test needs a twin.
printf 'lab x\neditable kernel/vm.c\n\ntest a\nexercise 1\npoints 5\nkind qemu\nprograms g_copy\ntest h\nexercise 1\npoints 5\nkind host\nvisibility hidden\nrun true\n' > "$spec"
cp grading/lab4/progs/g_copy.c "$work/progs/"
out=$("$grade" --spec "$spec" 2>&1); status=$?
printf 'twins flag\n' | cat - "$spec" > "$spec.flag"
out2=$("$grade" --spec "$spec.flag" --ref "$work/no-such-tree" 2>&1); status2=$?
if [ $status -eq 2 ] && [ "$out" = "grade: $spec:4: test a: a public qemu test with no hidden twin: the kernel under test can read its programs and print its lines without the work; give it one (twin a in a hidden test), or say twins flag" ] &&
   [ $status2 -eq 2 ] && [ "$out2" = "grade: $work/no-such-tree: not a lab tree (no Makefile)" ]; then
    pass "twins gate: a public qemu test without a twin refused: '$(printf '%s\n' "$out" | cut -c1-90)...'; accepted under twins flag"
else
    fail "twins gate: a public test without a twin: status $status, said: $out; under twins flag: status $status2, said: $out2"
fi
# The total: of the tests graded (all but practice ones), and of those
# students get (all but hidden ones). tspec P_A P_B P_C: a spec of total 10
# whose test a (public), b (hidden) and c (practice) have these points.
tspec() {
    printf 'lab x\neditable kernel/vm.c\ntotal 10\n'
    printf 'test a\nexercise 1\npoints %s\nkind host\nrun true\n' "$1"
    printf 'test b\nexercise 1\npoints %s\nkind host\nvisibility hidden\nrun true\n' "$2"
    printf 'test c\nexercise 1\npoints %s\nkind host\nvisibility practice\nrun true\n' "$3"
}
spec=$work/total.spec
tspec 5 5 5 > "$spec"
out=$("$grade" --spec "$spec" --ref "$work/no-such-tree" 2>&1); status=$?
out2=$("$grade" --spec "$spec" --ref "$work/no-such-tree" --test c 2>&1); status2=$?
if [ $status -eq 2 ] && [ "$out" = "grade: $work/no-such-tree: not a lab tree (no Makefile)" ] &&
   [ $status2 -eq 2 ] && [[ $out2 == "grade: --test c: a practice test of $spec"* ]]; then
    pass "total 10, public 5 + hidden 5 = public 5 + practice 5: accepted; --test c: '$out2'"
else
    fail "total 10 with 5+5 and 5+5: status $status, said: $out; --test c: status $status2, said: $out2"
fi
# Each sum wrong in turn: PUBLIC HIDDEN PRACTICE, then the two sums reported.
for c in "5 5 10:10:15" "5 10 5:15:10"; do
    tspec ${c%%:*} > "$spec"
    sums=${c#*:}
    out=$("$grade" --spec "$spec" 2>&1); status=$?
    if [ $status -eq 2 ] && [ "$out" = "grade: $spec:3: total 10: the graded tests (all but practice ones) add up to ${sums%:*}, the students' tests (all but hidden ones, twins' points in their public tests) to ${sums#*:}" ]; then
        pass "total 10, points ${c%%:*} (public, hidden, practice): '$out', status 2"
    else
        fail "total 10, points ${c%%:*}: status $status, said: $out"
    fi
done
# The runs take ~10 MB each: keep them only to look at a failure.
[ $failed -ne 0 ] || rm -rf build/grade/runs/st-* build/grade/st-batch build/grade/st-intake build/grade/st-suspicious
exit $failed
