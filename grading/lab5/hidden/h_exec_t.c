/*
 * h_exec_t: what h_exec becomes (instructor-only): its own data and an
 * empty heap, nothing shared; it then execs h_exec_u. Prints
 *
 *     h_exec_t: TOKEN fresh=1
 */
#define PROG "h_exec_t"
#define TWIN H5_EXEC
#include "h5twin.h"

static uint64 zeros[700];
int marker = 31337;

int
main(void)
{
    twin_open();
    uint64 nz = 0;
    for (int i = 0; i < 700; i++)
        nz += zeros[i] != 0;
    check(".bss words not zero", (int64)nz, 0);
    check("marker", marker, 31337);
    check("shared pages", frames(FRAMES_SHARED), 0);
    marker = 1;
    printf("%s: " TOKFMT " fresh=%d\n", PROG, TOKARGS, failures == 0);
    exec("h_exec_u");
    printf("%s: FAIL exec(\"h_exec_u\") returned\n", PROG);
    return 1;
}
