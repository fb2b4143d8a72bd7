/* g_fault_ro.c: store to a page mmap'ed read-only (reading it is fine). */
#define PROG "g_fault_ro"
#include "lab4.h"

int
main(void)
{
    uint64 addr = sg_fault_ro(SEED);
    check("mmap read-only", mmap(addr & ~(PAGE_SIZE - 1), PAGE_SIZE, PROT_READ, 0, 0), 0);
    check("the page's word", (int64)*(volatile uint64 *)addr, 0);
    if (failures)
        return 1;
    printf("g_fault_ro: %s storing\n", TOKEN);
    *(volatile uint64 *)addr = 1;
    return NOT_REACHED();
}
