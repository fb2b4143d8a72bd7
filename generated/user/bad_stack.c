/* bad_stack.c: recurse until the stack runs into its guard page. */
#include "user.h"

static volatile uint64 limit = ~0UL;

__attribute__((noinline)) static uint64
dive(uint64 depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth == limit)
        return 0;
    return dive(depth + 1) + frame[0];
}

int
main(void)
{
    printf("bad_stack: recursing, 1 KiB of stack per call\n");
    uint64 r = dive(0);
    printf("bad_stack: SHOULD NOT GET HERE (%lu)\n", r);
    return 1;
}
