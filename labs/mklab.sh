#!/usr/bin/env bash
# mklab.sh: cut a lab's student tree out of the chapters.
#
# usage: labs/mklab.sh LAB BUILD STRIP CHAPTER.nw...
#   LAB      the lab (lab4): labs/LAB/ holds its exercises and GNUmakefile,
#            grading/LAB/ its tests
#   BUILD    the build directory: the tree goes to BUILD/LAB, the stripped
#            chapters to BUILD/LAB-src, every solution line to
#            BUILD/LAB-solutions.txt (for the leak check)
#   STRIP    the stripper (labs/strip.c, built)
# The tree: the kernel and user programs tangled from the stripped chapters
# (no #line), the lab's GNUmakefile (make, qemu, qemu-gdb, grade), the
# grader with the tests students get, and .pristine/, a copy of all of it
# that `make grade` builds from. The tests students get: the spec's public
# ones and its practice ones (made public), not its hidden ones; their
# points must add up to the spec's total, which the tree's grader keeps.
set -euo pipefail
prog=mklab.sh
die() { echo "$prog: $*" >&2; exit 1; }
[ $# -ge 4 ] || die "usage: $prog LAB BUILD STRIP CHAPTER.nw..."
lab=$1 build=$2 strip=$3; shift 3
src=$build/$lab-src tree=$build/$lab spec=grading/$lab/tests.spec
[ -f "labs/$lab/exercises" ] || die "labs/$lab/exercises: no such file"
[ -f "$spec" ] || die "$spec: no such file"

rm -rf "$src" "$tree" "$tree.tmp"
mkdir -p "$src"

# The students' spec: hidden tests (visibility hidden) dropped, with the
# comments just before them, a hidden twin's points (twin NAME) added to
# its public test's; practice tests (visibility practice, which stand in
# for the hidden ones) made public; the header as it is but for values
# programs in hidden/. Their points must make the spec's total: a student
# who solves everything gets every point.
shipped=$build/$lab-tests.spec
awk '
    # first pass: what each hidden twin adds to its public test
    NR == FNR { if ($1 == "test") { t = $2; tp = 0 } else if ($1 == "points") tp = $2
                else if ($1 == "twin") twin[t] = $2
                if ($1 == "points" || $1 == "twin") pts_of[t] = tp
                next }
    FNR == 1 { for (h in twin) extra[twin[h]] += pts_of[h] }
    function flush() {
        if (inblock && !hidden) { printf "%s", block; sum += pts }
        block = ""; inblock = 0
    }
    /^test[ \t]/ { flush(); inblock = 1; block = pending $0 "\n"; pending = ""
                   hidden = 0; pts = 0; name = $2; next }
    !inblock && $1 == "total" { total = $2 }
    !inblock && $1 == "values" && $2 ~ /^hidden\// { next }
    !inblock && /^[ \t]*(#|$)/ { pending = pending $0 "\n"; next }
    !inblock { printf "%s%s\n", pending, $0; pending = ""; next }
    /^[ \t]*(#|$)/ { pending = pending $0 "\n"; next }
    $1 == "visibility" && $2 == "practice" && NF == 2 { next }
    $1 == "points" && extra[name] { $0 = "points " ($2 + extra[name]) }
    { block = block pending $0 "\n"; pending = ""
      if ($1 == "visibility" && $2 == "hidden") hidden = 1
      if ($1 == "points") pts = $2 }
    END { flush(); printf "%s", pending; print sum + 0, total > "/dev/stderr" }
' "$spec" "$spec" > "$shipped" 2> "$shipped.points"
read -r sum total < "$shipped.points"
rm "$shipped.points"
if [ -n "$total" ] && [ "$sum" != "$total" ]; then
    rm -f "$shipped"
    die "$spec: the tests shipped to students (public and practice) add up to $sum points, not total $total; make practice tests stand in for the hidden ones"
fi

# The stripped chapters; the exercise table gets the shipped points.
"$strip" --lab "$lab" --exercises "labs/$lab/exercises" --spec "$shipped" \
    --out "$src" --solutions "$build/$lab-solutions.txt" --table "$build/$lab-table.md" "$@"
# The handout's first pages: labs/LAB/handout.md with the table of exercises.
sed -e "/^@EXERCISES@\$/{r $build/$lab-table.md" -e 'd}' "labs/$lab/handout.md" > "$src/00-handout.nw"

# The kernel and the user programs, from the stripped chapters.
t=$tree.tmp
book/tangle.sh "$t" "$src"/*.nw
rm -f "$t/.tangled"
cp "labs/$lab/GNUmakefile" "$t/"
cp labs/tree.mk "$t/lab.mk"             # the targets every lab's tree has

# The grader, with the students' spec: hidden tests and their programs
# stay with the instructor.
mkdir -p "$t/grading/$lab/progs" "$t/grading/$lab/ktests" "$t/grading/host" "$t/grading/engine"
cp grading/grade "$t/grading/"
cp grading/engine/*.c grading/engine/*.h "$t/grading/engine/"
cp "grading/$lab/values.c" "$t/grading/$lab/"
mv "$shipped" "$t/$spec"
# The programs and in-kernel tests the shipped tests name, and the headers.
progs=$(awk '$1 == "programs" { for (i = 2; i <= NF; i++) print $i }' "$t/$spec")
ktests=$(awk '$1 == "ktests" { for (i = 2; i <= NF; i++) print $i }' "$t/$spec")
for p in $progs; do cp "grading/$lab/progs/$p.c" "$t/grading/$lab/progs/"; done
cp grading/$lab/progs/*.h "$t/grading/$lab/progs/"
# What every lab's programs share (grading/common: seedcore.h).
mkdir -p "$t/grading/common"
cp grading/common/*.h "$t/grading/common/"
for k in $ktests; do cp "grading/$lab/ktests/$k.c" "$t/grading/$lab/ktests/"; done
# The host test's files (the spec's files line): sim.h and the harness.
cp grading/host/sim.h "$t/grading/host/"
mkdir -p "$t/grading/host/rpc"
cp grading/host/rpc/*.[ch] "$t/grading/host/rpc/"

# What the lab's make grade builds from: all of the above, as shipped.
mkdir -p "$t/.pristine"
(cd "$t" && tar cf - --exclude=./.pristine .) | (cd "$t/.pristine" && tar xf -)
mv "$t" "$tree"
