/* syscall.c: the system-call stubs, and helpers built on them. */
#include "user.h"

/* Make system call n with six arguments; return the kernel's a0. */
int64
syscall6(uint64 n, uint64 a0, uint64 a1, uint64 a2, uint64 a3,
         uint64 a4, uint64 a5)
{
    register uint64 r0 asm("a0") = a0;
    register uint64 r1 asm("a1") = a1;
    register uint64 r2 asm("a2") = a2;
    register uint64 r3 asm("a3") = a3;
    register uint64 r4 asm("a4") = a4;
    register uint64 r5 asm("a5") = a5;
    register uint64 r7 asm("a7") = n;
    asm volatile("ecall"
                 : "+r"(r0)
                 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
                 : "memory");
    return (int64)r0;
}

int64
write(int fd, const void *buf, uint64 len)
{
    return syscall6(SYS_write, (uint64)fd, (uint64)buf, len, 0, 0, 0);
}

void
exit(int code)
{
    syscall6(SYS_exit, (uint64)code, 0, 0, 0, 0, 0);
    for (;;)
        ;
}
int64
sched_yield(void)
{
    return syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

int64
gettimeofday(struct timeval *tv, void *tz)
{
    return syscall6(SYS_gettimeofday, (uint64)tv, (uint64)tz, 0, 0, 0, 0);
}

int64
getpid(void)
{
    return syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}
int64
sbrk(int64 increment)
{
    return syscall6(SYS_sbrk, (uint64)increment, 0, 0, 0, 0, 0);
}

int64
mmap(uint64 start, uint64 len, uint64 prot, uint64 flags, uint64 fd)
{
    return syscall6(SYS_mmap, start, len, prot, flags, fd, 0);
}

int64
munmap(uint64 start, uint64 len)
{
    return syscall6(SYS_munmap, start, len, 0, 0, 0, 0);
}
int64
task_info(struct task_info *ti)
{
    return syscall6(SYS_task_info, (uint64)ti, 0, 0, 0, 0, 0);
}

int64
ptdump(void)
{
    return syscall6(SYS_ptdump, 0, 0, 0, 0, 0, 0);
}
int64
getppid(void)
{
    return syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

int64
spawn(const char *name)
{
    return syscall6(SYS_spawn, (uint64)name, 0, 0, 0, 0, 0);
}

int64
exec(const char *name)
{
    return syscall6(SYS_execve, (uint64)name, 0, 0, 0, 0, 0);
}

int64
waitpid(int64 pid, int *status)
{
    return syscall6(SYS_wait4, (uint64)pid, (uint64)status, 0, 0, 0, 0);
}
int64
fork(void)
{
    return syscall6(SYS_clone, 0, 0, 0, 0, 0, 0);
}
int64
frames(int which)
{
    return syscall6(SYS_frames, which, 0, 0, 0, 0, 0);
}
int64
setpriority(int64 prio)
{
    return syscall6(SYS_setpriority, prio, 0, 0, 0, 0, 0);
}
int64
read(int fd, void *buf, uint64 len)
{
    return syscall6(SYS_read, fd, (uint64)buf, len, 0, 0, 0);
}
/* Microseconds since boot; 0 if the clock cannot be read. */
static uint64
now_us(void)
{
    struct timeval tv;
    if (gettimeofday(&tv, NULL) < 0)
        return 0;
    return tv.sec * 1000000 + tv.usec;
}

/* Milliseconds since boot. */
uint64
get_time_ms(void)
{
    return now_us() / 1000;
}
/* Wait at least ms milliseconds, yielding the processor meanwhile. */
void
sleep_ms(uint64 ms)
{
    uint64 start = now_us();
    while (now_us() - start < ms * 1000)
        sched_yield();
}
