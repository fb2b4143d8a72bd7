/* user.h: everything a user program may call: system calls, printf, helpers. */
#ifndef USER_H
#define USER_H

typedef unsigned char      uint8;
typedef unsigned short     uint16;
typedef unsigned int       uint32;
typedef unsigned long      uint64;
typedef int                int32;
typedef long               int64;
typedef unsigned long      uintptr;

#ifndef NULL
#define NULL ((void *)0)
#endif
#define PAGE_SIZE 4096UL
#define SYS_write         64
#define SYS_exit          93
#define SYS_sched_yield  124
#define SYS_gettimeofday 169
#define SYS_getpid       172
#define SYS_sbrk         214
#define SYS_munmap       215
#define SYS_mmap         222
#define SYS_task_info    410
#define SYS_ptdump       499    /* ours: print the caller's page table */
struct timeval {
    uint64 sec;                 /* seconds since boot */
    uint64 usec;                /* and microseconds, 0..999999 */
};

#define MAX_SYSCALL_NUM 500
#define TASK_RUNNING 2          /* the only status a task sees of itself */
struct task_info {
    int32 status;
    uint32 syscall_times[MAX_SYSCALL_NUM]; /* calls made, per number */
    int32 time;                 /* ms since the task first ran */
};
_Static_assert(sizeof(struct task_info) == 2008, "task_info size");
_Static_assert(__builtin_offsetof(struct task_info, time) == 2004,
               "task_info.time offset");
int64 syscall6(uint64 n, uint64 a0, uint64 a1, uint64 a2, uint64 a3,
               uint64 a4, uint64 a5);
int64 write(int fd, const void *buf, uint64 len);
void exit(int code) __attribute__((noreturn));
int64 sched_yield(void);
int64 gettimeofday(struct timeval *tv, void *tz);
int64 getpid(void);
int64 sbrk(int64 increment);
int64 munmap(uint64 start, uint64 len);
int64 mmap(uint64 start, uint64 len, uint64 prot, uint64 flags, uint64 fd);
int64 task_info(struct task_info *ti);
int64 ptdump(void);

#define PROT_READ  1            /* mmap's prot bits */
#define PROT_WRITE 2
#define PROT_EXEC  4
uint64 get_time_ms(void);
void sleep_ms(uint64 ms);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memset(void *dst, int c, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
int main(void);

#endif
