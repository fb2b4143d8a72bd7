/* bad_priv.c: read a supervisor register from user mode. */
#include "user.h"

int
main(void)
{
    uint64 x;
    printf("bad_priv: reading sstatus in user mode\n");
    asm volatile("csrr %0, sstatus" : "=r"(x));
    printf("bad_priv: SHOULD NOT GET HERE (sstatus = 0x%lx)\n", x);
    return 1;
}
