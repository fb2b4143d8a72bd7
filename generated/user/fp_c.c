/* fp_c.c: its f registers and fcsr survive preemption and yields. */
#include "user.h"
#define NAME "fp_c"
#define SEED 0x0f1e2d3c4b5a6978UL
#define RUN_MS 300
#define FP_LIST "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15," \
                "16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

static void
fp_set(const uint64 *v, uint64 fcsr)
{
    asm volatile(".irp n," FP_LIST "\n fld f\\n, (\\n*8)(%0)\n .endr\n fscsr %1"
                 : : "r"(v), "r"(fcsr) : "memory");
}

static uint64
fp_get(uint64 *v)
{
    uint64 fcsr;
    asm volatile(".irp n," FP_LIST "\n fsd f\\n, (\\n*8)(%1)\n .endr\n frcsr %0"
                 : "=r"(fcsr) : "r"(v) : "memory");
    return fcsr;
}

int
main(void)
{
    uint64 want[32], got[32], fcsr = SEED & 0xFF;  /* rounding mode and flags */
    for (int i = 0; i < 32; i++)
        want[i] = SEED * (2 * i + 1) + (SEED >> i);
    fp_set(want, fcsr);
    uint64 t0 = get_time_ms(), checks = 0;
    while (get_time_ms() - t0 < RUN_MS) {
        for (volatile int spin = 0; spin < 20000; spin++)
            ;
        uint64 c = fp_get(got);
        for (int i = 0; i < 32; i++)
            if (got[i] != want[i]) {
                printf(NAME ": FAIL f%d is %lx, want %lx, after %lu checks\n",
                       i, got[i], want[i], checks);
                return 1;
            }
        if (c != fcsr) {
            printf(NAME ": FAIL fcsr is %lx, want %lx\n", c, fcsr);
            return 1;
        }
        if (++checks % 8 == 0)
            sched_yield();
    }
    printf(NAME ": OK\n");
    return 0;
}
