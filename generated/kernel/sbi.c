/* sbi.c: calls into the M-mode firmware (OpenSBI) through the SBI. */
#include "types.h"
#include "defs.h"

#define SBI_LEGACY_SET_TIMER     0x00
#define SBI_LEGACY_PUTCHAR       0x01
#define SBI_LEGACY_GETCHAR       0x02
#define SBI_LEGACY_SHUTDOWN      0x08
#define SBI_EXT_BASE             0x10
#define SBI_BASE_PROBE_EXTENSION 3          /* FID: is this EID implemented? */
#define SBI_EXT_TIME             0x54494D45 /* "TIME" */
#define SBI_EXT_SRST             0x53525354 /* "SRST" */
#define SBI_SRST_SHUTDOWN        0          /* reset type */
#define SBI_SRST_NO_REASON       0          /* reset reasons */
#define SBI_SRST_SYSTEM_FAILURE  1
struct sbiret {
    int64 error;    /* 0 on success, a negative SBI error code otherwise */
    int64 value;
};

static struct sbiret
sbi_call(uint64 eid, uint64 fid, uint64 arg0, uint64 arg1, uint64 arg2)
{
    register uint64 a0 asm("a0") = arg0;
    register uint64 a1 asm("a1") = arg1;
    register uint64 a2 asm("a2") = arg2;
    register uint64 a6 asm("a6") = fid;
    register uint64 a7 asm("a7") = eid;
    asm volatile("ecall"
                 : "+r"(a0), "+r"(a1)
                 : "r"(a2), "r"(a6), "r"(a7)
                 : "memory");
    return (struct sbiret){ .error = (int64)a0, .value = (int64)a1 };
}
static int has_time, has_srst;

/*
 * Ask the firmware which modern extensions it implements. Call once,
 * before the timer or reset calls; until then they use the legacy calls.
 */
void
sbi_init(void)
{
    has_time = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION,
                        SBI_EXT_TIME, 0, 0).value != 0;
    has_srst = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION,
                        SBI_EXT_SRST, 0, 0).value != 0;
}
/* Write one byte to the firmware's console (the UART). */
void
sbi_console_putchar(int c)
{
    sbi_call(SBI_LEGACY_PUTCHAR, 0, (uint64)c, 0, 0);
}
/* Arrange a supervisor timer interrupt at time == stime_value. */
void
sbi_set_timer(uint64 stime_value)
{
    if (has_time)
        sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0);
    else
        sbi_call(SBI_LEGACY_SET_TIMER, 0, stime_value, 0, 0);
}
#define FINISHER_FAIL 0x3333    /* test finisher: exit, code in bits 31:16 */

uint64 test_finisher;           /* its address, from the device tree, or 0 */

/*
 * Power the machine off. failure != 0 reports a system failure, which
 * makes QEMU exit with status 1. Does not return.
 */
void
sbi_shutdown(int failure)
{
    if (failure && test_finisher != 0)
        *(volatile uint32 *)test_finisher = FINISHER_FAIL | 1 << 16;
    if (has_srst)
        sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN,
                 failure ? SBI_SRST_SYSTEM_FAILURE : SBI_SRST_NO_REASON, 0);
    sbi_call(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    for (;;)
        wfi();
}

/* One byte from the console, or -1 if none is waiting (it never blocks). */
int
sbi_console_getchar(void)
{
    return (int)sbi_call(SBI_LEGACY_GETCHAR, 0, 0, 0, 0).error;
}
