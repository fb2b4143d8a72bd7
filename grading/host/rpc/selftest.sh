#!/usr/bin/env bash
# selftest.sh: the two-process harnesses (grading/host/rpc/), tested.
#
# usage: grading/host/rpc/selftest.sh [REF [SKELETON [SPEC]]]
# REF is the reference tree (default build/lab4-ref), SKELETON the lab 4
# skeleton's tree (default build/lab4, from `make lab4`), SPEC the lab's
# specification (default grading/lab4/tests.spec). Run from the top
# of the project; HOSTCC is the compiler (default cc). Prints one
# PASS:/FAIL: line per check; exit status 1 if any check failed. Builds go
# to build/test/hostrpc/.
#
#  - Verdicts: for the reference, the skeleton and plausible bugs (among
#    them grade-selftest's nozero), each test passes under the harness
#    exactly when it passes in the one-process cmocka test_frame.c; with
#    and without KDEBUG.
#  - Hostile frame.c files (the reference plus a constructor, or a broken
#    function): forged TAP lines on stdout and stderr; killing the parent;
#    garbage on the output and the reply pipe; a sandbox escape (writing
#    the ancestors' stdout, making files, tracing, forking, shrinking the
#    shared RAM, ...); a hang, a crash, a frame outside the RAM. None may
#    produce a line starting with "ok" that is not the harness's own, or
#    stop the harness from reporting every test.
#  - The vm harness (vmcases.c): the reference passes, the skeleton fails
#    every test on its 'not implemented' panic, student mistakes in vm.c
#    fail exactly the tests expected, other correct designs pass.
#  - The mm harness (mmcases.c): the same for elf.c and mm.c, each mistake
#    failing only its own exercise's group; its layout is the kernel's.
#  - If SPEC's frames_unit runs this harness, its own run line, as the
#    grader runs it (outside the grader's sandbox), on the reference and a
#    forger.
set -uo pipefail

ref=${1:-build/lab4-ref}
skel=${2:-build/lab4}
spec=${3:-grading/lab4/tests.spec}
rpc=grading/host/rpc
work=build/test/hostrpc
cc=${HOSTCC:-cc}
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
failed=0
pass() { echo "PASS: hostrpc: $*"; }
fail() { echo "FAIL: hostrpc: $*"; failed=1; }
rm -rf "$work"; mkdir -p "$work"

# ---- building -------------------------------------------------------------------
# The harness: as the spec builds it (-Werror) and, for these runs, under
# ASan and UBSan too, so that a child which makes it misbehave shows.
hsrc="$rpc/harness.c $rpc/cases.c $rpc/child.c $rpc/sandbox.c"
# (The four builds at once, two at a time: each is one compiler.)
hbuild() {
    local d=; [ $1 = kdebug ] && d=-DKDEBUG
    case $2 in
    plain) $cc -std=c11 -O1 -g -Wall -Wextra -Werror $d -o "$work/harness-$1-plain" $hsrc ;;
    san)   $cc -std=c11 -O1 -g -Wall -Wextra -Werror $san $d -o "$work/harness-$1" $hsrc ;;
    esac > "$work/harness-$1-$2.log" 2>&1
}
hbuild kdebug plain & p1=$!; hbuild kdebug san & p2=$!; wait $p1; s1=$?; wait $p2; s2=$?
hbuild plain plain & p1=$!; hbuild plain san & p2=$!; wait $p1; s3=$?; wait $p2; s4=$?
for kd in kdebug plain; do
    cat "$work/harness-$kd-plain.log" "$work/harness-$kd-san.log" > "$work/harness-$kd.log"
    if { [ $kd = kdebug ] && [ $s1$s2 = 00 ]; } || { [ $kd = plain ] && [ $s3$s4 = 00 ]; }; then
        pass "the harness ($kd) compiles with -std=c11 -Wall -Wextra -Werror"
    else
        fail "the harness ($kd) does not compile; see $work/harness-$kd.log"
        exit 1
    fi
done

# build_variant NAME FRAME.C KD [cmocka]: the child for FRAME.C (KD kdebug
# or plain) into $work/NAME-KD.server, and with cmocka the one-process
# cmocka test too, NAME-KD.cmocka. Returns 1 if the child does not build.
build_variant() {
    local name=$1 src=$2 kd=$3 d=
    [ "$kd" = kdebug ] && d=-DKDEBUG
    local flags="-std=c11 -O1 -g -Wall $san -I $ref/kernel -DPHYS_OFFSET=sim_phys_offset $d -include grading/host/sim.h"
    $cc $flags -o "$work/$name-$kd.server" "$rpc/server.c" "$src" 2> "$work/$name-$kd.build.log" || return 1
    [ "${4:-}" = cmocka ] || return 0
    $cc $flags -o "$work/$name-$kd.cmocka" grading/host/test_frame.c grading/host/sim.c "$src" \
        -lcmocka 2>> "$work/$name-$kd.build.log" || rm -f "$work/$name-$kd.cmocka"
}

# prebuild NAME KD [cmocka]: build_variant of $work/NAME.c in the background,
# at most one build per core at once; built NAME KD [cmocka] waits for it
# and returns its status (or, if it was not prebuilt, builds it now).
ncores=$(nproc 2>/dev/null || echo 2)
declare -A bpid=()
running_builds() {
    local p n=0
    for p in "${bpid[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
    echo $n
}
prebuild() {
    while [ "$(running_builds)" -ge "$ncores" ]; do wait -n 2>/dev/null; done
    ( build_variant "$1" "$work/$1.c" "$2" ${3:-}; echo $? > "$work/$1-$2.status" ) &
    bpid[$1-$2]=$!
}
built() {
    if [ -n "${bpid[$1-$2]:-}" ]; then
        wait "${bpid[$1-$2]}" 2>/dev/null
        [ "$(cat "$work/$1-$2.status" 2>/dev/null)" = 0 ]
    else
        build_variant "$1" "$work/$1.c" "$2" ${3:-}
    fi
}

# run_harness NAME KD: $out is the harness's output on the child NAME-KD,
# $status its exit status, $secs the seconds it took. In a session of its
# own: should the sandbox fail, a child's kill(0) stays there.
run_harness() {
    local t0=$SECONDS
    out=$(setsid -w "$work/harness-$2" "$work/$1-$2.server" 2>&1); status=$?
    secs=$((SECONDS - t0))
    printf '%s\n' "$out" > "$work/$1-$2.tap"
}

# The verdicts of TAP output $1: a 1 (ok) or 0 (not ok) per test, - if missing.
verdicts() {
    printf '%s\n' "$1" | awk '/^ok [0-9]+ - /{v[$2]=1} /^not ok [0-9]+ - /{v[$3]=0}
        END { for (i = 1; i <= 10; i++) printf "%s", (i in v) ? v[i] : "-" }'
}
n_ok() { printf '%s\n' "$1" | grep -c '^ok' || true; }
# Lines that are neither the harness's TAP lines nor prefixed child output.
stray() {
    printf '%s\n' "$1" | grep -v -E '^(1\.\.10|ok [0-9]+ - test_[a-z_]+|not ok [0-9]+ - test_[a-z_]+(: .*)?|# .*|child\| .*)$' || true
}
# (grep reads a here-string, not a pipe: with pipefail, a grep -q that stops
# early makes the printf feeding it fail, now and then, on a long output)
finished() { grep -q -E '^# [0-9]+ of 10 tests passed$' <<< "$1"; }

# mutant NAME PERL: the reference's frame.c with a substitution, as $work/NAME.c.
mutant() {
    perl -0pe "$2" "$ref/kernel/frame.c" > "$work/$1.c"
    cmp -s "$ref/kernel/frame.c" "$work/$1.c" && fail "mutant $1: the substitution changed nothing"
}
# hostile NAME: system headers, the reference's frame.c, then stdin, as
# $work/NAME.c; the additions only where sim.h is forced in (the host
# build), so that it is also a submission whose kernel builds.
hostile() {
    { printf '#ifdef SIM_H\n#define _GNU_SOURCE\n'
      for h in errno fcntl signal stdio string unistd sys/ptrace sys/resource sys/socket sys/syscall; do
          printf '#include <%s.h>\n' $h
      done
      printf '#endif\n'
      cat "$ref/kernel/frame.c"
      printf '#ifdef SIM_H\n'; cat; printf '#endif\n'; } > "$work/$1.c"
}

# ---- verdicts: the harness agrees with the cmocka test ----------------------------
cp "$skel/kernel/frame.c" "$work/skeleton.c" 2>/dev/null ||
    fail "no skeleton frame.c in $skel (make lab4)"
cp "$ref/kernel/frame.c" "$work/reference.c"
mutant nozero  's/memset\(pa2kva\(ppn2pa\(p\)\), 0, PAGE_SIZE\);/;/'
mutant nofill  's/memset\(pa2kva\(ppn2pa\(p\)\), 0x5A, PAGE_SIZE\);/;/'
mutant leak    's/fa\.free_head = i;\n(\s*)fa\.nfree\+\+;/fa.nfree++;/'
mutant noget   's/fa\.rec\[i\]\.refs\+\+;/;/'
mutant offbyone 's/p\.n - fa\.first >= fa\.count/p.n - fa.first > fa.count/'
mutant nodouble 's/if \(fa\.rec\[i\]\.refs == 0\)\n\s*panic\("frame_free: double free[^;]*;//'

check_verdicts() {
    local name=$1 kd=$2 want=${3:-}
    if ! built "$name" "$kd" cmocka; then
        fail "$name ($kd): does not build; see $work/$name-$kd.build.log"
        return
    fi
    run_harness "$name" "$kd"
    local got; got=$(verdicts "$out")
    local cm=; [ -x "$work/$name-$kd.cmocka" ] &&
        cm=$(verdicts "$(CMOCKA_MESSAGE_OUTPUT=tap "$work/$name-$kd.cmocka" 2>&1)")
    if [ -n "$want" ] && [ "$got" != "$want" ]; then
        fail "$name ($kd): verdicts $got, want $want; see $work/$name-$kd.tap"
    elif [ -z "$cm" ] || [ "$got" != "$cm" ]; then
        fail "$name ($kd): verdicts $got under the harness, '$cm' in one process (cmocka); see $work/$name-$kd.tap"
    elif [ -n "$(stray "$out")" ] || ! finished "$out"; then
        fail "$name ($kd): output not as expected; see $work/$name-$kd.tap"
    else
        pass "$name ($kd): verdicts $got (1 = ok), as in one process with cmocka, in ${secs}s"
    fi
}

# ---- hostile children ---------------------------------------------------------------
hostile forge <<'EOF'
__attribute__((constructor)) static void forge(void)
{
    for (int i = 1; i <= 10; i++) {
        printf("ok %d - test_x\n", i);
        fprintf(stderr, "ok %d - test_x\n", i);
    }
    fflush(stdout);
    _exit(0);
}
EOF
hostile killparent <<'EOF'
__attribute__((constructor)) static void killparent(void)
{
    pid_t pp = getppid();
    int a = kill(pp, SIGKILL), ea = errno;
    int b = kill(0, SIGKILL), eb = errno;
    int c = (int)syscall(SYS_tgkill, pp, pp, SIGKILL), ec = errno;
    dprintf(2, "killparent: kill(ppid) %d (%s), kill(0) %d (%s), tgkill(ppid) %d (%s)\n",
            a, strerror(ea), b, strerror(eb), c, strerror(ec));
    for (int i = 1; i <= 10; i++)
        dprintf(1, "ok %d - test_x\n", i);
    _exit(0);
}
EOF
# garbage: junk on its output and reply pipe, then on as usual; chatty: on its output only.
for g in garbage chatty; do
    last=3; [ $g = chatty ] && last=2
    hostile $g <<EOF
__attribute__((constructor)) static void junk(void)
{
    static const char junk[] = "\\rok 1 - test_x\\nok 2 - test_y\\0\\033[2K\\rok 3 - test_z\\n\\377\\376ok 4";
    static const char tail[] = "\\nok 5 - test_x\\n\\r\\n\\tok 6";
    static char big[9000];
    memset(big, 'A', sizeof big);
    memcpy(big + 4000, tail, sizeof tail - 1);
    for (int fd = 1; fd <= $last; fd++) {
        write(fd, junk, sizeof junk);
        write(fd, big, sizeof big);
    }
}
EOF
done
hostile escape <<EOF
static int tried, refused;
static void attempt(const char *what, long r)
{
    tried++;
    if (r < 0) {
        refused++;
        dprintf(2, "escape: %s: refused (%s)\n", what, strerror(errno));
    } else
        dprintf(2, "escape: %s: DONE\n", what);
}
static void forge_to(int fd)
{
    for (int i = 1; fd >= 0 && i <= 10; i++)
        dprintf(fd, "ok %d - test_x\n", i);
}
__attribute__((constructor)) static void escape(void)
{
    char p[64];
    int pp = getppid(), gp = 0, fd;
    FILE *f;
    snprintf(p, sizeof p, "/proc/%d/stat", pp);
    if ((f = fopen(p, "r")) != NULL) {
        if (fscanf(f, "%*d %*s %*c %d", &gp) != 1)
            gp = 0;
        fclose(f);
    }
    dprintf(2, "escape: harness %d, its parent %d\n", pp, gp);
    snprintf(p, sizeof p, "/proc/%d/fd/1", pp);
    attempt("open the harness's stdout", fd = open(p, O_WRONLY));
    forge_to(fd);
    snprintf(p, sizeof p, "/proc/%d/fd/1", gp);
    attempt("open the harness's parent's stdout", fd = open(p, O_WRONLY | O_APPEND));
    forge_to(fd);
    attempt("create a file", fd = open("$PWD/$work/pwned", O_WRONLY | O_CREAT, 0644));
    forge_to(fd);
    snprintf(p, sizeof p, "/proc/%d/mem", pp);
    attempt("open the harness's memory", open(p, O_RDWR));
    attempt("ptrace the harness", ptrace(PTRACE_ATTACH, pp, 0, 0));
    pid_t k = fork();
    if (k == 0)
        _exit(0);
    attempt("fork", k);
    attempt("setsid", setsid());
    attempt("socket", socket(AF_UNIX, SOCK_STREAM, 0));
    attempt("shrink the shared RAM", ftruncate(4, 0));
    struct rlimit one = { 1, 1 };
    attempt("limit the harness's CPU time", prlimit(pp, RLIMIT_CPU, &one, NULL));
    attempt("pidfd_open the harness", syscall(SYS_pidfd_open, pp, 0));
    dprintf(2, "escape: %d of %d refused\n", refused, tried);
    _exit(0);
}
EOF
alloc='s/(ppn_t\nframe_alloc\(void\)\n\{\n)/$1'
mutant hang  "$alloc    for (;;)\n        ;\n/"
mutant crash "$alloc    *(volatile int *)8 = 0;\n/"
mutant badppn "$alloc    return (ppn_t){ 1 };\n/"
# check_hostile NAME WANT-VERDICTS DIAGNOSIS-RE DESCRIPTION
check_hostile() {
    local name=$1 want=$2 re=$3 what=$4
    if ! built "$name" kdebug; then
        fail "$name: does not build; see $work/$name-kdebug.build.log"
        return
    fi
    run_harness "$name" kdebug
    local got; got=$(verdicts "$out")
    local nok; nok=$(n_ok "$out")
    local want_ok; want_ok=$(printf '%s' "$want" | tr -cd 1 | wc -c)
    if [ "$got" = "$want" ] && [ "$nok" -eq "$want_ok" ] && [ -z "$(stray "$out")" ] &&
       finished "$out" && grep -q -E "$re" <<< "$out"; then
        pass "$name ($what): verdicts $got, $nok 'ok' lines, all the harness's, in ${secs}s"
    else
        fail "$name ($what): verdicts $got (want $want), $nok 'ok' lines, stray lines '$(stray "$out" | head -3)'; see $work/$name-kdebug.tap"
    fi
}

# ---- the runs ---------------------------------------------------------------------------
# The hang takes 2 s a call, mostly waiting: it starts first (building its
# own child) and runs beside the rest, its line printed after the others'.
( check_hostile hang 1100000100 '^# frame_alloc\(\): no reply within 2 s \(the child hangs\)$' \
    "frame_alloc loops forever: 2 s per call" ) > "$work/hang.result" 2>&1 &
hang_pid=$!
# Every other child is built beforehand, one compiler per core (each build
# is one compiler after another), while the checks below run in order.
for v in reference:kdebug reference:plain skeleton:kdebug nozero:kdebug nofill:kdebug nofill:plain \
         leak:kdebug noget:kdebug offbyone:kdebug nodouble:kdebug; do
    prebuild "${v%:*}" "${v#*:}" cmocka
done
for v in forge killparent garbage chatty crash badppn escape; do prebuild "$v" kdebug; done

check_verdicts reference kdebug 1111111111
check_verdicts reference plain 1111111111
check_verdicts skeleton kdebug 1100000000
check_verdicts nozero kdebug
check_verdicts nofill kdebug
check_verdicts nofill plain 1111111111
for m in leak noget offbyone nodouble; do check_verdicts $m kdebug; done

# Every failed skeleton test names the not-implemented panic (test-lab4 looks for it).
t=$work/skeleton-kdebug.tap
n=$(grep -c '^# \(frame_[a-z_]*(.*) panicked at .*lab4 ex1: frame_[a-z]* not implemented\|.*lab4 ex1: frame_free not implemented\)' "$t" 2>/dev/null)
if [ "${n:-0}" -eq 8 ]; then
    pass "skeleton: each of its 8 failures shows the 'lab4 ex1: ... not implemented' panic"
else
    fail "skeleton: ${n:-0} of 8 failures show the not-implemented panic; see $t"
fi
if grep -q '^not ok' "$work/nozero-kdebug.tap" 2>/dev/null; then
    pass "grade-selftest's nozero mutant fails: $(grep -m 1 '^# cases' "$work/nozero-kdebug.tap")"
else
    fail "nozero does not fail under the harness; see $work/nozero-kdebug.tap"
fi

check_hostile forge 0000000000 '^child\| ok 10 - test_x$' "prints ten ok lines on stdout and stderr and exits 0"
check_hostile killparent 0000000000 '^child\| killparent: kill\(ppid\) -1 .*kill\(0\) -1 .*tgkill\(ppid\) -1' \
    "kills its parent and its process group, then forges"
check_hostile garbage 0000000000 '^# the child did not start: its reply is garbage' \
    "junk on its output and its reply pipe"
check_hostile chatty 1111111111 '^child\| \?ok 1 - test_x$' "junk with ok lines on its output, then works"
check_hostile crash 1100000100 '^child\| .*AddressSanitizer: SEGV' "frame_alloc faults: ASan's report relayed"
check_hostile badppn 1100000100 'frame_alloc\(\) returned frame 0x1000, outside the simulated RAM' \
    "frame_alloc returns a frame outside the RAM"

wait "$hang_pid"
cat "$work/hang.result"
grep -q '^PASS: ' "$work/hang.result" || failed=1

# The escape attempts, with the harness under a shell that does not exec it
# (as a spec's `run` line without exec would leave it): the shell's stdout,
# the output file, is the prize.
if built escape kdebug; then
    sh -c '"$0" "$1"; echo "harness exit $?"' "$work/harness-kdebug" "$work/escape-kdebug.server" \
        > "$work/escape-kdebug.tap" 2>&1
    out=$(grep -v '^harness exit' "$work/escape-kdebug.tap")
    summary=$(grep -m 1 -o 'escape: [0-9]* of [0-9]* refused' "$work/escape-kdebug.tap")
    if [ "$(verdicts "$out")" = 0000000000 ] && [ "$(n_ok "$out")" -eq 0 ] && [ -z "$(stray "$out")" ] &&
       finished "$out" && [ ! -e "$work/pwned" ] && ! grep -q 'escape: .*: DONE' "$work/escape-kdebug.tap" &&
       [ -n "$summary" ] && [ "$(grep -c '^harness exit 1$' "$work/escape-kdebug.tap")" -eq 1 ]; then
        pass "escape (writes its ancestors' stdout through /proc, makes a file, traces, forks, leaves its group, shrinks the RAM, ...): $summary, no forged line, harness unharmed"
    else
        fail "escape: an attempt succeeded or the harness was harmed; see $work/escape-kdebug.tap"
    fi
else
    fail "escape: does not build; see $work/escape-kdebug.build.log"
fi

# ---- vm.c (vmcases.c): exercises 2 and 3 ---------------------------------------------
# The vm harness on the reference (every test passes), the skeleton (every
# test fails on a 'not implemented' panic), mistakes students make (each
# fails the tests named beside it, and only those) and other correct
# designs (pass: the tests must not depend on a choice the chapter leaves
# open). Verdicts: a 1 or 0 per test, in vmcases.c's order.
# verdicts N TAP: a 1 (ok) or 0 (not ok) for each of tests 1 to N; '-' for one not reported.
verdicts() {
    printf '%s\n' "$2" | awk -v n="$1" '/^ok [0-9]+ - /{v[$2]=1} /^not ok [0-9]+ - /{v[$3]=0}
        END { for (i = 1; i <= n; i++) printf "%s", (i in v) ? v[i] : "-" }'
}
vmv() { verdicts 12 "$1"; }
# check_variants KIND N BUILD CASE...: each CASE is "NAME|WANT|GREP|WHAT". Builds
# every variant (BUILD NAME: $work/KIND-NAME.server), then runs KIND's harness on
# each, two at a time (each is mostly its children's start-up): its N verdicts
# must be WANT, and its TAP must hold GREP if that is not empty.
check_variants() {
    local kind=$1 n=$2 build=$3 c name want grep what got
    shift 3
    for c in "$@"; do
        while [ "$(jobs -rp | wc -l)" -ge "$ncores" ]; do wait -n; done
        "$build" "${c%%|*}" &
    done
    wait
    for c in "$@"; do
        name=${c%%|*}
        while [ "$(jobs -rp | wc -l)" -ge "$ncores" ]; do wait -n; done
        setsid -w "$work/${kind}_harness" "$work/$kind-$name.server" > "$work/$kind-$name.tap" 2>&1 &
    done
    wait
    for c in "$@"; do
        IFS='|' read -r name want grep what <<< "$c"
        got=$(verdicts "$n" "$(cat "$work/$kind-$name.tap")")
        if [ ! -x "$work/$kind-$name.server" ]; then
            fail "$kind: $name does not build; see $work/$kind-$name.build.log"
        elif [ "$got" = "$want" ] && { [ -z "$grep" ] || grep -q -F "$grep" "$work/$kind-$name.tap"; }; then
            pass "$kind: $name ($what): verdicts $got, as expected"
        else
            fail "$kind: $name ($what): verdicts $got, want $want${grep:+, saying '$grep'}; see $work/$kind-$name.tap"
        fi
    done
}
if $cc -std=c11 -O1 -g -Wall -Wextra -Werror -DKDEBUG -o "$work/vm_harness" \
       "$rpc/harness.c" "$rpc/vmcases.c" "$rpc/child.c" "$rpc/sandbox.c" 2> "$work/vm_harness.log"; then
    pass "the vm harness compiles with -std=c11 -Wall -Wextra -Werror"
else
    fail "the vm harness does not compile; see $work/vm_harness.log"
fi
# vm_build NAME VM.C [FRAME.C]: the child for NAME.
vm_build() {
    $cc -std=c11 -O1 -g -Wall $san -I "$ref/kernel" -DPHYS_OFFSET=sim_phys_offset -DKDEBUG -DRPC_VM \
        -include grading/host/sim.h -o "$work/vm-$1.server" "$rpc/server.c" "${3:-$ref/kernel/frame.c}" "$2" \
        > "$work/vm-$1.build.log" 2>&1
}
# vm_variant NAME PERL: the reference's vm.c with a substitution, as $work/vm-NAME.c.
vm_variant() {
    perl -0pe "$2" "$ref/kernel/vm.c" > "$work/vm-$1.c"
    cmp -s "$ref/kernel/vm.c" "$work/vm-$1.c" && fail "vm variant $1: the substitution changed nothing"
}
# name | perl substitution | verdicts (1 pass, 0 fail) | what it is
vm_cases=(
 'walk-nooom|s/if \(p\.n == 0\)\n\s*return NULL;//|110111101111|walk uses frame 0 when memory runs out (the child faults)'
 'walk-nohuge|s/if \(pte_leaf\(\*e\)\)\n\s*panic\("walk: huge page[^;]*;//|111011111111|walk descends into a huge-page leaf'
 'walk-tablerw|s/\*e = make_pte\(p, PTE_V\);/*e = make_pte(p, PTE_V \x7c PTE_R \x7c PTE_W);/|000100000000|walk makes a table entry a leaf'
 'walk-alwaysalloc|s/if \(!alloc\)\n\s*return NULL;//|011111111111|walk makes tables without alloc'
 'map-noremap|s/if \(\*e & PTE_V\)\n\s*panic\("map_pages: remap[^;]*;//|111111011111|map_pages overwrites a mapping'
 'map-norollback|s/unmap_pages\(pt, va, i, 0\);\n(\s*)return -1;/return -1;/|111111101111|map_pages leaves half a mapping behind'
 'map-noad|s/perm \x7c PTE_V \x7c PTE_A \x7c PTE_D\);/perm \x7c PTE_V);/|111100111111|map_pages sets neither A nor D'
 'unmap-nofree|s/if \(free_frames\)\n\s*frame_free\(pte_ppn\(\*e\)\);//|111111110111|unmap_pages never drops a reference'
 'unmap-nocheck|s/if \(e == NULL \x7c\x7c !\(\*e & PTE_V\)\)\n\s*panic\("unmap_pages[^;]*;\n/if (e == NULL)\n            continue;\n/|111111111011|unmap_pages skips a page that is not mapped'
 'translate-noneed|s/\(\*e & \(PTE_V \x7c need\)\) != \(PTE_V \x7c need\)/!(*e \& PTE_V)/|111101111101|translate ignores the flags asked for'
 'translate-nocanon|s/if \(!va_canonical\(va\)\)\n\s*return 0;\n(\s*pte_t \*e = walk\(pt, va, 0\);)/$1/|111111111101|translate walks a non-canonical address (walk panics)'
 'design-giveback|s/(\n(\s*)if \(\*e & PTE_V\) \{)/\n$2static pte_t *made;\n$2if (level == 2)\n$2    made = NULL;$1/; s/if \(p\.n == 0\)\n(\s*)return NULL;/if (p.n == 0) {\n$1if (made) {\n$1    frame_free(pte_ppn(*made));\n$1    *made = 0;\n$1}\n$1return NULL;\n$1}/; s/(\*e = make_pte\(p, PTE_V\);)/$1\n            made = e;/|111111111111|(correct) walk gives back a table it made when the next one cannot be made'
 'design-prune|s/(\n(\s*)\*e = 0;\n(\s*)\}\n)/$1$2pagetable_prune(pt, va \& 0x3FFFFFFFFFUL, (va \& 0x3FFFFFFFFFUL) + 1);\n/|111111111111|(correct) unmap_pages frees the tables it emptied'
)
for c in "${vm_cases[@]}"; do
    IFS='|' read -r name subst want what <<< "$c"
    vm_variant "$name" "$subst"
done
vm_build reference "$ref/kernel/vm.c" & p1=$!
vm_build skeleton "$skel/kernel/vm.c" & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
for name in reference skeleton; do
    out=$(setsid -w "$work/vm_harness" "$work/vm-$name.server" 2>&1)
    printf '%s\n' "$out" > "$work/vm-$name.tap"
    nni=$(printf '%s\n' "$out" | grep -c '^not ok.*not implemented')
    if [ $name = reference ] && [ $s1 = 0 ] && [ "$(vmv "$out")" = 111111111111 ]; then
        pass "vm: the reference passes all 12 tests"
    elif [ $name = skeleton ] && [ $s2 = 0 ] && [ "$(vmv "$out")" = 000000000000 ] && [ "$nni" -eq 12 ]; then
        pass "vm: the skeleton fails all 12 tests, each on a 'not implemented' panic"
    else
        fail "vm: $name: verdicts $(vmv "$out"); see $work/vm-$name.tap"
    fi
done
vm_list=()
for c in "${vm_cases[@]}"; do
    IFS='|' read -r name subst want what <<< "$c"
    vm_list+=("$name|$want||$what")
done
vm_variant_build() { vm_build "$1" "$work/vm-$1.c"; }
check_variants vm 12 vm_variant_build "${vm_list[@]}"

# ---- elf.c and mm.c (mmcases.c): exercises 4, 5 and 9 ---------------------------------
# As the vm harness's: the reference, the skeleton, student mistakes (each
# fails tests of its own exercise's group only: the groups are graded as
# elf_unit, munmap_unit and free_unit) and other correct designs. Verdicts:
# 14 per run, in mmcases.c's order (elf 4, munmap 7, free 3).
mmv() { verdicts 14 "$1"; }
if $cc -std=c11 -O1 -g -Wall -Wextra -Werror -DKDEBUG -o "$work/mm_harness" \
       "$rpc/harness.c" "$rpc/mmcases.c" "$rpc/child.c" "$rpc/sandbox.c" 2> "$work/mm_harness.log"; then
    pass "the mm harness compiles with -std=c11 -Wall -Wextra -Werror"
else
    fail "the mm harness does not compile; see $work/mm_harness.log"
fi
# The layout mmcases.c assumes is the kernel's (vm.h): the user half's end,
# the stack's size, the trampoline and trap context, the area uses.
vmh=$ref/kernel/vm.h
want_layout="USER_TOP 0x4000000000UL|USER_STACK_SIZE (4 * PAGE_SIZE)|TRAMPOLINE 0xFFFFFFFFFFFFF000UL|TRAP_CONTEXT 0xFFFFFFFFFFFFE000UL"
got_layout=$(for n in USER_TOP USER_STACK_SIZE TRAMPOLINE TRAP_CONTEXT; do
                 sed -n "s/^#define \($n\) *\([^/]*[^ /]\) *\(\/\*.*\)\{0,1\}$/\1 \2/p" "$vmh" | head -n 1
             done | paste -sd '|')
uses=$(tr '\n' ' ' < "$vmh" | sed -n 's/.*enum area_use *{\([^}]*\)}.*/\1/p' | tr -d ' ')
if [ "$got_layout" = "$want_layout" ] && [ "$uses" = "USE_KERNEL,USE_ELF,USE_STACK,USE_HEAP,USE_MMAP,USE_TRAP_CONTEXT" ] &&
   grep -q '^#define STACK_PAGES 4UL' "$rpc/mmcases.c" &&
   grep -q 'enum { USE_ELF = 1, USE_STACK = 2, USE_MMAP = 4 }' "$rpc/mmcases.c"; then
    pass "mm: mmcases.c's layout constants and area uses are the kernel's ($vmh)"
else
    fail "mm: mmcases.c's layout and the kernel's differ: '$got_layout', uses '$uses'"
fi
# mm_build NAME DIR: the child for NAME, from DIR/kernel/{elf,mm}.c and the
# reference's other files.
mm_build() {
    $cc -std=c11 -O1 -g -Wall $san -I "$ref/kernel" -DPHYS_OFFSET=sim_phys_offset -DKDEBUG -DRPC_VM \
        -DRPC_MM -include grading/host/sim.h -o "$work/mm-$1.server" "$rpc/server.c" \
        "$ref/kernel/frame.c" "$ref/kernel/vm.c" "$2/kernel/mm.c" "$2/kernel/elf.c" \
        "$ref/kernel/heap.c" "$ref/kernel/slab.c" > "$work/mm-$1.build.log" 2>&1
}
# name | file | perl substitution | verdicts | what it is
mm_cases=(
 'notype|elf.c|s/p->p_type != PT_LOAD \x7c\x7c //|01111111111111|the loader loads headers that are not PT_LOAD'
 'rwx|elf.c|s/segment_perm\(p->p_flags\)/PTE_R \x7c PTE_W \x7c PTE_X \x7c PTE_U/|00001111111111|every segment mapped R|W|X'
 'copymemsz|elf.c|s/p->p_filesz\);/p->p_memsz);/|00001111111111|the loader copies p_memsz bytes from the file, not p_filesz'
 'notop|elf.c|s/\n\s*if \(end > top\)\n\s*top = end;//|00011111111111|the stack goes at the bottom: top never set'
 'oomreturn|elf.c|s/== NULL\)\n(\s*)goto oom;\n(\s*)copy_to_space/== NULL)\n$1return NULL;\n$2copy_to_space/|11101111111111|out of frames, the loader returns NULL without freeing the space or saying why'
 'head|mm.c|s/area_unmap\(mm, a, a->start, e\);(\s*)\/\* its beginning \*\/\n\s*a->start = e;/area_unmap(mm, a, a->start, e);$1\/* its beginning *\//|11111011011111|munmap of an area'"'"'s head leaves its start'
 'wholeoff|mm.c|s/if \(s\.n <= a->start\.n && a->end\.n <= e\.n\)/if (s.n <= a->start.n \&\& a->end.n < e.n)/|11110111111111|an area unmapped exactly is cut at its head, left empty in the tree'
 'noinsert|mm.c|s/\n\s*area_insert\(mm, rest\);//|11111110110111|a split area'"'"'s second part is never put in the tree'
 'notables|mm.c|s/(TRAMPOLINE, 1, 0\);)\n\s*pagetable_free\(mm->pt\);/$1/|11111111111000|mm_free frees no table page'
 'nostruct|mm.c|s/\n\s*kfree\(mm\);\n(\s*\/\* END SOLUTION)/\n$1/|11111111111000|mm_free leaks the struct mm'
 'trampframe|mm.c|s/unmap_pages\(mm->pt, TRAMPOLINE, 1, 0\);/unmap_pages(mm->pt, TRAMPOLINE, 1, 1);/|11111111111000|mm_free frees the trampoline'"'"'s page as a frame'
 'hostile-outside|mm.c|s/(\n\s*area_insert\(mm, a\);\n)(\s*return a;)/$1    *walk(mm->pt, start, 0) = make_pte((ppn_t){ 0x10 }, perm \x7c PTE_V);\n$2/|00010000000100|(hostile) mm_map points a page at physical 0x10000, outside the RAM: the harness reads and writes no byte there, says so, and reports every test'
 'design-toplater|elf.c|s/\n\s*if \(end > top\)\n\s*top = end;//; s/(\n\s*\/\* END SOLUTION \*\/\n)/\n    for (int i = 0; i < eh->e_phnum; i++)\n        if (ph[i].p_type == PT_LOAD \&\& ph[i].p_memsz \&\& page_up(ph[i].p_vaddr + ph[i].p_memsz) > top)\n            top = page_up(ph[i].p_vaddr + ph[i].p_memsz);$1/|11111111111111|(correct) the top found in a loop of its own, after the segments are loaded'
 'design-splithead|mm.c|s/rest->start = e;\n(\s*)a->end = s;/rest->end = s;\n$1a->start = e;/|11111111111111|(correct) a split keeps the area for the second part, a new one for the first'
 'design-freeorder|mm.c|s/while \(mm->areas\)\n(\s*)mm_unmap_area\(mm, mm->areas\);/for (struct map_area *a; (a = mm_area_from(mm, 0)) != NULL; )\n$1mm_unmap_area(mm, a);/|11111111111111|(correct) mm_free unmaps the areas in address order'
)
for c in "${mm_cases[@]}"; do
    IFS='|' read -r name file subst want what <<< "$c"
    mkdir -p "$work/mm-$name/kernel"
    cp "$ref/kernel/mm.c" "$ref/kernel/elf.c" "$work/mm-$name/kernel/"
    perl -0pi -e "$subst" "$work/mm-$name/kernel/$file"
    cmp -s "$ref/kernel/$file" "$work/mm-$name/kernel/$file" &&
        fail "mm variant $name: the substitution changed nothing"
done
mm_build reference "$ref" & p1=$!
mm_build skeleton "$skel" & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
for name in reference skeleton; do
    out=$(setsid -w "$work/mm_harness" "$work/mm-$name.server" 2>&1)
    printf '%s\n' "$out" > "$work/mm-$name.tap"
    # each group's failures, and the group's 'not implemented' line (a panic, or what
    # the stub prints: the harness relays the child's output)
    ok=1
    for g in elf:4 munmap:5 free:9; do
        [ $name = skeleton ] || continue
        gout=$(setsid -w "$work/mm_harness" "$work/mm-$name.server" "${g%:*}" 2>&1)
        printf '%s\n' "$gout" | grep -q "lab4 ex${g#*:}: .*not implemented" || ok=0
        [ "$(printf '%s\n' "$gout" | grep -c '^not ok')" -ge 1 ] || ok=0
    done
    if [ $name = reference ] && [ $s1 = 0 ] && [ "$(mmv "$out")" = 11111111111111 ]; then
        pass "mm: the reference passes all 14 tests"
    elif [ $name = skeleton ] && [ $s2 = 0 ] && [ $ok = 1 ] && [ "$(mmv "$out")" = 00010000010000 ]; then
        pass "mm: the skeleton fails every group, each on its own exercise's 'not implemented' line: $(mmv "$out") (the out-of-memory test waits for mm_free; a stub that returns -1 refuses what it must)"
    else
        fail "mm: $name: verdicts $(mmv "$out"); see $work/mm-$name.tap"
    fi
done
mm_list=()
for c in "${mm_cases[@]}"; do
    IFS='|' read -r name file subst want what <<< "$c"
    g=; [[ $name != hostile-outside ]] || g='is mapped to 0x10000, outside the RAM'
    mm_list+=("$name|$want|$g|$what")
done
mm_variant_build() { mm_build "$1" "$work/mm-$1"; }
check_variants mm 14 mm_variant_build "${mm_list[@]}"

# ---- the spec's own run line, once it runs this harness ------------------------------
specdir=$(cd "$(dirname "$spec")" && pwd)
# spec_tools TEST DIR: TEST's tools (its spec's `tool NAME FLAGS... SOURCES...`
# lines), compiled into DIR as the grader compiles them ($GRADE_TOOLS/NAME).
spec_tools() {
    local test=$1 out=$2 line name w flags srcs
    mkdir -p "$out"
    while IFS= read -r line; do
        read -r -a w <<< "$line"; name=${w[0]}; flags=; srcs=
        for w in "${w[@]:1}"; do case $w in -*) flags="$flags $w" ;; *) srcs="$srcs $specdir/$w" ;; esac; done
        # shellcheck disable=SC2086
        $cc $flags -o "$out/$name" $srcs || return 1
    done < <(awk -v t="$test" '$1 == "test" { n = $2 } n == t && $1 == "tool" { r = 1; sub(/^tool[ \t]+/, "") }
                 r { c = sub(/\\$/, ""); printf "%s", $0; if (!c) { print ""; r = 0 } }' "$spec")
}
run=$(awk '$1 == "test" { t = $2 } t == "frames_unit" && $1 == "run" { r = 1; sub(/^run[ \t]+/, "") }
           r { c = sub(/\\$/, ""); printf "%s", $0; if (!c) exit }' "$spec")
if printf '%s' "$run" | grep -q 'host/rpc'; then
    # (both at once: each is two compilers, one after the other)
    tdir=$(cd "$work" && pwd)/tools-frames_unit
    spec_tools frames_unit "$tdir" > "$work/tools-frames_unit.log" 2>&1 || fail "frames_unit's tools do not build; see $work/tools-frames_unit.log"
    for name in reference forge; do
        tree=$work/tree-$name
        mkdir -p "$tree/kernel" "$tree/out"
        cp "$ref"/kernel/*.h "$tree/kernel/" && cp "$work/$name.c" "$tree/kernel/frame.c"
        (cd "$tree" && env GRADE_TREE="$PWD" GRADE_SPECDIR="$specdir" GRADE_TOOLS="$tdir" \
             GRADE_OUT="$PWD/out" HOSTCC="$cc" setsid -w /bin/sh -c "$run") > "$work/spec-$name.tap" 2>&1 &
    done
    wait
    for name in reference forge; do
        o=$(cat "$work/spec-$name.tap")
        want=10; [ $name = forge ] && want=0
        if [ "$(printf '%s\n' "$o" | grep -c -E '^ok [0-9]+ - test_')" -eq $want ]; then
            pass "the spec's frames_unit run line on $name: $want 'ok' lines"
        else
            fail "the spec's frames_unit run line on $name: not $want 'ok' lines; see $work/spec-$name.tap"
        fi
    done
fi
# The other host tests' run lines, as the grader runs them, on the reference.
for t in walk_unit:4 vm_unit:8 elf_unit:4 munmap_unit:7 free_unit:3; do
    name=${t%:*} want=${t#*:}
    run=$(awk -v t=$name '$1 == "test" { n = $2 } n == t && $1 == "run" { r = 1; sub(/^run[ \t]+/, "") }
               r { c = sub(/\\$/, ""); printf "%s", $0; if (!c) exit }' "$spec")
    [ -n "$run" ] || continue
    tree=$work/tree-$name
    mkdir -p "$tree/kernel" "$tree/out"
    cp "$ref"/kernel/*.h "$ref"/kernel/{frame,vm,mm,elf,heap,slab}.c "$tree/kernel/"
    tdir=$(cd "$work" && pwd)/tools-$name
    spec_tools "$name" "$tdir" > "$work/tools-$name.log" 2>&1 || fail "$name's tools do not build; see $work/tools-$name.log"
    (cd "$tree" && env GRADE_TREE="$PWD" GRADE_SPECDIR="$specdir" GRADE_TOOLS="$tdir" \
         GRADE_OUT="$PWD/out" HOSTCC="$cc" setsid -w /bin/sh -c "$run") > "$work/spec-$name.tap" 2>&1
    o=$(cat "$work/spec-$name.tap")
    if [ "$(printf '%s\n' "$o" | grep -c -E '^ok [0-9]+ - test_')" -eq $want ] &&
       ! grep -q '^not ok' <<< "$o"; then
        pass "the spec's $name run line on the reference: $want 'ok' lines"
    else
        fail "the spec's $name run line on the reference: not $want 'ok' lines; see $work/spec-$name.tap"
    fi
done
exit $failed
