/*
 * g_walk.c: pages all over the user half, so that the page-table walk
 * must make tables at every level: 2-page mappings in each sixteenth of
 * the mmap range (one across a 2 MiB boundary, one across a 1 GiB
 * boundary) and the last page below 0x4000000000. Fill all, read all back,
 * unmap all, map all again: fresh pages are zero.
 */
#define PROG "g_walk"
#include "lab4.h"

int
main(void)
{
    uint64 wrong = 0, dirty = 0, first = 0;
    sg_u64 h = 0;
    for (int k = 0; k < SG_WALK_MAPS; k++) {
        uint64 va = sg_walk_addr(SEED, k), len = sg_walk_len(k);
        int64 got = mmap(va, len, PROT_READ | PROT_WRITE, 0, 0);
        if (got != 0) {
            printf("g_walk: FAIL mmap(%p, %lu) returned %ld\n", (void *)va, len, got);
            return 1;
        }
        fill((volatile uint64 *)va, len / 8, SG_S_WALK, first);
        first += len / 8;
    }
    first = 0;
    for (int k = 0; k < SG_WALK_MAPS; k++) {
        uint64 va = sg_walk_addr(SEED, k), len = sg_walk_len(k);
        h = readback((volatile uint64 *)va, len / 8, SG_S_WALK, first, 0, &wrong, h);
        first += len / 8;
    }
    for (int k = 0; k < SG_WALK_MAPS; k++)
        check("munmap", munmap(sg_walk_addr(SEED, k), sg_walk_len(k)), 0);
    for (int k = 0; k < SG_WALK_MAPS; k++) {
        uint64 va = sg_walk_addr(SEED, k), len = sg_walk_len(k);
        check("mmap again", mmap(va, len, PROT_READ | PROT_WRITE, 0, 0), 0);
        dirty += nonzero((volatile uint64 *)va, len / 8);
    }
    check("words read back wrong", (int64)wrong, 0);
    check("nonzero words in fresh pages", (int64)dirty, 0);
    printf("g_walk: %s pages=%lu zero=%lu sum=%016lx\n", TOKEN, (uint64)(first / SG_WORDS), dirty, (uint64)h);
    return verdict();
}
