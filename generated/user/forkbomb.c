/* forkbomb.c: fork a chain until fork fails, by slots and then by memory. */
#include "user.h"

#define BIG (4UL << 20)

/* Fork the next link, wait for it; the depth below this process, plus one. */
static int
chain(void)
{
    int64 pid = fork();
    if (pid < 0)
        return 1;                               /* the end of the chain */
    if (pid == 0)
        exit(chain());
    int status = -1;
    if (waitpid(pid, &status) != pid || status <= 0) {
        printf("forkbomb: FAIL child %ld ended with %d\n", pid, status);
        exit(-1);
    }
    return status + 1;
}

int
main(void)
{
    int slots = chain();
    if (mmap(0x40000000UL, BIG, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("forkbomb: FAIL mmap\n");
        return 1;
    }
    for (uint64 a = 0; a < BIG; a += PAGE_SIZE)
        *(volatile uint64 *)(0x40000000UL + a) = a;
    int big = chain();
    printf("forkbomb: a chain of %d processes, then %d holding 4 MiB each\n",
           slots, big);
    if (slots < 2 || big < 2) {
        printf("forkbomb: FAIL a chain too short\n");
        return 1;
    }
    printf("forkbomb: OK\n");
    return 0;
}
