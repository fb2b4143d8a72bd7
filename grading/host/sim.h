/*
 * sim.h: simulated physical memory for the host tests of the memory code.
 *
 * Forced (-include) into every file of test_frame, test_heap, test_vm and
 * test_elf, kernel files included. The kernel turns a physical address
 * into a pointer with pa2kva(pa) = pa + PHYS_OFFSET; these tests build with
 * -DPHYS_OFFSET=sim_phys_offset, and sim.c sets sim_phys_offset so that
 * physical address SIM_RAM_BASE is the first byte of the host array
 * sim_ram. Physical address 0 is thus never a frame, as on the board.
 */
#ifndef SIM_H
#define SIM_H

/* riscv.h writes GNU `asm`; under -std=c11 only `__asm__` is the keyword.
 * Those inline functions are never called on the host. */
#define asm __asm__

#define SIM_RAM_BASE 0x80000000UL
#define SIM_RAM_SIZE (8UL << 20)        /* 8 MiB: 2048 frames */

extern unsigned long sim_phys_offset;   /* pointer = physical address + this */
extern unsigned char sim_ram[SIM_RAM_SIZE];
extern char strampoline[4096];          /* mm.c maps it at TRAMPOLINE */

/*
 * panic_at (sim.c) keeps the message here and calls cmocka's mock_assert,
 * so that expect_assert_failure() catches a kernel panic. EXPECT_PANIC
 * runs `call`, which must panic with a message containing `fragment`.
 */
extern char sim_panic_msg[512];
extern int sim_panic_quiet;             /* 1: an expected panic, do not print */
extern unsigned long sim_panic_count;
extern int sim_panic_exit;              /* >= 0: a panic _exits with this code */

#define EXPECT_PANIC(call, fragment) do {                                   \
        sim_panic_quiet = 1;                                                \
        sim_panic_msg[0] = '\0';                                            \
        unsigned long sim_before_ = sim_panic_count;                        \
        expect_assert_failure(call);                                        \
        sim_panic_quiet = 0;                                                \
        assert_int_equal(sim_panic_count, sim_before_ + 1);                 \
        if (strstr(sim_panic_msg, (fragment)) == NULL)                      \
            fail_msg("panic '%s' does not mention '%s'",                    \
                     sim_panic_msg, (fragment));                            \
    } while (0)

/* A small seeded PRNG (xorshift64*), the same sequence on every host. */
static inline unsigned long
sim_rand(unsigned long *state)
{
    unsigned long x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DUL;
}

#endif
