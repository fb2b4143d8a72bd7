/* proc_grandchild.c: wait to be orphaned, then say who adopted it. */
#include "user.h"

int
main(void)
{
    int64 first = getppid(), now = first;
    uint64 t0 = get_time_ms();
    /* init is the first process (pid 1); 0 means nobody */
    while ((now = getppid()) != 0 && now != 1) {
        if (get_time_ms() - t0 > 2000) {
            printf("proc_grandchild: FAIL still the child of %ld after 2 s\n",
                   now);
            return 1;
        }
        sched_yield();
    }
    printf("proc_grandchild: adopted by %ld (born to %ld)\n", now, first);
    printf("proc_grandchild: OK\n");
    return 0;
}
