/* proc_middle.c: start a grandchild and exit before it does. */
#include "user.h"

int
main(void)
{
    int64 g = spawn("proc_grandchild");
    if (g <= 0) {
        printf("proc_middle: FAIL spawn of proc_grandchild: %ld\n", g);
        return 1;
    }
    printf("proc_middle: OK\n");
    return 0;
}
