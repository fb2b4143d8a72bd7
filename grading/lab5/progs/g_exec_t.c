/*
 * g_exec_t: lab 5, exercise 3: what g_exec becomes. Its data are its own
 * (marker as the file has it, not as g_exec left it), its heap starts
 * empty, and it is still g_exec's process: it exits with its pid as its
 * exit code, which the test compares with the pid the kernel names on
 * its exit line. Prints
 *
 *     g_exec_t: TOKEN fresh=1 ppid=0
 */
#define PROG "g_exec_t"
#include "lab5.h"

int marker = 12345;
static uint64 zeros[1024];

int
main(void)
{
    check("marker", marker, 12345);
    uint64 nz = 0;
    for (int i = 0; i < 1024; i++)
        nz += zeros[i] != 0;
    check(".bss words not zero", (int64)nz, 0);
    volatile uint64 *p = (volatile uint64 *)sbrk(SG_PAGE);
    check_that("sbrk", (int64)p != -1);
    if ((int64)p != -1)
        check("a fresh heap page's first word", (int64)p[0], 0);
    check("frames shared", frames(SHARED), 0);
    printf("%s: %s fresh=%d ppid=%ld\n", PROG, TOKEN, failures == 0, getppid());
    return failures ? 255 : (int)getpid();
}
