/* h_fault_gone.c: jump to an instruction that ran, in a page since unmapped. */
#define PROG "h_fault_gone"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    uint64 addr = hg_fault_gone(KEY), page = addr & ~(PAGE_SIZE - 1);
    check("mmap RWX", mmap(page, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0), 0);
    if (failures)
        return 1;
    *(volatile uint32 *)addr = 0x00008067;          /* ret */
    asm volatile("fence.i" ::: "memory");
    void (*volatile f)(void) = (void (*)(void))(uintptr)addr;
    f();                                            /* runs: the page is X */
    check("munmap", munmap(page, PAGE_SIZE), 0);
    if (failures)
        return 1;
    printf("h_fault_gone: " TOKFMT " jumping\n", TOKARGS);
    f();
    return NOT_REACHED();
}
