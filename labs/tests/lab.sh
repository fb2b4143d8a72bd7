#!/usr/bin/env bash
# lab.sh: the checks of `make test-LAB`, for any lab. Prints PASS:/FAIL:
# lines; exit 1 if any check failed.
#
# usage: labs/tests/lab.sh LAB STRIP BUILD CHAPTER.nw...
# LAB is the lab (lab4), STRIP the stripper (build/tools/strip), BUILD the
# build directory that holds LAB/, LAB.tar.gz and LAB-solutions.txt (make
# LAB made them), the chapters those the lab is cut from (labs/lab.mk).
# What differs between labs is data: the spec (editable files, tests,
# hidden and practice ones), labs/LAB/exercises, and labs/LAB/checks, a
# few shell variables this script reads (the handout's title, the chapter
# with the exercises and a question of it, how the skeleton is booted and
# the line it must print). Run from the top of the project. Scratch files
# go to BUILD/test/LAB/.
#   markers     the chapters' markers check out; each kind of malformed
#               marker is an error naming FILE:LINE
#   skeleton    builds with -Wall -Werror; boots (with checks' boot_make
#               arguments) to a "not implemented" line the handout quotes
#               (checks' boot_re), no hang
#   shipped     the skeleton's spec: hidden tests (spec stanza and
#               programs) not shipped; practice tests shipped as public
#               tests, with their programs; the spec's total kept, and the
#               shipped tests' points add up to it (a lab may have no
#               hidden or no practice test: checks' hidden=no, practice=no)
#   grade       the skeleton's own `make grade`: 0/total (every test needs
#               an exercise), every test fails on a "not implemented"
#               message (practice tests too), none by timeout
#   editions    '::: instructor' prose stripped, '::: student' prose kept
#               without its fences; a malformed, unclosed or nested fence
#               is an error naming FILE:LINE
#   handout     its own title page; an exercise box for every exercise in
#               its chapter; the questions there, without answers; no
#               solution region; nothing only an instructor should read
#               (shading, the solution markers)
#   leak        no line of any solution region (one that appears nowhere
#               else in the chapters) is anywhere in BUILD/LAB/
#   order       with exercises 1 to k-1 put back, every test of exercise k
#               fails on exercise k's own message first (k = 1 to n): what
#               make grade shows a student next is the exercise they are on
#               (and with exercise k-1 missing too, the earlier one's)
#   solved      the solution regions put back: the skeleton's own
#               `make grade` (public and practice tests) gives total/total,
#               100/100; the instructor's grader (public and hidden tests,
#               no practice ones) 100/100 too
set -uo pipefail
export LC_ALL=C
usage="usage: lab.sh LAB STRIP BUILD CHAPTER.nw..."
L=${1:?$usage}
strip=${2:?$usage}
build=${3:?$usage}
shift 3
chapters=("$@")
[ ${#chapters[@]} -gt 0 ] || { echo "$usage" >&2; exit 2; }
lab=$build/$L
work=$build/test/$L
failed=0
pass() { echo "PASS: $L: $*"; }
fail() { echo "FAIL: $L: $*"; failed=1; }
rm -rf "$work"; mkdir -p "$work"
# The lab's data: labs/LAB/checks (title, chapter, question, boot, hidden,
# practice, control), the spec's editable files, the exercises.
title= chapter= questions_id= question= boot_make= boot_re= hidden_tests=yes practice_tests=yes control=
# shellcheck source=/dev/null
. "labs/$L/checks" || { echo "FAIL: $L: labs/$L/checks: cannot read it"; exit 1; }
editable=$(awk '$1 == "editable" { for (i = 2; i <= NF; i++) printf "%s ", $i }' "grading/$L/tests.spec")
nex=$(grep -c '^exercise ' "labs/$L/exercises")   # the lab's exercises: 1 to nex

# ---- markers ----------------------------------------------------------------
if out=$("$strip" --lab "$L" --exercises "labs/$L/exercises" --spec "grading/$L/tests.spec" \
         --check "${chapters[@]}" 2>&1); then
    n=$(grep -c "^ *\/\* BEGIN SOLUTION $L ex" "${chapters[@]}" | awk -F: '{s += $2} END {print s}')
    pass "markers: $n solution regions, balanced, each naming a known exercise; every exercise has one and points"
else
    fail "markers: $out"
fi
# Each kind of mistake, in a chapter of its own: an error at its line.
printf 'exercise 1\ntitle T\nfiles f.c\nfunctions f\nhint H\n' > "$work/ex"
bad() {   # bad NAME LINE MESSAGE-RE: the chunk on stdin must give MESSAGE at LINE
    local name=$1 line=$2 re=$3
    cat > "$work/$name.nw"
    local out; out=$("$strip" --lab lab4 --exercises "$work/ex" --check "$work/$name.nw" 2>&1)
    local status=$?
    if [ $status -eq 1 ] && grep -q -E "^$work/$name.nw:$line: $re" <<< "$out"; then
        pass "marker error: $name: '$(printf '%s\n' "$out" | grep -E "^$work/$name.nw:$line:" | head -n 1 | sed "s|^$work/||")'"
    else
        fail "marker error: $name: status $status, said: $out"
    fi
}
bad unbalanced 2 'BEGIN SOLUTION lab4 ex1: no END SOLUTION' <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTION lab4 ex1
     */
    x = 1;
@
EOF
bad stray-end 3 'END SOLUTION without a BEGIN' <<'EOF'
<<f.c>>=
    x = 1;
    /* END SOLUTION */
@
EOF
bad nested 2 'BEGIN SOLUTION lab4 ex1: a region inside a region' <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTION lab4 ex1
     */
    /* BEGIN SOLUTION lab4 ex1
     */
    /* END SOLUTION */
@
EOF
bad unknown-exercise 2 'BEGIN SOLUTION lab4 ex7: lab4 has no exercise 7' <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTION lab4 ex7
     */
    /* END SOLUTION */
@
EOF
bad unnumbered 2 "BEGIN SOLUTION lab4: want 'exN'" <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTION lab4 walk
     */
    /* END SOLUTION */
@
EOF
bad misspelt 2 'malformed marker' <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTON lab4 ex1 */
    /* END SOLUTION */
@
EOF
bad bad-stub 3 "in BEGIN SOLUTION's comment: want 'stub: CODE' lines" <<'EOF'
<<f.c>>=
    /* BEGIN SOLUTION lab4 ex1
       return -1;
     */
    /* END SOLUTION */
@
EOF
bad fence-unclosed 3 "'::: instructor' is never closed" <<'EOF'
# T

::: instructor
For the instructor.
EOF
bad fence-malformed 3 "malformed fence \\(want '::: answer', '::: instructor' or '::: student'" <<'EOF'
# T

::: {.instructor}
For the instructor.
:::
EOF
bad fence-nested 4 "a fence inside '::: student' \\(line 3\\)" <<'EOF'
# T

::: student
::: answer
:::
:::
EOF
# Prose for one edition: the instructor's goes, the student's stays without
# its fences, the rest as it was.
printf '# T\n\nBoth.\n\n::: instructor\nBook only.\n:::\n\n  ::: student\n  Handout only.\n  :::\n\nBoth again.\n' \
    > "$work/edition.nw"
printf '# T\n\nBoth.\n\n\n  Handout only.\n\nBoth again.\n' > "$work/edition.want"
: > "$work/noex"
"$strip" --lab lab4 --exercises "$work/noex" --out "$work/edition" "$work/edition.nw" 2> "$work/edition.err"
status=$?
if [ $status -eq 0 ] && cmp -s "$work/edition/edition.nw" "$work/edition.want"; then
    pass "editions: '::: instructor' prose removed, '::: student' prose kept without its fences"
else
    fail "editions: status $status ($(head -n 1 "$work/edition.err")), or not as wanted: diff $work/edition.want $work/edition/edition.nw"
fi

# ---- the skeleton -----------------------------------------------------------
tar tzf "$build/$L.tar.gz" > "$work/tar.list" 2>&1
if grep -q "^$L/GNUmakefile\$" "$work/tar.list" && grep -q "^$L/handout/$chapter.html\$" "$work/tar.list" &&
   grep -q "^$L/handout.pdf\$" "$work/tar.list" && ! grep -v -q "^$L/" "$work/tar.list"; then
    pass "$L.tar.gz: $(grep -c -v '/$' "$work/tar.list") files, all under $L/, with GNUmakefile and the handout (HTML, PDF)"
else
    fail "$L.tar.gz missing or without $L/GNUmakefile"
fi
# A student's copy, unpacked from the tarball.
tar xzf "$build/$L.tar.gz" -C "$work"
s=$work/$L
# (one compiler per core; the make of a student's shell, without this run's MAKEFLAGS)
# shellcheck disable=SC2086
if out=$(env -u MAKEFLAGS -u MFLAGS make -j"$(nproc)" -C "$s" $boot_make 2>&1) && [ -f "$s/out/kernel.elf" ] &&
   ! grep -q -i 'warning' <<< "$out"; then
    pass "skeleton: builds with -Wall -Werror, no warning"
else
    fail "skeleton: build failed: $(printf '%s\n' "$out" | tail -n 5)"
fi
out=$(timeout 20 qemu-system-riscv64 -machine virt -nographic -bios default -smp 1 -m 128M \
      -no-reboot -kernel "$s/out/kernel.elf" < /dev/null 2>&1 | tr -d '\r'); status=$?
panic=$(printf '%s\n' "$out" | grep -m 1 -E "$boot_re")
if [ $status -ne 124 ] && [ -n "$panic" ] && grep -q -F "    $panic" "labs/$L/handout.md"; then
    pass "skeleton: boots${boot_make:+ ($boot_make)} to '$panic', no hang; the handout quotes that line"
else
    fail "skeleton boot: status $status, output ends: $(printf '%s\n' "$out" | tail -n 3)"
fi
spec=grading/$L/tests.spec sspec=$s/grading/$L/tests.spec
progs_of() { awk -v t="$1" '/^test /{c=($2==t)} c && $1=="programs" {for (i=2;i<=NF;i++) print $i}' "$2"; }
hidden=$(awk '/^test /{t=$2} $1=="visibility" && $2=="hidden" {print t}' "$spec")
leaked=""
for t in $hidden; do
    grep -q "^test $t\$" "$sspec" && leaked="$leaked $t"
    for p in $(progs_of "$t" "$spec"); do
        [ -n "$(find "$s" -name "$p.c" -o -name "$p.elf" | head -n 1)" ] && leaked="$leaked $p"
    done
done
# Nothing of grading/LAB/hidden/ (the twins' programs, generator, values).
for f in grading/$L/hidden/*; do
    [ -e "$f" ] || continue
    while IFS= read -r g; do
        cmp -s "$f" "$g" && leaked="$leaked $f (as $g)"
    done < <(find "$s" -name "$(basename "$f")")
done
grep -v '^[[:space:]]*#' "$sspec" | grep -q 'hidden/' && leaked="$leaked (the spec names hidden/)"
if { [ -n "$hidden" ] || [ "$hidden_tests" = no ]; } && [ -z "$leaked" ]; then
    pass "hidden tests not shipped: $(echo ${hidden:-none}) (spec, programs, grading/$L/hidden/)"
else
    fail "hidden tests: '$hidden', shipped: '$leaked'"
fi
# Practice tests: shipped as public tests, with their programs.
practice=$(awk '/^test /{t=$2} $1=="visibility" && $2=="practice" {print t}' "$spec")
missing=""
for t in $practice; do
    grep -q "^test $t\$" "$sspec" || missing="$missing $t"
    for p in $(progs_of "$t" "$spec"); do
        [ -e "$s/grading/$L/progs/$p.c" ] || missing="$missing $p.c"
    done
done
total=$(awk '$1 == "total" {print $2}' "$spec")
stotal=$(awk '$1 == "total" {print $2}' "$sspec")
ssum=$(awk '$1 == "points" {s += $2} END {print s + 0}' "$sspec")
nship=$(grep -c '^test ' "$sspec")
if { [ -n "$practice" ] || [ "$practice_tests" = no ]; } && [ -z "$missing" ] && ! grep -q '^visibility \(practice\|hidden\)' "$sspec" &&
   [ -n "$total" ] && [ "$stotal" = "$total" ] && [ "$ssum" = "$total" ]; then
    pass "practice tests shipped as public ones: $(echo ${practice:-none}) (spec and programs); $nship tests shipped, their points add up to the spec's total, $total"
else
    fail "practice tests: '$practice', not shipped: '$missing'; shipped total '$stotal', points $ssum, spec total '$total'"
fi
out=$(make -C "$s" grade 2>&1); status=$?
printf '%s\n' "$out" > "$work/skeleton-grade.out"
ntests=$(printf '%s\n' "$out" | grep -c '^== Test ')
nfail=$(printf '%s\n' "$out" | grep -c '^FAIL (')
ntime=$(printf '%s\n' "$out" | grep -c '^FAIL (timeout')
score=$(printf '%s\n' "$out" | sed -n 's/^Score: //p')
# Every failed test's log shows a "not implemented" message.
rundir=$(printf '%s\n' "$out" | sed -n 's/.*logs in \(.*\)$/\1/p' | head -n 1)
silent=""
for t in $(printf '%s\n' "$out" | awk '/^== Test /{t=$3} /^FAIL \(/{print t}'); do
    grep -q "$L ex[0-9]*: .*not implemented" "$s/$rundir/$t.log" 2>/dev/null ||
        grep -q "$L ex[0-9]*: .*not implemented" "$rundir/$t.log" 2>/dev/null || silent="$silent $t"
done
unrun=""
for t in $practice; do grep -q "^== Test $t ==$" <<< "$out" || unrun="$unrun $t"; done
if [ $status -ne 0 ] && [ "$score" = "0/$total" ] && [ "$ntests" -eq "$nship" ] && [ "$nfail" -eq "$ntests" ] &&
   [ "$ntime" -eq 0 ] && [ -z "$silent" ] && [ -z "$unrun" ]; then
    pass "skeleton's make grade: $score, all $ntests tests fail on a 'not implemented' message (practice ones too: $(echo $practice)), none by timeout"
else
    fail "skeleton's make grade: status $status, score '$score' (want 0/$total), $nfail of $ntests fail ($nship shipped), $ntime timeouts, without the message: '$silent', practice tests not run: '$unrun'; see $work/skeleton-grade.out"
fi

# ---- no solution line in the lab ----------------------------------------------
# A solution line counts when it is distinctive: 12 characters or more, not
# a comment or a lone brace, and found in the chapters no more often than in
# the regions (so nowhere outside them).
sol=$build/$L-solutions.txt
# Lines of the grader's own sources shipped with the lab do not count
# either: its tests call the same functions.
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$@"; }
trim "${chapters[@]}" | sort | uniq -c > "$work/all.count"
trim "$sol" | sort | uniq -c > "$work/sol.count"
# Nor do the stubs' lines (a stub may keep a line of the solution, such as
# a free on the way out: it ships on purpose).
{ (cd "$lab" && find grading -type f -print0 | xargs -0 cat)
  sed -n 's/^[[:space:]]*stub: //p' "${chapters[@]}"; } | trim | sort -u > "$work/grading.lines"
awk 'FILENAME == ARGV[1] { grading[$0] = 1; next }
     FILENAME == ARGV[2] { n = $1; $1 = ""; all[substr($0, 2)] = n; next }
     { n = $1; $1 = ""; l = substr($0, 2)
       if (length(l) >= 12 && l !~ /^(\/\*|\*|\/\/)/ && all[l] <= n && !(l in grading)) print l }' \
    "$work/grading.lines" "$work/all.count" "$work/sol.count" > "$work/distinctive"
nd=$(wc -l < "$work/distinctive")
# Every file of the lab, the handout's HTML as text (tags dropped,
# entities decoded) and the Markdown it was made from.
{ find "$lab" -type f ! -name '*.html' ! -name '*.pdf' ! -name '*.o' ! -name '*.elf' ! -name '*.d' \
      -print0 | xargs -0 cat
  find "$lab" -name '*.html' -print0 | xargs -0 cat |
      sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'
  cat "$build/$L-handout"/book-md/*.md; } 2>/dev/null |
    trim | sort -u > "$work/lab.lines"
found=$(sort -u "$work/distinctive" | comm -12 - "$work/lab.lines")
# The comparison finds a line that is there: one solution line planted in a copy.
planted=$( (cat "$work/lab.lines"; head -n 1 "$work/distinctive") | sort -u | comm -12 <(sort -u "$work/distinctive") -)
if [ "$nd" -ge 40 ] && [ -z "$found" ] && [ "$(printf '%s\n' "$planted" | grep -c .)" -eq 1 ] &&
   grep -q -F "$(awk '$1 == "functions" {print $2; exit}' "labs/$L/exercises")" "$work/lab.lines"; then
    pass "leak: none of the $nd distinctive solution lines is anywhere in $lab/ (sources, handout HTML as text) or the handout's Markdown"
else
    fail "leak: $nd distinctive lines; found in $lab/: $(printf '%s\n' "$found" | head -n 3)"
fi

# ---- the handout ---------------------------------------------------------------
# Its own title; in chapter 4 a box for every exercise, and no solution
# region or answer anywhere, while the questions are there. The chapter is
# several pages: its opening ($chapter.html) and a page per section
# ($chapter-SECTION.html), all read as one.
h=$lab/handout
cat "$h/$chapter.html" "$h/$chapter"-*.html > "$work/chapter.html" 2>/dev/null
noboxes=""
for k in $(seq 1 "$nex"); do grep -q "<strong>Exercise $k:" "$work/chapter.html" || noboxes="$noboxes $k"; done
nbox=$(grep -o '<div class="exercise">' "$work/chapter.html" | wc -l)
nsolans=$(cat "$h"/*.html | grep -c 'class="answer"\|class="solution')
if grep -q -F "<h1 class=\"title\">$title</h1>" "$h/index.html" && [ -z "$noboxes" ] &&
   [ "$nsolans" -eq 0 ] && grep -q "id=\"$questions_id\"" "$work/chapter.html" &&
   grep -q -F "$question" "$work/chapter.html"; then
    pass "handout: titled '$title'; $nbox exercise boxes in $chapter, every exercise has one; the questions without answers; no solution region"
else
    fail "handout: title, boxes missing for:$noboxes ($nbox boxes), $nsolans answers or solution regions, questions present?"
fi
# Nothing only an instructor should read: no word of shading, of the
# solution markers or of the instructor's edition, in the pages as text or
# in the Markdown the PDF is made from.
instr='shad(ed|ing|es?)\b|(BEGIN|END) SOLUTION|Solution: lab|answers are for the instructor|Instructors will find|make $L|^ *::: *(instructor|student)'
said=$( { for f in "$h"/*.html; do
            sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g' "$f" |
                grep -n -i -E "$instr" | sed "s|^|$(basename "$f"):|"
        done
        grep -n -i -E "$instr" "$build/$L-handout/book-md/book.md" | sed 's|^|book.md:|'; } | head -n 5)
if [ -z "$said" ] && grep -q 'class="exercise"' "$work/chapter.html" &&
   grep -q '^::: exercise' "$build/$L-handout/book-md/book.md"; then
    pass "handout: says nothing only an instructor should read (shading, solution markers, the instructor's edition)"
else
    fail "handout: instructor's text: $(printf '%s\n' "$said" | tr '\n' ' ' | cut -c 1-400)"
fi

# ---- the order of the exercises ----------------------------------------------------
# put_back "N,..." DIR: the skeleton's editable files with these exercises'
# solutions (none for ""), into the tree DIR (scratch files beside DIR).
put_back() {
    local tmp=$2.put
    rm -rf "$tmp" && mkdir -p "$tmp"
    "$strip" --lab "$L" --exercises "labs/$L/exercises" ${1:+--keep "$1"} \
        --out "$tmp/src" "${chapters[@]}" &&
        book/tangle.sh "$tmp/tree" "$tmp/src"/*.nw > /dev/null &&
        for f in $editable; do cp "$tmp/tree/$f" "$2/$f" || return 1; done
}
# first_messages K DIR: for each shipped test of exercise K, graded in the
# tree DIR, TEST=the exercise number of the first "LAB exN" message in its
# log (none: 0)
first_messages() {
    local k=$1 d=$2 tests args="" out rundir t log
    tests=$(awk -v k="$k" '/^test /{t=$2} $1 == "exercise" && $2 == k {print t}' "$d/grading/$L/tests.spec")
    for t in $tests; do args="$args --test $t"; done
    out=$(make -C "$d" grade GRADE_ARGS="$args" 2>&1)
    rundir=$(printf '%s\n' "$out" | sed -n 's/.*logs in \(.*\)$/\1/p' | head -n 1)
    for t in $tests; do
        log=$d/$rundir/$t.log; [ -f "$log" ] || log=$rundir/$t.log
        printf '%s=%s ' "$t" "$(grep -o "$L ex[0-9]*" "$log" 2>/dev/null | head -n 1 | sed "s/$L ex//;s/^\$/0/")"
    done
}
# order_run K DONE: a copy of the skeleton with exercises DONE solved,
# exercise K's tests graded in it; the result in $work/order-K.got. Two at a
# time (each grader run leaves a core idle much of the time).
order_run() {
    local k=$1 d=$work/order-$1
    # (the skeleton's build/grade/.tools kept: programs built from the lab's code alone)
    rm -rf "$d" && cp -a "$s" "$d" && rm -rf "$d/build/grade/runs" "$d/build/grade/.cache"
    if put_back "$2" "$d"; then first_messages "$3" "$d" > "$work/order-$1.got"
    else echo "k=$1:put-back-failed" > "$work/order-$1.got"; fi
    rm -rf "$d" "$d.put"
}
for k in $(seq 1 "$nex"); do
    order_run "$k" "$(seq -s, 1 $((k - 1)))" "$k" &
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
done
# The control (checks' control="K M"): exercise K's tests with exercises 1
# to M-1 done (M missing) show exercise M's message.
read -r ck cm <<< "$control"
order_run control "$(seq -s, 1 $((cm - 1)))" "$ck" &
wait
wrong=""
for k in $(seq 1 "$nex"); do
    got=$(cat "$work/order-$k.got" 2>/dev/null)
    case $got in *put-back-failed*) wrong="$wrong $got"; continue ;; esac
    [ -n "$got" ] || wrong="$wrong k=$k:no-tests"
    for tv in $got; do [ "${tv#*=}" = "$k" ] || wrong="$wrong k=$k:$tv"; done
done
control=$(cat "$work/order-control.got" 2>/dev/null)
cmask=$(for tv in $control; do [ "${tv#*=}" = "$cm" ] || echo "$tv"; done)
if [ -z "$wrong" ] && [ -n "$control" ] && [ -z "$cmask" ]; then
    pass "order: with exercises 1 to k-1 done, every test of exercise k fails on exercise k's message first, for k = 1 to $nex (control: exercise $ck's tests without exercise $cm: $(echo $control))"
else
    fail "order: wrong first messages:$wrong; control (want $cm): '$control'"
fi

# ---- the solutions put back -----------------------------------------------------
put_back "$(seq -s, 1 "$nex")" "$s"
out=$(make -C "$s" grade 2>&1); status=$?
printf '%s\n' "$out" > "$work/solved-grade.out"
score=$(printf '%s\n' "$out" | sed -n 's/^Score: //p')
nok=$(printf '%s\n' "$out" | grep -c '^OK (')
if [ $status -eq 0 ] && [ "$score" = "$total/$total" ] && [ "$score" = 100/100 ] && [ "$nok" -eq "$nship" ]; then
    pass "solved: the regions put back into the skeleton: its own make grade gives $score, all $nok tests pass (practice ones too)"
else
    fail "solved: status $status, score '$score' (want 100/100), $nok of $nship tests pass; see $work/solved-grade.out"
fi
out=$(build/tools/grade --lab "$L" --name "$L-solved" --submission "$s" 2>&1); status=$?
printf '%s\n' "$out" > "$work/solved-full.out"
ran=$(printf '%s\n' "$out" | grep -c '^== Test ')
ranp=""
for t in $practice; do grep -q "^== Test $t ==$" <<< "$out" && ranp="$ranp $t"; done
nhid=$(for t in $hidden; do printf '%s\n' "$out" | grep "^== Test $t ==$"; done | grep -c .)
if [ $status -eq 0 ] && grep -q '^Score: 100/100$' <<< "$out" && [ -z "$ranp" ] &&
   [ "$nhid" -eq "$(echo $hidden | wc -w)" ]; then
    pass "solved: the same files graded by the instructor's grader: 100/100, $ran tests, hidden ones too ($(echo $hidden)), no practice one"
else
    fail "solved, instructor's grade: status $status, $(printf '%s\n' "$out" | grep '^Score'), $ran tests, hidden run: $nhid, practice run: '$ranp'; see $work/solved-full.out"
fi
[ $failed -ne 0 ] || rm -rf "$work" "build/grade/$L-solved"
exit $failed
