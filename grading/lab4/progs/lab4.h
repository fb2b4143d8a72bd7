/*
 * lab4.h: what lab 4's grade-time test programs share. Each program
 * defines PROG (its name) before including this. The grader compiles each
 * test's programs with that test's own token and seed, fresh for every
 * run, encoded (-DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S; seedgen.h): a
 * line that carries the token can only come from this run's programs,
 * and the values they print depend on the seed.
 */
#ifndef LAB4_H
#define LAB4_H
#include "seedgen.h"
#include "testprog.h"            /* check, verdict, SEED, TOKEN */

#if !defined(GRADE_TOKEN_ENC) || !defined(GRADE_SEED_ENC)
#error "the grader compiles this with -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S (seedgen.h)"
#endif
/* Fill n words at p from stream s, starting at word index first. */
static inline void
fill(volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = sg_val(SEED, s, first + i);
}

/*
 * Read n words back from p, count those that differ from stream s (or
 * from 0 when zero is set) and fold what was read into h.
 */
static inline sg_u64
readback(const volatile uint64 *p, uint64 n, unsigned s, uint64 first,
         int zero, uint64 *wrong, sg_u64 h)
{
    for (uint64 i = 0; i < n; i++) {
        uint64 w = p[i];
        *wrong += w != (zero ? 0 : sg_val(SEED, s, first + i));
        h = sg_fold(h, w);
    }
    return h;
}

/* Count the nonzero words of n at p. */
static inline uint64
nonzero(const volatile uint64 *p, uint64 n)
{
    uint64 c = 0;
    for (uint64 i = 0; i < n; i++)
        c += p[i] != 0;
    return c;
}

/*
 * Map one page every 2 MiB from base (each needs a table page of its own
 * besides its frame) until mmap says -1: the kernel runs out of frames,
 * sometimes inside walk, and must refuse cleanly, keeping nothing of the
 * refused call; then unmap them all. The number mapped (a FAIL line if
 * memory never ran out or an unmap failed).
 */
static inline uint64
exhaust_tables(uint64 base, uint64 limit)
{
    uint64 n = 0, step = 2ULL << 20;
    for (; n < limit && mmap(base + n * step, SG_PAGE, PROT_READ | PROT_WRITE, 0, 0) == 0; n++)
        *(volatile uint64 *)(base + n * step) = n + 1;
    if (n == limit)
        printf("%s: FAIL %lu pages 2 MiB apart mapped and memory never ran out\n", PROG, n);
    for (uint64 i = 0; i < n; i++)
        if (*(volatile uint64 *)(base + i * step) != i + 1 || munmap(base + i * step, SG_PAGE) != 0) {
            printf("%s: FAIL page %lu of the out-of-memory run: wrong word or munmap refused\n",
                   PROG, i);
            failures++;
            break;
        }
    failures += n == limit;
    return n;
}

/* What a program prints after its fault instruction: fails the test. */
#define NOT_REACHED() \
    (printf("%s: FAIL SHOULD NOT GET HERE (no fault)\n", PROG), 1)

#endif
