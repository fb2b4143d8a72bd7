/* mmap_exhaust.c: map page by page until memory runs out, give it all
 * back, again. */
#include "user.h"

#define BASE   0x100000000UL  /* 4 GiB: far above the program */
#define CHUNK  64             /* pages per call in the quick rounds */
#define AREAS  20000          /* separate areas, at most (5x the old heap's) */

static uint64
now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    return tv.sec * 1000000 + tv.usec;
}

static uint64 worst;                    /* the slowest munmap, in us */

static void
fail(const char *what, uint64 a, uint64 b)
{
    printf("mmap_exhaust: FAIL %s (%lu, %lu)\n", what, a, b);
    exit(1);
}

/*
 * Map at BASE until mmap says no, chunk pages per call while it can and
 * then page by page, writing each page's number into it; the pages mapped.
 */
static uint64
fill(uint64 chunk)
{
    uint64 n = 0;
    for (; chunk > 0; chunk = chunk > 1 ? 1 : 0)
        while (mmap(BASE + n * PAGE_SIZE, chunk * PAGE_SIZE,
                    PROT_READ | PROT_WRITE, 0, 0) == 0)
            for (uint64 end = n + chunk; n < end; n++)
                *(volatile uint64 *)(BASE + n * PAGE_SIZE) = n;
    return n;
}

/* Check the n pages, unmap them in one call, time it. */
static uint64
drain(uint64 n)
{
    for (uint64 i = 0; i < n; i += 61)
        if (*(volatile uint64 *)(BASE + i * PAGE_SIZE) != i)
            fail("a page lost its contents", i, n);
    uint64 t0 = now_us();
    if (munmap(BASE, n * PAGE_SIZE) != 0)
            fail("munmap of everything refused", n, 0);
    uint64 t = now_us() - t0;
    worst = t > worst ? t : worst;
    return t;
}

int
main(void)
{
    uint64 first = fill(1), t = drain(first);
    printf("mmap_exhaust: %lu pages (%lu KiB) mapped one by one, "
           "then unmapped in one call in %lu us\n", first, first * 4, t);
    uint64 n = fill(CHUNK);
    drain(n);
    if (n != first)
        fail("the second round mapped another count than the first", n, first);
    printf("mmap_exhaust: the same %lu pages again, %d to a call\n", n, CHUNK);
    /* Every other page: no two areas merge, so each is an area of its own. */
    uint64 m = 0;
    while (m < AREAS
           && mmap(BASE + 2 * m * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0, 0) == 0)
        m++;
    if (m > 2 && munmap(BASE, 4 * PAGE_SIZE) != -1)
        fail("munmap across a hole accepted", m, 0);
    for (uint64 i = 0; i < m; i++) {
        uint64 t0 = now_us();
        if (munmap(BASE + 2 * i * PAGE_SIZE, PAGE_SIZE) != 0)
            fail("munmap of one area refused", i, m);
        t = now_us() - t0;
        worst = t > worst ? t : worst;
    }
    printf("mmap_exhaust: %lu areas of one page each (every other page), "
           "each unmapped\n", m);
    n = fill(CHUNK);
    drain(n);
    if (n != first)
        fail("after the areas, another count than the first", n, first);
    printf("mmap_exhaust: the slowest munmap took %lu us\n", worst);
    printf("mmap_exhaust: OK\n");
    return 0;
}
