/*
 * g_iso_a.c: isolation, first half. Map 2 pages at a seed-chosen address
 * (g_iso_b maps the same address in its own space) and the page that
 * g_fault_load will read; fill them; let the others run (they fault, and
 * g_iso_b writes its own data at the same address); check nothing changed.
 */
#define PROG "g_iso_a"
#include "lab4.h"

int
main(void)
{
    uint64 va = sg_iso_addr(SEED), other = sg_fault_load(SEED) & ~(PAGE_SIZE - 1);
    uint64 wrong = 0;
    check("mmap of 2 pages", mmap(va, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    check("mmap of g_fault_load's page", mmap(other, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0), 0);
    if (failures)
        return 1;
    fill((volatile uint64 *)va, 2 * SG_WORDS, SG_S_ISO_A, 0);
    fill((volatile uint64 *)other, SG_WORDS, SG_S_ISO_A, 2 * SG_WORDS);
    for (int i = 0; i < SG_ISO_YIELDS; i++)
        sched_yield();
    sg_u64 h = readback((volatile uint64 *)va, 2 * SG_WORDS, SG_S_ISO_A, 0, 0, &wrong, 0);
    h = readback((volatile uint64 *)other, SG_WORDS, SG_S_ISO_A, 2 * SG_WORDS, 0, &wrong, h);
    check("words changed while the others ran", (int64)wrong, 0);
    printf("g_iso_a: %s sum=%016lx\n", TOKEN, (uint64)h);
    return verdict();
}
