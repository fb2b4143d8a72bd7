/* h_fault_null.c: load from page 0, never mapped. */
#define PROG "h_fault_null"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    printf("h_fault_null: " TOKFMT " loading\n", TOKARGS);
    uint64 v = *(volatile uint64 *)hg_fault_null(KEY);
    printf("h_fault_null: read %lx\n", v);
    return NOT_REACHED();
}
