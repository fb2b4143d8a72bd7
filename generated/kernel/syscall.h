/* syscall.h: system-call numbers (those of RISC-V Linux; see ABI.md). */
#ifndef SYSCALL_H
#define SYSCALL_H

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
#define MAX_SYSCALL_NUM   500   /* size of task_info's syscall_times[] */

#endif
