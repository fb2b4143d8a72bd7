/*
 * h_timeinfo.c: task_info and gettimeofday through user pointers, the
 * hidden way. getpid, sched_yield, gettimeofday and mmap + munmap, each a
 * key-chosen number of times, interleaved in a key-chosen order; then
 * task_info into a struct across the boundary of two pages mapped by two
 * calls; print the counts. Then more calls and a ~50 ms busy wait: the
 * second task_info's counts and time must follow. Neither call may write
 * where the program cannot.
 */
#define PROG "h_timeinfo"
#define TWIN HG_TI
#include "htwin.h"
#include "clocks.h"

#define RW (PROT_READ | PROT_WRITE)
#define P PAGE_SIZE

static const struct task_info ro_ti = { 7, { 0 }, 7 };
static uint64 n_gtod_calls;             /* gettimeofday calls made */

/* Microseconds since boot, or ~0 if gettimeofday fails. */
static uint64
now_us(void)
{
    struct timeval tv = { ~0UL, ~0UL };
    n_gtod_calls++;
    if (gettimeofday(&tv, NULL) != 0 || tv.usec >= 1000000)
        return ~0UL;
    return tv.sec * 1000000 + tv.usec;
}

int
main(void)
{
    twin_open();
    uint64 va = hg_ti_addr(KEY), left[4] = { hg_ti_getpid(KEY), hg_ti_yield(KEY),
                                             hg_ti_gtod(KEY), hg_ti_maps(KEY) };
    check("mmap of page 1", mmap(va, P, RW, 0, 0), 0);
    check("mmap of page 2", mmap(va + P, P, RW, 0, 0), 0);
    if (failures)
        return 1;
    uint64 prev = 0, bad = 0;
    for (uint64 i = 0; left[0] + left[1] + left[2] + left[3] > 0; i++) {
        int op = hg_ti_pick(KEY, i);
        while (left[op] == 0)
            op = (op + 1) % 4;
        left[op]--;
        if (op == 0)
            getpid();
        else if (op == 1)
            sched_yield();
        else if (op == 2) {
            uint64 us = now_us();
            bad += us == ~0UL || us < prev;
            prev = us;
        } else
            bad += mmap(va + 8 * P, P, RW, 0, 0) != 0 || munmap(va + 8 * P, P) != 0;
    }
    struct task_info *ti = (struct task_info *)(va + P - hg_ti_offset(KEY));
    memset(ti, 0xFF, sizeof *ti);
    check("task_info across a page boundary", task_info(ti), 0);
    uint64 total = 0;
    for (int i = 0; i < MAX_SYSCALL_NUM; i++)
        total += ti->syscall_times[i];
    uint32 *c = ti->syscall_times;
    printf("h_timeinfo: " TOKFMT " getpid=%u yield=%u gtod=%u mmap=%u munmap=%u taskinfo=%u "
           "write=%u total=%lu status=%d\n", TOKARGS, c[SYS_getpid], c[SYS_sched_yield],
           c[SYS_gettimeofday], c[SYS_mmap], c[SYS_munmap], c[SYS_task_info], c[SYS_write],
           total, ti->status);
    check("gettimeofday results that were wrong, or mmap calls that failed", (int64)bad, 0);

    /* More calls and a busy wait of ~50 ms: the counts and the time follow. */
    uint64 more = hg_ti_more(KEY), yields = 0, gtod0 = n_gtod_calls, start = now_us(), t = start;
    int32 t0 = ti->time;
    for (uint64 i = 0; i < more; i++, yields++)
        sched_yield();
    for (; t != ~0UL && t - start < 50000 && yields < 1000000; yields++) {
        sched_yield();
        t = now_us();
    }
    struct task_info now;
    check("task_info", task_info(&now), 0);
    int delta_ok = now.syscall_times[SYS_sched_yield] == c[SYS_sched_yield] + yields
                && now.syscall_times[SYS_gettimeofday] == c[SYS_gettimeofday] + n_gtod_calls - gtod0
                && now.syscall_times[SYS_write] == c[SYS_write] + 1
                && now.syscall_times[SYS_task_info] == c[SYS_task_info] + 1
                && now.syscall_times[SYS_getpid] == c[SYS_getpid];
    int32 dt = now.time - t0;
    uint64 end = now_us();
    int time_ok = t != ~0UL && end != ~0UL && t0 >= 0 && dt >= 40 && dt <= 2000
               && (uint64)now.time <= end / 1000 + 1;
    if (!time_ok)
        printf("h_timeinfo: FAIL time went from %d to %d ms over a 50 ms wait\n", t0, now.time);

    /* Neither call may write where the program cannot. */
    uint64 ro = va + 2 * P, wrong = 0;
    check("mmap of a read-only page", mmap(ro, P, PROT_READ, 0, 0), 0);
    uint64 refused = (task_info((struct task_info *)ro) == -1)
        | (uint64)(task_info((struct task_info *)(ro - 100)) == -1) << 1
        | (uint64)(task_info((struct task_info *)&ro_ti) == -1) << 2
        | (uint64)(task_info((struct task_info *)(HG_TRAP_CONTEXT + 8)) == -1) << 3
        | (uint64)(gettimeofday((struct timeval *)(ro + P - 8), NULL) == -1) << 4;
    readback((volatile uint64 *)ro, HG_WORDS, ZERO, 0, &wrong, 0);
    check("nonzero words in the read-only page", (int64)wrong, 0);
    check("the .rodata struct", ((volatile const struct task_info *)&ro_ti)->time, 7);
    clocks_agree(&now);                 /* the units */
    printf("h_timeinfo: " TOKFMT " delta=%s time=%s refused=0x%lx\n", TOKARGS,
           delta_ok ? "ok" : "bad", time_ok ? "ok" : "bad", refused);
    return failures > 0 || !delta_ok || !time_ok || refused != 0x1f;
}
