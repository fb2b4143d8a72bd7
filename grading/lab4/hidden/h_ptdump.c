/*
 * h_ptdump.c: the page-table dump, the hidden way. Map three pages with
 * key-chosen permissions: A and B in one 2 MiB region (one level-0
 * table), C under another root entry; touch them, dump the page table;
 * unmap B and dump again. The grader finds A's and C's leaves in both
 * dumps and B's in the first only, with their parents, at the indices and
 * with the flags values.c computes.
 */
#define PROG "h_ptdump"
#define TWIN HG_PT
#include "htwin.h"

int
main(void)
{
    twin_open();
    uint64 wrong = 0;
    for (int i = 0; i < 3; i++) {
        uint64 va = hg_pt_va(KEY, i), prot = hg_pt_prot(KEY, i);
        check("mmap", mmap(va, PAGE_SIZE, prot, 0, 0), 0);
        if (failures)
            return 1;
        readback((volatile uint64 *)va, HG_WORDS, ZERO, 0, &wrong, 0);
        if (prot & PROT_WRITE)
            *(volatile uint64 *)va = 1;
    }
    check("nonzero words in the new pages", (int64)wrong, 0);
    printf("h_ptdump: " TOKFMT " prots=%lu,%lu,%lu\n", TOKARGS, (uint64)hg_pt_prot(KEY, 0),
           (uint64)hg_pt_prot(KEY, 1), (uint64)hg_pt_prot(KEY, 2));
    check("ptdump", ptdump(), 0);
    check("munmap of B", munmap(hg_pt_va(KEY, 1), PAGE_SIZE), 0);
    check("ptdump after munmap", ptdump(), 0);
    check("munmap of A", munmap(hg_pt_va(KEY, 0), PAGE_SIZE), 0);
    check("munmap of C", munmap(hg_pt_va(KEY, 2), PAGE_SIZE), 0);
    return failures > 0;
}
