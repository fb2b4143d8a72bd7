/*
 * seedgen.h: the values lab 5's test programs derive from the grading seed.
 *
 * Included by the test programs and the in-kernel test (RISC-V) and by
 * values.c (host), so that both compute the same sizes, places and data.
 * Pure C, 64-bit unsigned arithmetic only. The sg_*_sum functions give
 * what a working kernel makes a program print; the programs never call
 * them (they fold what they read back from memory instead).
 */
#ifndef SEEDGEN_H
#define SEEDGEN_H

enum {
    SG_S_PARAM, SG_S_COW, SG_S_FORK_MAP, SG_S_FORK_HEAP, SG_S_FORK_CHILD,
    SG_S_FORK_PARENT, SG_S_EXEC, SG_S_EXEC_T, SG_S_SPAWN_C, SG_S_TOKEN
};
#include "seedcore.h"             /* the generator, the token and the seed */

#define SG_PAGE  4096ULL
#define SG_WORDS 512ULL                 /* 64-bit words per page */
#define SG_LO    0x10000000ULL          /* from here up is free for mmap (ABI.md) */
#define SG_TOP   0x4000000000ULL        /* the end of the user half */

static inline sg_u64 sg_param(sg_u64 seed, unsigned k) { return SG_VAL(seed, SG_S_PARAM, k); }
/* A page-aligned address in [lo, hi) drawn from r. */
static inline sg_u64 sg_page_in(sg_u64 r, sg_u64 lo, sg_u64 hi)
{
    return lo + r % ((hi - lo) / SG_PAGE) * SG_PAGE;
}
/* The fold of n words of stream s from word first. */
static inline sg_u64 sg_stream_sum(sg_u64 seed, unsigned s, sg_u64 first, sg_u64 n, sg_u64 h)
{
    for (sg_u64 i = 0; i < n; i++)
        h = sg_fold(h, SG_VAL(seed, s, first + i));
    return h;
}

/*
 * k_cow (exercise 1): SG_COW_PAGES copy-on-write pages at a seed-placed
 * address of a table of the test's own; page j's frame is mapped by
 * 1 + sg_cow_sharers(j) tables (1: held alone, taken over; more: copied).
 * Its first word and a word at a seed offset are checked after the fault,
 * and its permissions.
 */
#define SG_COW_PAGES 12
static inline sg_u64 sg_cow_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 1), SG_LO, SG_TOP - 64 * SG_PAGE);
}
static inline sg_u64 sg_cow_sharers(sg_u64 seed, int j) { return sg_param(seed, 10 + j) % 3; }
static inline sg_u64 sg_cow_exec(sg_u64 seed, int j) { return sg_param(seed, 30 + j) % 4 == 0; }
static inline sg_u64 sg_cow_word(sg_u64 seed, int j) { return sg_param(seed, 50 + j) % SG_WORDS; }
static inline sg_u64 sg_cow_copied(sg_u64 seed)
{
    sg_u64 n = 0;
    for (int j = 0; j < SG_COW_PAGES; j++)
        n += sg_cow_sharers(seed, j) != 0;
    return n;
}
static inline sg_u64 sg_cow_sum(sg_u64 seed)
{
    sg_u64 h = 0;
    for (int j = 0; j < SG_COW_PAGES; j++) {
        h = sg_fold(h, SG_VAL(seed, SG_S_COW, (sg_u64)j * SG_WORDS));
        h = sg_fold(h, SG_VAL(seed, SG_S_COW, (sg_u64)j * SG_WORDS + sg_cow_word(seed, j)));
    }
    return h;
}

/*
 * g_fork (exercise 2): an mmap area of sg_fork_map pages and a heap of
 * sg_fork_heap pages, filled before the fork, and an area of
 * sg_fork_lazy pages granted but never touched before it. The child
 * writes its own data over the even pages of the map, the parent over
 * the odd ones; each then reads everything back.
 */
static inline sg_u64 sg_fork_map(sg_u64 seed) { return 8 + sg_param(seed, 100) % 41; }
static inline sg_u64 sg_fork_heap(sg_u64 seed) { return 2 + sg_param(seed, 101) % 15; }
static inline sg_u64 sg_fork_lazy(sg_u64 seed) { return 1 + sg_param(seed, 102) % 9; }
static inline sg_u64 sg_fork_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 103), SG_LO, SG_TOP / 2);
}
/* Word i of map page p as the child (who = 1) or the parent (2) sees it at the end. */
static inline sg_u64 sg_fork_word(sg_u64 seed, int who, sg_u64 p, sg_u64 i)
{
    sg_u64 w = p * SG_WORDS + i;
    if (who == 1 && p % 2 == 0)
        return SG_VAL(seed, SG_S_FORK_CHILD, w);
    if (who == 2 && p % 2 == 1)
        return SG_VAL(seed, SG_S_FORK_PARENT, w);
    return SG_VAL(seed, SG_S_FORK_MAP, w);
}
static inline sg_u64 sg_fork_sum(sg_u64 seed, int who)
{
    sg_u64 h = 0;
    for (sg_u64 p = 0; p < sg_fork_map(seed); p++)
        for (sg_u64 i = 0; i < SG_WORDS; i += 61)
            h = sg_fold(h, sg_fork_word(seed, who, p, i));
    for (sg_u64 i = 0; i < sg_fork_heap(seed) * SG_WORDS; i += 61)
        h = sg_fold(h, SG_VAL(seed, SG_S_FORK_HEAP, i));
    return h;
}

/* g_fork_oom (exercise 2): the pages of the area each fork must share. */
static inline sg_u64 sg_oom_pages(sg_u64 seed) { return 900 + sg_param(seed, 110) % 400; }

/* g_exec (exercise 3): heap pages kept through refused execs; g_exec_t's data. */
static inline sg_u64 sg_exec_heap(sg_u64 seed) { return 1 + sg_param(seed, 120) % 8; }
#define SG_EXEC_T_WORDS 700
static inline sg_u64 sg_exec_sum(sg_u64 seed)
{
    return sg_stream_sum(seed, SG_S_EXEC, 0, sg_exec_heap(seed) * SG_WORDS, 0);
}

/* g_wait (exercise 4): children, their exit codes and their yields. */
static inline sg_u64 sg_wait_children(sg_u64 seed) { return 3 + sg_param(seed, 130) % 6; }
static inline sg_u64 sg_wait_code(sg_u64 seed, sg_u64 k) { return 1 + sg_param(seed, 131 + k) % 200; }
static inline sg_u64 sg_wait_yields(sg_u64 seed, sg_u64 k) { return sg_param(seed, 141 + k) % 40; }
static inline sg_u64 sg_wait_first(sg_u64 seed) { return sg_param(seed, 151) % sg_wait_children(seed); }
static inline sg_u64 sg_wait_orphan_code(sg_u64 seed) { return 1 + sg_param(seed, 152) % 200; }
static inline sg_u64 sg_wait_codes(sg_u64 seed)
{
    sg_u64 s = sg_wait_orphan_code(seed);
    for (sg_u64 k = 0; k < sg_wait_children(seed); k++)
        s += sg_wait_code(seed, k);
    return s;
}

/* g_spawn (exercise 5): how many children; their data. */
static inline sg_u64 sg_spawn_children(sg_u64 seed) { return 2 + sg_param(seed, 160) % 4; }
#define SG_SPAWN_WORDS 300
static inline sg_u64 sg_spawn_code(sg_u64 seed)
{
    return 1 + sg_stream_sum(seed, SG_S_SPAWN_C, 0, SG_SPAWN_WORDS, 0) % 100;
}

/* g_stride (exercise 6): the two priorities, the higher at least three times the lower. */
static inline sg_u64 sg_stride_lo(sg_u64 seed) { return 2 + sg_param(seed, 170) % 3; }
static inline sg_u64 sg_stride_hi(sg_u64 seed) { return 3 * sg_stride_lo(seed) + sg_param(seed, 171) % 5; }

#endif
