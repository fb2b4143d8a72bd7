/* proc_spawn.c: spawn children and collect their exit codes every way
 * waitpid allows. */
#include "user.h"

static void
fail(const char *what, int64 got, int64 want)
{
    printf("proc_spawn: FAIL %s: got %ld, want %ld\n", what, got, want);
    exit(1);
}

/* The code proc_child exits with, as a child of ours. */
static int
code_of(int64 pid)
{
    return (int)(pid % 50) + 3;
}

int
main(void)
{
    int status = 0;
    if (waitpid(-1, &status) != -1)
        fail("waitpid with no child", waitpid(-1, &status), -1);
    if (spawn("no_such_program") != -1)
        fail("spawn of a missing name", -1, -1);
    if (spawn((const char *)0) != -1)
        fail("spawn(NULL)", 0, -1);
    int64 pids[3];
    for (int i = 0; i < 3; i++)
        if ((pids[i] = spawn("proc_child")) <= 0)
            fail("spawn proc_child", pids[i], 1);
    int64 got = waitpid(pids[1], &status);
    if (got != pids[1] || status != code_of(pids[1]))
        fail("waitpid(second child)", got * 1000 + status,
             pids[1] * 1000 + code_of(pids[1]));
    if (waitpid(pids[1], &status) != -1)
        fail("waitpid of a child already collected", pids[1], -1);
    if (waitpid(-1, (int *)16) != -1)
        fail("waitpid with a bad status pointer", 16, -1);
    int64 seen = 0;
    for (int k = 0; k < 2; k++) {
        got = waitpid(-1, &status);
        if ((got != pids[0] && got != pids[2]) || got == seen
            || status != code_of(got))
            fail("waitpid(-1)", got * 1000 + status, pids[k ? 2 : 0]);
        seen = got;
    }
    if (waitpid(-1, 0) != -1)
        fail("waitpid with every child collected", 0, -1);
    int64 e = spawn("proc_exec");
    got = waitpid(e, &status);
    if (got != e || status != code_of(e))
        fail("exit code of proc_exec after its exec", got * 1000 + status,
             e * 1000 + code_of(e));
    printf("proc_spawn: OK\n");
    return 0;
}
