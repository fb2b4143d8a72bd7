/* riscv.h: RISC-V instructions and registers the kernel uses, as inline C. */
#ifndef RISCV_H
#define RISCV_H

#include "types.h"

/* time: a counter that ticks at the device tree's timebase-frequency. */
static inline uint64
r_time(void)
{
    uint64 x;
    asm volatile("csrr %0, time" : "=r"(x));
    return x;
}

/* Stall this hart until an interrupt is pending. */
static inline void
wfi(void)
{
    asm volatile("wfi");
}
/* Read, write, set bits in and clear bits in a control and status register. */
#define csr_read(csr) \
    ({ uint64 v_; asm volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) asm volatile("csrw " #csr ", %0" : : "r"((uint64)(v)))
#define csr_set(csr, v)   asm volatile("csrs " #csr ", %0" : : "r"((uint64)(v)))
#define csr_clear(csr, v) asm volatile("csrc " #csr ", %0" : : "r"((uint64)(v)))

/* sstatus bits */
#define SSTATUS_SIE   (1UL << 1)    /* S-mode interrupts enabled */
#define SSTATUS_SPIE  (1UL << 5)    /* SIE before the trap; sret restores it */
#define SSTATUS_SPP   (1UL << 8)    /* level before the trap: 0 = U, 1 = S */

/* sie bits: which interrupts may trap to S-mode */
#define SIE_STIE      (1UL << 5)    /* supervisor timer interrupt */
/* scause: bit 63 says interrupt; the rest is the code. */
#define SCAUSE_INTERRUPT          (1UL << 63)
#define IRQ_S_TIMER               5   /* supervisor timer interrupt */
#define EXC_INST_MISALIGNED       0
#define EXC_INST_ACCESS_FAULT     1
#define EXC_ILLEGAL_INSTRUCTION   2
#define EXC_BREAKPOINT            3
#define EXC_LOAD_MISALIGNED       4
#define EXC_LOAD_ACCESS_FAULT     5
#define EXC_STORE_MISALIGNED      6
#define EXC_STORE_ACCESS_FAULT    7
#define EXC_ECALL_U               8   /* ecall from U-mode: a system call */
#define EXC_ECALL_S               9
#define EXC_INST_PAGE_FAULT       12
#define EXC_LOAD_PAGE_FAULT       13
#define EXC_STORE_PAGE_FAULT      15
/* sstatus.FS: the state of the floating-point registers */
#define SSTATUS_FS        (3UL << 13)   /* the field */
#define SSTATUS_FS_CLEAN  (2UL << 13)   /* as last loaded or saved */
#define SSTATUS_FS_DIRTY  (3UL << 13)   /* changed since */
/*
 * Flush every cached address translation of this hart. (The host unit
 * tests compile the page-table code for the machine they run on, which has
 * no such instruction and no cache to flush: there it is nothing.)
 */
static inline void
sfence_vma(void)
{
#ifdef __riscv
    asm volatile("sfence.vma zero, zero" : : : "memory");
#endif
}

/* Make this hart's instruction fetches see its earlier stores. */
static inline void
fence_i(void)
{
    asm volatile("fence.i" : : : "memory");
}

#endif
