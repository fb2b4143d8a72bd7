/*
 * h_wait: the hidden twin of lab 5's g_wait (exercise 4), instructor-only;
 * the test's init. Forks children that exit with their codes after a few
 * yields and waits for them by id in the reverse order, each once; then a
 * chain of processes, each forking the next and exiting at once, so that
 * all become orphans adopted by init; the last exits with 77 once its
 * parent is init. Then it waits for any child, with no status pointer,
 * until none is left. Prints
 *
 *     h_wait: TOKEN sum=S chain=N
 */
#define PROG "h_wait"
#define TWIN H5_WAIT
#include "h5twin.h"

#define MAX_CHILDREN 8

int
main(void)
{
    twin_open();
    uint64 n = h5_wait_children(KEY), chain = h5_wait_chain(KEY);
    int64 self = getpid(), pid[MAX_CHILDREN];
    for (uint64 k = 0; k < n; k++) {
        pid[k] = fork();
        if (pid[k] == 0) {
            for (uint64 y = 0; y < (k * 5) % 11; y++)
                sched_yield();
            exit((int)h5_wait_code(KEY, k));
        }
        check_that("fork", pid[k] > 0);
    }
    int code[MAX_CHILDREN];
    for (uint64 k = n; k-- > 0;) {
        code[k] = -1;
        check("waitpid by id", waitpid(pid[k], &code[k]), pid[k]);
    }
    uint64 sum = 0;
    for (uint64 k = 0; k < n; k++)
        sum = sum * 7 + (uint64)code[k];
    /* The chain: each link forks the next and exits. */
    int64 r = fork();
    for (uint64 link = 1; r == 0; link++) {
        if (link == chain) {
            while (getppid() != self)
                sched_yield();
            exit(77);
        }
        r = fork();
        if (r != 0)
            exit(r > 0 ? 0 : 255);
    }
    check_that("fork of the chain", r > 0);
    int64 got;
    uint64 reaped = 0;
    while ((got = waitpid(-1, 0)) > 0)
        reaped++;
    check("processes of the chain reaped", (int64)reaped, (int64)chain);
    printf("%s: " TOKFMT " sum=%lu chain=%lu\n", PROG, TOKARGS, sum, reaped);
    return verdict();
}
