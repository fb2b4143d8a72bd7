/* g_fault_load.c: load from a page mapped only in g_iso_a's address space. */
#define PROG "g_fault_load"
#include "lab4.h"

int
main(void)
{
    printf("g_fault_load: %s loading\n", TOKEN);
    uint64 v = *(volatile uint64 *)sg_fault_load(SEED);
    printf("g_fault_load: read %lx\n", v);
    return NOT_REACHED();
}
