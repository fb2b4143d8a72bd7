/*
 * h_fork_oom: the hidden twin of lab 5's g_fork_oom (exercise 2),
 * instructor-only, at 32 MiB. Fills a heap of sbrk pages (not an mmap
 * area) and forks until fork says -1; then gives heap pages back with
 * sbrk, one at a time, touching a read-only page between two, and forks
 * after each step until a fork succeeds; then writes every heap page it
 * kept. Prints
 *
 *     h_fork_oom: TOKEN refused=1 written=1
 */
#define PROG "h_fork_oom"
#define TWIN H5_OOM
#include "h5twin.h"

#define MAX_FORKS 40

int
main(void)
{
    twin_open();
    uint64 pages = 700 + h5_param(KEY, 90) % 500;
    volatile uint64 *heap = (volatile uint64 *)sbrk((int64)(pages * H5_PAGE));
    if ((int64)heap == -1) {
        printf("%s: FAIL sbrk\n", PROG);
        return 1;
    }
    for (uint64 p = 0; p < pages; p++)
        heap[p * H5_WORDS + p % H5_WORDS] = h5_word(KEY, H5_S_FORK_A, p);
    int64 parent = getpid(), r = 0, forks = 0;
    while (forks < MAX_FORKS && (r = fork()) > 0)
        forks++;
    if (r == 0) {
        while (getppid() == parent)
            sched_yield();
        exit(0);
    }
    check_that("fork refused once memory ran out", r == -1 && forks >= 1);
    if (forks == 0)             /* no fork with memory to spare: none later */
        return verdict();
    uint64 kept = pages, ro = H5_TOP - 4096 * H5_PAGE, nro = 0;
    while (kept > 72 && frames(0) + 64 < (int64)kept) {     /* far from enough: 8 at a time */
        if (sbrk(-8 * (int64)H5_PAGE) == -1) {
            printf("%s: FAIL sbrk back\n", PROG);
            return 1;
        }
        kept -= 8;
    }
    for (int step = 0; r < 0 && kept > 1; step++) {
        if (step % 2 == 0) {
            if (sbrk(-(int64)H5_PAGE) == -1) {
                printf("%s: FAIL sbrk back\n", PROG);
                return 1;
            }
            kept--;
        } else {
            uint64 va = ro + nro * H5_PAGE;
            if (mmap(va, H5_PAGE, PROT_READ, 0, 0) != 0)
                continue;
            nro++;
            check("a fresh read-only page", (int64)*(volatile uint64 *)va, 0);
        }
        r = fork();
        if (r == 0) {
            while (getppid() == parent)
                sched_yield();
            exit(0);
        }
    }
    check_that("a fork once pages were given back", r > 0);
    uint64 bad = 0;
    for (uint64 p = 0; p < kept; p++) {
        volatile uint64 *w = &heap[p * H5_WORDS + p % H5_WORDS];
        bad += *w != h5_word(KEY, H5_S_FORK_A, p);
        *w = p;
    }
    check("heap words wrong", (int64)bad, 0);
    printf("%s: " TOKFMT " refused=%d written=%d\n", PROG, TOKARGS, forks < MAX_FORKS, bad == 0);
    return verdict();
}
