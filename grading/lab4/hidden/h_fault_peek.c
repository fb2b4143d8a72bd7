/* h_fault_peek.c: load from a page mapped only in h_iso_a's (and h_iso_b's) address space. */
#define PROG "h_fault_peek"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    printf("h_fault_peek: " TOKFMT " loading\n", TOKARGS);
    uint64 v = *(volatile uint64 *)hg_fault_peek(KEY);
    printf("h_fault_peek: read %lx\n", v);
    return NOT_REACHED();
}
