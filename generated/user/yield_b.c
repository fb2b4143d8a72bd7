/* yield_b.c: five lines, yielding the processor after each. */
#include "user.h"
#define NAME "yield_b"
#define LINES 5

int
main(void)
{
    for (int i = 1; i <= LINES; i++) {
        printf(NAME ": line %d of %d\n", i, LINES);
        int64 r = sched_yield();
        if (r != 0) {
            printf(NAME ": FAIL sched_yield returned %ld\n", r);
            return 1;
        }
    }
    printf(NAME ": OK\n");
    return 0;
}
