/*
 * lab5.h: what lab 5's grade-time test programs share. Each program
 * defines PROG (its name) before including this. The grader compiles each
 * test's programs with that test's own token and seed, fresh for every
 * run, encoded (-DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S; seedcore.h):
 * a line that carries the token can only come from this run's programs,
 * and the values they print depend on the seed.
 */
#ifndef LAB5_H
#define LAB5_H
#include "user.h"
#include "seedgen.h"

#if !defined(GRADE_TOKEN_ENC) || !defined(GRADE_SEED_ENC)
#error "the grader compiles this with -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S (seedcore.h)"
#endif
/* Read through volatile: the seed and the token exist only once the program runs. */
static volatile const sg_u64 grade_enc[3] = { GRADE_TOKEN_ENC, GRADE_SEED_ENC };
static sg_u64 grade_seed_value;
static char grade_token_text[33];

static inline sg_u64
grade_seed(void)
{
    if (grade_seed_value == 0)
        grade_seed_value = sg_seed_decode(grade_enc[2]);
    return grade_seed_value;
}

static inline const char *
grade_token(void)
{
    if (grade_token_text[0] == '\0')
        sg_token_text(grade_enc[0], grade_enc[1], grade_seed(), grade_token_text);
    return grade_token_text;
}
#define SEED grade_seed()
#define TOKEN grade_token()

/* frames(which): chapter 5's counts. */
#define FREE     0
#define RESERVED 1
#define SHARED   2
#define OWN      3

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

/* Report a failed condition. */
static inline void
check_that(const char *what, int ok)
{
    if (!ok) {
        printf("%s: FAIL %s\n", PROG, what);
        failures++;
    }
}

/* Fill n words at p with stream s from word first. */
static inline void
fill(volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = sg_val(SEED, s, first + i);
}

/* Count the words of n at p that are not stream s's (from word first). */
static inline uint64
wrong(const volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    uint64 bad = 0;
    for (uint64 i = 0; i < n; i++)
        bad += p[i] != sg_val(SEED, s, first + i);
    return bad;
}

/* Exit as the checks say: 0 if none failed. */
static inline int
verdict(void)
{
    return failures > 0;
}

#endif
