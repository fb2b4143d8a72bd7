# trampoline.S: the trap entry and exit for user programs. This page is
# mapped at TRAMPOLINE in every address space, kernel and user alike.
#include "trap.h"
    .section .text.trampoline, "ax"
    .globl trampoline, uservec, userret
    .balign 4096
trampoline:
uservec:
    csrrw   sp, sscratch, sp        # sp = trap context, sscratch = user sp
    sd      x1, 1*8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25, \
            26,27,28,29,30,31
    sd      x\n, \n*8(sp)
    .endr
    csrr    t0, sscratch            # the user's sp
    sd      t0, 2*8(sp)
    csrr    t0, sstatus
    sd      t0, TC_SSTATUS(sp)
    csrr    t0, sepc
    sd      t0, TC_SEPC(sp)
    ld      t0, TC_KERNEL_SATP(sp)
    ld      t1, TC_HANDLER(sp)
    ld      sp, TC_KERNEL_SP(sp)
    csrw    satp, t0
    sfence.vma
    jr      t1                      # usertrap(), never returns here

# userret(a0 = trap context address, a1 = user satp): return to user mode.
userret:
    csrw    satp, a1
    sfence.vma
    csrw    sscratch, a0
    mv      sp, a0
    ld      t0, TC_SSTATUS(sp)
    csrw    sstatus, t0
    ld      t0, TC_SEPC(sp)
    csrw    sepc, t0
    ld      x1, 1*8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25, \
            26,27,28,29,30,31
    ld      x\n, \n*8(sp)
    .endr
    ld      sp, 2*8(sp)
    sret
