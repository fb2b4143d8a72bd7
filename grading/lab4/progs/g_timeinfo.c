/*
 * g_timeinfo.c: gettimeofday and task_info through user pointers. Make
 * each call a seed-chosen number of times, gettimeofday into a struct
 * that crosses a page boundary, then task_info into a struct that crosses
 * one too; print the counts the kernel reports. Then time: task_info's
 * time must follow a ~40 ms busy wait, and neither call may write to a
 * page without W; the two clocks agree, each in its unit (clocks.h).
 */
#define PROG "g_timeinfo"
#include "lab4.h"
#include "clocks.h"

/* Milliseconds since boot, or -1 if gettimeofday fails. */
static int64
now_ms(void)
{
    struct timeval tv;
    if (gettimeofday(&tv, NULL) != 0)
        return -1;
    return (int64)(tv.sec * 1000 + tv.usec / 1000);
}

int
main(void)
{
    uint64 va = sg_ti_addr(SEED);
    int64 got = mmap(va, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0);
    check("mmap of 3 pages", got, 0);
    if (got != 0)
        return 1;
    struct task_info *ti = (struct task_info *)(va + PAGE_SIZE - sg_ti_offset(SEED));
    struct timeval *tv = (struct timeval *)(va + 2 * PAGE_SIZE - 8);
    uint64 n_getpid = sg_ti_getpid(SEED), n_yield = sg_ti_yield(SEED);
    uint64 n_gtod = sg_ti_gtod(SEED), bad_gtod = 0, prev_us = 0;
    for (uint64 i = 0; i < n_getpid; i++)
        getpid();
    for (uint64 i = 0; i < n_yield; i++)
        sched_yield();
    for (uint64 i = 0; i < n_gtod; i++) {
        tv->usec = ~0UL;
        uint64 us;
        if (gettimeofday(tv, NULL) != 0 || tv->usec >= 1000000
            || (us = tv->sec * 1000000 + tv->usec) < prev_us)
            bad_gtod++;
        else
            prev_us = us;
    }
    memset(ti, 0xFF, sizeof *ti);
    check("task_info across a page boundary", task_info(ti), 0);
    check("gettimeofday results that were wrong", (int64)bad_gtod, 0);
    uint64 total = 0;
    for (int i = 0; i < MAX_SYSCALL_NUM; i++)
        total += ti->syscall_times[i];
    printf("g_timeinfo: %s getpid=%u yield=%u gtod=%u mmap=%u taskinfo=%u write=%u "
           "total=%lu status=%d\n", TOKEN, ti->syscall_times[SYS_getpid],
           ti->syscall_times[SYS_sched_yield], ti->syscall_times[SYS_gettimeofday],
           ti->syscall_times[SYS_mmap], ti->syscall_times[SYS_task_info],
           ti->syscall_times[SYS_write], total, ti->status);
    check("getpid count", ti->syscall_times[SYS_getpid], (int64)n_getpid);

    /* Time: ~40 ms of busy waiting must show in task_info's time. */
    int32 t0 = ti->time;
    int64 start = now_ms(), t = start;
    int time_ok = start >= 0 && bad_gtod == 0;
    for (int n = 0; time_ok && t - start < 40; n++) {
        sched_yield();
        t = now_ms();
        time_ok = t >= 0 && n < 1000000;
    }
    check("task_info", task_info(ti), 0);
    int32 dt = ti->time - t0;
    time_ok = time_ok && t0 >= 0 && dt >= 30 && dt <= 2000 && ti->time <= now_ms() + 1;
    if (!time_ok)
        printf("g_timeinfo: FAIL time went from %d to %d ms over a 40 ms wait\n",
               t0, ti->time);
    /* Neither call may write where the program cannot. */
    uint64 ro = va + 8 * PAGE_SIZE;
    check("mmap of a read-only page", mmap(ro, PAGE_SIZE, PROT_READ, 0, 0), 0);
    uint64 refused = (task_info((struct task_info *)ro) == -1)
                   | (uint64)(task_info((struct task_info *)(va + 3 * PAGE_SIZE - 8)) == -1) << 1
                   | (uint64)(gettimeofday((struct timeval *)ro, NULL) == -1) << 2
                   | (uint64)(task_info((struct task_info *)(uintptr)main) == -1) << 3;
    check("nonzero words in the read-only page", (int64)nonzero((volatile uint64 *)ro, SG_WORDS), 0);
    clocks_agree(ti);                   /* the units */
    printf("g_timeinfo: %s time=%s refused=0x%lx\n", TOKEN, time_ok ? "ok" : "bad", refused);
    return verdict() || !time_ok || refused != 0xf;
}
