/* cow_fig.c: a fork whose page tables chapter 5 draws: the child's before
 * and after one write, the parent's. */
#include "user.h"

static volatile uint64 data[2 * PAGE_SIZE / 8]
    __attribute__((aligned(4096))) = { 1 };

int
main(void)
{
    uint64 *heap = (uint64 *)sbrk(2 * PAGE_SIZE);
    if ((int64)heap == -1)
        return 1;
    heap[0] = 1;
    heap[PAGE_SIZE / 8] = 2;
    data[PAGE_SIZE / 8] = 3;
    int64 pid = fork();
    if (pid == 0) {
        ptdump();                       /* dump 1: the child, after the fork */
        data[PAGE_SIZE / 8] = 4;        /* its second data page is copied */
        ptdump();                       /* dump 2: the child, after one write */
        exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status) != pid)
        return 1;
    ptdump();                           /* dump 3: the parent */
    return 0;
}
