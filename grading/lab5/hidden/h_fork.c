/*
 * h_fork: the hidden twin of lab 5's g_fork (exercise 2), instructor-only.
 * Three generations: the parent fills an mmap area A and a heap B and
 * forks a child, which forks a grandchild. Each then writes its own stream
 * over its third of A (page p is generation p % 3's), the child grows the
 * heap and fills the new pages, the parent gives B's last page back, and
 * each reads everything back: its own writes, no one else's, B as it was.
 * Prints, one line per generation G,
 *
 *     h_fork: TOKEN gen=G sum=HEX16
 */
#define PROG "h_fork"
#define TWIN H5_FORK
#include "h5twin.h"

int
main(void)
{
    twin_open();
    uint64 na = h5_fork_a(KEY), nb = h5_fork_b(KEY), addr = h5_fork_addr(KEY);
    if (mmap(addr, na * H5_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("%s: FAIL mmap\n", PROG);
        return 1;
    }
    volatile uint64 *a = (volatile uint64 *)addr;
    volatile uint64 *b = (volatile uint64 *)sbrk((int64)(nb * H5_PAGE));
    if ((int64)b == -1) {
        printf("%s: FAIL sbrk\n", PROG);
        return 1;
    }
    fill(a, na * H5_WORDS, H5_S_FORK_A, 0);
    fill(b, nb * H5_WORDS, H5_S_FORK_B, 1000000);
    int gen = 0;
    int64 r = fork();
    if (r == 0) {
        gen = 1;
        r = fork();
        if (r == 0)
            gen = 2;
    }
    if (r < 0) {
        printf("%s: FAIL fork in generation %d\n", PROG, gen);
        return 1;
    }
    check_that("shared pages after the forks", frames(FRAMES_SHARED) >= (int64)(na + nb) / 2);
    static const unsigned streams[3] = { H5_S_FORK_B, H5_S_FORK_C, H5_S_FORK_G };
    for (uint64 p = (uint64)gen; p < na; p += 3)
        fill(a + p * H5_WORDS, H5_WORDS, streams[gen], p * H5_WORDS);
    uint64 nbk = nb;
    if (gen == 1) {
        uint64 grow = h5_fork_grow(KEY);
        volatile uint64 *more = (volatile uint64 *)sbrk((int64)(grow * H5_PAGE));
        check_that("sbrk after fork", (int64)more != -1);
        if ((int64)more != -1)
            for (uint64 i = 0; i < grow * H5_WORDS; i += 7)
                more[i] = i;
    } else if (gen == 0) {
        check_that("sbrk back after fork", sbrk(-(int64)H5_PAGE) != -1);
        nbk--;
    }
    for (int y = 0; y < 8; y++)
        sched_yield();
    h5_u64 h = 0;
    uint64 bad = 0;
    for (uint64 p = 0; p < na; p++)
        for (uint64 i = 0; i < H5_WORDS; i++) {
            uint64 w = a[p * H5_WORDS + i];
            bad += w != h5_fork_word(KEY, gen, p, i);
            if (i % 37 == 0)
                h = h5_fold(h, w);
        }
    for (uint64 i = 0; i < nbk * H5_WORDS; i++)
        bad += b[i] != h5_word(KEY, H5_S_FORK_B, 1000000 + i);
    check("words not this generation's", (int64)bad, 0);
    printf("%s: " TOKFMT " gen=%d sum=%016lx\n", PROG, TOKARGS, gen, (uint64)h);
    return verdict();
}
