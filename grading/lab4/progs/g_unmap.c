/*
 * g_unmap.c: unmapping. Map a range, fill it, punch a hole in its middle
 * (the hole cannot be unmapped twice), map the hole again (zeroed), check
 * the rest kept its data; unmap everything; then touch an unmapped page,
 * which must kill this program at exactly that address.
 */
#define PROG "g_unmap"
#include "lab4.h"

int
main(void)
{
    uint64 va = sg_unmap_addr(SEED), pages = sg_unmap_pages(SEED);
    uint64 hole = va + sg_unmap_hole(SEED) * PAGE_SIZE, wrong = 0;
    volatile uint64 *p = (volatile uint64 *)va;
    sg_u64 h = 0;
    int64 got = mmap(va, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0);
    check("mmap of the range", got, 0);
    if (got != 0)
        return 1;
    fill(p, pages * SG_WORDS, SG_S_UNMAP, 0);
    check("munmap of the hole", munmap(hole, PAGE_SIZE), 0);
    check("munmap of the hole again", munmap(hole, PAGE_SIZE), -1);
    check("munmap across the hole", munmap(hole - PAGE_SIZE, 3 * PAGE_SIZE), -1);
    check("mmap of the hole", mmap(hole, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    for (uint64 i = 0; i < pages; i++)
        h = readback(p + i * SG_WORDS, SG_WORDS, SG_S_UNMAP, i * SG_WORDS,
                     va + i * PAGE_SIZE == hole, &wrong, h);
    check("words read back wrong", (int64)wrong, 0);
    volatile uint64 *target = (volatile uint64 *)sg_unmap_fault(SEED);
    uint64 before = *target;                /* in the TLB now */
    check("munmap of the whole range", munmap(va, pages * PAGE_SIZE), 0);
    check("munmap of a page no longer mapped", munmap(va, PAGE_SIZE), -1);
    printf("g_unmap: %s pages=%lu sum=%016lx\n", TOKEN, pages, (uint64)h);
    if (failures > 0)
        return 1;
    before += *target;                      /* must be killed here */
    printf("g_unmap: read %lx\n", before);
    return NOT_REACHED();
}
