/* h_fault_tc.c: store into the trap context page (mapped without U). */
#define PROG "h_fault_tc"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    printf("h_fault_tc: " TOKFMT " storing\n", TOKARGS);
    *(volatile uint64 *)hg_fault_tc(KEY) = tw.key;
    return NOT_REACHED();
}
