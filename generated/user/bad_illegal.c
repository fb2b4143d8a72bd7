/* bad_illegal.c: execute an illegal instruction (the all-zero word). */
#include "user.h"

int
main(void)
{
    printf("bad_illegal: executing the instruction word 0x00000000\n");
    asm volatile(".4byte 0");
    printf("bad_illegal: SHOULD NOT GET HERE\n");
    return 1;
}
