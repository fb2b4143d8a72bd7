#!/usr/bin/env bash
# mutants.sh: how many realistic mistakes does a lab's grader catch, and does
# it blame the right exercise? The mutants are data, labs/LAB/mutants (its
# header says the format): each is one change to one of the reference's
# editable files (build/LAB-ref/), graded by the instructor's grader.
#
# usage: grading/mutants.sh [--lab LAB] [--sample ID,...] [GRADE]
#   (full, make mutants)  every mutant, every test, in one batch (-j 2):
#       per exercise, mutants killed (the grader took points) and blamed
#       right (a test of the mutant's own exercise lost points); every
#       survivor by name; a summary line. Status 1 if a mutant does not
#       apply or the reference does not score full marks; survivors alone
#       do not fail a report.
#   --sample IDS  (make test) those mutants, each graded on its exercise's
#       tests alone (hidden twins included), two at a time: a PASS line for
#       each one killed, a FAIL line for each that survives.
#   --check  (make test) every mutant applied, none graded: one PASS line
#       if each changes its file inside the lab's solution regions (an edit
#       of a chapter can leave a mutant matching nothing), a FAIL per one
#       that does not.
# GRADE: the grader binary (default build/tools/grade). Scratch in
# build/mutants/LAB/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
lab=lab4 sample= check= grade=build/tools/grade
while [ $# -gt 0 ]; do
    case $1 in
        --lab) lab=$2; shift 2 ;;
        --sample) sample=$2; shift 2 ;;
        --check) check=1; shift ;;
        *) grade=$1; shift ;;
    esac
done
[[ $grade == /* ]] || grade=$PWD/$grade
list=labs/$lab/mutants spec=grading/$lab/tests.spec ref=build/$lab-ref
work=build/mutants/$lab
for f in "$list" "$spec" "$ref/Makefile" "$grade"; do
    [ -e "$f" ] || { echo "mutants.sh: $f: no such file" >&2; exit 2; }
done
failed=0
pass() { echo "PASS: mutants: $*"; }
fail() { echo "FAIL: mutants: $*"; failed=1; }

editable=$(awk '$1 == "editable" { for (i = 2; i <= NF; i++) print $i }' "$spec")
# test -> exercise, for the tests the grader runs (not practice ones)
declare -A ex_of
while read -r t e; do ex_of[$t]=$e; done < <(awk '
    /^test / { t = $2 } $1 == "exercise" { e[t] = $2 } $1 == "visibility" && $2 == "practice" { p[t] = 1 }
    END { for (t in e) if (!p[t]) print t, e[t] }' "$spec")

# The mutants: ID|EXERCISE|FILE|SUBSTITUTION|WHAT (the substitution may hold |).
ids=() ; declare -A m_ex m_file m_subst m_what
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    id=${line%%|*}; rest=${line#*|}
    ex=${rest%%|*}; rest=${rest#*|}
    file=${rest%%|*}; rest=${rest#*|}
    what=${rest##*|}; subst=${rest%|*}
    ids+=("$id"); m_ex[$id]=$ex; m_file[$id]=$file; m_subst[$id]=$subst; m_what[$id]=$what
done < "$list"

rm -rf "$work"; mkdir -p "$work/subs"
# The lines of the lab's solution regions in the chapters (trimmed): a
# mutant may change only those. (A substitution replaces its first match,
# which may lie outside the regions: in code the student does not write,
# where the mutant tests nothing of the student's work.)
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'; }
awk -v lab="$lab" '
    $0 ~ "BEGIN SOLUTION " lab " ex" { state = $0 ~ /\*\// ? 2 : 1; next }
    state == 1 && /\*\// { state = 2; next }
    state == 2 && /END SOLUTION/ { state = 0; next }
    state == 2 { print }' src.nw/*.nw | sed 's/@<</<</g' | trim | sort -u > "$work/solution-lines"
[ -s "$work/solution-lines" ] || { fail "no solution region of $lab in src.nw/"; exit 1; }
# make ID: the reference's editable files with the mutant's change, in subs/ID
make_mutant() {
    local id=$1 d=$work/subs/$1 f outside
    local files=$editable
    [ -z "$check" ] || files=${m_file[$id]}        # nothing is graded: its file alone
    for f in $files; do mkdir -p "$d/$(dirname "$f")"; cp "$ref/$f" "$d/$f"; done
    perl -0pi -e "${m_subst[$id]}" "$d/${m_file[$id]}" 2> "$work/$id.perl"
    if cmp -s "$ref/${m_file[$id]}" "$d/${m_file[$id]}"; then
        fail "$id does not apply to ${m_file[$id]} ($(head -n 1 "$work/$id.perl"))"
        rm -rf "$d"
        return 1
    fi
    outside=$(diff "$ref/${m_file[$id]}" "$d/${m_file[$id]}" | sed -n 's/^< //p' | trim |
              grep -v -x -F -f "$work/solution-lines" | grep -v '^$' | head -n 1)
    # By place too: every change lies between a region's markers in the
    # reference's file (a line of a region may also be found elsewhere).
    [ -n "$outside" ] || outside=$(diff "$ref/${m_file[$id]}" "$d/${m_file[$id]}" | awk -v lab="$lab" '
        FNR == NR { if ($0 ~ "BEGIN SOLUTION " lab " ex") s = FNR
                    else if (s && /END SOLUTION/) { from[++n] = s; to[n] = FNR; s = 0 }
                    next }
        /^[0-9]/ { split($0, a, /[acd]/); split(a[1], r, ","); lo = r[1]; hi = r[2] ? r[2] : r[1]
                   ok = 0
                   for (i = 1; i <= n; i++) ok = ok || (lo > from[i] && hi < to[i]) || ($0 ~ /a/ && lo >= from[i] && lo < to[i])
                   if (!ok) { print "the change at line " lo " of the reference"; exit } }' \
        "$ref/${m_file[$id]}" -)
    if [ -n "$outside" ]; then
        fail "$id changes a line outside $lab's solution regions: '$outside'"
        rm -rf "$d"
        return 1
    fi
}

if [ -n "$check" ]; then
    n=0
    for id in "${ids[@]}"; do make_mutant "$id" && n=$((n + 1)); done
    [ $failed -eq 0 ] && pass "all $n of $lab's mutants apply, each inside a solution region"
    rm -rf "$work/subs"
    exit $failed
fi

if [ -n "$sample" ]; then
    for id in ${sample//,/ }; do
        [ -n "${m_ex[$id]:-}" ] || { fail "no mutant $id in $list"; continue; }
        make_mutant "$id" || continue
        args=()
        for t in "${!ex_of[@]}"; do [ "${ex_of[$t]}" = "${m_ex[$id]}" ] && args+=(--test "$t"); done
        ( "$grade" --lab "$lab" --submission "$work/subs/$id" --name "mutant-$id" --out "$work/out" \
              -j 1 "${args[@]}" > "$work/$id.out" 2>&1 ) &
        while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    done
    wait
    for id in ${sample//,/ }; do
        [ -f "$work/$id.out" ] || continue
        score=$(sed -n 's/^Score: \([0-9]*\/[0-9]*\)\( (.*)\)\{0,1\}$/\1/p' "$work/$id.out")   # "(suspicious: ...)" may follow
        lost=$(awk '/^== Test /{t=$3} /^FAIL \(/{printf "%s ", t}' "$work/$id.out")
        if [ -n "$score" ] && [ "${score%/*}" != "${score#*/}" ]; then
            pass "$id (exercise ${m_ex[$id]}: ${m_what[$id]}) killed: $score, failing ${lost% }"
        else
            fail "$id (exercise ${m_ex[$id]}: ${m_what[$id]}) survives its exercise's tests (score '${score:-none}'); see $work/$id.out"
        fi
    done
    exit $failed
fi

# ---- every mutant, every test, one batch (the reference as one more submission)
n=0
for id in "${ids[@]}"; do make_mutant "$id" && n=$((n + 1)); done
mkdir -p "$work/subs/reference"
for f in $editable; do mkdir -p "$work/subs/reference/$(dirname "$f")"; cp "$ref/$f" "$work/subs/reference/$f"; done
t0=$SECONDS
"$grade" --lab "$lab" --batch "$work/subs" --csv "$work/mutants.csv" --out "$work/out" --parallel 2 -j 1 \
    > "$work/batch.out" 2>&1
secs=$((SECONDS - t0))
[ -s "$work/mutants.csv" ] || { fail "no CSV from the grader; see $work/batch.out"; exit 1; }
# A mutant that does not compile tests nothing of the tests: the list is
# wrong, and the mutant is not counted.
nobuild=$(sed -n 's/^\[[0-9]*\/[0-9]*\] \([^:]*\): .*(build failed.*/\1/p' "$work/batch.out")
for id in $nobuild; do
    fail "$id does not build (see $work/out/$id/run/build.log): fix its line in $list"
done
report=$(awk -F, -v list="$(for id in "${ids[@]}"; do case " $nobuild " in *" $id "*) continue ;; esac
                            printf '%s=%s;' "$id" "${m_ex[$id]}"; done)" \
             -v exmap="$(for t in "${!ex_of[@]}"; do printf '%s=%s;' "$t" "${ex_of[$t]}"; done)" '
    BEGIN { n = split(list, a, ";"); for (i = 1; i <= n; i++) if (a[i] != "") { split(a[i], kv, "="); mex[kv[1]] = kv[2] }
            n = split(exmap, b, ";"); for (i = 1; i <= n; i++) if (b[i] != "") { split(b[i], kv, "="); tex[kv[1]] = kv[2] } }
    NR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; ncol = NF; next }
    { for (i = 1; i <= ncol; i++) row[$1, col[i]] = $i; names[$1] = 1 }
    END {
        if (row["reference", "score"] != row["reference", "max_score"]) { print "REFBAD " row["reference", "score"]; exit }
        for (m in mex) {
            if (!((m, "score") in row)) continue
            e = mex[m]; total[e]++; all++
            if (row[m, "score"] + 0 < row[m, "max_score"] + 0) {
                killed[e]++; kills++; right = 0; lost = ""
                for (i = 1; i <= ncol; i++) if (col[i] in tex && row[m, col[i]] != row["reference", col[i]]) {
                    lost = lost " " col[i]; if (tex[col[i]] == e) right = 1 }
                if (right) { blamed[e]++; blames++ }
                else print "MISBLAMED " m " " e lost
            } else print "SURVIVOR " m " " e
        }
        for (e = 1; e <= 99; e++) if (e in total) printf "EX %d %d %d %d\n", e, total[e], killed[e] + 0, blamed[e] + 0
        printf "SUM %d %d %d\n", all, kills, blames
    }' "$work/mutants.csv")
if grep -q '^REFBAD' <<< "$report"; then
    fail "the reference scores $(sed -n 's/^REFBAD //p' <<< "$report") in the batch; see $work/batch.out"
    exit 1
fi
echo "mutants: $lab: $n mutants of $list, every test, graded in ${secs}s"
while read -r _ e total killed blamed; do
    title=$(awk -v e="$e" '$1 == "exercise" { x = $2 } $1 == "title" && x == e { $1 = ""; print substr($0, 2); exit }' "labs/$lab/exercises")
    printf '  exercise %d (%s): %d of %d killed, %d of them blamed on it\n' "$e" "$title" "$killed" "$total" "$blamed"
done < <(grep '^EX ' <<< "$report")
while read -r _ id e; do
    printf '  survivor: %s (exercise %s, %s): %s\n' "$id" "$e" "${m_file[$id]}" "${m_what[$id]}"
done < <(grep '^SURVIVOR ' <<< "$report" | sort)
while read -r _ id e lost; do
    printf '  blamed elsewhere: %s (exercise %s) lost points in%s\n' "$id" "$e" " $lost"
done < <(grep '^MISBLAMED ' <<< "$report" | sort)
read -r _ all kills blames <<< "$(grep '^SUM ' <<< "$report")"
echo "mutants: $lab: $kills of $all killed ($((all ? 100 * kills / all : 0))%), $blames of the $kills blamed on their own exercise"
# What a student reads: every failing test's one-line reason, over every
# killed mutant. It points at the mistake when the test is of the mutant's
# exercise, or the reason names that exercise ("(exercise N)", a hang's or
# a trap's place) or one of its functions (the spec's `functions` lines).
msgs=$(for id in "${ids[@]}"; do
           r=$work/out/$id/report.txt
           [ -f "$r" ] || continue
           awk -v e="${m_ex[$id]}" -v id="$id" '/^== Test /{ t = $3 } /^FAIL \(/{ print id "\t" e "\t" t "\t" substr($0, 7) }' "$r"
       done | awk -F'\t' -v exmap="$(for t in "${!ex_of[@]}"; do printf '%s=%s;' "$t" "${ex_of[$t]}"; done)" \
                 -v fns="$(awk '$1 == "functions" { for (i = 3; i <= NF; i++) printf "%s=%s;", $i, $2 }' "$spec")" '
    BEGIN { n = split(exmap, b, ";"); for (i = 1; i <= n; i++) if (b[i] != "") { split(b[i], kv, "="); tex[kv[1]] = kv[2] }
            n = split(fns, c, ";"); for (i = 1; i <= n; i++) if (c[i] != "") { split(c[i], kv, "="); fex[kv[1]] = kv[2] } }
    { all++; ok = tex[$3] == $2 || index($4, "(exercise " $2 ")") > 0
      for (f in fex) if (fex[f] == $2 && match($4, "(^|[^A-Za-z0-9_])" f "([^A-Za-z0-9_]|$)")) ok = 1
      right += ok }
    END { printf "%d %d\n", right, all }')
read -r mright mall <<< "$msgs"
echo "mutants: $lab: ${mright:-0} of ${mall:-0} failure reasons ($(( ${mall:-0} ? 100 * mright / mall : 0 ))%) point at the mistake's exercise (a test of it, or the exercise or one of its functions named)"
exit $failed
