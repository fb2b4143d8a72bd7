/* task.c: the task table, the round-robin scheduler, exit. */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "vm.h"
#include "task.h"
#include "fdt.h"
#include "apps.h"
#include "ktest.h"
#include "syscall.h"

extern struct fdt_info machine;
void swtch(struct context *old, struct context *new);

static struct task tasks[MAX_TASKS];
static struct context scheduler_ctx;    /* the scheduler's kernel half */
static struct task *current;            /* the running task, or NULL */
static int next_pid = 1;
static int first_dispatch_done;         /* for the boot-time log line */
static void task_free(struct task *t);

/* The task whose kernel half is running; a bug to ask when there is none. */
struct task *
current_task(void)
{
    if (current == NULL)
        panic("current_task: no task is running");
    return current;
}
struct task *fp_owner;      /* whose values the f registers hold, or NULL */
int fp_changed;             /* changed by the owner since they were loaded? */

/* Make t the owner of the f registers: save the old owner's, load t's. */
void
fp_take(struct task *t)
{
    if (fp_owner == t)
        return;
    /* not Off: the kernel may touch them */
    csr_set(sstatus, SSTATUS_FS_DIRTY);
    if (fp_owner && fp_changed)
        fp_save(&fp_owner->fp);
    fp_load(&t->fp);
    fp_owner = t;
    fp_changed = 0;
}
/* Timer interrupts may reach S-mode (while the hart is in U-mode). */
void
timer_init(void)
{
    csr_set(sie, SIE_STIE);
    csr_write(scounteren, 7);   /* U-mode may read cycle, time, instret */
}

/* Ask for a timer interrupt one time slice (~10 ms) from now. */
static void
timer_arm(void)
{
    sbi_set_timer(r_time() + machine.timebase / 100);
}

/* No more timer interrupts: every task has exited. */
static void
timer_stop(void)
{
    sbi_set_timer(~0UL);
    csr_clear(sie, SIE_STIE);
}
/* The first kernel code of every task: go to user mode. */
static void
task_start(void)
{
    usertrapret();
}

/*
 * Make a ready task named name from the ELF file elf[0..size). Returns it,
 * or NULL (and logs why) when the file is refused or memory runs out; the
 * other tasks are not affected either way.
 */
struct task *
task_create(const char *name, const uint8 *elf, uint64 size)
{
    int slot = 0;
    while (slot < MAX_TASKS && tasks[slot].state != TASK_UNUSED)
        slot++;
    if (slot == MAX_TASKS) {
        KLOG("application %s: more than %d applications; skipped\n",
             name, MAX_TASKS);
        return NULL;
    }
    struct task *t = &tasks[slot];
    const char *err;
    uint64 entry, user_sp;
    if (elf_check(elf, size, &err) < 0) {
        KLOG("application %s: bad ELF: %s; skipped\n", name, err);
        return NULL;
    }
    struct mm *mm = mm_from_elf(elf, size, &entry, &user_sp, &err);
    if (mm == NULL) {
        KLOG("application %s: %s; skipped\n", name, err);
        return NULL;
    }
    fence_i();       /* the program's code was written by stores (chapter 4) */
    uint64 kstack_top = kvm_map_kstack(slot);
    if (kstack_top == 0) {
        KLOG("application %s: out of memory for its kernel stack; skipped\n", name);
        mm_free(mm);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->pid = next_pid++;
    uint64 n = strlen(name);
    if (n >= TASK_NAME_MAX)
        n = TASK_NAME_MAX - 1;
    memcpy(t->name, name, n);
    t->mm = mm;
    t->kstack_top = kstack_top;
    t->trap_cx = pa2kva(translate(mm->pt, TRAP_CONTEXT, PTE_R | PTE_W));
    t->trap_cx->x[2] = user_sp;
    t->trap_cx->sepc = entry;
    t->ctx.ra = (uint64)task_start;
    t->ctx.sp = kstack_top;
    t->state = TASK_READY;
    return t;
}
/*
 * Run ready tasks round-robin until none is left. Called once from main(),
 * on the boot stack; returns when every task has exited and been freed.
 */
void
scheduler(void)
{
    int last = MAX_TASKS - 1;
    for (;;) {
        struct task *t = NULL;
        for (int i = 1; i <= MAX_TASKS && t == NULL; i++) {
            int k = (last + i) % MAX_TASKS;
            if (tasks[k].state == TASK_READY)
                t = &tasks[k];
        }
        if (t == NULL) {
            if (wait_for_input())
                continue;
            check_nobody_waits_forever();
            break;
        }
        t = stride_pick(t);
        input_check();
        last = t - tasks;
        t->state = TASK_RUNNING;
        current = t;
        if (!t->started) {
            t->started = 1;
            t->first_run = r_time();
            if (!first_dispatch_done) {
                first_dispatch_done = 1;
                KLOG("first application (%s) starts %lu us after reset\n", t->name,
                     t->first_run * 1000000 / machine.timebase);
            }
        }
        timer_arm();
        swtch(&scheduler_ctx, &t->ctx);
        current = NULL;
        if (t->state == TASK_EXITED)
            task_free(t);
    }
    timer_stop();
}
/* Give the processor to the next ready task; returns when it is ours again. */
void
task_yield(void)
{
    struct task *t = current_task();
    t->state = TASK_READY;
    swtch(&t->ctx, &scheduler_ctx);
}
/*
 * End task t (the current one) with the given exit code, logging it if
 * log is set (a killed task has already been logged). Does not return.
 */
void
task_exit(struct task *t, int code, int log)
{
    if (log)
        KLOG("application %s (pid %d) exited with code %d\n",
             t->name, t->pid, code);
    t->exit_code = code;
    if (t == init_task)
        init_task = NULL;
    for (int i = 0; i < MAX_TASKS; i++) {
        struct task *c = &tasks[i];
        if (c->state == TASK_UNUSED || c->parent != t)
            continue;
        c->parent = init_task;
        if (c->state == TASK_ZOMBIE) {
            if (init_task == NULL)
                memset(c, 0, sizeof *c);        /* nobody will ask */
            else
                task_wakeup(init_task);
        }
    }
    if (t->parent != NULL)
        task_wakeup(t->parent);
    t->state = TASK_EXITED;
    swtch(&t->ctx, &scheduler_ctx);
    panic("task_exit: exited task %s resumed", t->name);
}

/* Return everything an exited task owned; its slot becomes unused. */
static void
task_free(struct task *t)
{
    if (fp_owner == t)
        fp_owner = NULL;
    mm_free(t->mm);
    t->mm = NULL;
    kvm_unmap_kstack(t - tasks);
    if (t->parent != NULL) {
        t->state = TASK_ZOMBIE;
        return;
    }
    memset(t, 0, sizeof *t);
}
/* The slowest system call so far: how long, which, and whose. */
static struct {
    uint64 ticks, num;
    int pid;
    char name[TASK_NAME_MAX];
} slowest;

/*
 * Note that system call num of the current task took ticks of the clock;
 * keep it if it is the slowest so far. sched_yield's time is the other
 * tasks', as is that of the calls that block (chapter 5): they do not count.
 */
void
syscall_timed(uint64 num, uint64 ticks)
{
    if (num == SYS_sched_yield || num == SYS_wait4 || num == SYS_read
        || ticks <= slowest.ticks)
        return;
    struct task *t = current_task();
    slowest.ticks = ticks;
    slowest.num = num;
    slowest.pid = t->pid;
    memcpy(slowest.name, t->name, TASK_NAME_MAX);
}

/* The name of system call num, for the log. */
static const char *
syscall_name(uint64 num)
{
    switch (num) {
    case SYS_write:        return "write";
    case SYS_exit:         return "exit";
    case SYS_gettimeofday: return "gettimeofday";
    case SYS_getpid:       return "getpid";
    case SYS_sbrk:         return "sbrk";
    case SYS_munmap:       return "munmap";
    case SYS_mmap:         return "mmap";
    case SYS_task_info:    return "task_info";
    case SYS_ptdump:       return "ptdump";
    case SYS_getppid:      return "getppid";
    case SYS_execve:       return "exec";
    case SYS_wait4:        return "waitpid";
    case SYS_spawn:        return "spawn";
    case SYS_clone:        return "fork";
    case SYS_frames:       return "frames";
    case SYS_setpriority:  return "setpriority";
    case SYS_read:         return "read";
    default:               return "unknown";
    }
}
/* Block the current task until task_wakeup(chan); returns when woken. */
void
task_sleep(const void *chan)
{
    struct task *t = current_task();
    t->chan = chan;
    t->state = TASK_BLOCKED;
    swtch(&t->ctx, &scheduler_ctx);
    t->chan = NULL;
}

/* Make every task blocked on chan ready again. */
void
task_wakeup(const void *chan)
{
    for (int i = 0; i < MAX_TASKS; i++)
        if (tasks[i].state == TASK_BLOCKED && tasks[i].chan == chan) {
            tasks[i].state = TASK_READY;
            tasks[i].pass_valid = 0;    /* see "Stride scheduling" */
        }
}
/* No task is ready: panic if one is blocked, since nothing can wake it. */
void
check_nobody_waits_forever(void)
{
    for (int i = 0; i < MAX_TASKS; i++)
        if (tasks[i].state == TASK_BLOCKED)
            panic("scheduler: %s (pid %d) is blocked and no task is ready: "
                  "a lost wakeup", tasks[i].name, tasks[i].pid);
}

/*
 * waitpid(pid, status): wait for the child pid (any child if pid is -1)
 * to exit; its pid, with its exit code stored at status unless status is
 * 0; -1 at once if there is no such child or status is a bad pointer.
 */
uint64
sys_waitpid(int64 pid, uint64 status)
{
    struct task *t = current_task();
    if (status != 0
        && !user_range_ok(t->mm->pt, status, sizeof(int), PTE_R | PTE_W))
        return -1;
    /* BEGIN SOLUTION lab5 ex4
       stub: (void)pid;
       stub: printf("[kernel] lab5 ex4: sys_waitpid not implemented\n");
       stub: return -1;
     */
    for (;;) {
        int children = 0;
        for (int i = 0; i < MAX_TASKS; i++) {
            struct task *c = &tasks[i];
            if (c->state == TASK_UNUSED || c->parent != t
                || (pid != -1 && c->pid != pid))
                continue;
            children++;
            if (c->state == TASK_ZOMBIE) {
                int code = c->exit_code, cpid = c->pid;
                if (status != 0
                    && copyout(t->mm->pt, status, &code, sizeof code) < 0)
                    return -1;
                memset(c, 0, sizeof *c);
                return cpid;
            }
        }
        if (children == 0)
            return -1;
        task_sleep(t);
    }
    /* END SOLUTION */
}

/* getppid(): the parent's id, or 0 for a task nobody waits for. */
uint64
sys_getppid(void)
{
    struct task *p = current_task()->parent;
    return p != NULL ? p->pid : 0;
}
/* The embedded program called name, or NULL. */
static const struct app *
app_find(const char *name)
{
    for (uint64 i = 0; i < app_count; i++) {
        const char *a = app_table[i].name;
        uint64 k = 0;
        while (a[k] != 0 && a[k] == name[k])
            k++;
        if (a[k] == 0 && name[k] == 0)
            return &app_table[i];
    }
    return NULL;
}

/* The embedded program named by the user's string at va, or NULL. */
static const struct app *
user_app(uint64 va)
{
    struct mm *mm = current_task()->mm;
    char name[TASK_NAME_MAX];
    for (uint64 i = 0; i < TASK_NAME_MAX; i++) {
        if (copyin(mm->pt, &name[i], va + i, 1) < 0)
            return NULL;
        if (name[i] == 0)
            return app_find(name);
    }
    return NULL;
}
/* spawn(name): a new child running program name; its pid, or -1. */
uint64
sys_spawn(uint64 name_va)
{
    const struct app *a = user_app(name_va);
    if (a == NULL)
        return -1;
    /* BEGIN SOLUTION lab5 ex5
       stub: printf("[kernel] lab5 ex5: sys_spawn not implemented\n");
       stub: return -1;
     */
    struct task *c = task_create(a->name, a->start, a->end - a->start);
    if (c == NULL)
        return -1;
    c->parent = current_task();
    return c->pid;
    /* END SOLUTION */
}
/* exec(name): replace the caller's program by program name; -1 if it cannot. */
uint64
sys_exec(uint64 name_va)
{
    const struct app *a = user_app(name_va);
    if (a == NULL)
        return -1;
    const char *err;
    uint64 entry, user_sp, size = a->end - a->start;
    if (elf_check(a->start, size, &err) < 0)
        return -1;
    /* BEGIN SOLUTION lab5 ex3
       stub: (void)entry; (void)user_sp;
       stub: printf("[kernel] lab5 ex3: sys_exec not implemented\n");
       stub: return -1;
     */
    struct mm *mm = mm_from_elf(a->start, size, &entry, &user_sp, &err);
    if (mm == NULL)
        return -1;
    fence_i();
    struct task *t = current_task();
    struct mm *old = t->mm;
    t->mm = mm;
    t->trap_cx = pa2kva(translate(mm->pt, TRAP_CONTEXT, PTE_R | PTE_W));
    t->trap_cx->x[2] = user_sp;
    t->trap_cx->sepc = entry;
    uint64 n = strlen(a->name);             /* cut as task_create cuts it */
    if (n >= TASK_NAME_MAX)
        n = TASK_NAME_MAX - 1;
    memset(t->name, 0, sizeof t->name);
    memcpy(t->name, a->name, n);
    if (fp_owner == t)
        fp_owner = NULL;            /* the f registers hold the old program's */
    memset(&t->fp, 0, sizeof t->fp);
    mm_free(old);
    return 0;
    /* END SOLUTION */
}
struct task *init_task;          /* the init process, if there is one */

/* Is a the program called name? */
static int
app_is(const struct app *a, const char *name)
{
    return app_find(name) == a;
}
/*
 * A copy of address space mm for a child: the same areas, each page in a
 * frame of its own with the same bytes. NULL (nothing kept) if memory runs out.
 */
struct mm *
mm_copy(struct mm *mm)
{
    struct mm *c = mm_new();
    if (c == NULL)
        return NULL;
    for (struct map_area *a = mm_area_from(mm, 0); a;
         a = mm_area_from(mm, a->end.n)) {
        struct map_area *b = mm_map(c, vpn2va(a->start), vpn2va(a->end),
                                    a->perm, a->kind, a->use);
        if (b == NULL) {
            mm_free(c);
            return NULL;
        }
        for (uint64 v = a->start.n; v < a->end.n; v++) {
            uint64 va = vpn2va((vpn_t){ v }), from = translate(mm->pt, va, 0);
            if (from == 0)
                continue;           /* promised, not made ("Demand paging") */
            lazy_fault(c->pt, va);  /* the child's copy of it, made now */
            memcpy(pa2kva(translate(c->pt, va, 0)), pa2kva(from), PAGE_SIZE);
        }
        if (a == mm->heap)
            c->heap = b;
    }
    c->heap_start = mm->heap_start;
    c->brk = mm->brk;
    return c;
}
/* fork(): a copy of the caller as its child; the child's pid, 0 in the
 * child, -1 if impossible. */
uint64
sys_fork(void)
{
    struct task *p = current_task();
    int slot = 0;
    while (slot < MAX_TASKS && tasks[slot].state != TASK_UNUSED)
        slot++;
    if (slot == MAX_TASKS)
        return -1;
    struct mm *mm = cow_wanted ? mm_share(p->mm) : mm_copy(p->mm);
    if (mm == NULL)
        return -1;
    uint64 kstack_top = kvm_map_kstack(slot);
    if (kstack_top == 0) {
        mm_free(mm);
        return -1;
    }
    if (fp_owner == p && fp_changed) {      /* the parent's live f registers */
        fp_save(&p->fp);
        fp_changed = 0;
    }
    struct task *c = &tasks[slot];
    memset(c, 0, sizeof *c);
    c->pid = next_pid++;
    memcpy(c->name, p->name, TASK_NAME_MAX);
    c->mm = mm;
    c->kstack_top = kstack_top;
    c->trap_cx = pa2kva(translate(mm->pt, TRAP_CONTEXT, PTE_R | PTE_W));
    c->trap_cx->x[10] = 0;
    c->fp = p->fp;
    c->priority = p->priority;
    c->parent = p;
    c->ctx.ra = (uint64)task_start;
    c->ctx.sp = kstack_top;
    c->state = TASK_READY;
    return c->pid;
}
/* The current task's user pages in shared frames (shared set) or in frames
 * of their own. */
static uint64
user_pages(int shared)
{
    struct mm *mm = current_task()->mm;
    uint64 n = 0;
    for (struct map_area *a = mm_area_from(mm, 0); a;
         a = mm_area_from(mm, a->end.n)) {
        if (!(a->perm & PTE_U) || a->kind != AREA_FRAMED)
            continue;
        for (uint64 v = a->start.n; v < a->end.n; v++) {
            pte_t *e = walk(mm->pt, vpn2va((vpn_t){ v }), 0);
            if (e && (*e & PTE_V) && (frame_refs(pte_ppn(*e)) > 1) == shared)
                n++;
        }
    }
    return n;
}

/* frames(which): 0 free frames, 1 reserved ones, 2 and 3 the caller's
 * shared and own pages. */
uint64
sys_frames(uint64 which)
{
    switch (which) {
    case 0:  return frame_free_count();
    case 1:  return frame_reserved_count();
    case 2:  return user_pages(1);
    case 3:  return user_pages(0);
    default: return -1;
    }
}
#define BIG_STRIDE (1u << 30)
#define DEFAULT_PRIORITY 16
static uint32 pass_now;         /* the pass of the task chosen last */

/* t's stride: BIG_STRIDE over its priority (never 0). */
static uint32
stride_of(const struct task *t)
{
    uint64 s = BIG_STRIDE / (t->priority ? t->priority : DEFAULT_PRIORITY);
    return s ? (uint32)s : 1;
}

/* Does pass a come before pass b? Right while they are less than 2^31 apart. */
static int
pass_before(uint32 a, uint32 b)
{
    return (int32)(a - b) < 0;
}

/*
 * The ready task with the smallest pass, the first in round-robin order
 * (from first, chapter 3's choice) among equals; its pass moves on.
 */
struct task *
stride_pick(struct task *first)
{
    /* BEGIN SOLUTION lab5 ex6
       stub: (void)stride_of; (void)pass_before; (void)pass_now;
       stub: return first;
     */
    struct task *best = NULL;
    for (int i = 0; i < MAX_TASKS; i++) {
        struct task *c = &tasks[(first - tasks + i) % MAX_TASKS];
        if (c->state != TASK_READY)
            continue;
        if (!c->pass_valid) {
            c->pass = pass_now;
            c->pass_valid = 1;
        }
        if (best == NULL || pass_before(c->pass, best->pass))
            best = c;
    }
    pass_now = best->pass;
    best->pass += stride_of(best);
    return best;
    /* END SOLUTION */
}

/* setpriority(prio): prio if prio >= 2, else -1 and nothing changes. */
uint64
sys_setpriority(int64 prio)
{
    /* BEGIN SOLUTION lab5 ex6
       stub: (void)prio;
       stub: printf("[kernel] lab5 ex6: sys_setpriority not implemented\n");
       stub: return -1;
     */
    if (prio < 2)
        return -1;
    current_task()->priority = prio;
    return prio;
    /* END SOLUTION */
}
/* Console bytes from the SBI, not yet read: [tail, head), modulo the size. */
static struct {
    char buf[256];
    uint32 head, tail;
    int readers;                /* tasks blocked in read */
} input;

/* Take what the console holds, as far as the buffer has room; wake the
 * readers if any came. */
static void
input_poll(void)
{
    int c, got = 0;
    while (input.head - input.tail < sizeof input.buf
           && (c = sbi_console_getchar()) >= 0) {
        input.buf[input.head++ % sizeof input.buf] = (char)c;
        got = 1;
    }
    if (got)
        task_wakeup(&input);
}

/* At each scheduling decision: look at the console if anyone waits for it. */
void
input_check(void)
{
    if (input.readers > 0)
        input_poll();
}

/*
 * No task is ready. If some wait for input: sleep the hart until the next
 * tick, look at the console, and return 1 (the scheduler looks again).
 */
int
wait_for_input(void)
{
    if (input.readers == 0)
        return 0;
    timer_arm();
    asm volatile("wfi");
    input_poll();
    return 1;
}

/*
 * read(fd, buf, len): fd 0 only. Waits for at least one byte; returns
 * 1..len of them (64 at most at a time), 0 for len 0, -1 for a bad fd or
 * buffer. A byte leaves the buffer only once it is in the user's memory.
 */
uint64
sys_read(int64 fd, uint64 buf, uint64 len)
{
    struct task *t = current_task();
    if (fd != 0)
        return -1;
    if (len == 0)
        return 0;
    if (!user_range_ok(t->mm->pt, buf, len, PTE_R | PTE_W))
        return -1;
    input_poll();
    while (input.head == input.tail) {
        input.readers++;
        task_sleep(&input);
        input.readers--;
    }
    char chunk[64];
    uint64 n = 0;
    while (n < len && n < sizeof chunk && input.tail + n != input.head) {
        chunk[n] = input.buf[(input.tail + n) % sizeof input.buf];
        n++;
    }
    if (copyout(t->mm->pt, buf, chunk, n) < 0)
        return -1;
    input.tail += n;
    return n;
}
/* Load every embedded application and run them all to completion. */
void
run_applications(void)
{
    uint64 before = frame_free_count();
    uint64 heap_before = heap_in_use();
    for (uint64 i = 0; i < app_count; i++) {
        if (init_name[0] != 0) {
            if (app_is(&app_table[i], init_name))
                init_task = task_create(app_table[i].name, app_table[i].start,
                                        app_table[i].end - app_table[i].start);
            continue;
        }
        if (app_is(&app_table[i], "sh"))
            continue;                   /* a shell waits for a person: only as init */
        task_create(app_table[i].name, app_table[i].start,
                    app_table[i].end - app_table[i].start);
    }
    scheduler();
    KLOG("free frames: %lu before the first application, %lu after the last\n",
         before, frame_counted());
    KLOG("kernel heap: %lu bytes in use before the first application, "
         "%lu after the last\n", heap_before, heap_in_use());
    if (slowest.ticks != 0)
        KLOG("slowest system call: %s (%lu) by %s (pid %d), %lu us\n",
             syscall_name(slowest.num), slowest.num, slowest.name, slowest.pid,
             slowest.ticks * 1000000 / machine.timebase);
}
