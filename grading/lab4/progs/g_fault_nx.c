/* g_fault_nx.c: jump to an instruction in a page mmap'ed without X. */
#define PROG "g_fault_nx"
#include "lab4.h"

int
main(void)
{
    uint64 addr = sg_fault_nx(SEED);
    check("mmap read-write", mmap(addr & ~(PAGE_SIZE - 1), PAGE_SIZE,
                                  PROT_READ | PROT_WRITE, 0, 0), 0);
    if (failures)
        return 1;
    *(volatile uint32 *)addr = 0x00008067;          /* ret */
    asm volatile("fence.i" ::: "memory");
    printf("g_fault_nx: %s jumping\n", TOKEN);
    void (*volatile f)(void) = (void (*)(void))(uintptr)addr;
    f();
    return NOT_REACHED();
}
