/*
 * test_areas.c: an address space's areas (mm.c) against a model, on
 * simulated RAM. Seeded random runs of mm_map, mm_unmap_range, mm_find,
 * mm_range_free and mm_area_from in a window of pages are checked after
 * every operation against an array with one entry a page; a fixed run is
 * replayed with the free frames limited so that each allocation it makes
 * fails in turn. The model knows nothing of trees: what the areas must be
 * follows from the pages alone (an mmap area is a maximal run of mmap
 * pages of one permission; an ELF area is what one mm_map made, less
 * what was unmapped, split where a hole was cut).
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
#include "leak.h"

#define PG 4096UL
#define R PTE_R
#define W PTE_W
#define X PTE_X
#define U PTE_U
#define PERMS (R | W | X | U)
#define W0 (0x10000000UL / PG)          /* the window's first page (2 MiB-aligned) */
#define NP 96                           /* pages in the window: one level-0 table */
#define NFRAMES (SIM_RAM_SIZE / PG)

static const uint64 perms[] = { R | U, R | W | U, R | X | U };

/* ---- the model -------------------------------------------------------------------- */

struct mpage {
    uint64 perm;                        /* 0: not mapped */
    enum area_use use;
    uint64 id;                          /* an ELF page's area */
    uint64 stamp;                       /* written at the start of its frame */
};

static struct mpage model[NP];
static uint64 next_id, next_stamp;

struct want { uint64 start, end, perm; enum area_use use; };

/* Are window pages i and i + 1 in one area? */
static int
same_area(int i)
{
    const struct mpage *a = &model[i], *b = &model[i + 1];
    return a->perm && b->perm && a->perm == b->perm && a->use == b->use
        && (a->use == USE_MMAP || a->id == b->id);
}

/* The areas the model's pages make, in address order. */
static int
wanted_areas(struct want *out)
{
    int n = 0;
    for (int i = 0; i < NP; i++) {
        if (!model[i].perm)
            continue;
        if (i > 0 && same_area(i - 1)) {
            out[n - 1].end++;
            continue;
        }
        out[n++] = (struct want){ W0 + i, W0 + i + 1, model[i].perm, model[i].use };
    }
    return n;
}

/* Is no page of [s, e) (window indexes, maybe outside it) mapped? */
static int
model_free(long s, long e)
{
    for (long i = s; i < e; i++)
        if (i >= 0 && i < NP && model[i].perm)
            return 0;
    return 1;
}

/* ---- the machine ------------------------------------------------------------------ */

static uint64 *ptr_of(uint64 pa) { return (uint64 *)(sim_ram + (pa - SIM_RAM_BASE)); }

/* Take frames until only `left` are free (or give some back); release_to() returns them. */
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

/* Give back the frames hoarded since the hoard held `mark`. */
static void
release_to(int mark)
{
    while (nhoard > mark)
        frame_free(hoard[--nhoard]);
}

/*
 * Area objects taken so that every slab of the cache is full;
 * unfill_slabs() gives them back. (A slab that holds one area of the space and 71 of
 * these stays when they go: the space's areas may come to be spread over
 * as many slabs as there are areas.)
 */
static void *dummies[4096];
static int ndummies;

static void
fill_slabs(void)
{
    while (area_cache.partial != NULL) {
        void *p = kcache_alloc(&area_cache);
        assert_non_null(p);
        assert_true(ndummies < (int)ARRAY_SIZE(dummies));
        dummies[ndummies++] = p;
    }
}

static void
unfill_slabs(void)
{
    while (ndummies > 0)
        kcache_free(&area_cache, dummies[--ndummies]);
}

static uint64 start_free;               /* free frames before mm_new */

static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    frame_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    heap_init(kernel_heap, sizeof kernel_heap);
    area_cache_reset();
    nhoard = ndummies = 0;              /* what a failed test held is gone */
    memset(model, 0, sizeof model);
    next_id = next_stamp = 1;
    return 0;
}

/* The table pages of the tree under pt at level, pt's own included. */
static uint64
table_pages(pagetable_t pt, int level)
{
    uint64 n = 1;
    for (int i = 0; i < 512 && level > 0; i++)
        if ((pt[i] & PTE_V) && !(pt[i] & (R | W | X)))
            n += table_pages((pagetable_t)ptr_of((pt[i] >> 10) << 12), level - 1);
    return n;
}

/* ---- checks ------------------------------------------------------------------------ */

/* The subtree's height, its nodes' heights and AVL balance checked. */
static int
checked_height(struct map_area *t)
{
    if (t == NULL)
        return 0;
    int l = checked_height(t->left), r = checked_height(t->right);
    if (l - r > 1 || r - l > 1)
        fail_msg("area [%#lx, %#lx) out of balance: heights %d and %d",
                 (unsigned long)t->start.n, (unsigned long)t->end.n, l, r);
    int h = 1 + (l > r ? l : r);
    if (t->height != h)
        fail_msg("area [%#lx, %#lx) says height %d, is %d",
                 (unsigned long)t->start.n, (unsigned long)t->end.n, t->height, h);
    return h;
}

static int
in_order(struct map_area *t, struct map_area **out, int n)
{
    if (t == NULL)
        return n;
    n = in_order(t->left, out, n);
    assert_true(n < 4 * NP);
    out[n++] = t;
    return in_order(t->right, out, n);
}

/*
 * The tree: in order, areas strictly increasing and not overlapping, as
 * many as nareas, no two adjacent mmap areas that should have joined,
 * heights right and balanced. Returns the nodes in order.
 */
static int
check_tree(struct mm *mm, struct map_area **nodes)
{
    int n = in_order(mm->areas, nodes, 0);
    assert_int_equal(n, mm->nareas);
    checked_height(mm->areas);
    for (int i = 0; i < n; i++) {
        struct map_area *a = nodes[i];
        assert_true(a->start.n < a->end.n);
        assert_int_equal(a->kind, AREA_FRAMED);
        if (i == 0)
            continue;
        struct map_area *b = nodes[i - 1];
        if (b->end.n > a->start.n)
            fail_msg("areas [%#lx, %#lx) and [%#lx, %#lx) out of order or overlapping",
                     (unsigned long)b->start.n, (unsigned long)b->end.n,
                     (unsigned long)a->start.n, (unsigned long)a->end.n);
        if (b->end.n == a->start.n && a->use == USE_MMAP && b->use == USE_MMAP
            && a->perm == b->perm)
            fail_msg("mmap areas [%#lx, %#lx) and [%#lx, %#lx) not joined",
                     (unsigned long)b->start.n, (unsigned long)b->end.n,
                     (unsigned long)a->start.n, (unsigned long)a->end.n);
    }
    return n;
}

static uint64 heap_base;                /* heap_in_use() with the mm */

/*
 * Everything against the model: the areas, each page's translation,
 * permissions and frame (its stamp), mm_find and mm_area_from for every
 * page around the window, and every frame accounted for (free, hoarded,
 * a table, a mapped page, or a slab of the area cache).
 */
static void
check_all(struct mm *mm)
{
    static struct map_area *nodes[4 * NP];
    static struct want want[NP];
    int n = check_tree(mm, nodes), nw = wanted_areas(want);
    assert_int_equal(area_cache.objects, (uint64)(n + ndummies));
    if (n != nw)
        fail_msg("%d areas, the model makes %d", n, nw);
    static uint64 seen[NFRAMES], gen;
    uint64 nslabs = 0;
    gen++;
    for (int i = 0; i < n; i++) {
        if (nodes[i]->start.n != want[i].start || nodes[i]->end.n != want[i].end
            || nodes[i]->perm != want[i].perm || nodes[i]->use != want[i].use)
            fail_msg("area %d is [%#lx, %#lx) perm %#lx use %d; the model says "
                     "[%#lx, %#lx) perm %#lx use %d", i,
                     (unsigned long)nodes[i]->start.n, (unsigned long)nodes[i]->end.n,
                     (unsigned long)nodes[i]->perm, nodes[i]->use,
                     (unsigned long)want[i].start, (unsigned long)want[i].end,
                     (unsigned long)want[i].perm, want[i].use);
    }
    /* The slabs: as many as the frames that hold the areas (and the dummies). */
    for (int i = 0; i < n + ndummies; i++) {
        uint8 *p = i < n ? (uint8 *)nodes[i] : dummies[i - n];
        assert_true(p >= sim_ram && p < sim_ram + SIM_RAM_SIZE);
        uint64 f = (uint64)(p - sim_ram) / PG;
        if (seen[f] != gen) {
            seen[f] = gen;
            nslabs++;
        }
    }
    assert_int_equal(area_cache.slabs, nslabs);
    uint64 mapped = 0;
    int k = 0;                          /* want[k]: the first area ending above page v */
    for (long i = -2; i < NP + 2; i++) {
        uint64 v = W0 + i, va = v * PG;
        while (k < nw && want[k].end <= v)
            k++;
        struct map_area *from = mm_area_from(mm, v);
        if (k < nw ? from != nodes[k] : from != NULL)
            fail_msg("mm_area_from(%#lx) is wrong", (unsigned long)v);
        struct map_area *f = mm_find(mm, va + (v * 37) % PG);
        int in = i >= 0 && i < NP && model[i].perm;
        if (in ? f != nodes[k] : f != NULL)
            fail_msg("mm_find(page %#lx) is wrong (%s)", (unsigned long)v,
                     in ? "mapped" : "not mapped");
        uint64 pa = translate(mm->pt, va, 0);
        if (!in) {
            if (pa != 0)
                fail_msg("page %#lx is mapped; the model says it is not", (unsigned long)v);
            continue;
        }
        mapped++;
        if (pa == 0)
            fail_msg("page %#lx is not mapped; the model says it is", (unsigned long)v);
        pte_t e = *walk(mm->pt, va, 0);
        if ((e & PERMS) != model[i].perm || !(e & PTE_V))
            fail_msg("page %#lx has flags %#lx; the model says %#lx", (unsigned long)v,
                     (unsigned long)(e & 0x3FF), (unsigned long)model[i].perm);
        if (*ptr_of(pa) != model[i].stamp)
            fail_msg("page %#lx has lost its frame", (unsigned long)v);
        assert_int_equal(frame_refs(pa2ppn(pa)), 1);
    }
    assert_int_equal(frame_free_count() + nhoard + table_pages(mm->pt, 2) + mapped
                     + area_cache.slabs, start_free);
    assert_int_equal(heap_in_use(), heap_base);
}

/* The areas as they are, to compare after a call that must change nothing. */
struct saved { int n; struct map_area *node[4 * NP]; struct map_area copy[4 * NP]; };

static void
save(struct mm *mm, struct saved *s)
{
    s->n = in_order(mm->areas, s->node, 0);
    for (int i = 0; i < s->n; i++)
        s->copy[i] = *s->node[i];
}

static void
check_same(struct mm *mm, const struct saved *s)
{
    static struct map_area *now[4 * NP];
    int n = in_order(mm->areas, now, 0);
    assert_int_equal(n, s->n);
    for (int i = 0; i < n; i++) {
        assert_ptr_equal(now[i], s->node[i]);
        assert_memory_equal(now[i], &s->copy[i], sizeof s->copy[i]);
    }
}

/* ---- operations, each checked against the model --------------------------------------- */

/* Map window pages [s, e), which the model says are free. The mapped area or NULL. */
static struct map_area *
do_map(struct mm *mm, long s, long e, uint64 perm, enum area_use use)
{
    struct saved *before = malloc(sizeof *before);
    assert_non_null(before);
    save(mm, before);
    struct map_area *a = mm_map(mm, (W0 + s) * PG, (W0 + e) * PG, perm, AREA_FRAMED, use);
    if (a == NULL) {                    /* out of memory: nothing changed */
        check_same(mm, before);
        free(before);
        check_all(mm);
        return NULL;
    }
    free(before);
    uint64 id = next_id++;
    for (long i = s; i < e; i++) {
        uint64 pa = translate(mm->pt, (W0 + i) * PG, 0);
        assert_int_not_equal(pa, 0);
        uint64 *p = ptr_of(pa);
        for (uint64 j = 0; j < PG / 8; j++)
            if (p[j] != 0)
                fail_msg("a new page of [%ld, %ld) is not zeroed", s, e);
        model[i] = (struct mpage){ perm, use, id, next_stamp++ };
        *p = model[i].stamp;
    }
    assert_true(a->start.n <= W0 + (uint64)s && W0 + (uint64)e <= a->end.n);
    assert_int_equal(a->perm, perm);
    assert_int_equal(a->use, use);
    check_all(mm);
    return a;
}

/* Unmap window pages [s, e) (maybe reaching outside it) with `use`; what it returned. */
static int
do_unmap(struct mm *mm, long s, long e, enum area_use use)
{
    int ok = 1;
    for (long i = s; i < e; i++)
        ok &= i >= 0 && i < NP && model[i].perm && model[i].use == use;
    struct saved *before = malloc(sizeof *before);
    assert_non_null(before);
    save(mm, before);
    uint64 frames = frame_free_count();
    int r = mm_unmap_range(mm, (W0 + s) * PG, (W0 + e) * PG, use);
    if (r != (ok ? 0 : -1))
        fail_msg("mm_unmap_range([%ld, %ld), use %d) returned %d", s, e, use, r);
    if (!ok) {
        check_same(mm, before);
        assert_int_equal(frame_free_count(), frames);
    } else {                            /* (a hole keeps an ELF area's two parts apart) */
        for (long i = s; i < e; i++)
            model[i] = (struct mpage){ 0 };
        /* Tables that map nothing any more are freed: the window's two
         * (its level-0 table, the low GiB's level-1 table) go with its last page. */
        assert_int_equal(table_pages(mm->pt, 2), model_free(0, NP) ? 3 : 5);
    }
    free(before);
    check_all(mm);
    return r;
}

/* mm_range_free of window pages [s, e) against the model. */
static void
check_range_free(struct mm *mm, long s, long e)
{
    if (mm_range_free(mm, (W0 + s) * PG, (W0 + e) * PG) != model_free(s, e))
        fail_msg("mm_range_free([%ld, %ld)) disagrees with the model", s, e);
}

static struct mm *
new_space(void)
{
    start_free = frame_free_count();
    struct mm *mm = mm_new();
    assert_non_null(mm);
    heap_base = heap_in_use();
    return mm;
}

/*
 * A range to map: from the first free page at or after page r % NP
 * (round the window), at most len pages, all free. 1, or 0 if the window
 * is full.
 */
static int
pick_free(unsigned long r, long len, long *s, long *e)
{
    long i = r % NP, n = 0;
    while (model[i].perm && n++ < NP)
        i = (i + 1) % NP;
    if (model[i].perm)
        return 0;
    for (*s = *e = i; *e < NP && !model[*e].perm && *e - *s < len; )
        ++*e;
    return 1;
}

/*
 * A range to unmap: from the first mapped page at or after page r % NP,
 * at most len pages, all mapped by areas of its use (maybe several), which
 * goes to *use. 1, or 0 if no page is mapped.
 */
static int
pick_mapped(unsigned long r, long len, long *s, long *e, enum area_use *use)
{
    long i = r % NP, n = 0;
    while (!model[i].perm && n++ < NP)
        i = (i + 1) % NP;
    if (!model[i].perm)
        return 0;
    *use = model[i].use;
    for (*s = *e = i; *e < NP && model[*e].perm && model[*e].use == *use && *e - *s < len; )
        ++*e;
    return 1;
}

/* ---- random runs ---------------------------------------------------------------------- */

struct stats { int maps, joined, closed, unmaps, splits, refused, elf; };

static void
random_run(unsigned long seed, int ops, struct stats *st)
{
    struct snap s0 = snap();
    struct mm *mm = new_space();
    check_all(mm);
    for (int op = 0; op < ops; op++) {
        unsigned long r = sim_rand(&seed);
        int what = r % 100;
        long s, e;
        r >>= 8;
        if (what < 45) {                                    /* mm_map */
            uint64 perm = perms[(r >> 20) % 3];
            enum area_use use = (r >> 24) % 10 == 0 ? USE_ELF : USE_MMAP;
            if (!pick_free(r, 1 + (r >> 8) % 8, &s, &e))
                continue;
            check_range_free(mm, s, e);
            uint64 n = mm->nareas;
            struct map_area *a = do_map(mm, s, e, perm, use);
            assert_non_null(a);
            st->maps++;
            st->elf += use == USE_ELF;
            st->joined += a->end.n - a->start.n > (uint64)(e - s);
            st->closed += mm->nareas < n;
            continue;
        }
        if (what < 80) {                                    /* mm_unmap_range */
            enum area_use use = (r >> 24) % 10 == 0 ? USE_ELF : USE_MMAP;
            if (what < 72) {                                /* mapped pages, mostly */
                if (!pick_mapped(r, 1 + (r >> 8) % 10, &s, &e, &use))
                    continue;
                if ((r >> 28) % 16 == 0)                    /* the other use: refused */
                    use = use == USE_MMAP ? USE_ELF : USE_MMAP;
            } else {                                        /* anywhere, round the window */
                s = (long)(r % (NP + 6)) - 3;
                e = s + 1 + (long)((r >> 8) % 12);
            }
            uint64 n = mm->nareas;
            if (do_unmap(mm, s, e, use) == 0) {
                st->unmaps++;
                st->splits += mm->nareas > n;
            } else {
                st->refused++;
            }
            continue;
        }
        s = (long)(r % (NP + 8)) - 4;                       /* mm_range_free */
        e = s + 1 + (long)((r >> 8) % 16);
        check_range_free(mm, s, e);
    }
    mm_free(mm);
    no_leak(s0);
    assert_int_equal(area_cache.slabs, 0);
}

static void
test_random_runs(void **state)
{
    (void)state;
    static const unsigned long seeds[] = { 1, 0xA5EA5, 0xDEADBEEF, 12345, 0x5EED0F12, 7 };
    struct stats st = { 0 };
    for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
        memset(model, 0, sizeof model);
        random_run(seeds[i], 4000, &st);
    }
    /* The runs did what they are for. */
    print_message("areas: %d maps (%d ELF, %d joined a neighbour, %d closed a gap), "
                  "%d unmaps (%d splits), %d refused\n", st.maps, st.elf, st.joined,
                  st.closed, st.unmaps, st.splits, st.refused);
    assert_true(st.maps > 5000 && st.elf > 400 && st.joined > 1500 && st.closed > 200);
    assert_true(st.unmaps > 4000 && st.splits > 300 && st.refused > 1000);
}

/* Many areas, so that the tree grows deep: every other page, then the gaps. */
static void
test_many_areas(void **state)
{
    (void)state;
    struct snap s0 = snap();
    struct mm *mm = new_space();
    for (long i = 0; i < NP; i += 2)                        /* 48 areas, in order */
        assert_non_null(do_map(mm, i, i + 1, perms[i % 3], USE_MMAP));
    assert_int_equal(mm->nareas, NP / 2);
    assert_true(mm->areas->height <= 7);                    /* AVL: <= 1.44 log2(50) */
    for (long i = NP - 1; i > 0; i -= 4)                    /* gaps close, from the top */
        assert_non_null(do_map(mm, i, i + 1, perms[(i - 1) % 3], USE_MMAP));
    for (long i = 1; i < NP; i += 4)                        /* mixed: areas of 2 and 3 */
        assert_non_null(do_map(mm, i, i + 1, perms[i % 3], USE_MMAP));
    /* One unmap over the whole window, holes none: every area goes. */
    assert_int_equal(do_unmap(mm, 0, NP, USE_MMAP), 0);
    assert_null(mm->areas);
    mm_free(mm);
    no_leak(s0);
}

/* ---- out of memory at every allocation ------------------------------------------------ */

struct oom_stats { int maps, failures, unmaps, new_slabs; };

#define OOM_POOL 200                    /* frames for a run: pages <= 96, tables 5, slabs <= 60 */

/*
 * The first `ops` operations of a fixed run. Before each mm_map the free
 * frames are limited to k = 0, 1, 2, ... until it succeeds, so that each
 * allocation it makes (a slab for a new area if the cache's slabs are
 * full, which they are every other time; tables; data frames) fails once;
 * each failure must change nothing and leak nothing. Each mm_unmap_range
 * runs with no free frame (and full slabs every other time) and must not
 * fail. In the end mm_free gives everything back.
 */
static void
oom_run(int ops, struct oom_stats *st)
{
    unsigned long seed = 0x00E0000;
    memset(model, 0, sizeof model);
    struct snap s0 = snap();
    struct mm *mm = new_space();
    leave_free(OOM_POOL);               /* cheap to take away and give back */
    int mark = nhoard;
    for (int op = 0; op < ops; op++) {
        unsigned long r = sim_rand(&seed);
        int full = (r >> 40) & 1;
        long s, e;
        if (r % 100 < 55) {
            if (!pick_free(r >> 8, 1 + (r >> 16) % 6, &s, &e))
                continue;
            uint64 perm = perms[(r >> 24) % 3];
            enum area_use use = (r >> 28) % 8 == 0 ? USE_ELF : USE_MMAP;
            if (full)
                fill_slabs();
            uint64 slabs = area_cache.slabs;
            struct map_area *a = NULL;
            for (uint64 k = 0; a == NULL; k++) {
                assert_true(k < 16);
                leave_free(k);
                a = do_map(mm, s, e, perm, use);
                if (a == NULL)
                    st->failures++;
                else
                    assert_int_not_equal(k, 0);     /* a data frame at least */
            }
            st->maps++;
            st->new_slabs += area_cache.slabs > slabs;
        } else {
            /* Mapped pages of one use; with USE_ELF they are refused. */
            enum area_use use;
            if (!pick_mapped(r >> 8, 1 + (r >> 16) % 8, &s, &e, &use))
                continue;
            if (full)
                fill_slabs();
            leave_free(0);
            if (do_unmap(mm, s, e, USE_MMAP) == 0)
                st->unmaps++;
        }
        release_to(mark);
        unfill_slabs();
        check_all(mm);
    }
    mm_free(mm);
    release_to(0);
    no_leak(s0);
    assert_int_equal(area_cache.slabs, 0);
}

static void
test_out_of_memory_everywhere(void **state)
{
    (void)state;
    static const int stops[] = { 1, 2, 3, 8, 40, 150, 400 };
    for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
        struct oom_stats st = { 0 };
        oom_run(stops[i], &st);
        if (stops[i] == 400) {
            print_message("areas oom: %d maps (%d with a new slab), %d failures, %d unmaps\n",
                          st.maps, st.new_slabs, st.failures, st.unmaps);
            assert_true(st.maps > 150 && st.unmaps > 40 && st.new_slabs > 20);
            assert_true(st.failures > st.maps);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_random_runs, setup),
        cmocka_unit_test_setup(test_many_areas, setup),
        cmocka_unit_test_setup(test_out_of_memory_everywhere, setup),
    };
    return cmocka_run_group_tests_name("areas", tests, NULL, NULL);
}
