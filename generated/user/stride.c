/* stride.c: setpriority's refusals, and four children's shares in
 * proportion to their priorities. */
#include "user.h"

#define CHILDREN 4
#define WINDOW_MS 600

static uint64
now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    return tv.sec * 1000 + tv.usec / 1000;
}

/* Count loop turns from start to start + ms; the count in units of 1024. */
static int
spin(uint64 start, uint64 ms)
{
    while (now_ms() < start)
        sched_yield();
    uint64 end = start + ms, turns = 0;
    while (now_ms() < end)
        for (int i = 0; i < 1024; i++) {
            turns++;
            /* a turn the compiler cannot fold */
            asm volatile("" : "+r"(turns));
        }
    /* (fits an exit code for minutes of turns) */
    return (int)(turns >> 10);
}

/*
 * A task that slept through many wraps of the others' passes: w waits
 * a second for its own child while s and that child run; from the child's
 * end, w and s (equal priorities) count until the same moment, and must
 * get equal shares: w at once, with no time to catch up on its pass first.
 */
static int
woken(void)
{
    uint64 t0 = now_ms(), t1 = t0 + 400;
    int64 s = fork();
    if (s == 0)
        exit(spin(t1, 300));
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
        uint64 now = now_ms();
        exit(spin(now, t1 + 300 - now));
    }
    int cs = -1, cw = -1;
    if (s < 0 || w < 0 || waitpid(s, &cs) != s || waitpid(w, &cw) != w
        || cs <= 0 || cw <= 0) {
        printf("stride: FAIL fork or waitpid (woken task)\n");
        return 1;
    }
    printf("stride: after a long wait: %d Ki turns, beside %d\n", cw, cs);
    if (cw * 10 > cs * 13 || cs * 10 > cw * 13) {
        printf("stride: FAIL a woken task's share is not its priority's\n");
        return 1;
    }
    return 0;
}

int
main(void)
{
    int64 bad[] = { 1, 0, -5 };
    for (int i = 0; i < 3; i++)
        if (setpriority(bad[i]) != -1) {
            printf("stride: FAIL setpriority(%ld) accepted\n", bad[i]);
            return 1;
        }
    if (setpriority(2) != 2 || setpriority(16) != 16) {
        printf("stride: FAIL setpriority(2) or (16) refused\n");
        return 1;
    }
    uint64 start = now_ms() + 100;
    int64 pid[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pid[i] = fork();
        if (pid[i] == 0) {
            setpriority(5 + i);
            exit(spin(start, WINDOW_MS));
        }
        if (pid[i] < 0) {
            printf("stride: FAIL fork\n");
            return 1;
        }
    }
    uint64 lo = ~0UL, hi = 0;
    for (int i = 0; i < CHILDREN; i++) {
        int count = -1;
        if (waitpid(pid[i], &count) != pid[i] || count <= 0) {
            printf("stride: FAIL child %d: count %d\n", i, count);
            return 1;
        }
        uint64 per = (uint64)count * 1000 / (5 + i);
        printf("stride: priority %d: %d Ki turns, %lu per 1000 priority\n",
               5 + i, count, per);
        lo = per < lo ? per : lo;
        hi = per > hi ? per : hi;
    }
    if (hi * 10 > lo * 13) {
        printf("stride: FAIL shares not in proportion to priorities "
               "(%lu to %lu)\n", lo, hi);
        return 1;
    }
    return woken() ? 1 : (printf("stride: OK\n"), 0);
    return 0;
}
