/*
 * h_iso_b.c: isolation, second half (the hidden way). Map h_iso_a's pages
 * and the page below them, and h_fault_peek's page, in this address space:
 * free and zeroed here, whatever h_iso_a did; fill, let the others run,
 * check. Exits with its pages mapped.
 */
#define PROG "h_iso_b"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    uint64 n = hg_iso_pages(KEY) + 1, wrong = 0;
    uint64 va = hg_iso_addr(KEY) - PAGE_SIZE, peek = hg_fault_peek(KEY) & ~(PAGE_SIZE - 1);
    check("mmap over h_iso_a's pages", mmap(va, n * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    check("mmap of h_fault_peek's page", mmap(peek, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    if (failures)
        return 1;
    hg_u64 h = readback((volatile uint64 *)va, n * HG_WORDS, ZERO, 0, &wrong, 0);
    h = readback((volatile uint64 *)peek, HG_WORDS, ZERO, 0, &wrong, h);
    check("nonzero words in h_iso_a's places", (int64)wrong, 0);
    fill((volatile uint64 *)va, n * HG_WORDS, HG_S_ISO_B, 0);
    fill((volatile uint64 *)peek, HG_WORDS, HG_S_ISO_B, n * HG_WORDS);
    for (int i = 0; i < HG_ISO_YIELDS; i++)
        sched_yield();
    h = readback((volatile uint64 *)va, n * HG_WORDS, HG_S_ISO_B, 0, &wrong, h);
    h = readback((volatile uint64 *)peek, HG_WORDS, HG_S_ISO_B, n * HG_WORDS, &wrong, h);
    check("words changed while the others ran", (int64)wrong, 0);
    printf("h_iso_b: " TOKFMT " sum=%016lx\n", TOKARGS, (uint64)h);
    return failures > 0;
}
