/* taskinfo.c: check task_info's status, call counts and time. */
#include "user.h"

#define GETPIDS 7

static struct task_info ti;     /* 2 KB: better in .bss than on the stack */
static int failures;

/* Count and print a failure if got != want. */
static void
expect(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("taskinfo: FAIL %s is %ld, want %ld\n", what, got, want);
        failures++;
    }
}

int
main(void)
{
    expect("task_info's result", task_info(&ti), 0);
    expect("status", ti.status, TASK_RUNNING);
    expect("calls of task_info", ti.syscall_times[SYS_task_info], 1);
    uint64 total = 0;
    for (int i = 0; i < MAX_SYSCALL_NUM; i++)
        total += ti.syscall_times[i];
    expect("calls of all kinds", (int64)total, 1);
    for (int i = 0; i < GETPIDS; i++)
        getpid();
    task_info(&ti);
    expect("calls of getpid", ti.syscall_times[SYS_getpid], GETPIDS);
    expect("calls of write", ti.syscall_times[SYS_write], 0);
    printf("taskinfo: called getpid %d times\n", GETPIDS);
    task_info(&ti);
    expect("calls of write after one printf", ti.syscall_times[SYS_write], 1);
    expect("calls of task_info", ti.syscall_times[SYS_task_info], 3);
    expect("calls of mmap", ti.syscall_times[SYS_mmap], 0);
    int32 t0 = ti.time;
    sleep_ms(60);
    task_info(&ti);
    if (t0 < 0 || ti.time - t0 < 50) {
        printf("taskinfo: FAIL time went from %d to %d ms over a 60 ms sleep\n",
               t0, ti.time);
        failures++;
    }
    if ((uint64)ti.time > get_time_ms() + 1) {
        printf("taskinfo: FAIL time %d ms exceeds the time since boot\n", ti.time);
        failures++;
    }
    if (ti.syscall_times[SYS_gettimeofday] < 2)
        expect("calls of gettimeofday (at least 2)",
               ti.syscall_times[SYS_gettimeofday], 2);
    if (failures > 0) {
        printf("taskinfo: FAIL %d checks failed\n", failures);
        return 1;
    }
    printf("taskinfo: OK\n");
    return 0;
}
