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
# QEMU and OpenSBI (the runs), bubblewrap (the sandbox every step that
# compiles or runs a student's code runs in). tar, gzip and coreutils come
# with the image.
#
# Isolation: where the image allows user namespaces, bubblewrap keeps each
# step apart; where it does not, the grader (root) runs each step as a uid
# of its own, 63000 to 63064 (the user pagebook-sandbox marks the first),
# which must not read the solution, the specification or the hidden tests:
# this directory is made readable by root alone.
set -euo pipefail

PACKAGES="gcc libc6-dev make libcmocka-dev gcc-riscv64-unknown-elf
          qemu-system-misc opensbi bubblewrap"

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

for c in cc make riscv64-unknown-elf-gcc qemu-system-riscv64 bwrap; do
    command -v "$c" > /dev/null || { echo "setup.sh: '$c' is still missing" >&2; exit 1; }
done

# The grader and the JSON checker, once (run_autograder rebuilds them only
# if they are missing or older than their sources).
cc=${HOSTCC:-cc}
mkdir -p bin
"$cc" -O2 -std=c11 -o bin/grade.tmp grading/engine/*.c
mv -f bin/grade.tmp bin/grade
"$cc" -O2 -std=c11 -o bin/jsoncheck.tmp grading/gradescope/jsoncheck.c
mv -f bin/jsoncheck.tmp bin/jsoncheck
chmod +x run_autograder

# What only root may read: the solution, the tests, the grader. The
# sandbox's uids (a fallback where namespaces are refused) must not.
if [ "$(id -u)" = 0 ]; then
    chmod -R go-rwx .
    if ! getent passwd pagebook-sandbox > /dev/null && ! getent passwd 63000 > /dev/null; then
        useradd --system --no-create-home --home-dir /nonexistent --uid 63000 \
            --shell /usr/sbin/nologin pagebook-sandbox 2> /dev/null ||
            echo "setup.sh: could not add the user pagebook-sandbox (uid 63000); the grader uses the uid anyway"
    fi
fi

# The reference solution must score full marks here, with this image's
# compilers and QEMU; otherwise every student would be graded wrongly.
scratch=$(mktemp -d)
chmod 711 "$scratch"        # the sandbox's uids pass through to their own files
trap 'rm -rf "$scratch"' EXIT
lab=$(cat lab 2>/dev/null || echo lab4)       # the lab this zip grades (gradescope.mk)
if bin/grade --spec "grading/$lab/tests.spec" --ref reference --out "$scratch" --name reference; then
    echo "setup.sh: ready: the reference solution scores full marks with $(pwd)/bin/grade"
else
    echo "setup.sh: the reference solution does not score full marks on this image" \
         "(report above); the autograder would grade students wrongly" >&2
    exit 1
fi
