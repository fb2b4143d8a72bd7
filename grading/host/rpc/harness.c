/*
 * harness.c: the frame allocator's host tests, in two processes. This
 * process holds the tests and prints the TAP lines; each test runs
 * frame.c in a fresh, sandboxed child (server.c) that only answers calls.
 *
 * usage: frame_harness SERVER
 * SERVER is the child's executable (server.c linked with the frame.c under
 * test). Prints "1..N", then "ok N - name" or "not ok N - name" and "# "
 * lines of diagnosis per test; the child's own output is relayed with
 * "child| " before each line. Exit status 0 if every test passed, 1 if
 * one failed, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "harness.h"

uint8_t *ram;

static jmp_buf test_failed;
static char fail_msg[512];
static uint64_t seq;

static const char *const op_names[RPC_NOPS] = {
    "hello", "frame_init", "frame_alloc", "frame_free", "frame_get",
    "frame_refs", "frame_free_count",
};

static void
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "frame_harness: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

/* Fail the running test: its message (line 0: no line of cases.c), then
 * back to run_test. Only while a test runs. */
void
fail_at(int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = line ? snprintf(fail_msg, sizeof fail_msg, "cases.c:%d: ", line) : 0;
    vsnprintf(fail_msg + k, sizeof fail_msg - k, fmt, ap);
    va_end(ap);
    longjmp(test_failed, 1);
}

/* "frame_free(frame 0x80004000)": the call, as the failure messages show it. */
static const char *
describe(int op, uint64_t a, uint64_t b)
{
    static char s[96];
    if (op == RPC_INIT)
        snprintf(s, sizeof s, "frame_init(0x%lx, 0x%lx)", (unsigned long)a, (unsigned long)b);
    else if (op == RPC_FREE || op == RPC_GET || op == RPC_REFS)
        snprintf(s, sizeof s, "%s(frame 0x%lx)", op_names[op], (unsigned long)(a * PG));
    else
        snprintf(s, sizeof s, "%s()", op_names[op]);
    return s;
}

/* Run op(a, b) in the child; its reply (returned or panicked), or fail the test. */
static struct rpc_rep
call(int op, uint64_t a, uint64_t b)
{
    struct rpc_req q = { RPC_MAGIC, (uint32_t)op, ++seq, a, b };
    struct rpc_rep r;
    char why[256];
    if (child_call(&q, &r, why, sizeof why) < 0)
        fail_at(0, "%s: %s", describe(op, a, b), why);
    if (r.status == RPC_BADOP)
        fail_at(0, "%s: the child does not know this call", describe(op, a, b));
    return r;
}

/* op(a, b), which must return: its value. */
static uint64_t
returns(int op, uint64_t a, uint64_t b)
{
    struct rpc_rep r = call(op, a, b);
    if (r.status == RPC_PANIC)
        fail_at(0, "%s panicked at %s:%u: %s", describe(op, a, b), r.file, r.line, r.msg);
    return r.value;
}

/*
 * The frame allocator's functions, run in the child, frames as page
 * numbers. Each fails the test if the call panics or the child does not
 * answer; what they return is checked to be usable by the tests: a frame
 * 0 or in the simulated RAM, a count that fits its type.
 */
void
f_init(uint64_t start, uint64_t end)
{
    returns(RPC_INIT, start, end);
}

void
f_free(uint64_t p)
{
    returns(RPC_FREE, p, 0);
}

void
f_get(uint64_t p)
{
    returns(RPC_GET, p, 0);
}

uint64_t
f_free_count(void)
{
    return returns(RPC_FREE_COUNT, 0, 0);
}

uint64_t
f_alloc(void)
{
    uint64_t p = returns(RPC_ALLOC, 0, 0);
    if (p != 0 && (p < SIM_RAM_BASE / PG || p >= (SIM_RAM_BASE + SIM_RAM_SIZE) / PG))
        fail_at(0, "frame_alloc() returned frame 0x%lx, outside the simulated RAM [0x%lx, 0x%lx)",
                (unsigned long)(p * PG), SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    return p;
}

uint32_t
f_refs(uint64_t p)
{
    uint64_t v = returns(RPC_REFS, p, 0);
    if (v > UINT32_MAX)
        fail_at(0, "%s returned %lu, more than a uint32", describe(RPC_REFS, p, 0),
                (unsigned long)v);
    return (uint32_t)v;
}

/* Run op(a, b), which must panic with a message containing fragment
 * (line: the check's, in cases.c). */
void
must_panic(int line, int op, uint64_t a, uint64_t b, const char *fragment)
{
    struct rpc_rep r = call(op, a, b);
    if (r.status != RPC_PANIC)
        fail_at(line, "%s returned; it must panic (with '%s')", describe(op, a, b), fragment);
    if (strstr(r.msg, fragment) == NULL)
        fail_at(line, "%s panicked at %s:%u: '%s', which does not mention '%s'",
                describe(op, a, b), r.file, r.line, r.msg, fragment);
}

/* The simulated RAM: a sealed memfd (the child can neither shrink nor grow
 * it), mapped at RPC_RAM_ADDR here as in the child. Returns its fd. */
static int
make_ram(void)
{
    int fd = memfd_create("sim_ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, SIM_RAM_SIZE) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
        die("cannot make the simulated RAM: %s", strerror(errno));
    void *m = mmap((void *)RPC_RAM_ADDR, SIM_RAM_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (m != (void *)RPC_RAM_ADDR)
        die("cannot map the simulated RAM at %p: %s", (void *)RPC_RAM_ADDR,
            m == MAP_FAILED ? strerror(errno) : "mapped elsewhere");
    ram = m;
    return fd;
}

/* Run test n (1-based) in a fresh child; print its TAP line. Returns 1 if it passed. */
static int
run_test(int n, const struct test_case *t, const char *server, int ramfd)
{
    volatile int passed = 0;
    char why[256], how[128];
    fail_msg[0] = '\0';
    seq = 0;
    if (child_start(server, ramfd, why, sizeof why) < 0)
        snprintf(fail_msg, sizeof fail_msg, "the child did not start: %s", why);
    else if (setjmp(test_failed) == 0) {
        if (t->setup_all)
            setup_all();
        t->run();
        passed = 1;
    }
    child_stop(how, sizeof how);
    say("%s %d - %s", passed ? "ok" : "not ok", n, t->name);
    if (!passed) {
        say("# %s", fail_msg);
        if (strstr(fail_msg, how) == NULL)
            say("# (the child %s)", how);
    }
    return passed;
}

int
main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: frame_harness SERVER\n"
                "  SERVER  the child: grading/host/rpc/server.c linked with the frame.c to test\n");
        return 2;
    }
    /* Not traceable, no /proc/PID/mem or fd/ for the child to open. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        die("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);   /* a dead child is an error reply, not our death */
    int ramfd = make_ram();
    say("1..%d", ntest_cases);
#ifdef KDEBUG
    say("# frame (KDEBUG): frame.c in a child process, %s", argv[1]);
#else
    say("# frame: frame.c in a child process, %s", argv[1]);
#endif
    int npassed = 0;
    for (int i = 0; i < ntest_cases; i++)
        npassed += run_test(i + 1, &test_cases[i], argv[1], ramfd);
    say("# %d of %d tests passed", npassed, ntest_cases);
    return npassed == ntest_cases ? 0 : 1;
}
