/*
 * g_fork: lab 5, exercise 2 (and 1). Fills an mmap area and a heap, is
 * granted an area it does not touch, and forks. Right after the fork both
 * processes count their pages: every page filled is shared (frames(2)),
 * none is their own; the untouched area is still only promised. Then the
 * child writes over the even pages of the area and the parent over the
 * odd ones, each touches the promised area (zeros), and each reads all
 * back: its own writes, and the other's nowhere. Each prints
 *
 *     g_fork: TOKEN child|parent pid=P sum=HEX16
 *
 * (the fold of what it read back, sg_fork_sum), and the kernel's free
 * frame count must come back (the test runs with AUDIT=1).
 */
#define PROG "g_fork"
#include "lab5.h"

int
main(void)
{
    uint64 pages = sg_fork_map(SEED), heap_pages = sg_fork_heap(SEED);
    uint64 lazy_pages = sg_fork_lazy(SEED), addr = sg_fork_addr(SEED);
    uint64 lazy = addr + (pages + 1) * SG_PAGE;
    if (mmap(addr, pages * SG_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0 ||
        mmap(lazy, lazy_pages * SG_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("%s: FAIL mmap\n", PROG);
        return 1;
    }
    volatile uint64 *map = (volatile uint64 *)addr;
    volatile uint64 *heap = (volatile uint64 *)sbrk((int64)(heap_pages * SG_PAGE));
    if ((int64)heap == -1) {
        printf("%s: FAIL sbrk\n", PROG);
        return 1;
    }
    fill(map, pages * SG_WORDS, SG_S_FORK_MAP, 0);
    fill(heap, heap_pages * SG_WORDS, SG_S_FORK_HEAP, 0);
    int64 parent = getpid();

    int64 pid = fork();
    if (pid < 0) {
        printf("%s: FAIL fork returned %ld\n", PROG, pid);
        return 1;
    }
    int who = pid == 0 ? 1 : 2;
    /* Nothing written yet but the stack: the filled pages are all shared. */
    int64 shared = frames(SHARED);
    check_that("the filled pages are shared after the fork", shared >= (int64)(pages + heap_pages));
    if (who == 1)
        check("getppid in the child", getppid(), parent);
    else
        check_that("fork's result in the parent is the child's id", pid > 0 && pid != parent);
    for (int y = 0; y < 5; y++)
        sched_yield();
    for (uint64 p = (uint64)(who == 1 ? 0 : 1); p < pages; p += 2)
        fill(map + p * SG_WORDS, SG_WORDS, who == 1 ? SG_S_FORK_CHILD : SG_S_FORK_PARENT,
             p * SG_WORDS);
    for (uint64 i = 0; i < lazy_pages * SG_WORDS; i += 97)
        check("a promised word", (int64)((volatile uint64 *)lazy)[i], 0);
    for (int y = 0; y < 5; y++)
        sched_yield();
    sg_u64 h = 0;
    uint64 bad = 0;
    for (uint64 p = 0; p < pages; p++)
        for (uint64 i = 0; i < SG_WORDS; i++) {
            uint64 w = map[p * SG_WORDS + i];
            bad += w != sg_fork_word(SEED, who, p, i);
            if (i % 61 == 0)
                h = sg_fold(h, w);
        }
    for (uint64 i = 0; i < heap_pages * SG_WORDS; i++) {
        uint64 w = heap[i];
        bad += w != sg_val(SEED, SG_S_FORK_HEAP, i);
        if (i % 61 == 0)
            h = sg_fold(h, w);
    }
    check("words that are not this process's", (int64)bad, 0);
    check_that("the area's pages are this process's own after the writes",
               frames(OWN) >= (int64)(pages / 2));
    printf("%s: %s %s pid=%ld sum=%016lx\n", PROG, TOKEN, who == 1 ? "child" : "parent",
           getpid(), (uint64)h);
    return verdict();
}
