/* syscall.c: system-call dispatch and the calls themselves. */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "vm.h"
#include "task.h"
#include "syscall.h"
#include "fdt.h"

extern struct fdt_info machine;     /* the device tree's facts (main.c) */

/* write(fd, buf, len): fd 1 only; bytes written, or -1 (bad fd or pointer). */
static uint64
sys_write(uint64 fd, uint64 buf, uint64 len)
{
    struct task *t = current_task();
    char chunk[128];
    if (fd != 1 || !user_range_ok(t->mm->pt, buf, len, PTE_R))
        return -1;
    for (uint64 done = 0; done < len; ) {
        uint64 n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (copyin(t->mm->pt, chunk, buf + done, n) < 0)
            return -1;
        console_write(chunk, n);
        done += n;
    }
    return len;
}
/* exit(code): never returns. */
static void __attribute__((noreturn))
sys_exit(int code)
{
    task_exit(current_task(), code, 1);
}

/* ptdump(): print the caller's page table (chapter 4's format); 0. */
static uint64
sys_ptdump(void)
{
    struct task *t = current_task();
    pagetable_dump(t->mm->pt, t->name);
    return 0;
}
/* sched_yield(): 0, once the caller runs again. */
static uint64
sys_sched_yield(void)
{
    task_yield();
    return 0;
}
/* gettimeofday(tv, tz): time since boot into *tv; tz is ignored. 0 or -1. */
static uint64
sys_gettimeofday(uint64 tv_va)
{
    uint64 now = r_time(), hz = machine.timebase;
    struct timeval tv = { now / hz, (now % hz) * 1000000 / hz };
    /* BEGIN SOLUTION lab4 ex7
       stub: (void)tv; (void)tv_va;
       stub: printf("[kernel] lab4 ex7: sys_gettimeofday not implemented\n");
       stub: return -1;
     */
    if (copyout(current_task()->mm->pt, tv_va, &tv, sizeof tv) < 0)
        return -1;
    /* END SOLUTION */
    return 0;
}
/* task_info(ti): the caller's state, call counts and age into *ti. 0 or -1. */
static uint64
sys_task_info(uint64 ti_va)
{
    struct task *t = current_task();
    struct task_info ti;
    ti.status = t->state;
    memcpy(ti.syscall_times, t->syscall_times, sizeof ti.syscall_times);
    ti.time = (r_time() - t->first_run) * 1000 / machine.timebase;
    /* BEGIN SOLUTION lab4 ex7
       stub: (void)ti; (void)ti_va;
       stub: printf("[kernel] lab4 ex7: sys_task_info not implemented\n");
       stub: return -1;
     */
    if (copyout(t->mm->pt, ti_va, &ti, sizeof ti) < 0)
        return -1;
    /* END SOLUTION */
    return 0;
}
/* The page range [start, start + len rounded up), if a valid user range. */
static int
user_pages(uint64 start, uint64 len, uint64 *end)
{
    if (start & (PAGE_SIZE - 1) || len == 0 || start < PAGE_SIZE
        || start >= USER_TOP || len > USER_TOP - start)
        return 0;
    *end = page_up(start + len);
    return 1;
}

/* mmap(start, len, prot): 0, or -1 with nothing mapped (ABI.md). */
static uint64
sys_mmap(uint64 start, uint64 len, uint64 prot)
{
    /* BEGIN SOLUTION lab4 ex5
       stub: (void)start; (void)len; (void)prot; (void)user_pages;
       stub: printf("[kernel] lab4 ex5: sys_mmap not implemented\n");
       stub: return -1;
     */
    struct mm *mm = current_task()->mm;
    uint64 end;
    if ((prot & ~7UL) || !(prot & 7) || !user_pages(start, len, &end)
        || !mm_range_free(mm, start, end))
        return -1;
    uint64 perm = PTE_U | (prot & 1 ? PTE_R : 0) | (prot & 2 ? PTE_W : 0)
                | (prot & 4 ? PTE_X : 0);
    return mm_map(mm, start, end, perm, AREA_FRAMED, USE_MMAP) ? 0 : (uint64)-1;
    /* END SOLUTION */
}

/* munmap(start, len): 0, or -1 if a page is not mapped by mmap (ABI.md). */
static uint64
sys_munmap(uint64 start, uint64 len)
{
    /* BEGIN SOLUTION lab4 ex5
       stub: (void)start; (void)len; (void)user_pages;
       stub: printf("[kernel] lab4 ex5: sys_munmap not implemented\n");
       stub: return -1;
     */
    uint64 end;
    if (!user_pages(start, len, &end))
        return -1;
    return mm_unmap_range(current_task()->mm, start, end, USE_MMAP) < 0
           ? (uint64)-1 : 0;
    /* END SOLUTION */
}
/* sbrk(increment): the old break, or -1 (nothing changed). */
static uint64
sys_sbrk(int64 incr)
{
    struct mm *mm = current_task()->mm;
    uint64 old = mm->brk, new = old + incr;
    if ((incr < 0 && (uint64)-incr > old - mm->heap_start)
        || (incr > 0 && (uint64)incr > USER_TOP - old))
        return -1;
    uint64 old_end = page_up(old), new_end = page_up(new);
    if (new_end > old_end) {
        if (!mm_range_free(mm, old_end, new_end))
            return -1;
        if (mm->heap == NULL)
            mm->heap = mm_map(mm, mm->heap_start, new_end, PTE_R | PTE_W | PTE_U,
                              AREA_FRAMED, USE_HEAP);
        else if (mm_resize(mm, mm->heap, new_end) < 0)
            return -1;
        if (mm->heap == NULL)
            return -1;
    } else if (new_end < old_end && new_end == mm->heap_start) {
        mm_unmap_area(mm, mm->heap);            /* no page left */
        mm->heap = NULL;
        pagetable_prune(mm->pt, new_end, old_end);
    } else if (new_end < old_end) {
        mm_resize(mm, mm->heap, new_end);
    }
    mm->brk = new;
    return old;
}

/*
 * Dispatch system call num for the current task; a are its six argument
 * registers (a0..a5). Returns the value for a0; -1 for an unknown call.
 */
uint64
syscall(uint64 num, uint64 *a)
{
    struct task *t = current_task();
    if (num < MAX_SYSCALL_NUM)
        t->syscall_times[num]++;
    switch (num) {
    case SYS_write:        return sys_write(a[0], a[1], a[2]);
    case SYS_exit:         sys_exit((int)a[0]);
    case SYS_sched_yield:  return sys_sched_yield();
    case SYS_gettimeofday: return sys_gettimeofday(a[0]);
    case SYS_getpid:       return t->pid;
    case SYS_sbrk:         return sys_sbrk((int64)a[0]);
    case SYS_munmap:       return sys_munmap(a[0], a[1]);
    case SYS_mmap:         return sys_mmap(a[0], a[1], a[2]);
    case SYS_task_info:    return sys_task_info(a[0]);
    case SYS_ptdump:       return sys_ptdump();
    case SYS_getppid:      return sys_getppid();
    case SYS_execve:       return sys_exec(a[0]);
    case SYS_wait4:        return sys_waitpid((int64)a[0], a[1]);
    case SYS_spawn:        return sys_spawn(a[0]);
    case SYS_clone:        return sys_fork();
    case SYS_frames:       return sys_frames(a[0]);
    case SYS_setpriority:  return sys_setpriority((int64)a[0]);
    case SYS_read:         return sys_read((int64)a[0], a[1], a[2]);
    default:               return -1;
    }
}
