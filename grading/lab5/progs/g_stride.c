/*
 * g_stride: lab 5, exercise 6. setpriority refuses priorities below 2
 * and takes the others. Then four children, two at a low priority and
 * two at a priority at least three times higher (both from the seed),
 * count loop turns over the same 1.5 s (of instructions: see below) and exit with
 * their count in units of 1,024 turns. Under stride scheduling each
 * child's count over its priority is about the same; under round robin
 * the high ones would get no more than the low ones, three times less per
 * priority. The test runs under QEMU's -icount (the spec's icount), where
 * time is counted in instructions, so the shares do not depend on what
 * else the grading machine runs (with wall-clock time, a batch of graders
 * made them 40% apart); the check allows 20% between the largest and the
 * smallest count per priority.
 * Prints
 *
 *     g_stride: TOKEN refused=3 lo=L hi=H shares=ok
 */
#define PROG "g_stride"
#include "lab5.h"

#define CHILDREN 4
#define WINDOW_MS 1500

static uint64
now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    return tv.sec * 1000 + tv.usec / 1000;
}

static int
spin(uint64 start, uint64 ms)
{
    while (now_ms() < start)
        sched_yield();
    uint64 end = start + ms, turns = 0;
    while (now_ms() < end)
        for (int i = 0; i < 1024; i++) {
            turns++;
            asm volatile("" : "+r"(turns));
        }
    return (int)(turns >> 10);
}

int
main(void)
{
    int64 bad[] = { 1, 0, -3 };
    int refused = 0;
    for (int i = 0; i < 3; i++)
        refused += setpriority(bad[i]) == -1;
    check("refused priorities", refused, 3);
    check("setpriority(2)", setpriority(2), 2);
    check("setpriority(40)", setpriority(40), 40);
    int64 lo = (int64)sg_stride_lo(SEED), hi = (int64)sg_stride_hi(SEED);
    uint64 start = now_ms() + 100;
    int64 pid[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pid[i] = fork();
        if (pid[i] == 0) {
            if (setpriority(i % 2 ? hi : lo) < 0)
                exit(0);
            exit(spin(start, WINDOW_MS));
        }
        if (pid[i] < 0) {
            printf("%s: FAIL fork\n", PROG);
            return 1;
        }
    }
    uint64 low = ~0UL, high = 0;
    for (int i = 0; i < CHILDREN; i++) {
        int count = -1;
        check("waitpid", waitpid(pid[i], &count), pid[i]);
        uint64 per = (uint64)(count > 0 ? count : 0) * 1000 / (uint64)(i % 2 ? hi : lo);
        printf("%s: priority %ld: %d Ki turns, %lu per 1000 priority\n", PROG,
               i % 2 ? hi : lo, count, per);
        low = per < low ? per : low;
        high = per > high ? per : high;
    }
    int ok = low > 0 && high * 10 <= low * 12;
    check_that("shares in proportion to priorities (within 20%)", ok);
    printf("%s: %s refused=%d lo=%ld hi=%ld shares=%s\n", PROG, TOKEN, refused, lo, hi,
           ok ? "ok" : "bad");
    return verdict();
}
