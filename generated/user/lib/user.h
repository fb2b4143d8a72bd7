/* user.h: everything a user program may call: system calls, printf, helpers. */
#ifndef USER_H
#define USER_H

#include "types.h"              /* the kernel's integer types */
#include "syscall.h"            /* call numbers, struct timeval and task_info */

#define PAGE_SIZE 4096UL
#define TASK_RUNNING 2          /* the only status a task sees of itself */
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
int64 getppid(void);
int64 spawn(const char *name);
int64 exec(const char *name);
int64 waitpid(int64 pid, int *status);
int64 fork(void);
int64 frames(int which);
int64 setpriority(int64 prio);
int64 read(int fd, void *buf, uint64 len);
uint64 get_time_ms(void);
void sleep_ms(uint64 ms);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memset(void *dst, int c, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
int main(void);

#endif
