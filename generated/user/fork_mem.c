/* fork_mem.c: after fork, each side sees the same memory, then only its
 * own writes. */
#include "user.h"

#define MAPPED 0x30000000UL

static uint64 data_word = 0x1111;

static int
check(const char *who, volatile uint64 *w[4], uint64 base)
{
    for (int i = 0; i < 4; i++)
        if (*w[i] != base + i) {
            printf("fork_mem: FAIL %s: word %d is %lx, want %lx\n",
                   who, i, *w[i], base + i);
            return 1;
        }
    return 0;
}

int
main(void)
{
    volatile uint64 stack_word;
    uint64 *heap = (uint64 *)sbrk(PAGE_SIZE);
    if ((int64)heap == -1
        || mmap(MAPPED, PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("fork_mem: FAIL sbrk or mmap\n");
        return 1;
    }
    volatile uint64 *w[4] = { &data_word, &stack_word, heap, (uint64 *)MAPPED };
    for (int i = 0; i < 4; i++)
        *w[i] = 0x100 + i;
    int64 pid = fork();
    if (pid < 0) {
        printf("fork_mem: FAIL fork\n");
        return 1;
    }
    if (pid == 0) {
        if (check("child, before writing", w, 0x100))
            exit(1);
        for (int i = 0; i < 4; i++)
            *w[i] = 0x200 + i;
        for (int k = 0; k < 20; k++)
            sched_yield();
        exit(check("child, after the parent wrote", w, 0x200) ? 1 : 7);
    }
    for (int i = 0; i < 4; i++)
        *w[i] = 0x300 + i;
    int status = -1;
    if (waitpid(pid, &status) != pid || status != 7
        || check("parent", w, 0x300))
        return 1;
    printf("fork_mem: OK\n");
    return 0;
}
