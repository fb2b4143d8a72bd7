/* hog_worker.c: give memory back while the hogs hold all the rest. */
#include "user.h"

#define MINE    0x100000000UL   /* its own mapping (the hogs map elsewhere) */
#define PAGES   8
#define PROBE   (MINE + 64 * PAGE_SIZE)
#define WAIT_MS 30000           /* for the hogs to take every frame, at most */

static void
fail(const char *what, int64 got)
{
    printf("hog_worker: FAIL %s (%ld)\n", what, got);
    exit(1);
}

int
main(void)
{
    int64 r;
    if ((r = mmap(MINE, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0)) != 0)
        fail("mmap of its pages", r);
    for (int i = 0; i < PAGES; i++)
        *(volatile uint64 *)(MINE + i * PAGE_SIZE) = i + 1;
    uint64 heap = (uint64)sbrk(4 * PAGE_SIZE);
    if ((int64)heap == -1)
        fail("sbrk up", -1);
    memset((void *)heap, 7, 4 * PAGE_SIZE);
    /* Wait until the hogs hold every free frame: a one-page probe fails. */
    uint64 t0 = get_time_ms();
    while (mmap(PROBE, PAGE_SIZE, PROT_READ, 0, 0) == 0) {
        munmap(PROBE, PAGE_SIZE);
        if (get_time_ms() - t0 > WAIT_MS)
            fail("memory was never exhausted", 0);
        sched_yield();
    }
    /* What it holds it can still give back: two splits, a shrink. */
    if ((r = munmap(MINE + 2 * PAGE_SIZE, PAGE_SIZE)) != 0)
        fail("munmap of a page in the middle", r);
    if ((r = munmap(MINE + 5 * PAGE_SIZE, PAGE_SIZE)) != 0)
        fail("munmap of another page in the middle", r);
    for (int i = 0; i < PAGES; i++)
        if (i != 2 && i != 5
            && *(volatile uint64 *)(MINE + i * PAGE_SIZE) != (uint64)i + 1)
            fail("a page kept lost its contents", i);
    if ((r = sbrk(-2 * (int64)PAGE_SIZE)) != (int64)heap + 4 * (int64)PAGE_SIZE)
        fail("sbrk down", r);
    if ((r = munmap(MINE, 2 * PAGE_SIZE)) != 0)
        fail("munmap of the first two pages", r);
    printf("hog_worker: OK\n");
    return 0;
}
