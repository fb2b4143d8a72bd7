/*
 * g_fork_oom: lab 5, exercise 2, at 32 MiB. Fills an area of
 * sg_fork_oom pages and forks until fork says -1: each child holds the
 * area copy-on-write, and each fork reserves a frame for every page a
 * write could copy, so memory runs out after a few forks, in fork (which
 * must undo what it did) and never later in a write. The children wait
 * for the parent to end. Then the parent gives back the pages of a second
 * (ballast) area above the first, eight at a time while a fork would be
 * far short of its reservations, then one at a time (the first area's
 * once the ballast is gone): a page
 * (a frame more for the next fork: two, as the page needs no reservation
 * any more) and touches a read-only page of a new area (a frame less),
 * forking after each, until a fork succeeds: the free frames left by a
 * fork's reservation so go up one at a time, and one fork finds its
 * frames reserved but no frame left for a table page of the child's in
 * the middle of the area (which spans several tables), and must undo
 * what it shared of it. The parent then writes
 * every page it kept (copies or take-overs, all promised) and prints
 *
 *     g_fork_oom: TOKEN refused=1 rewritten=N
 *
 * The kernel's free frame count must come back (AUDIT=1).
 */
#define PROG "g_fork_oom"
#include "lab5.h"

#define MAX_FORKS 40
#define BALLAST 1400            /* pages of a second area, given back first */

int
main(void)
{
    /* The area (over 512 pages: it needs two or three leaf tables), and
       above it a ballast area whose pages are given back before its own. */
    uint64 pages = sg_oom_pages(SEED), addr = SG_LO, ballast = addr + 2048 * SG_PAGE;
    if (mmap(addr, pages * SG_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0 ||
        mmap(ballast, BALLAST * SG_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("%s: FAIL mmap\n", PROG);
        return 1;
    }
    volatile uint64 *map = (volatile uint64 *)addr;
    for (uint64 p = 0; p < pages; p++)
        map[p * SG_WORDS] = p;
    for (uint64 p = 0; p < BALLAST; p++)
        ((volatile uint64 *)ballast)[p * SG_WORDS] = p;
    int64 parent = getpid(), forks = 0, r = 0;
    while (forks < MAX_FORKS && (r = fork()) > 0)
        forks++;
    if (r == 0) {
        while (getppid() == parent)
            sched_yield();
        exit(0);
    }
    check_that("fork refused once memory ran out", r == -1);
    check_that("at least one fork", forks >= 1);
    if (forks == 0)             /* no fork with memory to spare: none later */
        return verdict();
    uint64 kept = pages, ro = SG_TOP / 2, nro = 0, left = BALLAST;
    /* Ballast eight pages at a time while a fork is far from having its
       reservations (64 frames short of the pages to share), then a page
       at a time (the ballast's, then the area's). */
    while (left > 8 && frames(FREE) + 64 < (int64)(kept + left)) {
        left -= 8;
        if (munmap(ballast + left * SG_PAGE, 8 * SG_PAGE) != 0) {
            printf("%s: FAIL munmap of 8 pages\n", PROG);
            return 1;
        }
    }
    for (int step = 0; r < 0 && kept > 1; step++) {
        if (step % 2 == 0) {
            if (left > 0)
                r = munmap(ballast + --left * SG_PAGE, SG_PAGE);
            else
                r = munmap(addr + --kept * SG_PAGE, SG_PAGE);
        } else {
            uint64 va = ro + nro * SG_PAGE;
            if (mmap(va, SG_PAGE, PROT_READ, 0, 0) != 0) {
                r = -1;                 /* no frame for it: a page more back first */
                continue;
            }
            nro++;
            r = (int64)*(volatile uint64 *)va;          /* made on this read: 0 */
        }
        if (r != 0) {
            printf("%s: FAIL munmap or mmap (step %d)\n", PROG, step);
            return 1;
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
        bad += map[p * SG_WORDS] != p;
        map[p * SG_WORDS] = p + 1;
    }
    for (uint64 p = 0; p < kept; p++)
        bad += map[p * SG_WORDS] != p + 1;
    check("pages wrong after the writes", (int64)bad, 0);
    printf("%s: %s refused=%d rewritten=%lu\n", PROG, TOKEN, forks < MAX_FORKS, kept);
    return verdict();
}
