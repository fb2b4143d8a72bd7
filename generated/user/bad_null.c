/* bad_null.c: store through a null pointer. */
#include "user.h"

int
main(void)
{
    volatile int *volatile p = NULL;
    printf("bad_null: storing to address 0\n");
    *p = 1;
    printf("bad_null: SHOULD NOT GET HERE\n");
    return 1;
}
