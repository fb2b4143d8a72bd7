#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the
# autograder's image from autograder.zip (unpacked into /autograder/source).
# It installs the Debian/Ubuntu packages grading needs, builds the grader
# next to this file (bin/grade, bin/jsoncheck) and grades the reference
# solution, which must score full marks on this image. Running it again
# changes nothing.
#
# The packages: a host C compiler and make (the grader, the host unit test
# of the frame allocator, built with AddressSanitizer and UBSan against
# cmocka), the RISC-V cross compiler (the kernel and the test programs),
# QEMU and OpenSBI (the runs). tar, gzip and coreutils come with the image.
set -euo pipefail

PACKAGES="gcc libc6-dev make libcmocka-dev gcc-riscv64-unknown-elf
          qemu-system-misc opensbi"

cd "$(dirname "$0")"

missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup.sh: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
else
    echo "setup.sh: the packages are installed"
fi

for c in cc make riscv64-unknown-elf-gcc qemu-system-riscv64; do
    command -v "$c" > /dev/null || { echo "setup.sh: '$c' is still missing" >&2; exit 1; }
done

# The grader and the JSON checker, once (run_autograder rebuilds them only
# if they are missing or older than their sources).
cc=${HOSTCC:-cc}
mkdir -p bin
"$cc" -O2 -std=c11 -o bin/grade.tmp grading/grade.c
mv -f bin/grade.tmp bin/grade
"$cc" -O2 -std=c11 -o bin/jsoncheck.tmp grading/gradescope/jsoncheck.c
mv -f bin/jsoncheck.tmp bin/jsoncheck
chmod +x run_autograder

# The reference solution must score full marks here, with this image's
# compilers and QEMU; otherwise every student would be graded wrongly.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if bin/grade --spec grading/lab4/tests.spec --ref generated --out "$scratch" --name reference; then
    echo "setup.sh: ready: the reference solution scores full marks with $(pwd)/bin/grade"
else
    echo "setup.sh: the reference solution does not score full marks on this image" \
         "(report above); the autograder would grade students wrongly" >&2
    exit 1
fi
