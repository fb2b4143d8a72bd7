/*
 * g_frames.c: many frames, twice. Map a seed-chosen number of pages, check
 * that they come zeroed, fill them, read them back, unmap them; again at
 * another address (the frames just freed come back, and must be zeroed
 * again). Prints the fold of everything read back.
 */
#define PROG "g_frames"
#include "lab4.h"

int
main(void)
{
    uint64 pages = sg_frames_pages(SEED), words = pages * SG_WORDS;
    uint64 dirty = 0, wrong = 0;
    sg_u64 h = 0;
    for (int r = 0; r < 2; r++) {
        uint64 va = sg_frames_addr(SEED, r);
        volatile uint64 *p = (volatile uint64 *)va;
        int64 got = mmap(va, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0);
        check("mmap of the pages", got, 0);
        if (got != 0)
            return 1;
        dirty += nonzero(p, words);
        fill(p, words, SG_S_FRAMES + r, 0);
        h = readback(p, words, SG_S_FRAMES + r, 0, 0, &wrong, h);
        check("munmap of the pages", munmap(va, pages * PAGE_SIZE), 0);
    }
    check("nonzero words in fresh pages", (int64)dirty, 0);
    check("words read back wrong", (int64)wrong, 0);
    printf("g_frames: %s pages=%lu zero=%lu sum=%016lx\n", TOKEN, pages, dirty, (uint64)h);
    return verdict();
}
