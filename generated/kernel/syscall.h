/* syscall.h: the system-call interface: numbers (the ABI's; see ABI.md)
 * and the structures the kernel fills in. The user library includes it too. */
#ifndef SYSCALL_H
#define SYSCALL_H

#include "types.h"

#define SYS_write          64
#define SYS_exit           93
#define SYS_sched_yield   124
#define SYS_gettimeofday  169
#define SYS_getpid        172
#define SYS_sbrk          214
#define SYS_munmap        215
#define SYS_mmap          222
#define SYS_task_info     410
#define SYS_ptdump        499   /* ours, for the book's live figure */
/* Processes (chapter 5) */
#define SYS_read           63
#define SYS_setpriority   140
#define SYS_getppid       173
#define SYS_clone         220   /* fork */
#define SYS_execve        221
#define SYS_wait4         260   /* waitpid */
#define SYS_spawn         400
#define SYS_frames        498   /* ours: free and reserved frames */
#define MAX_SYSCALL_NUM   500   /* size of task_info's syscall_times[] */

struct timeval {
    uint64 sec;                 /* seconds since boot */
    uint64 usec;                /* and microseconds, 0..999999 */
};

struct task_info {
    int32 status;
    uint32 syscall_times[MAX_SYSCALL_NUM];  /* calls made, per number */
    int32 time;                 /* ms since the first dispatch */
};
_Static_assert(sizeof(struct task_info) == 2008, "task_info size");
_Static_assert(__builtin_offsetof(struct task_info, time) == 2004, "time");

#endif
