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

#endif
