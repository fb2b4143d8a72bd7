/* bench_fork.c: instructions for fork + exit + waitpid at 1 and 16 MiB,
 * and a write fault. */
#include "user.h"

#define MIB (1UL << 20)

static inline uint64
instret(void)
{
    uint64 n;
    asm volatile("rdinstret %0" : "=r"(n));
    return n;
}

/* fork, the child exits at once, the parent waits: instructions, all told. */
static uint64
fork_exit_wait(void)
{
    int status = -1;
    uint64 t0 = instret();
    int64 pid = fork();
    if (pid == 0)
        exit(0);
    if (pid < 0 || waitpid(pid, &status) != pid || status != 0) {
        printf("bench_fork: FAIL fork or waitpid\n");
        exit(1);
    }
    return instret() - t0;
}

static void
touch(uint8 *from, uint64 len)
{
    for (uint64 i = 0; i < len; i += PAGE_SIZE)
        ((volatile uint8 *)from)[i] = 1;
}

int
main(void)
{
    uint8 *heap = (uint8 *)sbrk(MIB);
    if ((int64)heap == -1)
        return 1;
    touch(heap, MIB);
    uint64 one = fork_exit_wait();
    if ((int64)sbrk(15 * MIB) == -1)
        return 1;
    touch(heap + MIB, 15 * MIB);
    uint64 sixteen = fork_exit_wait();
    printf("bench_fork: fork + exit + waitpid: 1 MiB %lu, "
           "16 MiB %lu instructions\n", one, sixteen);

    int64 pid = fork();
    if (pid == 0) {
        uint64 t0 = instret();
        heap[PAGE_SIZE] = 2;        /* shared with the parent: a copy */
        printf("bench_fork: a write fault that copies: %lu instructions\n",
               instret() - t0);
        exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status) != pid)
        return 1;
    uint64 t0 = instret();
    heap[PAGE_SIZE] = 3;            /* the child is gone: the frame is ours */
    printf("bench_fork: a write fault that takes the frame over: "
           "%lu instructions\n", instret() - t0);
    return 0;
}
