/*
 * harness.c: host tests of kernel code, in two processes. This process
 * holds the tests and prints the TAP lines; each test runs the code under
 * test in a fresh, sandboxed child (server.c) that only answers calls.
 * Linked with cases.c it tests frame.c (frame_harness); with vmcases.c,
 * vm.c (vm_harness); with mmcases.c, elf.c and mm.c (mm_harness).
 *
 * usage: HARNESS SERVER [GROUP]
 * SERVER is the child's executable (server.c linked with the code under
 * test); GROUP, if given, runs only the tests of that group. Prints
 * "1..N", then "ok N - name" or "not ok N - name" and "# " lines of
 * diagnosis per test; the child's own output is relayed with "child| "
 * before each line. Exit status 0 if every test passed, 1 if one failed,
 * 2 on a usage or setup error.
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
#include "ptcases.h"

uint8_t *ram;

static jmp_buf test_failed;
static char fail_msg[512];
static uint64_t seq;

static const char *const op_names[RPC_NOPS] = {
    "hello", "frame_init", "frame_alloc", "frame_free", "frame_get",
    "frame_refs", "frame_free_count",
    "walk", "map_pages", "unmap_pages", "translate", "pagetable_free",
    "frame_alloc until free", "frame_free of the frames kept",
    "mm_new", "mm_map", "mm_unmap_range", "mm_find", "mm->pt", "mm_free",
    "mm_from_elf", "mm_from_elf's results", "the heap's use",
};

static void
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", unit_harness);
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
    int k = line ? snprintf(fail_msg, sizeof fail_msg, "%s:%d: ", unit_cases, line) : 0;
    vsnprintf(fail_msg + k, sizeof fail_msg - k, fmt, ap);
    va_end(ap);
    longjmp(test_failed, 1);
}

const char *
pte_flags(uint64_t perm, char *s, size_t n)
{
    static const char *const bit[10] = { "V", "R", "W", "X", "U", "G", "A", "D", "RSW0", "RSW1" };
    size_t k = 0;
    s[0] = '\0';
    for (int i = 0; i < 10; i++)
        if (perm & (1UL << i))
            k += snprintf(s + k, k < n ? n - k : 0, "%s%s", k ? "|" : "", bit[i]);
    if (perm >> 10)
        k += snprintf(s + k, k < n ? n - k : 0, "%s0x%lx", k ? "|" : "",
                      (unsigned long)(perm >> 10 << 10));
    if (k == 0)
        snprintf(s, n, "0");
    return s;
}

/* "frame_free(frame 0x80004000)": the call, as the failure messages show it. */
static const char *
describe(const struct rpc_req *q)
{
    static char s[192];
    char p[64];
    unsigned long a = q->a, b = q->b, c = q->c, d = q->d;
    const char *name = q->op < RPC_NOPS ? op_names[q->op] : "?";
    switch (q->op) {
    case RPC_INIT:
        snprintf(s, sizeof s, "frame_init(0x%lx, 0x%lx)", a, b);
        break;
    case RPC_FREE: case RPC_GET: case RPC_REFS:
        snprintf(s, sizeof s, "%s(frame 0x%lx)", name, a * PG);
        break;
    case RPC_WALK:
        snprintf(s, sizeof s, "walk(table 0x%lx, va 0x%lx, alloc %lu)", a, b, c);
        break;
    case RPC_MAP:
        snprintf(s, sizeof s, "map_pages(table 0x%lx, va 0x%lx, pa 0x%lx, %lu page%s, %s)",
                 a, b, c, d, d == 1 ? "" : "s", pte_flags(q->e, p, sizeof p));
        break;
    case RPC_UNMAP:
        snprintf(s, sizeof s, "unmap_pages(table 0x%lx, va 0x%lx, %lu page%s, free_frames %lu)",
                 a, b, c, c == 1 ? "" : "s", d);
        break;
    case RPC_TRANSLATE:
        snprintf(s, sizeof s, "translate(table 0x%lx, va 0x%lx, need %s)", a, b,
                 pte_flags(c, p, sizeof p));
        break;
    case RPC_PT_FREE:
        snprintf(s, sizeof s, "pagetable_free(table 0x%lx)", a);
        break;
    case RPC_HOARD:
        snprintf(s, sizeof s, "frame_alloc() until %lu frames are free", a);
        break;
    case RPC_MM_MAP:
        snprintf(s, sizeof s, "mm_map(mm %lu, 0x%lx, 0x%lx, %s, AREA_FRAMED, use %lu)",
                 a, b, c, pte_flags(d, p, sizeof p), (unsigned long)q->e);
        break;
    case RPC_MM_UNMAP_RANGE:
        snprintf(s, sizeof s, "mm_unmap_range(mm %lu, 0x%lx, 0x%lx, use %lu)", a, b, c, d);
        break;
    case RPC_MM_AREA:
        snprintf(s, sizeof s, "mm_find(mm %lu, 0x%lx)", a, b);
        break;
    case RPC_MM_FREE:
        snprintf(s, sizeof s, "mm_free(mm %lu)", a);
        break;
    case RPC_ELF_LOAD:
        snprintf(s, sizeof s, "mm_from_elf(a %lu-byte file)", b);
        break;
    default:
        snprintf(s, sizeof s, "%s()", name);
    }
    return s;
}

/* Run op(a, ..., e) in the child; its reply (returned or panicked), or fail the test. */
static struct rpc_rep
call(const struct rpc_req *q0)
{
    struct rpc_req q = *q0;
    struct rpc_rep r;
    char why[256];
    q.magic = RPC_MAGIC;
    q.seq = ++seq;
    if (child_call(&q, &r, why, sizeof why) < 0)
        fail_at(0, "%s: %s", describe(&q), why);
    if (r.status == RPC_BADOP)
        fail_at(0, "%s: the child does not know this call", describe(&q));
    return r;
}

/* op(args), which must return: its value. */
static uint64_t
returns_req(const struct rpc_req *q)
{
    struct rpc_rep r = call(q);
    if (r.status == RPC_PANIC)
        fail_at(0, "%s panicked at %s:%u: %s", describe(q), r.file, r.line, r.msg);
    return r.value;
}

static uint64_t
returns(int op, uint64_t a, uint64_t b)
{
    struct rpc_req q = { .op = (uint32_t)op, .a = a, .b = b };
    return returns_req(&q);
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
    struct rpc_req q = { .op = RPC_REFS, .a = p };
    uint64_t v = returns_req(&q);
    if (v > UINT32_MAX)
        fail_at(0, "%s returned %lu, more than a uint32", describe(&q), (unsigned long)v);
    return (uint32_t)v;
}

/*
 * Run op(a, ..., e), which must panic (line: the check's, in the cases'
 * file): with a message containing fragment, or, if fragment is NULL,
 * any message; why says why it must (NULL: the fragment says it).
 */
void
must_panic5(int line, int op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
            const char *fragment, const char *why)
{
    struct rpc_req q = { .op = (uint32_t)op, .a = a, .b = b, .c = c, .d = d, .e = e };
    struct rpc_rep r = call(&q);
    if (r.status != RPC_PANIC) {
        if (why)
            fail_at(line, "%s returned; it must panic: %s", describe(&q), why);
        fail_at(line, "%s returned; it must panic (with '%s')", describe(&q),
                fragment ? fragment : "");
    }
    if (fragment == NULL)
        return;
    if (strstr(r.msg, fragment) == NULL)
        fail_at(line, "%s panicked at %s:%u: '%s', which does not mention '%s'",
                describe(&q), r.file, r.line, r.msg, fragment);
}

void
must_panic(int line, int op, uint64_t a, uint64_t b, const char *fragment)
{
    must_panic5(line, op, a, b, 0, 0, 0, fragment, NULL);
}

/*
 * vm.c's functions, run in the child, tables as physical addresses. What
 * they return is checked to be usable: an entry's address in the RAM and
 * 8-aligned, map_pages's result 0 or -1.
 */
uint64_t
v_walk(uint64_t table, uint64_t va, int alloc)
{
    struct rpc_req q = { .op = RPC_WALK, .a = table, .b = va, .c = (uint64_t)alloc };
    uint64_t e = returns_req(&q);
    if (e != 0 && (e < SIM_RAM_BASE || e >= SIM_RAM_BASE + SIM_RAM_SIZE || e % 8))
        fail_at(0, "%s returned an entry at 0x%lx, %s", describe(&q), (unsigned long)e,
                e % 8 ? "not 8-byte aligned" : "outside the simulated RAM");
    return e;
}

int
v_map(uint64_t table, uint64_t va, uint64_t pa, uint64_t npages, uint64_t perm)
{
    struct rpc_req q = { .op = RPC_MAP, .a = table, .b = va, .c = pa, .d = npages, .e = perm };
    int64_t r = (int64_t)returns_req(&q);
    if (r != 0 && r != -1)
        fail_at(0, "%s returned %ld; it returns 0 or -1", describe(&q), (long)r);
    return (int)r;
}

void
v_unmap(uint64_t table, uint64_t va, uint64_t npages, int free_frames)
{
    struct rpc_req q = { .op = RPC_UNMAP, .a = table, .b = va, .c = npages,
                         .d = (uint64_t)free_frames };
    returns_req(&q);
}

uint64_t
v_translate(uint64_t table, uint64_t va, uint64_t need)
{
    struct rpc_req q = { .op = RPC_TRANSLATE, .a = table, .b = va, .c = need };
    return returns_req(&q);
}

/* Have the child take frames until only left are free; release them with v_release. */
void
v_hoard(uint64_t left)
{
    struct rpc_req q = { .op = RPC_HOARD, .a = left };
    returns_req(&q);
}

void
v_release(void)
{
    struct rpc_req q = { .op = RPC_RELEASE };
    returns_req(&q);
}

void
v_pt_free(uint64_t table)
{
    struct rpc_req q = { .op = RPC_PT_FREE, .a = table };
    returns_req(&q);
}

/*
 * mm.c's and elf.c's functions, run in the child; an address space is
 * the handle the child gave (1, 2, ...), 0 for NULL.
 */
uint64_t
m_new(void)
{
    return returns(RPC_MM_NEW, 0, 0);
}

int
m_map(uint64_t mm, uint64_t start, uint64_t end, uint64_t perm, int use)
{
    struct rpc_req q = { .op = RPC_MM_MAP, .a = mm, .b = start, .c = end, .d = perm,
                         .e = (uint64_t)use };
    return (int)returns_req(&q);
}

int
m_unmap_range(uint64_t mm, uint64_t start, uint64_t end, int use)
{
    struct rpc_req q = { .op = RPC_MM_UNMAP_RANGE, .a = mm, .b = start, .c = end,
                         .d = (uint64_t)use };
    int64_t r = (int64_t)returns_req(&q);
    if (r != 0 && r != -1)
        fail_at(0, "%s returned %ld; it returns 0 or -1", describe(&q), (long)r);
    return (int)r;
}

uint64_t
m_area(uint64_t mm, uint64_t va, int which)
{
    struct rpc_req q = { .op = RPC_MM_AREA, .a = mm, .b = va, .c = (uint64_t)which };
    return returns_req(&q);
}

uint64_t
m_pt(uint64_t mm)
{
    uint64_t pt = returns(RPC_MM_PT, mm, 0);
    if (pt < SIM_RAM_BASE || pt >= SIM_RAM_BASE + SIM_RAM_SIZE || pt % PG)
        fail_at(0, "an address space's root table is at 0x%lx, not a page of the "
                "simulated RAM", (unsigned long)pt);
    return pt;
}

void
m_free(uint64_t mm)
{
    returns(RPC_MM_FREE, mm, 0);
}

/* mm_free(mm), which may panic: 1 if it returned. */
int
m_free_ok(uint64_t mm)
{
    struct rpc_req q = { .op = RPC_MM_FREE, .a = mm };
    return call(&q).status == RPC_OK;
}

/* mm_from_elf of the n bytes at physical address pa: the space, or 0 and
 * its reason in err[errn]. */
uint64_t
e_load(uint64_t pa, uint64_t n, char *err, size_t errn)
{
    struct rpc_req q = { .op = RPC_ELF_LOAD, .a = pa, .b = n };
    struct rpc_rep r = call(&q);
    if (r.status == RPC_PANIC)
        fail_at(0, "%s panicked at %s:%u: %s", describe(&q), r.file, r.line, r.msg);
    r.msg[sizeof r.msg - 1] = '\0';
    printable(r.msg);
    snprintf(err, errn, "%s", r.value ? "" : r.msg);
    return r.value;
}

uint64_t
e_out(int which)
{
    return returns(RPC_ELF_OUT, (uint64_t)which, 0);
}

uint64_t
m_usage(int which)
{
    return returns(RPC_USAGE, (uint64_t)which, 0);
}

/* Frames kept aside in the child (ptcases.h). */
uint64_t nhoard;

void
leave_free(uint64_t left)
{
    uint64_t before = f_free_count();
    if (before < left)
        fail_at(0, "%lu frames are free, fewer than the %lu a test leaves",
                (unsigned long)before, (unsigned long)left);
    v_hoard(left);
    CHECK_EQ(f_free_count(), left);
    nhoard += before - left;
}

void
release(void)
{
    if (nhoard == 0)
        return;
    uint64_t before = f_free_count();
    v_release();
    CHECK_EQ(f_free_count(), before + nhoard);
    nhoard = 0;
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
    /* A failure's reason on its own line too: a report that quotes the
       line (the grader's does) says why, not only which test. */
    if (passed)
        say("ok %d - %s", n, t->name);
    else
        say("not ok %d - %s: %s", n, t->name, fail_msg);
    if (!passed) {
        say("# %s", fail_msg);
        if (strstr(fail_msg, how) == NULL)
            say("# (the child %s)", how);
    }
    return passed;
}

/* Is t one of group's tests (every test is, without a group)? */
static int
in_group(const struct test_case *t, const char *group)
{
    return group == NULL || (t->group != NULL && strcmp(t->group, group) == 0);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s SERVER [GROUP]\n"
                "  SERVER  the child: grading/host/rpc/server.c linked with the %s to test\n"
                "  GROUP   run only this group's tests\n", unit_harness, unit_code);
        return 2;
    }
    /* Not traceable, no /proc/PID/mem or fd/ for the child to open. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        die("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);   /* a dead child is an error reply, not our death */
    int ramfd = make_ram();
    const char *group = argc == 3 ? argv[2] : NULL;
    int n = 0;
    for (int i = 0; i < ntest_cases; i++)
        n += in_group(&test_cases[i], group);
    if (n == 0)
        die("no test is in group '%s'", group);
    say("1..%d", n);
#ifdef KDEBUG
    say("# %s (KDEBUG): %s in a child process, %s", unit_harness, unit_code, argv[1]);
#else
    say("# %s: %s in a child process, %s", unit_harness, unit_code, argv[1]);
#endif
    int npassed = 0, k = 0;
    for (int i = 0; i < ntest_cases; i++)
        if (in_group(&test_cases[i], group))
            npassed += run_test(++k, &test_cases[i], argv[1], ramfd);
    say("# %d of %d tests passed", npassed, n);
    return npassed == n ? 0 : 1;
}
