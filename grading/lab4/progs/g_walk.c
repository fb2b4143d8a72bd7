/*
 * g_walk.c: pages all over the user half, so that the page-table walk
 * must make tables at every level: 2-page mappings in each sixteenth of
 * the mmap range (one across a 2 MiB boundary, one across a 1 GiB
 * boundary) and the last page below 0x4000000000. Fill all, read all back,
 * unmap all, map all again: fresh pages are zero.
 */
#define PROG "g_walk"
#include "lab4.h"

/*
 * Where: mapping k in sixteenth k of the mmap range, the first across a
 * 2 MiB boundary, the second across a 1 GiB one, then the last page of the
 * user half: WALK_MAPS mappings, SG_WALK_PAGES pages. (Not in seedgen.h,
 * which students get: the grader needs only the pages and their data.)
 */
#define WALK_MAPS 17
static sg_u64
walk_addr(int k)
{
    sg_u64 size = (SG_TOP - SG_LO) / 16, base = SG_LO + (sg_u64)k * size;
    if (k == 0)
        return (((base >> 21) + 1 + sg_param(SEED, 100) % 64) << 21) - SG_PAGE;
    if (k == 1)
        return (((base >> 30) + 1 + sg_param(SEED, 101) % 14) << 30) - SG_PAGE;
    if (k == 16)
        return SG_TOP - SG_PAGE;
    return sg_page_in(sg_param(SEED, 100 + k), base, base + size - 2 * SG_PAGE);
}
static sg_u64 walk_len(int k) { return k == 16 ? SG_PAGE : 2 * SG_PAGE; }

int
main(void)
{
    uint64 wrong = 0, dirty = 0, first = 0;
    sg_u64 h = 0;
    /* First, memory exhausted one table page at a time, in the upper half
       of the user half (the places below are all in the lower half or at
       its very top). */
    exhaust_tables(SG_TOP / 2 + 64 * SG_PAGE * 512, 1000000);
    for (int k = 0; k < WALK_MAPS; k++) {
        uint64 va = walk_addr(k), len = walk_len(k);
        int64 got = mmap(va, len, PROT_READ | PROT_WRITE, 0, 0);
        if (got != 0) {
            printf("g_walk: FAIL mmap(%p, %lu) returned %ld\n", (void *)va, len, got);
            return 1;
        }
        fill((volatile uint64 *)va, len / 8, SG_S_WALK, first);
        first += len / 8;
    }
    first = 0;
    for (int k = 0; k < WALK_MAPS; k++) {
        uint64 va = walk_addr(k), len = walk_len(k);
        h = readback((volatile uint64 *)va, len / 8, SG_S_WALK, first, 0, &wrong, h);
        first += len / 8;
    }
    for (int k = 0; k < WALK_MAPS; k++)
        check("munmap", munmap(walk_addr(k), walk_len(k)), 0);
    for (int k = 0; k < WALK_MAPS; k++) {
        uint64 va = walk_addr(k), len = walk_len(k);
        check("mmap again", mmap(va, len, PROT_READ | PROT_WRITE, 0, 0), 0);
        dirty += nonzero((volatile uint64 *)va, len / 8);
    }
    check("words read back wrong", (int64)wrong, 0);
    check("nonzero words in fresh pages", (int64)dirty, 0);
    printf("g_walk: %s pages=%lu zero=%lu sum=%016lx\n", TOKEN, (uint64)(first / SG_WORDS), dirty, (uint64)h);
    return verdict();
}
