/* proc_init.c: init for the process tests: start them, collect everyone. */
#include "user.h"

static const char *tests[] = { "proc_spawn", "proc_orphan", "hello" };
#define NTESTS (sizeof tests / sizeof tests[0])

int
main(void)
{
    if (getpid() != 1 || getppid() != 0) {
        printf("proc_init: FAIL not init (pid %ld, parent %ld)\n",
               getpid(), getppid());
        return 1;
    }
    int64 pids[NTESTS];
    for (uint64 i = 0; i < NTESTS; i++)
        if ((pids[i] = spawn(tests[i])) <= 0) {
            printf("proc_init: FAIL spawn %s\n", tests[i]);
            return 1;
        }
    int reaped = 0, bad = 0, status;
    int64 p;
    while ((p = waitpid(-1, &status)) > 0) {
        reaped++;
        if (status != 0) {
            printf("proc_init: FAIL process %ld exited with %d\n", p, status);
            bad++;
        }
    }
    printf("proc_init: %d processes collected (%d started, 1 adopted)\n",
           reaped, (int)NTESTS);
    if (bad != 0 || reaped != NTESTS + 1) {
        printf("proc_init: FAIL\n");
        return 1;
    }
    printf("proc_init: OK\n");
    return 0;
}
