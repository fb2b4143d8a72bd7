/*
 * cases.c: the frame allocator's tests, as in grading/host/test_frame.c,
 * run by the harness against frame.c in the child. The same ten cases and
 * checks; the harness reads and writes the shared RAM itself. Built with
 * -DKDEBUG (freed frames filled with 0x5A) or without it, like the child.
 */
#define _GNU_SOURCE
#include <string.h>

#include "harness.h"

/*
 * What frame_init(start, end) must manage, computed from the chapter's
 * description: the range rounded inward to whole pages, one 8-byte record
 * (next, refs) per frame of it, the records in the first frames.
 */
struct layout {
    uint64_t first_pa;          /* first managed frame */
    uint64_t end_pa;            /* end of the managed frames */
    uint64_t rec_pages;
    uint64_t count;
};

static struct layout
layout_of(uint64_t start, uint64_t end)
{
    uint64_t s = (start + PG - 1) / PG * PG, e = end / PG * PG;
    uint64_t n = (e - s) / PG;
    uint64_t rec_pages = (n * 8 + PG - 1) / PG;
    return (struct layout){ s + rec_pages * PG, e, rec_pages, n - rec_pages };
}

/* pa must be in the simulated RAM: f_alloc checks what the child returns. */
static uint8_t *page(uint64_t pa) { return ram + (pa - SIM_RAM_BASE); }
static uint64_t ppn(uint64_t pa) { return pa / PG; }
static uint64_t pa_of(uint64_t p) { return p * PG; }
static uint64_t idx_of(uint64_t p) { return (pa_of(p) - SIM_RAM_BASE) / PG; }

static int
all_bytes(const uint8_t *p, uint64_t n, uint8_t v)
{
    for (uint64_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* Dirty the whole RAM, then manage [start, end). */
static struct layout
init(uint64_t start, uint64_t end)
{
    memset(ram, 0xA5, SIM_RAM_SIZE);
    f_init(start, end);
    return layout_of(start, end);
}

/* Manage the whole RAM: cmocka's setup of test_frame.c's last four tests. */
void
setup_all(void)
{
    init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
}

/* ---- initialisation ------------------------------------------------------ */

static void
test_init_counts(void)
{
    static const struct { uint64_t start, end; } ranges[] = {
        { 0, SIM_RAM_SIZE },                    /* offsets into the RAM */
        { 0, 2 * PG },                          /* smallest: 1 record, 1 frame */
        { 0, 3 * PG },
        { 5 * PG, 517 * PG },                   /* 512 frames: exactly 1 record page */
        { 5 * PG, 518 * PG },                   /* 513: 2 record pages */
        { 100, 40 * PG + 4095 },                /* unaligned: rounded inward */
        { PG - 1, 10 * PG + 1 },
        { 1, SIM_RAM_SIZE - 1 },
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        uint64_t s = SIM_RAM_BASE + ranges[i].start, e = SIM_RAM_BASE + ranges[i].end;
        struct layout l = init(s, e);
        CHECK(l.count >= 1);
        CHECK_EQ(f_free_count(), l.count);
        /* The first and last managed frames are free, their neighbours foreign. */
        CHECK_EQ(f_refs(ppn(l.first_pa)), 0);
        CHECK_EQ(f_refs(ppn(l.end_pa - PG)), 0);
        MUST_PANIC(RPC_REFS, ppn(l.first_pa - PG), 0, "not managed");
        MUST_PANIC(RPC_REFS, ppn(l.end_pa), 0, "not managed");
    }
    CHECK_EQ(layout_of(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE).count,
             NFRAMES - 4);      /* 2048 records of 8 bytes: 4 pages */
}

static void
test_init_too_small_panics(void)
{
    memset(ram, 0, SIM_RAM_SIZE);
    MUST_PANIC(RPC_INIT, SIM_RAM_BASE, SIM_RAM_BASE + PG, "no free memory");
    MUST_PANIC(RPC_INIT, SIM_RAM_BASE + 10, SIM_RAM_BASE + 2 * PG - 1, "no free memory");
    MUST_PANIC(RPC_INIT, SIM_RAM_BASE + 8 * PG, SIM_RAM_BASE + 4 * PG, "no free memory");
    MUST_PANIC(RPC_INIT, SIM_RAM_BASE, SIM_RAM_BASE, "no free memory");
}

/* ---- allocation ---------------------------------------------------------- */

static void
test_alloc_all(void)
{
    struct layout l = init(SIM_RAM_BASE + 3 * PG + 17, SIM_RAM_BASE + SIM_RAM_SIZE - 5 * PG);
    static uint8_t seen[NFRAMES];
    memset(seen, 0, sizeof seen);
    for (uint64_t k = 0; k < l.count; k++) {
        uint64_t p = f_alloc();
        CHECK(p != 0);
        uint64_t pa = pa_of(p);
        CHECK(pa >= l.first_pa && pa < l.end_pa);
        CHECK_EQ(seen[idx_of(p)], 0);                   /* distinct */
        seen[idx_of(p)] = 1;
        CHECK(all_bytes(page(pa), PG, 0));              /* zeroed (RAM was 0xA5) */
        CHECK_EQ(f_refs(p), 1);
        CHECK_EQ(f_free_count(), l.count - k - 1);
        memset(page(pa), 0xC3, PG);                     /* used by its owner */
    }
    /* Exhausted: {0}, every time, and nothing changes. */
    for (int k = 0; k < 3; k++) {
        CHECK_EQ(f_alloc(), 0);
        CHECK_EQ(f_free_count(), 0);
    }
    /* The records were not overwritten by the users of the frames. */
    uint64_t recs = 0;
    for (uint64_t pa = l.first_pa; pa < l.end_pa; pa += PG, recs++)
        CHECK_EQ(f_refs(ppn(pa)), 1);
    CHECK_EQ(recs, l.count);
}

static void
test_free_and_realloc(void)
{
    struct layout l = init(SIM_RAM_BASE, SIM_RAM_BASE + 64 * PG);
    uint64_t got[64];
    for (uint64_t k = 0; k < l.count; k++) {
        got[k] = f_alloc();
        CHECK(got[k] != 0);
        memset(page(pa_of(got[k])), 0x11, PG);
    }
    CHECK_EQ(f_alloc(), 0);
    /* Free every third frame; exactly those come back, zeroed. */
    uint64_t freed = 0;
    static uint8_t was_freed[NFRAMES];
    memset(was_freed, 0, sizeof was_freed);
    for (uint64_t k = 0; k < l.count; k += 3) {
        f_free(got[k]);
        freed++;
        was_freed[idx_of(got[k])] = 1;
        CHECK_EQ(f_free_count(), freed);
        CHECK_EQ(f_refs(got[k]), 0);
    }
    for (uint64_t k = 0; k < freed; k++) {
        uint64_t p = f_alloc();
        CHECK(p != 0);
        CHECK_EQ(was_freed[idx_of(p)], 1);
        was_freed[idx_of(p)] = 0;
        CHECK(all_bytes(page(pa_of(p)), PG, 0));
        CHECK_EQ(f_free_count(), freed - k - 1);
    }
    CHECK_EQ(f_alloc(), 0);
}

/* Random alloc/free/get against a model: counts, refs, distinctness. */
static void
test_random_model(void)
{
    struct layout l = init(SIM_RAM_BASE + PG, SIM_RAM_BASE + 301 * PG);
    static uint32_t refs[NFRAMES];          /* model, by frame index in the RAM */
    memset(refs, 0, sizeof refs);
    uint64_t live[512];
    int nlive = 0;
    uint64_t nfree = l.count;
    unsigned long seed = 0x9E3779B97F4A7C15UL;
    for (int op = 0; op < 20000; op++) {
        unsigned long r = sim_rand(&seed);
        if (r % 8 < 4) {
            uint64_t p = f_alloc();
            if (nfree == 0) {
                CHECK_EQ(p, 0);
                continue;
            }
            CHECK(p != 0);
            CHECK(pa_of(p) >= l.first_pa && pa_of(p) < l.end_pa);
            CHECK_EQ(refs[idx_of(p)], 0);
            refs[idx_of(p)] = 1;
            nfree--;
            live[nlive++] = p;
        } else if (r % 8 < 5 && nlive > 0) {
            uint64_t p = live[(r >> 8) % nlive];
            f_get(p);
            refs[idx_of(p)]++;
        } else if (nlive > 0) {
            int k = (r >> 8) % nlive;
            uint64_t p = live[k];
            f_free(p);
            if (--refs[idx_of(p)] == 0) {
                nfree++;
                live[k] = live[--nlive];
            }
        }
        CHECK_EQ(f_free_count(), nfree);
        if (op % 1000 == 0)
            for (int k = 0; k < nlive; k++)
                CHECK_EQ(f_refs(live[k]), refs[idx_of(live[k])]);
    }
}

/* ---- reference counts ---------------------------------------------------- */

static void
test_refcounts(void)
{
    uint64_t start = f_free_count();
    uint64_t p = f_alloc();
    CHECK(p != 0);
    CHECK_EQ(f_refs(p), 1);
    f_get(p);
    f_get(p);
    CHECK_EQ(f_refs(p), 3);
    CHECK_EQ(f_free_count(), start - 1);
    memset(page(pa_of(p)), 0x77, PG);
    f_free(p);
    CHECK_EQ(f_refs(p), 2);
    f_free(p);
    CHECK_EQ(f_refs(p), 1);
    CHECK_EQ(f_free_count(), start - 1);                /* still in use */
    CHECK(all_bytes(page(pa_of(p)), PG, 0x77));         /* and untouched */
    f_free(p);
    CHECK_EQ(f_refs(p), 0);
    CHECK_EQ(f_free_count(), start);
    /* A shared frame comes back once, at the last reference. */
    uint64_t q = f_alloc();
    CHECK(q != 0);
    CHECK_EQ(f_free_count(), start - 1);
    f_get(q);
    f_free(q);
    CHECK_EQ(f_free_count(), start - 1);
    f_free(q);
    CHECK_EQ(f_free_count(), start);
}

/* ---- kernel bugs that must panic ------------------------------------------ */

static void
test_double_free_panics(void)
{
    uint64_t p = f_alloc();
    CHECK(p != 0);
    f_free(p);
    uint64_t n = f_free_count();
    MUST_PANIC(RPC_FREE, p, 0, "double free");
    CHECK_EQ(f_free_count(), n);                        /* the panic changed nothing */
    CHECK_EQ(f_refs(p), 0);
    /* A frame that was never allocated is free too. */
    uint64_t q = f_alloc();
    CHECK(q != 0);
    f_free(q);
    MUST_PANIC(RPC_FREE, q, 0, "double free");
}

static void
test_foreign_frames_panic(void)
{
    struct layout l = init(SIM_RAM_BASE + 16 * PG, SIM_RAM_BASE + 80 * PG);
    uint64_t n = f_free_count();
    MUST_PANIC(RPC_FREE, ppn(l.first_pa - PG), 0, "not managed");      /* the records */
    MUST_PANIC(RPC_FREE, ppn(SIM_RAM_BASE + 16 * PG), 0, "not managed");
    MUST_PANIC(RPC_FREE, ppn(SIM_RAM_BASE), 0, "not managed");         /* below */
    MUST_PANIC(RPC_FREE, ppn(l.end_pa), 0, "not managed");             /* just above */
    MUST_PANIC(RPC_FREE, ppn(SIM_RAM_BASE + SIM_RAM_SIZE - PG), 0, "not managed");
    MUST_PANIC(RPC_FREE, 0, 0, "not managed");                         /* {0}: "no frame" */
    MUST_PANIC(RPC_FREE, ~0UL >> 12, 0, "not managed");
    MUST_PANIC(RPC_GET, ppn(l.end_pa), 0, "not managed");
    MUST_PANIC(RPC_GET, ppn(l.first_pa - PG), 0, "not managed");
    CHECK_EQ(f_free_count(), n);
}

static void
test_get_free_frame_panics(void)
{
    uint64_t p = f_alloc();
    CHECK(p != 0);
    f_free(p);
    MUST_PANIC(RPC_GET, p, 0, "is free");
    CHECK_EQ(f_refs(p), 0);
    /* A frame never handed out at all. */
    struct layout l = layout_of(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    MUST_PANIC(RPC_GET, ppn(l.end_pa - PG), 0, "is free");
}

/* ---- debug fill ---------------------------------------------------------- */

static void
test_freed_frame_fill(void)
{
    uint64_t p = f_alloc(), other = f_alloc();
    CHECK(p != 0 && other != 0 && p != other);
    uint8_t *b = page(pa_of(p)), *o = page(pa_of(other));
    memset(b, 0x3C, PG);
    memset(o, 0x96, PG);
    f_get(p);
    f_free(p);                                  /* one reference left: no fill */
    CHECK(all_bytes(b, PG, 0x3C));
    f_free(p);
#ifdef KDEBUG
    CHECK(all_bytes(b, PG, 0x5A));
#else
    CHECK(all_bytes(b, PG, 0x3C));
#endif
    CHECK(all_bytes(o, PG, 0x96));              /* the other frame is untouched */
    uint64_t q = f_alloc();                     /* p again: zeroed */
    CHECK_EQ(q, p);
    CHECK(all_bytes(b, PG, 0));
    f_free(q);
    f_free(other);
}

const char unit_harness[] = "frame_harness";
const char unit_code[] = "frame.c";
const char unit_cases[] = "cases.c";

const struct test_case test_cases[] = {
    { "test_init_counts", test_init_counts, 0, NULL },
    { "test_init_too_small_panics", test_init_too_small_panics, 0, NULL },
    { "test_alloc_all", test_alloc_all, 0, NULL },
    { "test_free_and_realloc", test_free_and_realloc, 0, NULL },
    { "test_random_model", test_random_model, 0, NULL },
    { "test_refcounts", test_refcounts, 1, NULL },
    { "test_double_free_panics", test_double_free_panics, 1, NULL },
    { "test_foreign_frames_panic", test_foreign_frames_panic, 0, NULL },
    { "test_get_free_frame_panics", test_get_free_frame_panics, 1, NULL },
    { "test_freed_frame_fill", test_freed_frame_fill, 1, NULL },
};
const int ntest_cases = sizeof test_cases / sizeof test_cases[0];
