/* cross_page.c: system-call buffers that straddle a page boundary. */
#include "user.h"

#define AREA 0x10000000UL

static char bss_pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int failures;

static void
expect(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("cross_page: FAIL %s is %ld, want %ld\n", what, got, want);
        failures++;
    }
}
/* Copy msg so that it straddles the page boundary at edge; write it. */
static void
write_across(char *edge, const char *msg)
{
    uint64 n = strlen(msg);
    char *p = edge - n / 2;
    memcpy(p, msg, n);
    expect("write's result", write(1, p, n), (int64)n);
}
static void
time_across(char *edge)
{
    struct timeval *tv = (struct timeval *)(edge - 8);
    memset(tv, 0xff, sizeof *tv);
    expect("gettimeofday's result", gettimeofday(tv, NULL), 0);
    uint64 now = get_time_ms(), then = tv->sec * 1000 + tv->usec / 1000;
    expect("usec is below a million", tv->usec < 1000000, 1);
    expect("the time is recent", then <= now && now - then < 1000, 1);
}
static void
info_across(char *edge, int64 calls)
{
    struct task_info *ti = (struct task_info *)(edge - 1000);
    memset(ti, 0xff, sizeof *ti);
    expect("task_info's result", task_info(ti), 0);
    expect("status", ti->status, TASK_RUNNING);
    expect("calls of write", ti->syscall_times[SYS_write], 2);
    expect("calls of mmap", ti->syscall_times[SYS_mmap], 1);
    expect("calls of sbrk", ti->syscall_times[SYS_sbrk], 0);
    expect("calls of task_info", ti->syscall_times[SYS_task_info], calls);
    expect("time is plausible", ti->time >= 0 && ti->time < 600000, 1);
}
int
main(void)
{
    char *mapped = (char *)AREA;
    expect("mmap of 2 pages", mmap(AREA, 2 * PAGE_SIZE,
                                   PROT_READ | PROT_WRITE, 0, 0), 0);
    write_across(bss_pages + PAGE_SIZE,
                 "cross_page: this line crosses a page boundary in .bss\n");
    write_across(mapped + PAGE_SIZE,
                 "cross_page: this line crosses a page boundary"
                 " in mmap pages\n");
    info_across(mapped + PAGE_SIZE, 1);
    info_across(bss_pages + PAGE_SIZE, 2);
    time_across(mapped + PAGE_SIZE);
    time_across(bss_pages + PAGE_SIZE);
    expect("munmap", munmap(AREA, 2 * PAGE_SIZE), 0);
    if (failures > 0)
        return 1;
    printf("cross_page: OK\n");
    return 0;
}
