/* sim.c: the simulated RAM and the panic hook shared by the memory tests. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "types.h"
#include "defs.h"

unsigned char sim_ram[SIM_RAM_SIZE] __attribute__((aligned(4096)));
/* Not in sim_ram: no frame allocator range of the tests includes it. Both
 * arrays are page-aligned, so kva2pa(strampoline) is page-aligned too. */
char strampoline[4096] __attribute__((aligned(4096)));
unsigned long sim_phys_offset;
/* Chapter 5's link-time choice (apps.S in the kernel): pages of mmap and
 * sbrk made on first touch. Off unless the test is built with -DSIM_LAZY=1. */
#ifndef SIM_LAZY
#define SIM_LAZY 0
#endif
const unsigned long lazy_wanted = SIM_LAZY;

char sim_panic_msg[512];
int sim_panic_quiet;
int sim_panic_exit = -1;
unsigned long sim_panic_count;

__attribute__((constructor)) static void
sim_init(void)
{
    sim_phys_offset = (unsigned long)(uintptr_t)sim_ram - SIM_RAM_BASE;
}

/* The kernel's panic(): report through cmocka instead of stopping a hart. */
void
panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim_panic_msg, sizeof sim_panic_msg, fmt, ap);
    va_end(ap);
    sim_panic_count++;
    if (sim_panic_exit >= 0)            /* in a forked child: just say so */
        _exit(sim_panic_exit);
    if (!sim_panic_quiet)
        fprintf(stderr, "%s:%d: kernel panic: %s\n", file, line, sim_panic_msg);
    mock_assert(0, sim_panic_msg, file, line);
    abort();            /* mock_assert does not return; panic_at must not */
}
