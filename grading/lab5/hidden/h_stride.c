/*
 * h_stride: the hidden twin of lab 5's g_stride (exercise 6), instructor-
 * only. Three children at priorities p, 2p and 4p count loop turns over
 * the same 0.8 s; each count over its priority within 20% of the
 * others' (round robin: 4 times), under -icount.
 * Prints
 *
 *     h_stride: TOKEN p=P shares=ok
 */
#define PROG "h_stride"
#define TWIN H5_STRIDE
#include "h5twin.h"

#define CHILDREN 3

static uint64
now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    return tv.sec * 1000 + tv.usec / 1000;
}

int
main(void)
{
    twin_open();
    int64 p = (int64)h5_stride_p(KEY);
    check("setpriority(1)", setpriority(1), -1);
    uint64 start = now_ms() + 80;
    int64 pid[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pid[i] = fork();
        if (pid[i] == 0) {
            if (setpriority(p << i) != (p << i))
                exit(0);
            while (now_ms() < start)
                sched_yield();
            uint64 turns = 0;
            while (now_ms() < start + 800)
                for (int k = 0; k < 1024; k++) {
                    turns++;
                    asm volatile("" : "+r"(turns));
                }
            exit((int)(turns >> 10));
        }
        check_that("fork", pid[i] > 0);
    }
    uint64 lo = ~0UL, hi = 0;
    for (int i = 0; i < CHILDREN; i++) {
        int count = -1;
        check("waitpid", waitpid(pid[i], &count), pid[i]);
        uint64 per = (uint64)(count > 0 ? count : 0) * 1000 / (uint64)(p << i);
        lo = per < lo ? per : lo;
        hi = per > hi ? per : hi;
    }
    int ok = lo > 0 && hi * 10 <= lo * 12;
    check_that("shares in proportion to priorities (within 20%)", ok);
    printf("%s: " TOKFMT " p=%ld shares=%s\n", PROG, TOKARGS, p, ok ? "ok" : "bad");
    return verdict();
}
