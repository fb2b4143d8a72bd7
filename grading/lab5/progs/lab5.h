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
#include "seedgen.h"
#include "testprog.h"            /* check, check_that, verdict, SEED, TOKEN */

#if !defined(GRADE_TOKEN_ENC) || !defined(GRADE_SEED_ENC)
#error "the grader compiles this with -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S (seedcore.h)"
#endif
/* frames(which): chapter 5's counts. */
#define FREE     0
#define RESERVED 1
#define SHARED   2
#define OWN      3

/* Fill n words at p with stream s from word first. */
static inline void
fill(volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = sg_val(SEED, s, first + i);
}

#endif
