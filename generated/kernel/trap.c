/* trap.c: traps from user programs (system calls, faults, the timer). */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "vm.h"
#include "trap.h"
#include "task.h"

extern char trampoline[], uservec[], userret[], kernelvec[];

/* Point stvec at the kernel's own vector; called once at boot. */
void
trap_init(void)
{
    csr_write(stvec, (uint64)kernelvec);
}
static const char *
trap_name(uint64 scause)
{
    switch (scause) {
    case EXC_INST_PAGE_FAULT: case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
        return "PageFault";
    case EXC_INST_ACCESS_FAULT: case EXC_LOAD_ACCESS_FAULT:
    case EXC_STORE_ACCESS_FAULT:
        return "AccessFault";
    case EXC_ILLEGAL_INSTRUCTION:
        return "IllegalInstruction";
    case EXC_INST_MISALIGNED: case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED:
        return "Misaligned";
    case EXC_BREAKPOINT:
        return "Breakpoint";
    default:
        return "Exception";
    }
}
static void
kill_for_fault(struct task *t, uint64 scause, uint64 stval, uint64 sepc)
{
    KLOG("%s in application %s, bad addr = 0x%lx, "
         "bad instruction = 0x%lx, killed.\n",
         trap_name(scause), t->name, stval, sepc);
    task_exit(t, -1, 0);
}
/*
 * Handle a trap from the current task's user mode. Reached from uservec,
 * on the task's kernel stack, in the kernel's address space; the user's
 * registers are in the task's trap context. Does not return: it ends by
 * going back to user mode through usertrapret().
 */
void
usertrap(void)
{
    csr_write(stvec, (uint64)kernelvec);
    struct task *t = current_task();
    struct trap_context *tc = t->trap_cx;
    uint64 scause = csr_read(scause);
    if ((csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY)
        fp_changed = 1;

    if (scause == EXC_ECALL_U) {
        tc->sepc += 4;              /* resume after the ecall */
        uint64 num = tc->x[17], start = r_time();
        uint64 ret = syscall(num, &tc->x[10]);
        /* (exec, chapter 5, gives a new trap context) */
        t->trap_cx->x[10] = ret;
        syscall_timed(num, r_time() - start);
    } else if (scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
        task_yield();               /* the slice is over */
    } else {
        if (scause == EXC_STORE_PAGE_FAULT
            && cow_fault(t->mm->pt, csr_read(stval)) == 0)
            usertrapret();
        if ((scause == EXC_LOAD_PAGE_FAULT || scause == EXC_STORE_PAGE_FAULT ||
             scause == EXC_INST_PAGE_FAULT) &&
            lazy_fault(t->mm->pt, csr_read(stval)) == 0)
            usertrapret();
        kill_for_fault(t, scause, csr_read(stval), tc->sepc);
    }
    usertrapret();
}
/*
 * Return to the current task's user mode, with the registers saved in its
 * trap context. Does not return.
 */
void
usertrapret(void)
{
    struct task *t = current_task();
    struct trap_context *tc = t->trap_cx;

    tc->kernel_satp = kvm_satp();
    tc->kernel_sp = t->kstack_top;
    tc->trap_handler = (uint64)usertrap;
    tc->sstatus = (csr_read(sstatus) & ~SSTATUS_SPP) | SSTATUS_SPIE;
    fp_take(t);
    tc->sstatus = (tc->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
    csr_write(stvec, TRAMPOLINE + (uservec - trampoline));

    uint64 fn = TRAMPOLINE + (userret - trampoline);
    ((void (*)(uint64, uint64))fn)(TRAP_CONTEXT, mm_satp(t->mm));
    __builtin_unreachable();
}
/* A trap while the kernel itself ran: always a kernel bug. */
void
kernel_trap(void)
{
    uint64 scause = csr_read(scause);
    panic("kernel trap: %s (scause %p), sepc %p, stval %p",
          trap_name(scause & ~SCAUSE_INTERRUPT), (void *)scause,
          (void *)csr_read(sepc), (void *)csr_read(stval));
}
