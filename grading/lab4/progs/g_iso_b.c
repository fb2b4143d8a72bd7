/*
 * g_iso_b.c: isolation, second half. Map the same 2 pages as g_iso_a in
 * this address space (free here, whatever g_iso_a did), and g_fault_load's
 * page too (g_iso_a's mapping of it is not ours); fill, yield, check.
 */
#define PROG "g_iso_b"
#include "lab4.h"

int
main(void)
{
    uint64 va = sg_iso_addr(SEED), other = sg_fault_load(SEED) & ~(PAGE_SIZE - 1);
    uint64 wrong = 0;
    check("mmap of g_iso_a's address", mmap(va, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    check("mmap of g_fault_load's page", mmap(other, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    if (failures)
        return 1;
    check("nonzero words in g_iso_a's address", (int64)nonzero((volatile uint64 *)va, 2 * SG_WORDS), 0);
    fill((volatile uint64 *)va, 2 * SG_WORDS, SG_S_ISO_B, 0);
    for (int i = 0; i < SG_ISO_YIELDS; i++)
        sched_yield();
    sg_u64 h = readback((volatile uint64 *)va, 2 * SG_WORDS, SG_S_ISO_B, 0, 0, &wrong, 0);
    check("words changed while the others ran", (int64)wrong, 0);
    check("munmap", munmap(other, PAGE_SIZE), 0);
    printf("g_iso_b: %s sum=%016lx\n", TOKEN, (uint64)h);
    return verdict();
}
