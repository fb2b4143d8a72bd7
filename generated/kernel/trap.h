/* trap.h: the trap context, shared by trampoline.S and the C trap code. */
#ifndef TRAP_H
#define TRAP_H

#ifndef __ASSEMBLER__
#include "types.h"

struct trap_context {
    uint64 x[32];           /*   0: x0..x31 of the user program; x[2] is sp */
    uint64 sstatus;         /* 256: sstatus at the trap, restored by sret */
    uint64 sepc;            /* 264: where the user program resumes */
    uint64 kernel_satp;     /* 272: the kernel's page table */
    uint64 kernel_sp;       /* 280: top of this task's kernel stack */
    uint64 trap_handler;    /* 288: address of usertrap() */
};
#endif

#define TC_SSTATUS      256
#define TC_SEPC         264
#define TC_KERNEL_SATP  272
#define TC_KERNEL_SP    280
#define TC_HANDLER      288
#ifndef __ASSEMBLER__
_Static_assert(__builtin_offsetof(struct trap_context, sstatus) == TC_SSTATUS,
               "sstatus");
_Static_assert(__builtin_offsetof(struct trap_context, sepc) == TC_SEPC,
               "sepc");
_Static_assert(__builtin_offsetof(struct trap_context, kernel_satp)
               == TC_KERNEL_SATP, "satp");
_Static_assert(__builtin_offsetof(struct trap_context, kernel_sp)
               == TC_KERNEL_SP, "sp");
_Static_assert(__builtin_offsetof(struct trap_context, trap_handler)
               == TC_HANDLER, "handler");
_Static_assert(sizeof(struct trap_context) <= 4096, "one page");
#endif

#ifndef __ASSEMBLER__
void trap_init(void);
void usertrap(void) __attribute__((noreturn));
void usertrapret(void) __attribute__((noreturn));
void kernel_trap(void) __attribute__((noreturn));
#endif
#ifndef __ASSEMBLER__
uint64 syscall(uint64 num, uint64 *args);
#endif

#endif
