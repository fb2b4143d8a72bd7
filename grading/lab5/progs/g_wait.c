/*
 * g_wait: lab 5, exercise 4 (the test's init, INIT=g_wait). Forks
 * sg_wait_children children, each of which yields a while and exits with
 * its own code (some before the parent waits: zombies); one more child
 * forks a grandchild and exits at once, so the grandchild is an orphan,
 * handed to init (this program), and exits when it sees so. The parent
 * waits for one child by its id, then for any until there are none:
 * every child and the orphan once, each with its code. waitpid for a
 * process that is not its child, and once all are gone, says -1.
 * Prints
 *
 *     g_wait: TOKEN first=CODE reaped=N codes=SUM orphan=1 none=-1
 */
#define PROG "g_wait"
#include "lab5.h"

#define MAX_CHILDREN 8

int
main(void)
{
    uint64 n = sg_wait_children(SEED), first = sg_wait_first(SEED);
    int64 self = getpid(), pid[MAX_CHILDREN];
    for (uint64 k = 0; k < n; k++) {
        pid[k] = fork();
        if (pid[k] == 0) {
            for (uint64 y = 0; y < sg_wait_yields(SEED, k); y++)
                sched_yield();
            exit((int)sg_wait_code(SEED, k));
        }
        if (pid[k] < 0) {
            printf("%s: FAIL fork\n", PROG);
            return 1;
        }
    }
    int64 mid = fork();
    if (mid == 0) {
        int64 me = getpid(), g = fork();
        if (g == 0) {
            while (getppid() == me)
                sched_yield();
            exit(getppid() == self ? (int)sg_wait_orphan_code(SEED) : 255);
        }
        exit(g > 0 ? 0 : 255);
    }
    check_that("fork of the orphan's parent", mid > 0);
    check("waitpid of a process that is not a child", waitpid(self, 0), -1);
    int code = -1;
    check("waitpid of the chosen child", waitpid(pid[first], &code), pid[first]);
    check("its exit code", code, (int64)sg_wait_code(SEED, first));
    check("waitpid of a child already waited for", waitpid(pid[first], &code), -1);
    int64 got, reaped = 1, sum = (int64)sg_wait_code(SEED, first), orphan = 0;
    while ((got = waitpid(-1, &code)) > 0) {
        reaped++;
        if (got == mid) {
            check("the orphan's parent's code", code, 0);
            continue;
        }
        int known = 0;
        for (uint64 k = 0; k < n; k++)
            if (got == pid[k]) {
                known = 1;
                check("a child's exit code", code, (int64)sg_wait_code(SEED, k));
                check_that("a child reaped twice", k != first);
            }
        if (!known) {
            orphan++;
            check("the orphan's exit code", code, (int64)sg_wait_orphan_code(SEED));
        }
        sum += code;
    }
    reaped--;                   /* the orphan's parent is not counted */
    int64 none = waitpid(-1, 0);
    printf("%s: %s first=%d reaped=%ld codes=%ld orphan=%ld none=%ld\n", PROG, TOKEN,
           (int)sg_wait_code(SEED, first), reaped, sum, orphan, none);
    return verdict();
}
