/* g_fault_kern.c: load from the kernel's image. */
#define PROG "g_fault_kern"
#include "lab4.h"

int
main(void)
{
    printf("g_fault_kern: %s loading\n", TOKEN);
    uint64 v = *(volatile uint64 *)sg_fault_kern(SEED);
    printf("g_fault_kern: read %lx\n", v);
    return NOT_REACHED();
}
