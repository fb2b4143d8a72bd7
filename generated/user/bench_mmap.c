/* bench_mmap.c: instructions per page of mmap + first touch + munmap. */
#include "user.h"

#define PAGES 2048                      /* 8 MiB: fits in 32 MiB of RAM */
#define BASE  0x20000000UL
#define CALLS 1000                      /* round trips timed per call */

static inline uint64
instret(void)
{
    uint64 n;
    asm volatile("rdinstret %0" : "=r"(n));
    return n;
}

static uint64 page[PAGE_SIZE / 8] __attribute__((aligned(4096)));

int
main(void)
{
    uint64 t0 = instret();
    for (uint64 i = 0; i < PAGE_SIZE / 8; i++)
        ((volatile uint64 *)page)[i] = 0;
    uint64 floor = instret() - t0;

    t0 = instret();
    if (mmap(BASE, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("bench_mmap: mmap failed\n");
        return 1;
    }
    uint64 t1 = instret();
    for (uint64 i = 0; i < PAGES; i++)
        *(volatile uint64 *)(BASE + i * PAGE_SIZE) = i;
    uint64 t2 = instret();
    if (munmap(BASE, PAGES * PAGE_SIZE) != 0) {
        printf("bench_mmap: munmap failed\n");
        return 1;
    }
    uint64 t3 = instret();
    printf("bench_mmap: %d pages, %lu instructions per page; "
           "zeroing one page: %lu\n",
           PAGES, (t3 - t0) / PAGES, floor);
    printf("bench_mmap: per page: mmap %lu, touch %lu, munmap %lu\n",
           (t1 - t0) / PAGES, (t2 - t1) / PAGES, (t3 - t2) / PAGES);

    t0 = instret();
    for (int i = 0; i < CALLS; i++)
        getpid();
    uint64 getpid_cost = (instret() - t0) / CALLS;
    t0 = instret();
    for (int i = 0; i < CALLS; i++)
        sched_yield();
    printf("bench_mmap: instructions per call: getpid %lu, sched_yield %lu\n",
           getpid_cost, (instret() - t0) / CALLS);
    return 0;
}
