/* task.h: tasks, the scheduler and the context switch. */
#ifndef TASK_H
#define TASK_H

#include "types.h"
#include "trap.h"
#include "syscall.h"

struct mm;

#define MAX_TASKS      64      /* applications in one boot, at most */
#define TASK_NAME_MAX  64      /* a program's name: up to 63 bytes */

enum task_state {
    TASK_UNUSED  = 0,      /* free slot */
    TASK_READY   = 1,      /* can run, waiting for the processor */
    TASK_RUNNING = 2,      /* has the processor */
    TASK_EXITED  = 3,      /* finished; its memory is freed by the scheduler */
    TASK_BLOCKED = 4,      /* waits for an event (task_wakeup) */
    TASK_ZOMBIE  = 5,      /* exited; kept until its parent collects its code */
};
/* Registers saved by swtch(); offsets are used by swtch.S. */
struct context {
    uint64 ra;          /*  0: where swtch() returns to */
    uint64 sp;          /*  8: the kernel stack */
    uint64 s[12];       /* 16: s0..s11 */
};
_Static_assert(__builtin_offsetof(struct context, s) == 16, "context.s");
_Static_assert(sizeof(struct context) == 112, "context size");
/* A task's floating-point registers, saved and loaded by fp_save, fp_load. */
struct fp_regs {
    uint64 f[32];       /*   0: f0..f31 */
    uint64 fcsr;        /* 256 */
};
_Static_assert(__builtin_offsetof(struct fp_regs, fcsr) == 256, "fp_regs.fcsr");

struct task {
    enum task_state state;
    int pid;
    char name[TASK_NAME_MAX];
    struct context ctx;              /* kernel registers while switched out */
    struct mm *mm;                   /* address space (chapter 4) */
    struct trap_context *trap_cx;    /* its trap-context page, kernel view */
    uint64 kstack_top;               /* top of its kernel stack */
    int started;                     /* has it been dispatched yet? */
    uint64 first_run;                /* time CSR at the first dispatch */
    uint32 syscall_times[MAX_SYSCALL_NUM];
    /* its f registers while another task has them */
    struct fp_regs fp;
    struct task *parent;             /* who may wait for it; NULL: nobody */
    int exit_code;                   /* its exit code, once it has exited */
    const void *chan;                /* what it sleeps on, when blocked */
    uint32 pass;                    /* stride scheduling: smaller runs sooner */
    int pass_valid;                 /* 0: a new or woken task, pass to be set */
    uint64 priority;                /* setpriority; 0 = the default */
};

extern struct task *fp_owner;
extern int fp_changed;
void fp_take(struct task *t);
void fp_save(struct fp_regs *r);
void fp_load(const struct fp_regs *r);
struct task *current_task(void);
struct task *task_create(const char *name, const uint8 *elf, uint64 size);
void scheduler(void);
void task_yield(void);
void task_exit(struct task *t, int code, int log) __attribute__((noreturn));
void run_applications(void);
void timer_init(void);
void syscall_timed(uint64 num, uint64 ticks);
void check_nobody_waits_forever(void);
uint64 sys_waitpid(int64 pid, uint64 status);
uint64 sys_getppid(void);
uint64 sys_spawn(uint64 name_va);
uint64 sys_exec(uint64 name_va);
extern struct task *init_task;
extern const char init_name[];   /* apps.S: INIT, or "" */
void task_sleep(const void *chan);
void task_wakeup(const void *chan);
struct mm *mm_copy(struct mm *mm);
uint64 sys_fork(void);
uint64 sys_frames(uint64 which);
extern const uint64 cow_wanted;         /* apps.S: 0 if linked with COW=0 */
struct task *stride_pick(struct task *first);
uint64 sys_setpriority(int64 prio);
int sbi_console_getchar(void);
int wait_for_input(void);
void input_check(void);
uint64 sys_read(int64 fd, uint64 buf, uint64 len);

#endif
