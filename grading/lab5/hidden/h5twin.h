/*
 * h5twin.h: what lab 5's hidden twin programs share (instructor-only).
 * Each program defines PROG (its name) and TWIN (its H5_* key) before
 * including this, and calls twin_open() first. The lines that count print
 * the decoded token with TOKFMT / TOKARGS.
 */
#ifndef H5TWIN_H
#define H5TWIN_H
#include "testprog.h"            /* check, check_that, verdict */
#include "hgen.h"

#if !defined(GRADE_HTOKEN_ENC) || !defined(GRADE_HSEED_ENC)
#error "the grader compiles this with -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S"
#endif

static struct h5 tw;                    /* this run's token and key */
#define KEY (tw.key)
#define TOKFMT "%016lx%016lx"
#define TOKARGS (uint64)tw.t0, (uint64)tw.t1

static inline void twin_open(void) { tw = h5_here(TWIN); }

/* Fill n words at p with stream s from word first. */
static inline void
fill(volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = h5_word(KEY, s, first + i);
}

/* A NUL-terminated copy of name ending at a page end: its first cut bytes
   before the boundary of the page at va, the rest after it (both mapped). */
static inline const char *
straddle(uint64 va, const char *name, uint64 cut)
{
    char *p = (char *)(va + H5_PAGE - cut);
    uint64 i = 0;
    do
        p[i] = name[i];
    while (name[i++] != 0);
    return p;
}

#define FRAMES_SHARED 2
#define FRAMES_OWN    3
#endif
