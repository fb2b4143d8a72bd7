/*
 * g_ptdump.c: the page-table dump. Map one page with seed-chosen
 * permissions at a seed-chosen address and dump the page table: the
 * grader finds the leaf, its level-1 and level-2 parents, at the indices
 * and with the flags it computes. Unmap it and dump again: the leaf is gone.
 */
#define PROG "g_ptdump"
#include "lab4.h"

int
main(void)
{
    uint64 va = sg_pt_addr(SEED), prot = sg_pt_prot(SEED);
    int64 got = mmap(va, PAGE_SIZE, prot, 0, 0);
    check("mmap", got, 0);
    if (got != 0)
        return 1;
    check("the new page's first word", (int64)*(volatile uint64 *)va, 0);
    printf("g_ptdump: %s prot=%lu\n", TOKEN, prot);
    check("ptdump", ptdump(), 0);
    check("munmap", munmap(va, PAGE_SIZE), 0);
    check("ptdump after munmap", ptdump(), 0);
    return verdict();
}
