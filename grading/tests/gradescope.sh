#!/usr/bin/env bash
# gradescope.sh: the Gradescope autograder, tried off Gradescope. Unpacks
# autograder.zip into a scratch /autograder (AUTOGRADER_ROOT), runs its
# setup.sh (with apt-get replaced by a stub that refuses: nothing is
# installed) and its run_autograder on a few submissions, and checks each
# results.json.
#
# usage: grading/tests/gradescope.sh [ZIP]
# ZIP defaults to build/gradescope/autograder.zip, made by `make gradescope`
# when not given. Run from the top of the project. Prints one PASS:/FAIL:
# line per check; exit status 1 if any check failed. Scratch trees go to
# build/test/gradescope/.
#
# The checks:
#   zip           setup.sh and run_autograder at the root, executable; the
#                 spec, the hidden tests' programs, the host tests and the
#                 reference tree inside; no build products
#   scripts       bash -n on both; setup.sh's packages exist (apt-cache)
#   setup         setup.sh builds the grader and the JSON checker and grades
#                 the reference to full marks, installing nothing
#   jsoncheck     the checker refuses broken JSON (so its word counts)
#   correct       the reference's five editable files, uploaded flat:
#                 valid results.json, full score, every test of the spec passed
#   empty         an empty submission: valid, score 0, the reason shown
#                 (graded on one test, frames: what is checked is how the
#                 upload is taken in, and the grader compiles the programs
#                 of every test it runs, even for nothing to grade)
#   no spec       a source tree without the spec (grader status 2): valid,
#                 score 0, the grader's error shown
#   bad spec      a spec error quoting quotes, backslashes, a tab, a control
#                 byte and invalid UTF-8: still valid JSON
#   time limit    AUTOGRADER_TIME_LIMIT=1: valid, score 0, "out of time"
#   killed        run_autograder sent SIGTERM mid-run: valid, score 0, and
#                 no process or scratch file of the run left behind
set -uo pipefail

zip=${1:-}
work=build/test/gradescope
failed=0
pass() { echo "PASS: gradescope: $*"; }
fail() { echo "FAIL: gradescope: $*"; failed=1; }
editable="frame vm mm elf syscall"

if [ -z "$zip" ]; then
    zip=build/gradescope/autograder.zip
    make --no-print-directory -s gradescope > /dev/null || { fail "make gradescope failed"; exit 1; }
fi
[ -s "$zip" ] || { fail "no autograder zip at $zip"; exit 1; }
command -v unzip > /dev/null || { fail "unzip is missing"; exit 1; }

rm -rf "$work"; mkdir -p "$work"
top=$(pwd)
work_abs=$top/$work

# ---- the zip --------------------------------------------------------------------
root=$work_abs/autograder
mkdir -p "$root/source" "$root/submission"
if unzip -q "$zip" -d "$root/source"; then
    names=$(unzip -Z1 "$zip")
    missing=
    # the programs of the hidden tests, from the spec
    hidden=$(awk '/^test /{t=$2} /^visibility hidden/{h[t]=1} /^programs /{p[t]=$0}
                  END{for (t in h) {n=split(p[t], w); for (i=2; i<=n; i++) print w[i]}}' \
             "$root/source/grading/lab4/tests.spec")
    for f in setup.sh run_autograder grading/engine/main.c grading/engine/sandbox.c grading/gradescope/jsoncheck.c \
             grading/lab4/tests.spec grading/lab4/values.c grading/lab4/progs/seedgen.h grading/common/seedcore.h \
             $(for p in $hidden; do [ -e "grading/lab4/progs/$p.c" ] && echo "grading/lab4/progs/$p.c" || echo "grading/lab4/hidden/$p.c"; done) \
             grading/lab4/hidden/values.c grading/host/sim.h grading/host/rpc/harness.c \
             grading/host/rpc/server.c reference/Makefile reference/kernel/vm.c \
             reference/user/lib/crt0.c; do
        grep -qxF "$f" <<< "$names" || missing="$missing $f"
    done
    products=$(grep -E '(^|/)out[^/]*/|\.(o|d|elf)$|^bin/' <<< "$names" | head -3 | tr '\n' ' ')
    if [ -z "$missing" ] && [ -z "$products" ] &&
       [ -x "$root/source/setup.sh" ] && [ -x "$root/source/run_autograder" ]; then
        pass "zip: $(wc -l <<< "$names") files, $(wc -c < "$zip") bytes; setup.sh and run_autograder executable at the root; spec, hidden tests ($(echo $hidden)), host tests, reference tree; no build products"
    else
        fail "zip $zip: missing:${missing:- none}; build products: ${products:-none}; executable: $(cd "$root/source" && ls -l setup.sh run_autograder 2>&1 | tr '\n' ' ')"
    fi
else
    fail "zip: unzip $zip failed"; exit 1
fi

# ---- the scripts ---------------------------------------------------------------
if bash -n "$root/source/setup.sh" && bash -n "$root/source/run_autograder"; then
    pass "bash -n: setup.sh and run_autograder parse"
else
    fail "bash -n: a syntax error in setup.sh or run_autograder"
fi
packages=$(sed -n '/^PACKAGES="/,/"/p' "$root/source/setup.sh" | tr -d '"' | sed 's/^PACKAGES=//')
if [ -z "$packages" ]; then
    fail "setup.sh: no PACKAGES=\"...\" list found"
elif command -v apt-cache > /dev/null; then
    # One apt-cache for all of them (each call reads the whole cache, 1.5 s):
    # a package is known when the output has its record.
    known=$(apt-cache show --no-all-versions $packages 2> /dev/null | sed -n 's/^Package: //p')
    unknown=
    for p in $packages; do
        grep -qxF -- "$p" <<< "$known" || unknown="$unknown $p"
    done
    if [ -z "$unknown" ]; then
        pass "setup.sh installs packages apt-cache knows:" $packages
    else
        fail "setup.sh: apt-cache does not know:$unknown"
    fi
else
    pass "setup.sh's packages:" $packages "(no apt-cache here: not looked up)"
fi

# ---- setup.sh, with an apt-get that refuses -------------------------------------
stub=$work_abs/stub-bin
mkdir -p "$stub"
printf '#!/bin/sh\necho "apt-get $*" >> "%s/apt-get.calls"\nexit 1\n' "$work_abs" > "$stub/apt-get"
chmod +x "$stub/apt-get"
t0=$SECONDS
(cd "$root/source" && PATH=$stub:$PATH ./setup.sh) > "$work/setup.out" 2>&1; status=$?
if [ $status -eq 0 ] && [ -x "$root/source/bin/grade" ] && [ -x "$root/source/bin/jsoncheck" ] &&
   [ ! -e "$work/apt-get.calls" ] && grep -q '^Score: \([0-9]*\)/\1$' "$work/setup.out"; then
    pass "setup.sh: grader and JSON checker built, the reference scores full marks, nothing installed ($((SECONDS - t0))s)"
else
    fail "setup.sh: status $status$( [ -e "$work/apt-get.calls" ] && echo ", called $(head -1 "$work/apt-get.calls")"); see $work/setup.out"
fi
jsoncheck=$root/source/bin/jsoncheck
[ -x "$jsoncheck" ] || { cc -O2 -std=c11 -o "$work/jsoncheck" grading/gradescope/jsoncheck.c && jsoncheck=$work/jsoncheck; }

# ---- the JSON checker refuses what is not JSON -------------------------------------
bad=('' '{' '{"a" 1}' '[1,]' '{"a":1,}' '01' '"\x"' '"a' $'"\x01"' $'"\xff"' $'"\xc0\xaf"'
     '"\ud800"' '[1] 2' 'tru' '{a:1}' '1.' '-')
good=('{}' '[]' '-0.5e+10' '"\u00e9\ud83d\ude00\n\/"' $'{"a": [1, {"b": null}], "c": true, "d": "\xc3\xa9"}')
wrong=
for i in "${!bad[@]}"; do
    printf '%s' "${bad[$i]}" > "$work/bad.json"
    "$jsoncheck" "$work/bad.json" 2> /dev/null && wrong="$wrong accepted:'${bad[$i]}'"
done
for i in "${!good[@]}"; do
    printf '%s' "${good[$i]}" > "$work/good.json"
    "$jsoncheck" "$work/good.json" 2> /dev/null || wrong="$wrong refused:'${good[$i]}'"
done
if [ -z "$wrong" ]; then
    pass "jsoncheck: refuses ${#bad[@]} broken texts, accepts ${#good[@]} valid ones"
else
    fail "jsoncheck:$wrong"
fi

# A results.json is valid: our checker, and Python's when there is one.
json_valid() {
    "$jsoncheck" "$1" || return 1
    if command -v python3 > /dev/null; then
        python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1" || return 1
    fi
}
top_score() { sed -n 's/^  "score": \([0-9.]*\),$/\1/p' "$1"; }

# Run run_autograder with AUTOGRADER_ROOT=$1; the rest are VAR=value
# settings. Sets $out (its output, also in $work/$name.out), $status, $secs
# and $results (the results.json, copied to $work/$name.json).
run_autograder() {
    local r=$1 name=$2; shift 2
    local t0=$SECONDS
    rm -f "$r/results/results.json"
    out=$(env "$@" AUTOGRADER_ROOT="$r" "$root/source/run_autograder" 2>&1); status=$?
    secs=$((SECONDS - t0))
    printf '%s\n' "$out" > "$work/$name.out"
    results=$work/$name.json
    rm -f "$results"
    [ -f "$r/results/results.json" ] && cp "$r/results/results.json" "$results"
}

# ---- a correct submission, uploaded as five loose files --------------------------
for f in $editable; do cp "$root/source/reference/kernel/$f.c" "$root/submission/"; done
# (practice tests are for students' copies: the grader does not run them)
ntests=$(awk '/^test /{n++} /^visibility practice$/{n--} END{print n}' "$root/source/grading/lab4/tests.spec")
total=$(sed -n 's/^total \([0-9]*\)$/\1/p' "$root/source/grading/lab4/tests.spec")
run_autograder "$root" correct
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = "$total" ] && grep -q "\"max_score\": $total," "$results" &&
   [ "$(grep -c '"status": "passed"' "$results")" -eq "$ntests" ] &&
   [ "$(grep -c '"name": ' "$results")" -eq "$ntests" ] &&
   grep -q "^Score: $total/$total$" <<< "$out"; then
    pass "correct submission (5 files): valid results.json, score $total, $ntests passed tests, the report on stdout (${secs}s)"
else
    fail "correct submission: status $status, score '$(top_score "$results" 2>/dev/null)'; see $work/correct.out, $results"
fi

# ---- an empty submission ----------------------------------------------------------
rm -rf "$root/submission"; mkdir -p "$root/submission"
run_autograder "$root" empty GRADE_EXTRA_ARGS='--test frames'
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = 0 ] && grep -q 'kernel/vm.c (missing)' "$results" &&
   grep -q '"max_score": 3,' "$results" && [ "$(grep -c '"status": "failed"' "$results")" -eq 1 ]; then
    pass "empty submission (graded on frames): valid results.json, score 0 of 3, 'kernel/vm.c (missing)' in it (${secs}s)"
else
    fail "empty submission: status $status, score '$(top_score "$results" 2>/dev/null)'; see $work/empty.out, $results"
fi

# ---- a source tree the grader cannot use ---------------------------------------------
# (a copy without the spec and without bin/, so run_autograder builds the grader)
broken=$work_abs/broken
mkdir -p "$broken/submission"
cp -r "$root/source" "$broken/source"
rm -rf "$broken/source/bin" "$broken/source/grading/lab4/tests.spec"
for f in $editable; do cp "$root/source/reference/kernel/$f.c" "$broken/submission/"; done
run_autograder "$broken" nospec
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = 0 ] && grep -q 'could not grade' "$results" &&
   grep -qF "output:\ngrade: grading/lab4/tests.spec: " "$results" && [ -x "$broken/source/bin/grade" ]; then
    pass "no spec (the grader stops, status 2): valid results.json, score 0, the grader's error in it (${secs}s)"
else
    fail "no spec: status $status, score '$(top_score "$results" 2>/dev/null)'; see $work/nospec.out, $results"
fi

# ---- a spec error full of characters JSON must escape ---------------------------------
cp "$root/source/grading/lab4/tests.spec" "$broken/source/grading/lab4/tests.spec"
printf 'visibility "q\\x\t\001\377 end\n' >> "$broken/source/grading/lab4/tests.spec"
run_autograder "$broken" badspec
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = 0 ] && grep -qF "not '\\\"q\\\\x\\t??" "$results"; then
    pass "spec error quoting \", \\, a tab, a control byte and invalid UTF-8: valid results.json, score 0"
else
    fail "bad spec: status $status, score '$(top_score "$results" 2>/dev/null)'; see $work/badspec.out, $results"
fi

# ---- out of time --------------------------------------------------------------------
for f in $editable; do cp "$root/source/reference/kernel/$f.c" "$root/submission/"; done
run_autograder "$root" timeout AUTOGRADER_TIME_LIMIT=1
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = 0 ] && grep -q 'ran out of time' "$results"; then
    pass "AUTOGRADER_TIME_LIMIT=1: valid results.json, score 0, 'ran out of time' (${secs}s)"
else
    fail "time limit: status $status, score '$(top_score "$results" 2>/dev/null)'; see $work/timeout.out, $results"
fi

# ---- killed mid-run -----------------------------------------------------------------
# (its scratch files in a TMPDIR of our own, to see that they go too)
rm -f "$root/results/results.json"
mkdir -p "$work/tmp"
TMPDIR=$work_abs/tmp AUTOGRADER_ROOT=$root "$root/source/run_autograder" > "$work/killed.out" 2>&1 &
pid=$!
for _ in $(seq 100); do             # until the grader has started (10 s at most)
    grep -q '^grade: lab4' "$work/killed.out" && break
    sleep 0.1
done
sleep 0.3
kill -TERM "$pid" 2> /dev/null
wait "$pid"; status=$?
sleep 0.5
results=$work/killed.json
cp "$root/results/results.json" "$results" 2>/dev/null || rm -f "$results"
left=$(ps -eo pid=,args= | grep -F "$work_abs" | grep -v grep | head -3)
[ -z "$(ls -A "$work/tmp")" ] || left="$left scratch files: $(ls "$work/tmp")"
if [ $status -eq 0 ] && [ -s "$results" ] && json_valid "$results" &&
   [ "$(top_score "$results")" = 0 ] && grep -q 'stopped (SIGTERM)' "$results" && [ -z "$left" ]; then
    pass "SIGTERM mid-run: valid results.json, score 0, 'stopped (SIGTERM)', no process left"
else
    fail "SIGTERM mid-run: status $status, score '$(top_score "$results" 2>/dev/null)', left: ${left:-none}; see $work/killed.out"
fi

exit $failed
