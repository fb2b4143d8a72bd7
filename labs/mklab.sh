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
# grader with the lab's public tests only, and .pristine/, a copy of all of
# it that `make grade` builds from.
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
"$strip" --lab "$lab" --exercises "labs/$lab/exercises" --spec "$spec" \
    --out "$src" --solutions "$build/$lab-solutions.txt" --table "$build/$lab-table.md" "$@"
# The handout's first pages: labs/LAB/handout.md with the table of exercises.
sed -e "/^@EXERCISES@\$/{r $build/$lab-table.md" -e 'd}' "labs/$lab/handout.md" > "$src/00-handout.nw"

# The kernel and the user programs, from the stripped chapters.
t=$tree.tmp
book/tangle.sh "$t" "$src"/*.nw
rm -f "$t/.tangled"
cp "labs/$lab/GNUmakefile" "$t/"

# The grader, with the public tests only: hidden tests (visibility hidden)
# and their programs stay with the instructor. The total is the public one.
mkdir -p "$t/grading/$lab/progs" "$t/grading/$lab/ktests" "$t/grading/host"
cp grading/grade grading/grade.c "$t/grading/"
cp "grading/$lab/values.h" "$t/grading/$lab/"
awk '
    function flush() {
        if (inblock && !hidden) { printf "%s", block; total += pts }
        block = ""; inblock = 0
    }
    /^test[ \t]/ { flush(); inblock = 1; block = pending $0 "\n"; pending = ""
                   hidden = 0; pts = 0; next }
    !inblock && $1 == "total" { print "total @TOTAL@"; next }
    !inblock && /^[ \t]*(#|$)/ { pending = pending $0 "\n"; next }
    !inblock { printf "%s%s\n", pending, $0; pending = ""; next }
    /^[ \t]*(#|$)/ { pending = pending $0 "\n"; next }
    { block = block pending $0 "\n"; pending = ""
      if ($1 == "visibility" && $2 == "hidden") hidden = 1
      if ($1 == "points") pts = $2 }
    END { flush(); printf "%s", pending; print total > "/dev/stderr" }
' "$spec" > "$t/$spec" 2> "$t/total"
sed -i "s/@TOTAL@/$(cat "$t/total")/" "$t/$spec"
rm "$t/total"
# The programs and in-kernel tests the public tests name, and the headers.
progs=$(awk '$1 == "programs" { for (i = 2; i <= NF; i++) print $i }' "$t/$spec")
ktests=$(awk '$1 == "ktests" { for (i = 2; i <= NF; i++) print $i }' "$t/$spec")
for p in $progs; do cp "grading/$lab/progs/$p.c" "$t/grading/$lab/progs/"; done
cp grading/$lab/progs/*.h "$t/grading/$lab/progs/"
for k in $ktests; do cp "grading/$lab/ktests/$k.c" "$t/grading/$lab/ktests/"; done
cp grading/host/sim.h grading/host/sim.c grading/host/test_frame.c "$t/grading/host/"

# What the lab's make grade builds from: all of the above, as shipped.
mkdir -p "$t/.pristine"
(cd "$t" && tar cf - --exclude=./.pristine .) | (cd "$t/.pristine" && tar xf -)
mv "$t" "$tree"
