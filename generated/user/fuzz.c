/* fuzz.c: 100,000 system calls with hostile arguments, results predicted. */
#include "user.h"
#define NAME  "fuzz"
#define SEED  0x5EED0001UL
#define CALLS 100000UL
#define WIN      0x200000000UL  /* the window the fuzzer maps in: 8 GiB up */
#define WPAGES   256            /* pages in it */
#define PG       PAGE_SIZE

static uint64 rng = SEED;
static uint64
rnd(void)                               /* splitmix64 */
{
    uint64 z = (rng += 0x9E3779B97F4A7C15UL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}
static uint64 below(uint64 n) { return rnd() % n; }
static uint64 page_up_u(uint64 a) { return (a + PG - 1) & ~(PG - 1); }

/* each window page: 0 unmapped, else its prot */
static uint8 model[WPAGES];
static uint64 calls, kinds[10];
static uint64 heap_start, brk;

/* Is every page of [va, va + n) in the window and mapped with all of need? */
static int
window_ok(uint64 va, uint64 n, uint64 need)
{
    if (n == 0)
        return 1;
    if (va < WIN || va + n > WIN + WPAGES * PG || va + n < va)
        return 0;
    for (uint64 p = (va - WIN) / PG; p <= (va + n - 1 - WIN) / PG; p++)
        if ((model[p] & need) != need)
            return 0;
    return 1;
}

static void
expect(const char *what, uint64 a0, uint64 a1, uint64 a2, int64 got, int64 want)
{
    calls++;
    if (got != want) {
        printf(NAME ": FAIL call %lu: %s(%lx, %lx, %lx) returned %ld, "
               "want %ld\n",
               calls, what, a0, a1, a2, got, want);
        exit(1);
    }
}

/* A pointer for a call that writes size bytes there, and whether it may. */
static uint64
pointer(uint64 size, void *valid, int *ok)
{
    static const uint64 bad[] = {
        0, 8, 0xFFF, 0x80200000UL, 0x4000000000UL - 8, 0x4000000000UL,
        0xFFFFFFFFFFFFE000UL, 0xFFFFFFFFFFFFF000UL, 0x8000000000000000UL, ~0UL,
    };
    switch (below(4)) {
    case 0:
        *ok = 1;
        return (uint64)valid;
    case 1:
        *ok = 0;
        return bad[below(sizeof bad / sizeof bad[0])];
    default: {                          /* in the window or at its edges */
        uint64 va = WIN - PG + below((WPAGES + 2) * PG);
        if (below(2))
            va = page_up_u(va) - size + below(16);   /* crossing a page end */
        *ok = window_ok(va, size, PROT_READ | PROT_WRITE);
        return va;
    }
    }
}

static void
op_mmap(void)
{
    uint64 p = below(WPAGES), n = 1 + below(8), prot = below(9);
    if (p + n > WPAGES)
        n = WPAGES - p;
    uint64 start = WIN + p * PG, len = n * PG - below(2) * below(PG);
    if (below(16) == 0)
        start += 1 + below(PG - 1);                 /* misaligned */
    int free = 1;
    for (uint64 i = p; i < p + n; i++)
        free &= model[i] == 0;
    int ok = (start & (PG - 1)) == 0 && prot >= 1 && prot <= 7 && free;
    expect("mmap", start, len, prot, mmap(start, len, prot, 0, 0), ok ? 0 : -1);
    if (ok) {
        for (uint64 i = p; i < p + n; i++) {
            model[i] = (uint8)prot;
            if ((prot & 3) == 3)
                *(volatile uint64 *)(WIN + i * PG) = WIN + i * PG;
        }
    }
}

static void
op_munmap(void)
{
    uint64 p = below(WPAGES), n = 1 + below(16);
    if (p + n > WPAGES)
        n = WPAGES - p;
    uint64 start = WIN + p * PG, len = n * PG - below(2) * below(PG);
    if (below(16) == 0)
        start += 1 + below(PG - 1);
    int all = 1;
    for (uint64 i = p; i < p + n; i++)
        all &= model[i] != 0;
    int ok = (start & (PG - 1)) == 0 && all;
    expect("munmap", start, len, 0, munmap(start, len), ok ? 0 : -1);
    if (ok)
        for (uint64 i = p; i < p + n; i++)
            model[i] = 0;
}

/* Ranges no mmap may take and no munmap may free, whatever the window holds. */
static void
op_hostile_map(void)
{
    static const uint64 starts[] = {
        0, 0x800, 0x10000, 0x4000000000UL, 0x4000000000UL - PG,
        0xFFFFFFFFFFFFE000UL, 0xFFFFFFFFFFFFF000UL, 0x8000000000000000UL,
    };
    uint64 start = starts[below(sizeof starts / sizeof starts[0])];
    uint64 len = below(2) ? (1 + below(4)) * PG : ~0UL - below(PG);
    if (start == 0x4000000000UL - PG && len <= PG)
        len = 2 * PG;                   /* past the user half's end */
    if (start == 0x10000)               /* the program's own text */
        expect("munmap", start, len, 0, munmap(start, len), -1);
    else if (below(2))
        expect("mmap", start, len, 3, mmap(start, len, 3, 0, 0), -1);
    else
        expect("munmap", start, len, 0, munmap(start, len), -1);
}

/* After the kernel wrote n bytes at va: rewrite the window pages' marks. */
static void
remark(uint64 va, uint64 n)
{
    for (uint64 i = 0; i < WPAGES; i++)
        if ((model[i] & 3) == 3 && WIN + i * PG < va + n
            && va < WIN + (i + 1) * PG)
            *(volatile uint64 *)(WIN + i * PG) = WIN + i * PG;
}

static void
op_time(void)
{
    struct timeval tv;
    int ok;
    uint64 p = pointer(sizeof tv, &tv, &ok);
    expect("gettimeofday", p, 0, 0, gettimeofday((struct timeval *)p, 0),
           ok ? 0 : -1);
    if (ok)
        remark(p, sizeof tv);
}

static void
op_task_info(void)
{
    static struct task_info ti;
    int ok;
    uint64 p = pointer(sizeof ti, &ti, &ok);
    expect("task_info", p, 0, 0, task_info((struct task_info *)p), ok ? 0 : -1);
    if (ok)
        remark(p, sizeof ti);
}

static void
op_write(void)
{
    int ok;
    uint64 len = below(3) == 0 ? 0 : 1 + below(2 * PG);
    uint64 p = pointer(len, 0, &ok);
    static const int fds[] = { 0, 2, 3, -1, 0x7FFFFFFF, -0x7FFFFFFF - 1 };
    int fd = below(2) ? 1 : fds[below(sizeof fds / sizeof fds[0])];
    int readable = len == 0 || window_ok(p, len, PROT_READ);
    if (fd == 1 && len > 0 && readable)
        return;                                     /* it would print */
    expect("write", (uint64)fd, p, len, write(fd, (void *)p, len),
           fd == 1 && (len == 0 || readable) ? (int64)len : -1);
}

static void
op_sbrk(void)
{
    int64 incr = (int64)below(16 * PG) - 8 * (int64)PG;
    int ok = incr >= 0 || (uint64)-incr <= brk - heap_start;
    expect("sbrk", (uint64)incr, 0, 0, sbrk(incr), ok ? (int64)brk : -1);
    if (ok) {
        brk += incr;
        if (brk > heap_start)
            /* the last heap byte is there */
            *(volatile uint8 *)(brk - 1) = 1;
    }
}

static void
op_other(void)
{
    uint64 n = below(2) ? below(1000) : rnd();
    int64 want = -1;
    if (n == SYS_sched_yield)
        want = 0;
    else if (n == SYS_getpid)
        want = getpid();
    else if (n == SYS_write || n == SYS_exit || n == SYS_gettimeofday
             || n == SYS_sbrk || n == SYS_munmap || n == SYS_mmap
             || n == SYS_task_info || n == SYS_ptdump || n == 63 || n == 140
             || n == 173 || n == 220 || n == 221 || n == 260 || n == 400
             || n == 498)
        return;                         /* known calls have their own ops */
    expect("syscall", n, 0, 0, syscall6(n, 0, 0, 0, 0, 0, 0), want);
}

/* The contents of the writable window pages are still theirs. */
static void
op_check(void)
{
    for (uint64 i = 0; i < WPAGES; i++)
        if ((model[i] & 3) == 3
            && *(volatile uint64 *)(WIN + i * PG) != WIN + i * PG) {
            printf(NAME ": FAIL page %lx lost its contents after %lu calls\n",
                   WIN + i * PG, calls);
            exit(1);
        }
}

int
main(void)
{
    heap_start = brk = (uint64)sbrk(0);
    uint64 t0 = get_time_ms();
    while (calls < CALLS) {
        uint64 k = below(10);
        kinds[k]++;
        switch (k) {
        case 0: case 1: op_mmap(); break;
        case 2: case 3: op_munmap(); break;
        case 4: op_hostile_map(); break;
        case 5: op_time(); break;
        case 6: op_task_info(); break;
        case 7: op_write(); break;
        case 8: op_sbrk(); break;
        default: op_other(); if (below(64) == 0) op_check(); break;
        }
    }
    uint64 ms = get_time_ms() - t0;
    op_check();
    printf(NAME ": %lu calls with seed %lx in %lu ms (%lu calls/s)\n",
           calls, (uint64)SEED, ms, ms ? calls * 1000 / ms : 0);
    printf(NAME ": OK\n");
    return 0;
}
