/* bad_textwrite.c: store into the program's own code. */
#include "user.h"

int
main(void)
{
    volatile uint8 *p = (volatile uint8 *)(uintptr)&main;
    printf("bad_textwrite: storing to main at %p\n", (void *)p);
    *p = 0;
    printf("bad_textwrite: SHOULD NOT GET HERE\n");
    return 1;
}
