/*
 * testprog.h: what every lab's grade-time test programs share, public and
 * hidden. Each program defines PROG (its name) first.
 *
 *   check, check_that, verdict   a FAIL line for each failed check (it
 *                                fails the test), and the exit status
 *   SEED, TOKEN                  (public programs, compiled with
 *                                -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S
 *                                and after the lab's seedgen.h) this run's
 *                                seed and token, decoded at run time
 *                                (seedcore.h): a line that carries the
 *                                token can only come from this run's
 *                                programs, and their values depend on the
 *                                seed
 */
#ifndef TESTPROG_H
#define TESTPROG_H
#include "user.h"

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

/* Exit as the checks say: 0 if none failed. */
static inline int
verdict(void)
{
    return failures > 0;
}

#ifdef GRADE_TOKEN_ENC
#ifndef SEEDCORE_H
#error "include the lab's seedgen.h before testprog.h"
#endif
/* Read through volatile, so that the compiler cannot fold the seed or
   the token into the image: they exist only once the program runs. */
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
#endif
#endif
