/* sleep.c: sleep 100 ms by yielding, and check that the clock agrees. */
#include "user.h"

#define SLEEP_MS 100

/* Read the clock into tv; print the failure and return -1 if it is wrong. */
static int
read_clock(struct timeval *tv)
{
    int64 r = gettimeofday(tv, NULL);
    if (r != 0 || tv->usec >= 1000000) {
        printf("sleep: FAIL gettimeofday returned %ld, usec %lu\n",
               r, tv->usec);
        return -1;
    }
    return 0;
}

int
main(void)
{
    struct timeval before, after;
    if (read_clock(&before) < 0)
        return 1;
    sleep_ms(SLEEP_MS);
    if (read_clock(&after) < 0)
        return 1;
    uint64 t0 = before.sec * 1000000 + before.usec;
    uint64 t1 = after.sec * 1000000 + after.usec;
    if (t1 < t0) {
        printf("sleep: FAIL the clock went back by %lu us\n", t0 - t1);
        return 1;
    }
    if (t1 - t0 < SLEEP_MS * 1000) {
        printf("sleep: FAIL woke after %lu us\n", t1 - t0);
        return 1;
    }
    printf("sleep: OK\n");
    return 0;
}
