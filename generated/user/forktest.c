/* forktest.c: fork children, check what each side sees, collect their codes. */
#include "user.h"

#define N 8

int
main(void)
{
    int64 me = getpid(), pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = i % 2 ? syscall6(SYS_clone, 17, 0, 0, 0, 0, 0) : fork();
        if (pids[i] < 0) {
            printf("forktest: FAIL fork %d returned %ld\n", i, pids[i]);
            return 1;
        }
        if (pids[i] == 0) {                     /* the child */
            if (getppid() != me || getpid() == me) {
                printf("forktest: FAIL child %d: pid %ld, parent %ld\n",
                       i, getpid(), getppid());
                exit(100);
            }
            exit(10 + i);
        }
    }
    for (int k = 0; k < N; k++) {
        int status = -1;
        int64 p = waitpid(-1, &status);
        int i = 0;
        while (i < N && pids[i] != p)
            i++;
        if (i == N || status != 10 + i) {
            printf("forktest: FAIL waitpid gave %ld with %d\n", p, status);
            return 1;
        }
        pids[i] = -2;                           /* collected */
    }
    if (waitpid(-1, 0) != -1) {
        printf("forktest: FAIL a ninth child\n");
        return 1;
    }
    printf("forktest: OK\n");
    return 0;
}
