/* h_fault_text.c: store into its own .text (R-X). */
#define PROG "h_fault_text"
#define TWIN HG_FAULTS
#include "htwin.h"

int
main(void)
{
    twin_open();
    printf("h_fault_text: " TOKFMT " storing\n", TOKARGS);
    *(volatile uint64 *)hg_fault_text(KEY) = tw.key;
    return NOT_REACHED();
}
