/*
 * g_walk_practice.c: what students run in place of the hidden walk test.
 * The same exercise (pages all over the user half, so that the page-table
 * walk must make tables at every level) in places of its own: the
 * mappings of seedgen.h's walk_practice, across a 2 MiB and a 1 GiB
 * boundary, the first page of the mmap range, a few pages in each eighth
 * of it, the last two pages of the user half. Map all; fill them, last
 * page first; read all back in order; unmap them a page at a time (even
 * pages, then odd ones); map them again, last first: fresh pages are zero.
 */
#define PROG "g_walk_practice"
#include "lab4.h"

/* The word index of mapping k's first word (pages numbered across mappings). */
static uint64
first_word(int k)
{
    uint64 n = 0;
    for (int m = 0; m < k; m++)
        n += sg_walkp_pages(SEED, m);
    return n * SG_WORDS;
}

int
main(void)
{
    uint64 wrong = 0, dirty = 0, pages = 0;
    sg_u64 h = 0;
    /* First, memory exhausted one table page at a time, in the upper half
       of the user half (the places below are all in the lower half or at
       its very top). */
    exhaust_tables(SG_TOP / 2 + 64 * SG_PAGE * 512, 1000000);
    for (int k = 0; k < SG_WALKP_MAPS; k++) {
        uint64 va = sg_walkp_addr(SEED, k), len = sg_walkp_pages(SEED, k) * PAGE_SIZE;
        int64 got = mmap(va, len, PROT_READ | PROT_WRITE, 0, 0);
        if (got != 0) {
            printf("g_walk_practice: FAIL mmap(%p, %lu) returned %ld\n", (void *)va, len, got);
            return 1;
        }
        pages += len / PAGE_SIZE;
    }
    for (int k = SG_WALKP_MAPS - 1; k >= 0; k--)
        for (uint64 j = sg_walkp_pages(SEED, k); j-- > 0; )
            fill((volatile uint64 *)(sg_walkp_addr(SEED, k) + j * PAGE_SIZE), SG_WORDS,
                 SG_S_WALKP, first_word(k) + j * SG_WORDS);
    for (int k = 0; k < SG_WALKP_MAPS; k++)
        h = readback((volatile uint64 *)sg_walkp_addr(SEED, k), sg_walkp_pages(SEED, k) * SG_WORDS,
                     SG_S_WALKP, first_word(k), 0, &wrong, h);
    for (int k = 0; k < SG_WALKP_MAPS; k++)
        for (uint64 odd = 0; odd < 2; odd++)
            for (uint64 j = odd; j < sg_walkp_pages(SEED, k); j += 2)
                check("munmap of a page", munmap(sg_walkp_addr(SEED, k) + j * PAGE_SIZE, PAGE_SIZE), 0);
    for (int k = SG_WALKP_MAPS - 1; k >= 0; k--) {
        uint64 va = sg_walkp_addr(SEED, k), len = sg_walkp_pages(SEED, k) * PAGE_SIZE;
        check("mmap again", mmap(va, len, PROT_READ | PROT_WRITE, 0, 0), 0);
        dirty += nonzero((volatile uint64 *)va, len / 8);
    }
    check("words read back wrong", (int64)wrong, 0);
    check("nonzero words in fresh pages", (int64)dirty, 0);
    printf("g_walk_practice: %s pages=%lu zero=%lu sum=%016lx\n", TOKEN, pages, dirty, (uint64)h);
    return verdict();
}
