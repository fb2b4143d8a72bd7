/*
 * htwin.h: what the hidden twin programs share (instructor-only). Each
 * program defines PROG (its name) and TWIN (its HG_* key) before including
 * this, and calls twin_open() first. The lines that count print the
 * decoded token with TOKFMT / TOKARGS.
 */
#ifndef HTWIN_H
#define HTWIN_H
#include "testprog.h"            /* check, verdict */
#include "hgen.h"

#if !defined(GRADE_HTOKEN_ENC) || !defined(GRADE_HSEED_ENC)
#error "the grader compiles this with -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S"
#endif

static struct hg tw;                    /* this run's token and key */
#define KEY (tw.key)
#define TOKFMT "%016lx%016lx"
#define TOKARGS (uint64)tw.t0, (uint64)tw.t1

/* Decode this run's token and the twin's key. */
static inline void twin_open(void) { tw = hg_here(TWIN); }

/* Fill n words at p with stream s from word index first. */
static inline void
fill(volatile uint64 *p, uint64 n, unsigned s, uint64 first)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = hg_word(KEY, s, first + i);
}

/*
 * Fold the n words read at p into h, counting into *wrong those that are
 * not stream s's words from first (or not 0, with s = ~0u).
 */
static inline hg_u64
readback(const volatile uint64 *p, uint64 n, unsigned s, uint64 first, uint64 *wrong, hg_u64 h)
{
    for (uint64 i = 0; i < n; i++) {
        uint64 w = p[i];
        *wrong += w != (s == ~0u ? 0 : hg_word(KEY, s, first + i));
        h = hg_fold(h, w);
    }
    return h;
}
#define ZERO (~0u)                      /* readback's stream of zeros */

/* What a program prints after its fault instruction: fails the test. */
#define NOT_REACHED() (printf("%s: FAIL SHOULD NOT GET HERE (no fault)\n", PROG), 1)

#endif
