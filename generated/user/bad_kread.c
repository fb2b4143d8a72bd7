/* bad_kread.c: load from the kernel's physical address. */
#include "user.h"

int
main(void)
{
    volatile uint64 *p = (volatile uint64 *)0x80200000UL;
    printf("bad_kread: loading from %p\n", (void *)p);
    uint64 x = *p;
    printf("bad_kread: SHOULD NOT GET HERE (read 0x%lx)\n", x);
    return 1;
}
