/*
 * lab4.h: what lab 4's grade-time test programs share. Each program
 * defines PROG (its name) before including this. The grader compiles the
 * programs with -DGRADE_TOKEN="hex" -DGRADE_SEED=n, fresh for every run:
 * a line that carries the token can only come from this run's programs,
 * and the values they print depend on the seed.
 */
#ifndef LAB4_H
#define LAB4_H
#include "user.h"
#include "seedgen.h"

#if !defined(GRADE_TOKEN) || !defined(GRADE_SEED)
#error "the grader compiles this with -DGRADE_TOKEN=\"hex\" -DGRADE_SEED=n"
#endif
#define SEED ((sg_u64)(GRADE_SEED))
#define TOKEN GRADE_TOKEN

static int failures;

/* Report a failed check (a FAIL line fails the test) and count it. */
static inline void
check(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("%s: FAIL %s: got %ld, want %ld\n", PROG, what, got, want);
        failures++;
    }
}

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

/* Exit as the checks say: 0 if none failed. */
static inline int
verdict(void)
{
    return failures > 0;
}

/* What a program prints after its fault instruction: fails the test. */
#define NOT_REACHED() \
    (printf("%s: FAIL SHOULD NOT GET HERE (no fault)\n", PROG), 1)

#endif
