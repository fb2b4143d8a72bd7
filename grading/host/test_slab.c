/*
 * test_slab.c: object caches (slab.c) on simulated RAM. Built twice: with
 * -DKDEBUG (the kernel's default: a bad or double free panics) and
 * without it. Where objects lie is computed here from the chapter's
 * description: a slab is one frame, a 32-byte header, then as many
 * objects of the cache's size as fit.
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
#define HEADER 40UL                     /* a slab's header, before its objects */
#define NFRAMES (SIM_RAM_SIZE / PG)

struct three { uint64 a, b, c; };       /* 24 bytes: 169 a slab */
struct odd { char x[13]; };             /* rounded up to 16: 254 */
struct tiny { char x; };                /* rounded up to 8: 508 */
struct half { char x[2024]; };          /* 2 a slab */
struct whole { char x[4056]; };         /* 1 a slab */

static struct kcache c_three = KCACHE_INIT("three", struct three);
static struct kcache c_odd = KCACHE_INIT("odd", struct odd);
static struct kcache c_tiny = KCACHE_INIT("tiny", struct tiny);
static struct kcache c_half = KCACHE_INIT("half", struct half);
static struct kcache c_whole = KCACHE_INIT("whole", struct whole);
static struct kcache *caches[] = { &c_three, &c_odd, &c_tiny, &c_half, &c_whole };

/* How many objects of `size` bytes fit in a slab, computed independently. */
static uint64 per_slab(uint64 size) { return (PG - HEADER) / size; }

static uint8 *slab_of(const void *p) { return (uint8 *)((uintptr_t)p & ~(PG - 1)); }
static uint64 frame_no(const void *p) { return (uint64)(slab_of(p) - sim_ram) / PG; }
static ppn_t ppn_of(const void *p) { return (ppn_t){ SIM_RAM_BASE / PG + frame_no(p) }; }

/* Take frames until only `left` are free; give them back with release(). */
static ppn_t hoard[NFRAMES];
static int nhoard;

static void
leave_free(uint64 left)
{
    while (frame_free_count() > left)
        hoard[nhoard++] = frame_alloc();
    while (frame_free_count() < left && nhoard > 0)
        frame_free(hoard[--nhoard]);
    assert_int_equal(frame_free_count(), left);
}

static void
release(void)
{
    while (nhoard > 0)
        frame_free(hoard[--nhoard]);
}

static uint64 baseline;                 /* free frames right after setup */

static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    frame_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    nhoard = 0;                         /* what a failed test held is gone */
    for (size_t i = 0; i < ARRAY_SIZE(caches); i++) {
        caches[i]->partial = NULL;
        caches[i]->slabs = caches[i]->objects = 0;
    }
    baseline = frame_free_count();
    return 0;
}

/* p is an object of c: in sim_ram, in an allocated frame, at an object's place, zeroed. */
static void
check_fresh(struct kcache *c, void *p)
{
    assert_non_null(p);
    uint8 *b = p;
    assert_true(b >= sim_ram && b + c->size <= sim_ram + SIM_RAM_SIZE);
    assert_int_equal((uintptr_t)p % 8, 0);
    uint64 off = (uint64)(b - slab_of(p));
    if (off < HEADER || (off - HEADER) % c->size != 0
        || (off - HEADER) / c->size >= per_slab(c->size) || off + c->size > PG)
        fail_msg("%s: object at offset %lu of its slab", c->name, (unsigned long)off);
    assert_int_equal(frame_refs(ppn_of(p)), 1);
    for (uint64 i = 0; i < c->size; i++)
        if (b[i] != 0)
            fail_msg("%s: byte %lu of a new object is %#x", c->name, (unsigned long)i, b[i]);
}

/* An object's bytes, all of them, as object `id` fills them. */
static uint8 fill_byte(uint64 id, uint64 i) { return (uint8)(id * 7 + i * 13 + 1); }

static void
fill(struct kcache *c, void *p, uint64 id)
{
    for (uint64 i = 0; i < c->size; i++)
        ((uint8 *)p)[i] = fill_byte(id, i);
}

static void
check_fill(struct kcache *c, const void *p, uint64 id)
{
    for (uint64 i = 0; i < c->size; i++)
        if (((const uint8 *)p)[i] != fill_byte(id, i))
            fail_msg("%s: object %lu was overwritten at byte %lu", c->name,
                     (unsigned long)id, (unsigned long)i);
}

/* ---- sizes --------------------------------------------------------------------- */

static void
test_sizes(void **state)
{
    (void)state;
    static const uint64 sizes[] = { 24, 16, 8, 2024, 4056 };
    static const uint64 per[] = { 169, 253, 507, 2, 1 };   /* (4096 - 40) / size */
    for (size_t i = 0; i < ARRAY_SIZE(caches); i++) {
        assert_int_equal(caches[i]->size, sizes[i]);
        assert_int_equal(kcache_per_slab(caches[i]), per[i]);
        assert_int_equal(per_slab(sizes[i]), per[i]);
        assert_int_equal(caches[i]->slabs, 0);
        assert_int_equal(caches[i]->objects, 0);
    }
}

/* ---- allocation ---------------------------------------------------------------- */

/*
 * 2 slabs and 3 objects of each cache: each object fresh and in its place;
 * a cache fills one slab before it takes the next frame, one frame a slab;
 * all objects distinct and not overlapping (each keeps its own bytes).
 */
static void
test_objects_fill_slabs(void **state)
{
    (void)state;
    static void *objs[2 * 508 + 3];
    uint64 used = 0;                    /* frames the caches hold */
    for (size_t k = 0; k < ARRAY_SIZE(caches); k++) {
        struct kcache *c = caches[k];
        uint64 per = per_slab(c->size), n = 2 * per + 3;
        for (uint64 i = 0; i < n; i++) {
            objs[i] = kcache_alloc(c);
            check_fresh(c, objs[i]);
            fill(c, objs[i], i);
            if (i % per == 0) {         /* a new slab: a frame of its own */
                used++;
                for (uint64 j = 0; j < i; j++)
                    assert_ptr_not_equal(slab_of(objs[j]), slab_of(objs[i]));
            } else {
                assert_ptr_equal(slab_of(objs[i]), slab_of(objs[i - 1]));
            }
            assert_int_equal(frame_free_count(), baseline - used);
            assert_int_equal(c->objects, i + 1);
            assert_int_equal(c->slabs, i / per + 1);
        }
        for (uint64 i = 0; i < n; i++)
            check_fill(c, objs[i], i);
        for (uint64 i = 0; i < n; i++)
            for (uint64 j = i + 1; j < n && j < i + 4; j++)
                assert_true((uint8 *)objs[i] + c->size <= (uint8 *)objs[j]
                            || (uint8 *)objs[j] + c->size <= (uint8 *)objs[i]);
    }
}

/* A freed object comes back zeroed, from the slab that has room, without a frame. */
static void
test_reuse_zeroed(void **state)
{
    (void)state;
    struct kcache *c = &c_three;
    uint64 per = per_slab(c->size);
    static void *objs[2 * 169];
    for (uint64 i = 0; i < 2 * per; i++) {
        objs[i] = kcache_alloc(c);
        memset(objs[i], 0xFF, c->size);
    }
    assert_null(c->partial);                            /* both slabs full */
    uint64 n = frame_free_count();
    kcache_free(c, objs[5]);                            /* room in the first slab */
    assert_int_equal(c->objects, 2 * per - 1);
    assert_int_equal(c->slabs, 2);
    assert_int_equal(frame_free_count(), n);
    void *p = kcache_alloc(c);
    check_fresh(c, p);
    assert_ptr_equal(slab_of(p), slab_of(objs[0]));
    assert_int_equal(frame_free_count(), n);
    assert_int_equal(c->objects, 2 * per);
    /* The others are untouched. */
    for (uint64 i = 0; i < 2 * per; i++)
        if (i != 5)
            for (uint64 b = 0; b < c->size; b++)
                assert_int_equal(((uint8 *)objs[i])[b], 0xFF);
}

/* ---- freeing ------------------------------------------------------------------- */

/*
 * Objects freed in a random order: a slab's frame goes back exactly when
 * its last object does, and only then; in the end every frame is back.
 */
static void
test_free_returns_frames(void **state)
{
    (void)state;
    static void *objs[3 * 508];
    static uint64 live_in[NFRAMES];     /* objects handed out, per frame */
    unsigned long seed = 12;
    for (size_t k = 0; k < ARRAY_SIZE(caches); k++) {
        struct kcache *c = caches[k];
        uint64 n = 3 * per_slab(c->size), slabs = 3;
        memset(live_in, 0, sizeof live_in);
        for (uint64 i = 0; i < n; i++) {
            objs[i] = kcache_alloc(c);
            assert_non_null(objs[i]);
            live_in[frame_no(objs[i])]++;
        }
        assert_int_equal(frame_free_count(), baseline - 3);
        for (uint64 i = n; i > 0; i--) {                /* shuffle */
            uint64 j = sim_rand(&seed) % i;
            void *t = objs[i - 1]; objs[i - 1] = objs[j]; objs[j] = t;
        }
        for (uint64 i = 0; i < n; i++) {
            ppn_t f = ppn_of(objs[i]);
            kcache_free(c, objs[i]);
            if (--live_in[frame_no(objs[i])] == 0) {
                slabs--;
                assert_int_equal(frame_refs(f), 0);
            } else {
                assert_int_equal(frame_refs(f), 1);
            }
            assert_int_equal(c->slabs, slabs);
            assert_int_equal(c->objects, n - i - 1);
            assert_int_equal(frame_free_count(), baseline - slabs);
        }
        assert_null(c->partial);
    }
}

static void
test_free_null_ignored(void **state)
{
    (void)state;
    void *p = kcache_alloc(&c_odd);
    assert_non_null(p);
    kcache_free(&c_odd, NULL);
    assert_int_equal(c_odd.objects, 1);
    assert_int_equal(c_odd.slabs, 1);
    kcache_free(&c_odd, p);
    assert_int_equal(c_odd.objects, 0);
    assert_int_equal(frame_free_count(), baseline);
}

/* ---- no frame left ------------------------------------------------------------- */

static void
test_out_of_frames(void **state)
{
    (void)state;
    struct kcache *c = &c_half;                         /* 2 a slab */
    /* No slab and no frame: NULL, nothing changes. */
    leave_free(0);
    assert_null(kcache_alloc(c));
    assert_int_equal(c->objects, 0);
    assert_int_equal(c->slabs, 0);
    assert_null(c->partial);
    /* One frame: one slab. */
    leave_free(1);
    void *a = kcache_alloc(c);
    check_fresh(c, a);
    assert_int_equal(frame_free_count(), 0);
    /* Its second object needs no frame; the third does, and there is none. */
    void *b = kcache_alloc(c);
    check_fresh(c, b);
    assert_ptr_equal(slab_of(a), slab_of(b));
    fill(c, a, 1);
    fill(c, b, 2);
    assert_null(kcache_alloc(c));
    assert_int_equal(c->objects, 2);
    assert_int_equal(c->slabs, 1);
    assert_null(c->partial);
    assert_int_equal(frame_free_count(), 0);
    check_fill(c, a, 1);
    check_fill(c, b, 2);
    /* A freed object can be had again without a frame. */
    kcache_free(c, b);
    b = kcache_alloc(c);
    check_fresh(c, b);
    assert_int_equal(frame_free_count(), 0);
    kcache_free(c, a);
    kcache_free(c, b);
    assert_int_equal(frame_free_count(), 1);
    release();
    assert_int_equal(frame_free_count(), baseline);
}

/* ---- a random run against a model ------------------------------------------------ */

struct live { struct kcache *c; void *p; uint64 id; };

/*
 * Allocations and frees on three caches at once, some with no frame left:
 * kcache_alloc fails exactly when the cache's slabs are all full and no
 * frame is free; the counts, the frames and every object's bytes agree
 * with the model throughout.
 */
static void
test_random_against_model(void **state)
{
    (void)state;
    static struct live live[600];
    static uint64 in_frame[NFRAMES];
    struct kcache *cs[] = { &c_three, &c_tiny, &c_half };
    uint64 nlive = 0, next_id = 0, refused = 0, starved_ok = 0;
    unsigned long seed = 0x51AB;
    memset(in_frame, 0, sizeof in_frame);
    /* 512 frames are plenty (600 objects of 2 a slab need 300), and
     * cheap to take away for an allocation with none. */
    leave_free(512);
    uint64 pool = frame_free_count();
    for (int op = 0; op < 20000; op++) {
        unsigned long r = sim_rand(&seed);
        struct kcache *c = cs[r % 3];
        int starve = (r >> 8) % 16 == 0;
        if (nlive > 0 && ((r >> 4) % 8 < 3 || nlive == ARRAY_SIZE(live))) {
            uint64 i = (r >> 12) % nlive;
            check_fill(live[i].c, live[i].p, live[i].id);
            kcache_free(live[i].c, live[i].p);
            in_frame[frame_no(live[i].p)]--;
            live[i] = live[--nlive];
        } else {
            uint64 before = frame_free_count();
            int full = c->objects == c->slabs * per_slab(c->size);
            if (starve)
                leave_free(0);
            void *p = kcache_alloc(c);
            if (starve && full) {
                assert_null(p);
                refused++;
            } else {
                starved_ok += starve;
                check_fresh(c, p);
                assert_int_equal(in_frame[frame_no(p)] == 0, full);
                in_frame[frame_no(p)]++;
                fill(c, p, next_id);
                live[nlive++] = (struct live){ c, p, next_id++ };
            }
            if (starve)
                leave_free(before);
            assert_int_equal(frame_free_count(), before - (p != NULL && full));
        }
        uint64 slabs = 0;
        for (size_t k = 0; k < ARRAY_SIZE(cs); k++)
            slabs += cs[k]->slabs;
        assert_int_equal(frame_free_count(), pool - slabs);
        if (op % 1000 == 999) {
            uint64 objects = 0, frames = 0;
            for (uint64 f = 0; f < NFRAMES; f++)
                frames += in_frame[f] > 0;
            for (size_t k = 0; k < ARRAY_SIZE(cs); k++)
                objects += cs[k]->objects;
            assert_int_equal(objects, nlive);
            assert_int_equal(frames, slabs);
            for (uint64 i = 0; i < nlive; i++)
                check_fill(live[i].c, live[i].p, live[i].id);
        }
    }
    assert_true(refused > 10 && starved_ok > 10);       /* both cases were seen */
    while (nlive > 0) {
        nlive--;
        kcache_free(live[nlive].c, live[nlive].p);
    }
    for (size_t k = 0; k < ARRAY_SIZE(cs); k++) {
        assert_int_equal(cs[k]->objects, 0);
        assert_int_equal(cs[k]->slabs, 0);
    }
    assert_int_equal(frame_free_count(), pool);
    release();
    assert_int_equal(frame_free_count(), baseline);
}

/* ---- bad frees (KDEBUG) ------------------------------------------------------------ */

#ifdef KDEBUG
/* c's counts and list as they were: a panic changed nothing. */
static void
check_unchanged(struct kcache *c, struct kcache before, uint64 frames)
{
    assert_int_equal(c->objects, before.objects);
    assert_int_equal(c->slabs, before.slabs);
    assert_ptr_equal(c->partial, before.partial);
    assert_int_equal(frame_free_count(), frames);
}

static void
test_bad_free_panics(void **state)
{
    (void)state;
    struct kcache *c = &c_three;
    uint64 per = per_slab(c->size);
    void *a = kcache_alloc(c), *b = kcache_alloc(c);
    uint8 *slab = slab_of(a);
    struct kcache before = *c;
    uint64 frames = frame_free_count();
    EXPECT_PANIC(kcache_free(c, (uint8 *)a + 8), "not an object");          /* inside one */
    EXPECT_PANIC(kcache_free(c, (uint8 *)b - 1), "not an object");
    EXPECT_PANIC(kcache_free(c, slab), "not an object");                    /* the header */
    EXPECT_PANIC(kcache_free(c, slab + 16), "not an object");
    EXPECT_PANIC(kcache_free(c, slab + HEADER + per * c->size), "not an object");   /* past the last */
    EXPECT_PANIC(kcache_free(&c_odd, b), "not an object");   /* 24 bytes in: not a 16-byte place */
    check_unchanged(c, before, frames);
    /* A frame that is no slab (zeroed by frame_alloc: nothing in use). */
    ppn_t f = frame_alloc();
    uint8 *other = sim_ram + (ppn2pa(f) - SIM_RAM_BASE);
    frames = frame_free_count();
    EXPECT_PANIC(kcache_free(c, other + HEADER), "not an object");
    check_unchanged(c, before, frames);
    frame_free(f);
    /* The cache still works: both objects go, and the slab's frame with them. */
    kcache_free(c, a);
    kcache_free(c, b);
    assert_int_equal(c->objects, 0);
    assert_int_equal(frame_free_count(), baseline);
}

static void
test_double_free_panics(void **state)
{
    (void)state;
    struct kcache *c = &c_three;
    void *a = kcache_alloc(c), *b = kcache_alloc(c), *d = kcache_alloc(c);
    kcache_free(c, b);
    struct kcache before = *c;
    uint64 frames = frame_free_count();
    EXPECT_PANIC(kcache_free(c, b), "freed twice");
    check_unchanged(c, before, frames);
    kcache_free(c, a);
    before = *c;
    EXPECT_PANIC(kcache_free(c, a), "freed twice");
    EXPECT_PANIC(kcache_free(c, b), "freed twice");
    check_unchanged(c, before, frames);
    /* A full slab (no free object) freed twice into: the first free made room. */
    struct kcache *h = &c_half;
    void *x = kcache_alloc(h), *y = kcache_alloc(h);
    assert_null(h->partial);
    kcache_free(h, x);
    before = *h;
    frames = frame_free_count();
    EXPECT_PANIC(kcache_free(h, x), "freed twice");
    check_unchanged(h, before, frames);
    kcache_free(h, y);
    kcache_free(c, d);
    assert_int_equal(frame_free_count(), baseline);
    /* A slab's last object freed twice: the first free gave the frame back. */
    void *z = kcache_alloc(c);
    kcache_free(c, z);
    before = *c;
    frames = frame_free_count();
    EXPECT_PANIC(kcache_free(c, z), "freed twice");
    check_unchanged(c, before, frames);
    assert_int_equal(frame_free_count(), baseline);
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sizes, setup),
        cmocka_unit_test_setup(test_objects_fill_slabs, setup),
        cmocka_unit_test_setup(test_reuse_zeroed, setup),
        cmocka_unit_test_setup(test_free_returns_frames, setup),
        cmocka_unit_test_setup(test_free_null_ignored, setup),
        cmocka_unit_test_setup(test_out_of_frames, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
#ifdef KDEBUG
        cmocka_unit_test_setup(test_bad_free_panics, setup),
        cmocka_unit_test_setup(test_double_free_panics, setup),
#endif
    };
    return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
