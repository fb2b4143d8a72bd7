/*
 * h_iso_a.c: isolation, first half (the hidden way). Map 2 to 4 pages
 * (h_iso_b maps them too, and the page below, in its own space) and the
 * page h_fault_peek will load from; fill them; let the others run; check
 * that nothing changed. Exits with its pages mapped: exit returns them.
 */
#define PROG "h_iso_a"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    uint64 va = hg_iso_addr(KEY), n = hg_iso_pages(KEY), wrong = 0;
    uint64 peek = hg_fault_peek(KEY) & ~(PAGE_SIZE - 1);
    check("mmap of the pages", mmap(va, n * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    check("mmap of h_fault_peek's page", mmap(peek, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    if (failures)
        return 1;
    fill((volatile uint64 *)peek, HG_WORDS, HG_S_ISO_A, n * HG_WORDS);
    fill((volatile uint64 *)va, n * HG_WORDS, HG_S_ISO_A, 0);
    for (int i = 0; i < HG_ISO_YIELDS; i++)
        sched_yield();
    hg_u64 h = readback((volatile uint64 *)peek, HG_WORDS, HG_S_ISO_A, n * HG_WORDS, &wrong, 0);
    h = readback((volatile uint64 *)va, n * HG_WORDS, HG_S_ISO_A, 0, &wrong, h);
    check("words changed while the others ran", (int64)wrong, 0);
    printf("h_iso_a: " TOKFMT " sum=%016lx\n", TOKARGS, (uint64)h);
    return failures > 0;
}
