/* fp_fork.c: f registers copied by fork, then each side's its own. */
#include "user.h"

static int
spin(const char *who, double start, double step)
{
    register double x asm("fs0") = start;
    for (int i = 0; i < 200; i++) {
        asm volatile("fadd.d %0, %0, %1" : "+f"(x) : "f"(step));
        if (i % 20 == 0)
            sched_yield();
    }
    double want = start + 200 * step;
    if (x != want) {
        printf("fp_fork: FAIL %s: %d/1000, want %d/1000\n",
               who, (int)(x * 1000), (int)(want * 1000));
        return 1;
    }
    return 0;
}

int
main(void)
{
    register double x asm("fs1") = 2.5;
    asm volatile("" : "+f"(x));
    int64 pid = fork();
    if (pid < 0) {
        printf("fp_fork: FAIL fork\n");
        return 1;
    }
    asm volatile("" : "+f"(x));
    if (x != 2.5) {
        printf("fp_fork: FAIL %s lost fs1 across fork\n",
               pid ? "parent" : "child");
        return 1;
    }
    if (pid == 0)
        exit(spin("child", 1000.0, 0.25) ? 1 : 7);
    int bad = spin("parent", -7.0, 0.5), status = -1;
    if (waitpid(pid, &status) != pid || status != 7 || bad)
        return 1;
    printf("fp_fork: OK\n");
    return 0;
}
