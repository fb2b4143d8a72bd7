/*
 * h_exec_u: what h_exec_t becomes (instructor-only): the same process
 * (it exits with its pid, which the kernel's line must name), with data
 * of its own. Prints
 *
 *     h_exec_u: TOKEN fresh=1
 */
#define PROG "h_exec_u"
#define TWIN H5_EXEC
#include "h5twin.h"

int marker = 4242;

int
main(void)
{
    twin_open();
    check("marker", marker, 4242);
    volatile uint64 *p = (volatile uint64 *)sbrk(2 * H5_PAGE);
    check_that("sbrk", (int64)p != -1);
    if ((int64)p != -1)
        check("a fresh heap word", (int64)(p[0] | p[H5_WORDS + 3]), 0);
    printf("%s: " TOKFMT " fresh=%d\n", PROG, TOKARGS, failures == 0);
    return failures ? 255 : (int)getpid();
}
