/*
 * clocks.h: gettimeofday and task_info must tell the same time, each in
 * its own unit (ABI.md: microseconds in timeval.usec, milliseconds in
 * task_info.time). A test program includes it after testprog.h and calls
 * clocks_agree(ti) with a task_info struct of its own (any place).
 *
 * It waits until task_info's time has moved 40 ms, between two
 * gettimeofday calls made before the first task_info and after the last,
 * so the microseconds they span cover the milliseconds, whatever the
 * machine's load: they must be at least the milliseconds' worth (less one
 * for rounding) and, unless the host stalled the machine for half a
 * second, not much more. A kernel that gives milliseconds where
 * microseconds belong, or the other way round, is off by a factor of a
 * thousand.
 */
#ifndef CLOCKS_H
#define CLOCKS_H

static inline void
clocks_agree(struct task_info *ti)
{
    struct timeval g0 = { 0, 0 }, g1 = { 0, 0 };
    int ok = gettimeofday(&g0, NULL) == 0 && task_info(ti) == 0;
    int32 m0 = ti->time, m1 = m0;
    for (int n = 0; ok && m1 - m0 < 40 && n < 1000000; n++) {
        sched_yield();
        ok = task_info(ti) == 0;
        m1 = ti->time;
    }
    ok = ok && gettimeofday(&g1, NULL) == 0 && m1 - m0 >= 40;
    int64 us = (int64)(g1.sec - g0.sec) * 1000000 + (int64)g1.usec - (int64)g0.usec;
    int64 ms = m1 - m0;
    if (!ok || us < (ms - 1) * 1000 || us > (ms + 500) * 1000)
        printf("%s: FAIL the clocks disagree: task_info's time went %ld ms, gettimeofday %ld us "
               "(want %ld000 us or a little more)\n", PROG, (long)ms, (long)us, (long)ms);
    check_that("gettimeofday and task_info agree on a 40 ms wait", ok && us >= (ms - 1) * 1000
               && us <= (ms + 500) * 1000);
}

#endif
