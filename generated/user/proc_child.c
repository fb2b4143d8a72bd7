/* proc_child.c: a child that exits with a code its parent can predict. */
#include "user.h"

int
main(void)
{
    int64 pid = getpid(), ppid = getppid();
    printf("proc_child: pid %ld, parent %ld\n", pid, ppid);
    printf("proc_child: OK\n");
    return ppid == 0 ? 0 : (int)(pid % 50) + 3;
}
