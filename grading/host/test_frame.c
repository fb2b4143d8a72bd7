/*
 * test_frame.c: the physical frame allocator (frame.c) on simulated RAM.
 * Built twice: with -DKDEBUG (the kernel's default: freed frames are filled
 * with 0x5A) and without it (freed frames keep their bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "types.h"
#include "vm.h"

#define PG 4096UL
#define NFRAMES (SIM_RAM_SIZE / PG)

/*
 * What frame_init(start, end) must manage, computed from the chapter's
 * description: the range rounded inward to whole pages, one 8-byte record
 * (next, refs) per frame of it, the records in the first frames.
 */
struct layout {
    uint64 first_pa;            /* first managed frame */
    uint64 end_pa;              /* end of the managed frames */
    uint64 rec_pages;
    uint64 count;
};

static struct layout
layout_of(uint64 start, uint64 end)
{
    uint64 s = (start + PG - 1) / PG * PG, e = end / PG * PG;
    uint64 n = (e - s) / PG;
    uint64 rec_pages = (n * 8 + PG - 1) / PG;
    return (struct layout){ s + rec_pages * PG, e, rec_pages, n - rec_pages };
}

static uint8 *page(uint64 pa) { return sim_ram + (pa - SIM_RAM_BASE); }
static ppn_t ppn(uint64 pa) { return (ppn_t){ pa / PG }; }

static int
all_bytes(const uint8 *p, uint64 n, uint8 v)
{
    for (uint64 i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* Dirty the whole RAM, then manage [start, end). */
static struct layout
init(uint64 start, uint64 end)
{
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    sim_panic_quiet = 0;
    frame_init(start, end);
    return layout_of(start, end);
}

static int
setup_all(void **state)
{
    (void)state;
    init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    return 0;
}

/* ---- initialisation ------------------------------------------------------ */

static void
test_init_counts(void **state)
{
    (void)state;
    static const struct { uint64 start, end; } ranges[] = {
        { 0, SIM_RAM_SIZE },                    /* offsets into sim_ram */
        { 0, 2 * PG },                          /* smallest: 1 record, 1 frame */
        { 0, 3 * PG },
        { 5 * PG, 517 * PG },                   /* 512 frames: exactly 1 record page */
        { 5 * PG, 518 * PG },                   /* 513: 2 record pages */
        { 100, 40 * PG + 4095 },                /* unaligned: rounded inward */
        { PG - 1, 10 * PG + 1 },
        { 1, SIM_RAM_SIZE - 1 },
    };
    for (volatile size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
        uint64 s = SIM_RAM_BASE + ranges[i].start, e = SIM_RAM_BASE + ranges[i].end;
        struct layout l = init(s, e);
        assert_true(l.count >= 1);
        assert_int_equal(frame_free_count(), l.count);
        /* The first and last managed frames are free, their neighbours foreign. */
        assert_int_equal(frame_refs(ppn(l.first_pa)), 0);
        assert_int_equal(frame_refs(ppn(l.end_pa - PG)), 0);
        EXPECT_PANIC(frame_refs(ppn(l.first_pa - PG)), "not managed");
        EXPECT_PANIC(frame_refs(ppn(l.end_pa)), "not managed");
    }
    assert_int_equal(layout_of(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE).count,
                     NFRAMES - 4);      /* 2048 records of 8 bytes: 4 pages */
}

static void
test_init_too_small_panics(void **state)
{
    (void)state;
    memset(sim_ram, 0, SIM_RAM_SIZE);
    EXPECT_PANIC(frame_init(SIM_RAM_BASE, SIM_RAM_BASE + PG), "no free memory");
    EXPECT_PANIC(frame_init(SIM_RAM_BASE + 10, SIM_RAM_BASE + 2 * PG - 1), "no free memory");
    EXPECT_PANIC(frame_init(SIM_RAM_BASE + 8 * PG, SIM_RAM_BASE + 4 * PG), "no free memory");
    EXPECT_PANIC(frame_init(SIM_RAM_BASE, SIM_RAM_BASE), "no free memory");
}

/* ---- allocation ---------------------------------------------------------- */

static void
test_alloc_all(void **state)
{
    (void)state;
    struct layout l = init(SIM_RAM_BASE + 3 * PG + 17, SIM_RAM_BASE + SIM_RAM_SIZE - 5 * PG);
    static uint8 seen[NFRAMES];
    memset(seen, 0, sizeof seen);
    for (uint64 k = 0; k < l.count; k++) {
        ppn_t p = frame_alloc();
        assert_int_not_equal(p.n, 0);
        uint64 pa = ppn2pa(p);
        assert_int_equal(pa % PG, 0);
        assert_true(pa >= l.first_pa && pa < l.end_pa);
        uint64 idx = (pa - SIM_RAM_BASE) / PG;
        assert_int_equal(seen[idx], 0);                 /* distinct */
        seen[idx] = 1;
        assert_true(all_bytes(page(pa), PG, 0));        /* zeroed (RAM was 0xA5) */
        assert_int_equal(frame_refs(p), 1);
        assert_int_equal(frame_free_count(), l.count - k - 1);
        memset(page(pa), 0xC3, PG);                     /* used by its owner */
    }
    /* Exhausted: {0}, every time, and nothing changes. */
    for (int k = 0; k < 3; k++) {
        assert_int_equal(frame_alloc().n, 0);
        assert_int_equal(frame_free_count(), 0);
    }
    /* The records were not overwritten by the users of the frames. */
    uint64 recs = 0;
    for (uint64 pa = l.first_pa; pa < l.end_pa; pa += PG, recs++)
        assert_int_equal(frame_refs(ppn(pa)), 1);
    assert_int_equal(recs, l.count);
}

static void
test_free_and_realloc(void **state)
{
    (void)state;
    struct layout l = init(SIM_RAM_BASE, SIM_RAM_BASE + 64 * PG);
    ppn_t got[64];
    for (uint64 k = 0; k < l.count; k++) {
        got[k] = frame_alloc();
        memset(page(ppn2pa(got[k])), 0x11, PG);
    }
    assert_int_equal(frame_alloc().n, 0);
    /* Free every third frame; exactly those come back, zeroed. */
    uint64 freed = 0;
    static uint8 was_freed[NFRAMES];
    memset(was_freed, 0, sizeof was_freed);
    for (uint64 k = 0; k < l.count; k += 3) {
        frame_free(got[k]);
        freed++;
        was_freed[(ppn2pa(got[k]) - SIM_RAM_BASE) / PG] = 1;
        assert_int_equal(frame_free_count(), freed);
        assert_int_equal(frame_refs(got[k]), 0);
    }
    for (uint64 k = 0; k < freed; k++) {
        ppn_t p = frame_alloc();
        assert_int_not_equal(p.n, 0);
        uint64 idx = (ppn2pa(p) - SIM_RAM_BASE) / PG;
        assert_int_equal(was_freed[idx], 1);
        was_freed[idx] = 0;
        assert_true(all_bytes(page(ppn2pa(p)), PG, 0));
        assert_int_equal(frame_free_count(), freed - k - 1);
    }
    assert_int_equal(frame_alloc().n, 0);
}

/* Random alloc/free/get against a model: counts, refs, distinctness. */
static void
test_random_model(void **state)
{
    (void)state;
    struct layout l = init(SIM_RAM_BASE + PG, SIM_RAM_BASE + 301 * PG);
    static uint32 refs[NFRAMES];            /* model, by frame index in sim_ram */
    memset(refs, 0, sizeof refs);
    ppn_t live[512];
    int nlive = 0;
    uint64 nfree = l.count;
    unsigned long seed = 0x9E3779B97F4A7C15UL;
    for (int op = 0; op < 20000; op++) {
        unsigned long r = sim_rand(&seed);
        if (r % 8 < 4) {
            ppn_t p = frame_alloc();
            if (nfree == 0) {
                assert_int_equal(p.n, 0);
                continue;
            }
            assert_int_not_equal(p.n, 0);
            uint64 idx = (ppn2pa(p) - SIM_RAM_BASE) / PG;
            assert_true(ppn2pa(p) >= l.first_pa && ppn2pa(p) < l.end_pa);
            assert_int_equal(refs[idx], 0);
            refs[idx] = 1;
            nfree--;
            live[nlive++] = p;
        } else if (r % 8 < 5 && nlive > 0) {
            ppn_t p = live[(r >> 8) % nlive];
            frame_get(p);
            refs[(ppn2pa(p) - SIM_RAM_BASE) / PG]++;
        } else if (nlive > 0) {
            int k = (r >> 8) % nlive;
            ppn_t p = live[k];
            uint64 idx = (ppn2pa(p) - SIM_RAM_BASE) / PG;
            frame_free(p);
            if (--refs[idx] == 0) {
                nfree++;
                live[k] = live[--nlive];
            }
        }
        assert_int_equal(frame_free_count(), nfree);
        if (op % 1000 == 0)
            for (int k = 0; k < nlive; k++)
                assert_int_equal(frame_refs(live[k]),
                                 refs[(ppn2pa(live[k]) - SIM_RAM_BASE) / PG]);
    }
}

/* ---- reference counts ---------------------------------------------------- */

static void
test_refcounts(void **state)
{
    (void)state;
    uint64 start = frame_free_count();
    ppn_t p = frame_alloc();
    assert_int_equal(frame_refs(p), 1);
    frame_get(p);
    frame_get(p);
    assert_int_equal(frame_refs(p), 3);
    assert_int_equal(frame_free_count(), start - 1);
    memset(page(ppn2pa(p)), 0x77, PG);
    frame_free(p);
    assert_int_equal(frame_refs(p), 2);
    frame_free(p);
    assert_int_equal(frame_refs(p), 1);
    assert_int_equal(frame_free_count(), start - 1);       /* still in use */
    assert_true(all_bytes(page(ppn2pa(p)), PG, 0x77));     /* and untouched */
    frame_free(p);
    assert_int_equal(frame_refs(p), 0);
    assert_int_equal(frame_free_count(), start);
    /* A shared frame comes back once, at the last reference. */
    ppn_t q = frame_alloc();
    assert_int_equal(frame_free_count(), start - 1);
    frame_get(q);
    frame_free(q);
    assert_int_equal(frame_free_count(), start - 1);
    frame_free(q);
    assert_int_equal(frame_free_count(), start);
}

/* ---- kernel bugs that must panic ------------------------------------------ */

static void
test_double_free_panics(void **state)
{
    (void)state;
    ppn_t p = frame_alloc();
    frame_free(p);
    uint64 n = frame_free_count();
    EXPECT_PANIC(frame_free(p), "double free");
    assert_int_equal(frame_free_count(), n);   /* the panic changed nothing */
    assert_int_equal(frame_refs(p), 0);
    /* A frame that was never allocated is free too. */
    ppn_t q = frame_alloc();
    frame_free(q);
    EXPECT_PANIC(frame_free(q), "double free");
}

static void
test_foreign_frames_panic(void **state)
{
    (void)state;
    struct layout l = init(SIM_RAM_BASE + 16 * PG, SIM_RAM_BASE + 80 * PG);
    uint64 n = frame_free_count();
    EXPECT_PANIC(frame_free(ppn(l.first_pa - PG)), "not managed");     /* the records */
    EXPECT_PANIC(frame_free(ppn(SIM_RAM_BASE + 16 * PG)), "not managed");
    EXPECT_PANIC(frame_free(ppn(SIM_RAM_BASE)), "not managed");        /* below */
    EXPECT_PANIC(frame_free(ppn(l.end_pa)), "not managed");            /* just above */
    EXPECT_PANIC(frame_free(ppn(SIM_RAM_BASE + SIM_RAM_SIZE - PG)), "not managed");
    EXPECT_PANIC(frame_free((ppn_t){ 0 }), "not managed");             /* {0}: "no frame" */
    EXPECT_PANIC(frame_free((ppn_t){ ~0UL >> 12 }), "not managed");
    EXPECT_PANIC(frame_get(ppn(l.end_pa)), "not managed");
    EXPECT_PANIC(frame_get(ppn(l.first_pa - PG)), "not managed");
    assert_int_equal(frame_free_count(), n);
}

static void
test_get_free_frame_panics(void **state)
{
    (void)state;
    ppn_t p = frame_alloc();
    frame_free(p);
    EXPECT_PANIC(frame_get(p), "is free");
    assert_int_equal(frame_refs(p), 0);
    /* A frame never handed out at all. */
    struct layout l = layout_of(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    EXPECT_PANIC(frame_get(ppn(l.end_pa - PG)), "is free");
}

/* ---- debug fill ---------------------------------------------------------- */

static void
test_freed_frame_fill(void **state)
{
    (void)state;
    ppn_t p = frame_alloc(), other = frame_alloc();
    uint8 *b = page(ppn2pa(p)), *o = page(ppn2pa(other));
    memset(b, 0x3C, PG);
    memset(o, 0x96, PG);
    frame_get(p);
    frame_free(p);                              /* one reference left: no fill */
    assert_true(all_bytes(b, PG, 0x3C));
    frame_free(p);
#ifdef KDEBUG
    assert_true(all_bytes(b, PG, 0x5A));
#else
    assert_true(all_bytes(b, PG, 0x3C));
#endif
    assert_true(all_bytes(o, PG, 0x96));        /* the other frame is untouched */
    ppn_t q = frame_alloc();                    /* p again: zeroed */
    assert_int_equal(q.n, p.n);
    assert_true(all_bytes(b, PG, 0));
    frame_free(q);
    frame_free(other);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_counts),
        cmocka_unit_test(test_init_too_small_panics),
        cmocka_unit_test(test_alloc_all),
        cmocka_unit_test(test_free_and_realloc),
        cmocka_unit_test(test_random_model),
        cmocka_unit_test_setup(test_refcounts, setup_all),
        cmocka_unit_test_setup(test_double_free_panics, setup_all),
        cmocka_unit_test(test_foreign_frames_panic),
        cmocka_unit_test_setup(test_get_free_frame_panics, setup_all),
        cmocka_unit_test_setup(test_freed_frame_fill, setup_all),
    };
#ifdef KDEBUG
    return cmocka_run_group_tests_name("frame (KDEBUG)", tests, NULL, NULL);
#else
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
#endif
}
