/* ptdump.c: print this program's page table (through the kernel). */
#include "user.h"

int
main(void)
{
    int64 r = ptdump();
    if (r != 0) {
        printf("ptdump: FAIL ptdump returned %ld\n", r);
        return 1;
    }
    printf("ptdump: OK\n");
    return 0;
}
