/*
 * g_stride: lab 5, exercise 6. setpriority refuses priorities below 2
 * and takes the others. Then four children, two at a low priority and
 * two at a priority at least three times higher (both from the seed),
 * count loop turns over the same 1 s (of instructions: see below) and exit with
 * their count in units of 1,024 turns. Under stride scheduling each
 * child's count over its priority is about the same; under round robin
 * the high ones would get no more than the low ones, three times less per
 * priority. The test runs under QEMU's -icount (the spec's icount), where
 * time is counted in instructions, so the shares do not depend on what
 * else the grading machine runs (with wall-clock time, a batch of graders
 * made them 40% apart); the check allows 20% between the largest and the
 * smallest count per priority. Each child also reports the longest time it
 * stood ready between two of its turns, which stride bounds by about
 * P / p - 1 slices (P the priorities together, p its own): a scheduler
 * that gives the right shares in long bursts fails here (twice the bound
 * is allowed). Last, a task woken after the others' passes wrapped many
 * times must get the share of a task of its priority at once.
 * Prints
 *
 *     g_stride: TOKEN refused=3 lo=L hi=H shares=ok
 */
#define PROG "g_stride"
#include "lab5.h"

#define CHILDREN 4
#define WINDOW_MS 1000

static uint64
now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    return tv.sec * 1000 + tv.usec / 1000;
}

/*
 * Count loop turns from start to start + ms. The exit code: the count in
 * units of 1,024 turns (bits 0-15) and the longest wait between two of
 * the task's turns, in ms (bits 16-27): how long it stood ready while
 * others ran.
 */
static int
spin(uint64 start, uint64 ms)
{
    while (now_ms() < start)
        sched_yield();
    uint64 end = start + ms, turns = 0, last = now_ms(), gap = 0, now;
    while ((now = now_ms()) < end) {
        gap = now - last > gap ? now - last : gap;
        last = now;
        for (int i = 0; i < 1024; i++) {
            turns++;
            asm volatile("" : "+r"(turns));
        }
    }
    return (int)((turns >> 10) & 0xffff) | (int)((gap > 4095 ? 4095 : gap) << 16);
}

/*
 * A task that slept while the others' passes wrapped around many times:
 * w waits for a child of its own that spins for 0.6 s; s, of the same
 * priority, spins meanwhile and on. From the child's end to a common
 * moment, w and s must get equal turns: w at once, with no time to catch
 * up on a stale pass (or to be starved by one). 1 if they do.
 */
static int
woken(void)
{
    uint64 t1 = now_ms() + 600, t2 = t1 + 400;
    int64 s = fork();
    if (s == 0) {
        while (now_ms() < t1)
            ;
        uint64 turns = 0;
        while (now_ms() < t2)
            for (int i = 0; i < 1024; i++) {
                turns++;
                asm volatile("" : "+r"(turns));
            }
        exit((int)(turns >> 10));
    }
    int64 w = fork();
    if (w == 0) {
        int64 g = fork();
        if (g == 0) {
            while (now_ms() < t1)
                ;
            exit(0);
        }
        int st;
        if (g < 0 || waitpid(g, &st) != g)
            exit(0);
        uint64 turns = 0;
        while (now_ms() < t2)
            for (int i = 0; i < 1024; i++) {
                turns++;
                asm volatile("" : "+r"(turns));
            }
        exit((int)(turns >> 10));
    }
    int cs = -1, cw = -1;
    check("waitpid (woken task)", waitpid(s, &cs), s);
    check("waitpid (woken task)", waitpid(w, &cw), w);
    printf("%s: after a long wait: %d Ki turns, beside %d\n", PROG, cw, cs);
    return cs > 0 && cw > 0 && cw * 10 <= cs * 13 && cs * 10 <= cw * 13;
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
        int code = -1;
        check("waitpid", waitpid(pid[i], &code), pid[i]);
        int count = code & 0xffff, gap = (code >> 16) & 0xfff;
        uint64 per = (uint64)(code > 0 ? count : 0) * 1000 / (uint64)(i % 2 ? hi : lo);
        printf("%s: priority %ld: %d Ki turns, %lu per 1000 priority, longest wait %d ms\n", PROG,
               i % 2 ? hi : lo, count, per, gap);
        low = per < low ? per : low;
        high = per > high ? per : high;
        /* Stride lets a ready task of priority p wait about P / p - 1
           slices of ~10 ms (P: the children's priorities together). */
        int64 p = i % 2 ? hi : lo, bound = 10 * (2 * (2 * lo + 2 * hi) / p + 2);
        if (gap > bound) {
            printf("%s: FAIL a ready task of priority %ld waited %d ms between two turns"
                   " (stride: at most %ld)\n", PROG, p, gap, bound);
            failures++;
        }
    }
    int ok = low > 0 && high * 10 <= low * 12;
    check_that("shares in proportion to priorities (within 20%)", ok);
    int wake = woken();
    check_that("a woken task's share is its priority's (within 30%)", wake);
    ok = ok && wake;
    printf("%s: %s refused=%d lo=%ld hi=%ld shares=%s\n", PROG, TOKEN, refused, lo, hi,
           ok ? "ok" : "bad");
    return verdict();
}
