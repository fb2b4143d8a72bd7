/* bad_partial.c: leave a line unfinished, then store through a null pointer. */
#include "user.h"

int
main(void)
{
    static const char msg[] = "bad_partial: a line without its end";
    volatile int *volatile p = NULL;
    write(1, msg, sizeof msg - 1);
    *p = 1;
    printf("bad_partial: SHOULD NOT GET HERE\n");
    return 1;
}
