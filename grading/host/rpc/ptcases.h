/*
 * ptcases.h: what the page-table tests share (vmcases.c, mmcases.c): the
 * PTE bits and the top pages' addresses, computed from the privileged
 * specification and the chapter, not from the kernel's headers; checks
 * with their own messages; reading entries; and running out of frames.
 */
#ifndef PTCASES_H
#define PTCASES_H

#include "harness.h"

/* PTE bits (privileged specification, Sv39). */
#define V (1UL << 0)
#define R (1UL << 1)
#define W (1UL << 2)
#define X (1UL << 3)
#define U (1UL << 4)

#define TRAMPOLINE 0xFFFFFFFFFFFFF000UL
#define TRAP_CONTEXT 0xFFFFFFFFFFFFE000UL

/* A check with its own message: fails the test with it. */
#define EXPECT(c, ...) do {                                                 \
        if (!(c))                                                           \
            fail_at(__LINE__, __VA_ARGS__);                                 \
    } while (0)
/* As CHECK_EQ, for addresses and entries: in hex. */
#define EQX(x, y) do {                                                      \
        uint64_t x_ = (x), y_ = (y);                                        \
        if (x_ != y_)                                                       \
            fail_at(__LINE__, "%s == %s: 0x%lx != 0x%lx", #x, #y,           \
                    (unsigned long)x_, (unsigned long)y_);                  \
    } while (0)

/* The physical address an entry points to. */
static inline uint64_t pte_pa(uint64_t e) { return (e >> 10 & ((1UL << 44) - 1)) << 12; }
/* Is pa in the simulated RAM? */
static inline int in_ram(uint64_t pa) { return pa >= SIM_RAM_BASE && pa < SIM_RAM_BASE + SIM_RAM_SIZE; }

/* harness.c: take frames in the child until only `left` are free (one call:
 * thousands cost seconds), and give them back; nhoard counts them, from the
 * free counts before and after (a test's setup sets it to 0). */
extern uint64_t nhoard;
void leave_free(uint64_t left);
void release(void);

#endif
