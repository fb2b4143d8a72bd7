/*
 * hgen.h: lab 5's hidden twins' generator (instructor-only, never shipped).
 *
 * Pure C with no headers: included by the twin programs (RISC-V user
 * code), by the in-kernel twin k_cow_h.c and by values.c (host), so that
 * all compute the same sizes, places and data. Not lab 5's seedgen.h (nor
 * lab 4's hidden generator): a mixing function, a fold and an encoding of
 * its own. The twins are compiled with
 *
 *     -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S
 *
 * (h5_encode makes W0, W1 and S from the run's token and seed) and decode
 * them at run time, through volatile reads, so that neither the token nor
 * the seed is in an image.
 */
#ifndef H5GEN_H
#define H5GEN_H

typedef unsigned long long h5_u64;

#define H5_K1 0xFF51AFD7ED558CCDULL
#define H5_K2 0xC4CEB9FE1A85EC53ULL
#define H5_K3 0x9FB21C651E98DF25ULL
#define H5_K4 0x2545F4914F6CDD1DULL
#define H5_K5 0xD6E8FEB86659FD93ULL
#define H5_K6 0x5851F42D4C957F2DULL
#define H5_K7 0x14057B7EF767814FULL

static inline h5_u64 h5_rotl(h5_u64 x, int r) { return x << r | x >> (64 - r); }
/* A multiply-xorshift finalizer. */
static inline h5_u64
h5_mix(h5_u64 x)
{
    x ^= x >> 33;
    x *= H5_K1;
    x ^= x >> 29;
    x *= H5_K2;
    x ^= x >> 32;
    return x;
}
/* Word i of stream s under key. */
static inline h5_u64 h5_word(h5_u64 key, unsigned s, h5_u64 i)
{
    return h5_mix(h5_rotl(key, (int)(s % 61) + 1) ^ (i * H5_K3 + s * H5_K4)) + key;
}
/* Fold one word into a checksum (order matters). */
static inline h5_u64 h5_fold(h5_u64 h, h5_u64 w) { return h5_mix(h5_rotl(h, 23) ^ w) * H5_K6 + 1; }

/* ---- the token and the seed, encoded ----------------------------------------- */

struct h5 {
    h5_u64 t0, t1, seed, key;
};

/* Encode token words t0, t1 and seed into w[0], w[1] (the token) and w[2]. */
static inline void
h5_encode(h5_u64 t0, h5_u64 t1, h5_u64 seed, h5_u64 w[3])
{
    w[0] = t0 ^ h5_mix(t1 + H5_K5);
    w[1] = t1 ^ h5_mix(w[0] ^ H5_K7);
    w[2] = h5_rotl(seed ^ h5_mix(w[1] * H5_K3 + w[0]), 41);
}

/* The twins, each with a key of its own. */
enum { H5_COW = 1, H5_FORK, H5_EXEC, H5_WAIT, H5_SPAWN, H5_STRIDE, H5_OOM };

/* Decode h5_encode's words and derive twin's key. */
static inline struct h5
h5_decode(h5_u64 w0, h5_u64 w1, h5_u64 s, unsigned twin)
{
    struct h5 g;
    g.t1 = w1 ^ h5_mix(w0 ^ H5_K7);
    g.t0 = w0 ^ h5_mix(g.t1 + H5_K5);
    g.seed = h5_rotl(s, 64 - 41) ^ h5_mix(w1 * H5_K3 + w0);
    g.key = h5_mix(g.seed * H5_K6 + h5_mix(g.t0 ^ twin) + g.t1 * H5_K4);
    return g;
}

#ifdef GRADE_HTOKEN_ENC
#ifndef GRADE_HSEED_ENC
#error "the grader compiles the twins with -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S"
#endif
/* Read at run time: the compiler cannot fold the decoded values into the image. */
static const volatile h5_u64 h5_enc[3] = { GRADE_HTOKEN_ENC, GRADE_HSEED_ENC };
static inline struct h5 h5_here(unsigned twin) { return h5_decode(h5_enc[0], h5_enc[1], h5_enc[2], twin); }
#endif

/* ---- sizes, places and data -------------------------------------------------- */

#define H5_PAGE  4096ULL
#define H5_WORDS 512ULL
#define H5_LO    0x10000000ULL          /* from here up is free for mmap (ABI.md) */
#define H5_TOP   0x4000000000ULL        /* the end of the user half */
enum { H5_S_PARAM, H5_S_COW, H5_S_FORK_A, H5_S_FORK_B, H5_S_FORK_C, H5_S_FORK_G, H5_S_EXEC,
       H5_S_SPAWN };

static inline h5_u64 h5_param(h5_u64 key, unsigned k) { return h5_word(key, H5_S_PARAM, k); }
static inline h5_u64 h5_page_in(h5_u64 r, h5_u64 lo, h5_u64 hi)
{
    return lo + r % ((hi - lo) / H5_PAGE) * H5_PAGE;
}

/*
 * k_cow_h: H5_COW_PAGES pages in two runs, in two different gigabytes of
 * the user half; page j's frame held by 1 + h5_cow_sharers(j) tables (up
 * to 4); each faulted at its last word; every word of each copy checked.
 */
#define H5_COW_PAGES 10
static inline h5_u64 h5_cow_base(h5_u64 key, int run)
{
    return h5_page_in(h5_param(key, 1 + run), H5_LO + (h5_u64)run * (H5_TOP / 2),
                      (h5_u64)(run + 1) * (H5_TOP / 2) - 16 * H5_PAGE);
}
static inline h5_u64 h5_cow_va(h5_u64 key, int j)
{
    return h5_cow_base(key, j % 2) + (h5_u64)(j / 2) * H5_PAGE;
}
static inline h5_u64 h5_cow_sharers(h5_u64 key, int j) { return h5_param(key, 10 + j) % 5; }
static inline h5_u64 h5_cow_copied(h5_u64 key)
{
    h5_u64 n = 0;
    for (int j = 0; j < H5_COW_PAGES; j++)
        n += h5_cow_sharers(key, j) != 0;
    return n;
}
static inline h5_u64 h5_cow_sum(h5_u64 key)
{
    h5_u64 h = 0;
    for (int j = 0; j < H5_COW_PAGES; j++)
        for (h5_u64 i = 0; i < H5_WORDS; i++)
            h = h5_fold(h, h5_word(key, H5_S_COW, (h5_u64)j * H5_WORDS + i));
    return h;
}

/*
 * h_fork: three generations. The parent fills A (mmap) and B (heap),
 * forks a child, which forks a grandchild. After the forks each process
 * writes its own stream over its third of A's pages (page p belongs to
 * generation p % 3), grows or shrinks the heap (the child adds pages and
 * fills them, the parent gives B's last page back) and reads all back.
 */
static inline h5_u64 h5_fork_a(h5_u64 key) { return 6 + h5_param(key, 30) % 27; }
static inline h5_u64 h5_fork_b(h5_u64 key) { return 3 + h5_param(key, 31) % 9; }
static inline h5_u64 h5_fork_grow(h5_u64 key) { return 1 + h5_param(key, 32) % 5; }
static inline h5_u64 h5_fork_addr(h5_u64 key)
{
    return h5_page_in(h5_param(key, 33), H5_TOP / 2, H5_TOP - 64 * H5_PAGE);
}
/* Word i of A's page p as generation g (0 parent, 1 child, 2 grandchild) sees it. */
static inline h5_u64 h5_fork_word(h5_u64 key, int g, h5_u64 p, h5_u64 i)
{
    static const unsigned s[3] = { H5_S_FORK_B, H5_S_FORK_C, H5_S_FORK_G };
    return h5_word(key, p % 3 == (h5_u64)g ? s[g] : H5_S_FORK_A, p * H5_WORDS + i);
}
static inline h5_u64 h5_fork_sum(h5_u64 key, int g)
{
    h5_u64 h = 0;
    for (h5_u64 p = 0; p < h5_fork_a(key); p++)
        for (h5_u64 i = 0; i < H5_WORDS; i += 37)
            h = h5_fold(h, h5_fork_word(key, g, p, i));
    return h;
}

/* h_exec: the heap before the refused exec; the name's offset before a page end. */
static inline h5_u64 h5_exec_heap(h5_u64 key) { return 2 + h5_param(key, 40) % 30; }
static inline h5_u64 h5_exec_cut(h5_u64 key) { return 1 + h5_param(key, 41) % 8; }

/* h_wait: children waited for in reverse; a chain of orphans; codes. */
static inline h5_u64 h5_wait_children(h5_u64 key) { return 2 + h5_param(key, 50) % 5; }
static inline h5_u64 h5_wait_code(h5_u64 key, h5_u64 k) { return 2 + h5_param(key, 51 + k) % 250; }
static inline h5_u64 h5_wait_chain(h5_u64 key) { return 2 + h5_param(key, 60) % 3; }
static inline h5_u64 h5_wait_sum(h5_u64 key)
{
    h5_u64 s = 0;
    for (h5_u64 k = 0; k < h5_wait_children(key); k++)
        s = s * 7 + h5_wait_code(key, k);
    return s;
}

/* h_spawn: children that each spawn one grandchild; the grandchild's code. */
static inline h5_u64 h5_spawn_children(h5_u64 key) { return 1 + h5_param(key, 70) % 3; }
#define H5_SPAWN_WORDS 200
static inline h5_u64 h5_spawn_code(h5_u64 key)
{
    h5_u64 h = 0;
    for (h5_u64 i = 0; i < H5_SPAWN_WORDS; i++)
        h = h5_fold(h, h5_word(key, H5_S_SPAWN, i));
    return 1 + h % 120;
}

/* h_stride: three priorities p, 2p, 4p. */
static inline h5_u64 h5_stride_p(h5_u64 key) { return 2 + h5_param(key, 80) % 3; }

#endif
