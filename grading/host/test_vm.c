/*
 * test_vm.c: Sv39 page tables (vm.c), address spaces (mm.c) and the user
 * copies, on simulated RAM: frame.c gives frames of sim_ram, the kernel
 * heap is the kernel's own kernel_heap.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "types.h"
#include "vm.h"
#include "leak.h"

#define PG 4096UL
#define V PTE_V
#define R PTE_R
#define W PTE_W
#define X PTE_X
#define U PTE_U
#define AD (PTE_A | PTE_D)
#define AREA 0x10000000UL

/* ---- helpers ------------------------------------------------------------------ */

static uint64 pa_of(const void *p) { return (uint64)((const uint8 *)p - sim_ram) + SIM_RAM_BASE; }
static void *ptr_of(uint64 pa) { return sim_ram + (pa - SIM_RAM_BASE); }

/* A PTE as the privileged spec lays it out, computed here independently. */
static uint64 leaf(uint64 pa, uint64 perm) { return (pa >> 12) << 10 | perm | V | AD; }

static uint64 idx(uint64 va, int level) { return (va >> (12 + 9 * level)) & 511; }


static pagetable_t
new_root(void)
{
    ppn_t p = frame_alloc();
    assert_int_not_equal(p.n, 0);
    return ptr_of(ppn2pa(p));
}

static uint64
new_frame(void)
{
    ppn_t p = frame_alloc();
    assert_int_not_equal(p.n, 0);
    return ppn2pa(p);
}

/* Take frames until only `left` are free; give them back with release(). */
static ppn_t hoard[SIM_RAM_SIZE / PG];
static int nhoard;

static void
leave_free(uint64 left)
{
    while (frame_free_count() > left)
        hoard[nhoard++] = frame_alloc();
    assert_int_equal(frame_free_count(), left);
}

static void
release(void)
{
    while (nhoard > 0)
        frame_free(hoard[--nhoard]);
}

/* Fill the heap with small blocks until kmalloc fails; unfill() frees them. */
static void *heap_hoard[8192];
static int nheap;

static void
fill_heap(void)
{
    void *p;
    while ((p = kmalloc(32)) != NULL) {
        assert_true(nheap < (int)ARRAY_SIZE(heap_hoard));
        heap_hoard[nheap++] = p;
    }
}

static void
unfill_heap(void)
{
    while (nheap > 0)
        kfree(heap_hoard[--nheap]);
}

static uint64
block_size(uint64 n)
{
    uint64 r = 32;
    while (r < n)
        r *= 2;
    return r;
}

/* Take area objects until every slab of the cache is full; unfill_areas() frees them. */
static void *area_hoard[1024];
static int nareas_hoarded;

static void
fill_areas(void)
{
    do {
        void *p = kcache_alloc(&area_cache);
        assert_non_null(p);
        assert_true(nareas_hoarded < (int)ARRAY_SIZE(area_hoard));
        area_hoard[nareas_hoarded++] = p;
    } while (area_cache.partial != NULL);
}

static void
unfill_areas(void)
{
    while (nareas_hoarded > 0)
        kcache_free(&area_cache, area_hoard[--nareas_hoarded]);
}

static uint64 baseline;             /* free frames right after setup */

static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    frame_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    heap_init(kernel_heap, sizeof kernel_heap);
    area_cache_reset();
    nhoard = nheap = nareas_hoarded = 0;    /* what a failed test held is gone */
    baseline = frame_free_count();
    assert_int_equal(baseline, SIM_RAM_SIZE / PG - 4);
    return 0;
}

/* The raw entry at `level` on the way to va (NULL if a table is missing). */
static pte_t *
entry_at(pagetable_t pt, uint64 va, int level)
{
    for (int l = 2; l > level; l--) {
        pte_t e = pt[idx(va, l)];
        if (!(e & V))
            return NULL;
        pt = ptr_of((e >> 10) << 12);
    }
    return &pt[idx(va, level)];
}

/* ---- walk ------------------------------------------------------------------------ */

static void
test_walk_without_alloc(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 n = frame_free_count();
    static const uint64 vas[] = { 0, 0x1000, AREA, 0x3FFFFFF000UL, TRAMPOLINE,
                                  0xFFFFFFC000000000UL };
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        assert_null(walk(pt, vas[i], 0));
    assert_int_equal(frame_free_count(), n);
    for (int i = 0; i < 512; i++)
        assert_int_equal(pt[i], 0);
    /* With the tables there but no leaf: the (invalid) entry itself. */
    pte_t *e = walk(pt, AREA, 1);
    assert_non_null(e);
    assert_ptr_equal(walk(pt, AREA + 5 * PG, 0), e + 5);
    assert_int_equal(e[5], 0);
    assert_null(walk(pt, AREA + 512 * PG, 0));          /* next level-0 table: missing */
}

static void
test_walk_with_alloc(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 n = frame_free_count();
    uint64 va = 0x12345000UL;
    pte_t *e = walk(pt, va, 1);
    assert_non_null(e);
    assert_int_equal(frame_free_count(), n - 2);        /* a level-1 and a level-0 table */
    /* The tree leads to it: root -> level 1 -> level 0, entries V only. */
    pte_t r = pt[idx(va, 2)];
    assert_int_equal(r & PTE_FLAGS, V);
    pagetable_t l1 = ptr_of((r >> 10) << 12);
    pte_t m = l1[idx(va, 1)];
    assert_int_equal(m & PTE_FLAGS, V);
    pagetable_t l0 = ptr_of((m >> 10) << 12);
    assert_ptr_equal(e, &l0[idx(va, 0)]);
    assert_int_equal(*e, 0);
    for (int i = 0; i < 512; i++) {             /* fresh tables are all invalid */
        assert_true(i == (int)idx(va, 1) || l1[i] == 0);
        assert_int_equal(l0[i], 0);
    }
    /* The same va again, with or without alloc: the same entry, no frames. */
    assert_ptr_equal(walk(pt, va, 1), e);
    assert_ptr_equal(walk(pt, va + 0xFFF, 0), e);
    assert_int_equal(frame_free_count(), n - 2);
    /* Same 2 MiB: same table. Same 1 GiB: one new table. Another GiB: two. */
    assert_ptr_equal(walk(pt, (va & ~0x1FFFFFUL) + 0x1FF000, 1), &l0[511]);
    assert_int_equal(frame_free_count(), n - 2);
    assert_non_null(walk(pt, va + 0x200000, 1));
    assert_int_equal(frame_free_count(), n - 3);
    assert_non_null(walk(pt, va + 0x40000000, 1));
    assert_int_equal(frame_free_count(), n - 5);
    assert_int_equal(pt[idx(va, 2) + 1] & PTE_FLAGS, V);
}

static void
test_walk_out_of_frames(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    leave_free(0);
    assert_null(walk(pt, AREA, 1));
    assert_int_equal(pt[idx(AREA, 2)], 0);
    release();
    leave_free(1);
    assert_null(walk(pt, AREA, 1));                     /* level 1 made, level 0 not */
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(pt[idx(AREA, 2)] & PTE_FLAGS, V);  /* the new table stays */
    release();
    leave_free(1);
    pte_t *e = walk(pt, AREA, 1);                       /* now only level 0 is needed */
    assert_non_null(e);
    assert_int_equal(frame_free_count(), 0);
    assert_ptr_equal(walk(pt, AREA, 0), e);
    release();
}

static void
test_walk_bad_address_panics(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    EXPECT_PANIC(walk(pt, 0x4000000000UL, 0), "non-canonical");
    EXPECT_PANIC(walk(pt, 0x8000000000000000UL, 1), "non-canonical");
    EXPECT_PANIC(walk(pt, 0xFFFFFFBFFFFFF000UL, 1), "non-canonical");
    /* A huge-page leaf on the way (this kernel makes none). */
    pt[3] = leaf(0x80000000UL, R | W);
    EXPECT_PANIC(walk(pt, 3UL << 30, 0), "huge page");
    pte_t *e = walk(pt, 0, 1);
    assert_non_null(e);
    entry_at(pt, 0, 1)[1] = leaf(0x80200000UL, R);
    EXPECT_PANIC(walk(pt, 1UL << 21, 1), "huge page");
    pt[3] = 0;
}

/* ---- map_pages and translate -------------------------------------------------- */

static void
test_map_translate_permissions(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 va = AREA;
    for (uint64 perm = 0; perm < 16; perm++) {
        uint64 p = (perm & 1 ? R : 0) | (perm & 2 ? W : 0) | (perm & 4 ? X : 0)
                 | (perm & 8 ? U : 0);
        if (!(p & (R | W | X)))
            continue;
        uint64 pa = new_frame();
        assert_int_equal(map_pages(pt, va, pa, 1, p), 0);
        pte_t *e = walk(pt, va, 0);
        assert_non_null(e);
        assert_int_equal(*e, leaf(pa, p));
        for (uint64 need = 0; need < 16; need++) {
            uint64 n = (need & 1 ? R : 0) | (need & 2 ? W : 0) | (need & 4 ? X : 0)
                     | (need & 8 ? U : 0);
            uint64 want = (n & ~p) == 0 ? pa + 0x123 : 0;
            if (translate(pt, va + 0x123, n) != want)
                fail_msg("perm %#lx need %#lx: translate gave %#lx, want %#lx",
                         (unsigned long)p, (unsigned long)n,
                         (unsigned long)translate(pt, va + 0x123, n), (unsigned long)want);
        }
        assert_int_equal(translate(pt, va + PG, 0), 0);         /* the next page: not mapped */
        va += 2 * PG;
    }
    assert_int_equal(translate(pt, 0, 0), 0);
    assert_int_equal(translate(pt, AREA - PG, R), 0);
}

static void
test_map_many_pages(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = SIM_RAM_BASE + 0x100000;      /* any page-aligned pa; not used as memory */
    uint64 va = 0x3FFFF0000UL;                /* crosses a 2 MiB and a 1 GiB boundary */
    uint64 n = frame_free_count();
    assert_int_equal(map_pages(pt, va, pa, 32, R | W | U), 0);
    assert_int_equal(frame_free_count(), n - 4);  /* 2 level-1 + 2 level-0 tables */
    for (uint64 i = 0; i < 32; i++) {
        assert_int_equal(translate(pt, va + i * PG + i, R | W | U), pa + i * PG + i);
        assert_int_equal(*walk(pt, va + i * PG, 0), leaf(pa + i * PG, R | W | U));
    }
    assert_int_equal(translate(pt, va - 1, 0), 0);
    assert_int_equal(translate(pt, va + 32 * PG, 0), 0);
    assert_int_equal(map_pages(pt, va + 32 * PG, pa, 0, R), 0);     /* zero pages */
    assert_int_equal(translate(pt, va + 32 * PG, 0), 0);
    /* Global pages. */
    assert_int_equal(map_pages(pt, AREA, pa, 1, R | PTE_G), 0);
    assert_int_equal(*walk(pt, AREA, 0), leaf(pa, R | PTE_G));
}

static void
test_map_bad_arguments_panic(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    EXPECT_PANIC(map_pages(pt, AREA, pa, 1, 0), "no R, W or X");
    EXPECT_PANIC(map_pages(pt, AREA, pa, 1, U), "no R, W or X");
    EXPECT_PANIC(map_pages(pt, AREA, pa, 1, U | PTE_G), "no R, W or X");
    EXPECT_PANIC(map_pages(pt, AREA + 8, pa, 1, R), "unaligned");
    EXPECT_PANIC(map_pages(pt, AREA, pa + 0x800, 1, R), "unaligned");
    assert_int_equal(translate(pt, AREA, 0), 0);
}

static void
test_remap_panics(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = new_frame(), pb = new_frame();
    assert_int_equal(map_pages(pt, AREA + PG, pa, 1, R), 0);
    EXPECT_PANIC(map_pages(pt, AREA + PG, pb, 1, R | W), "remap");
    EXPECT_PANIC(map_pages(pt, AREA, pb, 3, R), "remap");           /* its second page */
    assert_int_equal(translate(pt, AREA + PG, 0), pa);              /* still the old frame */
}

/* ---- unmap_pages ------------------------------------------------------------ */

static void
test_unmap_returns_frames(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa[5];
    for (int i = 0; i < 5; i++) {
        pa[i] = new_frame();
        assert_int_equal(map_pages(pt, AREA + i * PG, pa[i], 1, R | W), 0);
    }
    uint64 n = frame_free_count();
    /* Without free_frames: the frames stay allocated. */
    unmap_pages(pt, AREA, 2, 0);
    assert_int_equal(frame_free_count(), n);
    assert_int_equal(frame_refs(pa2ppn(pa[0])), 1);
    assert_int_equal(translate(pt, AREA, 0), 0);
    assert_int_equal(translate(pt, AREA + PG, 0), 0);
    assert_int_equal(*walk(pt, AREA, 0), 0);
    /* With free_frames: each frame loses a reference. */
    frame_get(pa2ppn(pa[3]));                   /* shared: survives the unmap */
    unmap_pages(pt, AREA + 2 * PG, 3, 1);
    assert_int_equal(frame_free_count(), n + 2);
    assert_int_equal(frame_refs(pa2ppn(pa[2])), 0);
    assert_int_equal(frame_refs(pa2ppn(pa[3])), 1);
    assert_int_equal(frame_refs(pa2ppn(pa[4])), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(translate(pt, AREA + i * PG, 0), 0);
    /* Table pages are kept: the level-0 table is still there. */
    assert_non_null(walk(pt, AREA, 0));
    /* The page can be mapped again. */
    assert_int_equal(map_pages(pt, AREA, pa[0], 1, R), 0);
    assert_int_equal(translate(pt, AREA, R), pa[0]);
}

static void
test_unmap_unmapped_panics(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    EXPECT_PANIC(unmap_pages(pt, AREA, 1, 0), "not mapped");           /* no table */
    assert_int_equal(map_pages(pt, AREA, pa, 1, R), 0);
    EXPECT_PANIC(unmap_pages(pt, AREA + PG, 1, 1), "not mapped");      /* table, no leaf */
    EXPECT_PANIC(unmap_pages(pt, AREA - PG, 2, 0), "not mapped");      /* first page unmapped */
    assert_int_equal(translate(pt, AREA, 0), pa);
    assert_int_equal(frame_refs(pa2ppn(pa)), 1);
}

/*
 * map_pages when a table page cannot be allocated half way: -1, and nothing
 * stays mapped. The frames given to map are not touched; the table pages
 * made before the failure stay in the tree (unmap_pages keeps tables).
 */
static void
test_map_rollback(void **state)
{
    (void)state;
    uint64 va = 0x1FE000UL;                   /* pages 0,1 in one level-0 table, 2,3 in the next */
    for (uint64 left = 0; left <= 3; left++) {
        pagetable_t pt = new_root();
        uint64 pa[4];
        for (int i = 0; i < 4; i++)
            pa[i] = new_frame();
        leave_free(left);
        int r = map_pages(pt, va, pa[0], 4, R | W);
        if (left < 3) {
            assert_int_equal(r, -1);
            for (int i = 0; i < 4; i++)
                assert_int_equal(translate(pt, va + i * PG, 0), 0);
            /* Made before the failure: the level-1 table (left >= 1) and the
             * first level-0 table (left >= 2); all the free frames went to them. */
            assert_int_equal(frame_free_count(), 0);
            assert_int_equal(pt[0] != 0, left >= 1);
            if (left >= 1)
                assert_int_equal(((pagetable_t)ptr_of((pt[0] >> 10) << 12))[0] != 0, left >= 2);
        } else {
            assert_int_equal(r, 0);
            for (int i = 0; i < 4; i++)
                assert_int_equal(translate(pt, va + i * PG, R | W), pa[0] + i * PG);
            assert_int_equal(frame_free_count(), 0);
        }
        for (int i = 0; i < 4; i++)
            assert_int_equal(frame_refs(pa2ppn(pa[i])), 1);
        release();
    }
    /* The rollback really unmapped: the same call succeeds once frames are back. */
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    leave_free(2);
    assert_int_equal(map_pages(pt, va, pa, 4, R), -1);
    release();
    assert_int_equal(map_pages(pt, va, pa, 4, R), 0);
}

/* ---- translate -------------------------------------------------------------- */

static void
test_translate_noncanonical(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    assert_int_equal(map_pages(pt, 0x3FFFFFF000UL, pa, 1, R | W | X | U), 0);
    assert_int_equal(map_pages(pt, 0xFFFFFFC000000000UL, pa, 1, R), 0);
    static const uint64 bad[] = {
        0x4000000000UL, 0x4000000000UL + 0x3FFFFFF000UL, 0x8000000000UL,
        0x8000000000000000UL, 0xFFFFFFBFFFFFF000UL, 0x7FFFFFFFFFFFF000UL,
        0x0000FFFFFFFFF000UL, 0xFFFFFF8000000000UL, 0xFFFFFFC000000000UL ^ (1UL << 45),
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        assert_int_equal(translate(pt, bad[i], 0), 0);
    assert_int_equal(translate(pt, 0x3FFFFFFFFFUL, 0), pa + 0xFFF);
    assert_int_equal(translate(pt, 0xFFFFFFC000000010UL, R), pa + 0x10);
}

static void
test_high_addresses(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 tramp = new_frame(), ctx = new_frame();
    assert_int_equal(map_pages(pt, TRAMPOLINE, tramp, 1, R | X), 0);
    assert_int_equal(map_pages(pt, TRAP_CONTEXT, ctx, 1, R | W), 0);
    assert_int_equal(translate(pt, TRAMPOLINE, R | X), tramp);
    assert_int_equal(translate(pt, 0xFFFFFFFFFFFFFFFFUL, R), tramp + 0xFFF);
    assert_int_equal(translate(pt, TRAP_CONTEXT + 8, R | W), ctx + 8);
    assert_int_equal(translate(pt, TRAMPOLINE, U), 0);
    /* Both in the last entries of each level. */
    assert_int_equal(pt[511] & PTE_FLAGS, V);
    for (int i = 0; i < 511; i++)
        assert_int_equal(pt[i], 0);
    assert_ptr_equal(entry_at(pt, TRAMPOLINE, 0), walk(pt, TRAMPOLINE, 0));
    assert_int_equal(*entry_at(pt, TRAMPOLINE, 0), leaf(tramp, R | X));
    assert_int_equal(*(entry_at(pt, TRAMPOLINE, 0) - 1), leaf(ctx, R | W));
    assert_int_equal(*entry_at(pt, TRAMPOLINE, 1) & PTE_FLAGS, V);
    unmap_pages(pt, TRAP_CONTEXT, 2, 1);
    assert_int_equal(translate(pt, TRAMPOLINE, 0), 0);
    assert_int_equal(frame_refs(pa2ppn(tramp)), 0);
}

/* ---- pagetable_free --------------------------------------------------------- */

static void
test_pagetable_free(void **state)
{
    (void)state;
    uint64 n = frame_free_count();
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    static const uint64 vas[] = { 0x1000, 0x200000, 0x40000000, AREA, 0x3FFFFFF000UL,
                                  0xFFFFFFC000000000UL, TRAP_CONTEXT, TRAMPOLINE };
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        assert_int_equal(map_pages(pt, vas[i], pa, 1, R), 0);
    assert_true(frame_free_count() < n - 10);
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        unmap_pages(pt, vas[i], 1, 0);
    frame_free(pa2ppn(pa));
    pagetable_free(pt);
    assert_int_equal(frame_free_count(), n);
    /* An empty root alone. */
    pt = new_root();
    pagetable_free(pt);
    assert_int_equal(frame_free_count(), n);
}

static void
test_pagetable_free_mapped_panics(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 pa = new_frame();
    assert_int_equal(map_pages(pt, AREA, pa, 1, R), 0);
    EXPECT_PANIC(pagetable_free(pt), "still mapped");
    pagetable_t pt2 = new_root();
    assert_int_equal(map_pages(pt2, TRAMPOLINE, pa, 1, R | X), 0);
    EXPECT_PANIC(pagetable_free(pt2), "still mapped");
    pagetable_t pt3 = new_root();
    pt3[7] = leaf(0x80000000UL, R);             /* a huge leaf in the root */
    EXPECT_PANIC(pagetable_free(pt3), "still mapped");
}

/* ---- pagetable_dump --------------------------------------------------------- */

/* Run pagetable_dump with stdout going to a temporary file; return its text. */
static char *
capture_dump(pagetable_t pt, const char *name)
{
    fflush(stdout);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 1) >= 0);
    pagetable_dump(pt, name);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    long len = ftell(tmp);
    if (len <= 0) {                         /* position of fd 1 is shared */
        fseek(tmp, 0, SEEK_END);
        len = ftell(tmp);
    }
    assert_true(len > 0);
    char *text = calloc(1, len + 1);
    rewind(tmp);
    assert_int_equal(fread(text, 1, len, tmp), (size_t)len);
    fclose(tmp);
    return text;
}

static char expected[4096];

static void __attribute__((format(printf, 1, 2)))
expect_line(const char *fmt, ...)
{
    size_t n = strlen(expected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(expected + n, sizeof expected - n, fmt, ap);
    va_end(ap);
}

/* A table entry's line: its raw value as stored, flags "V-------". */
static void
expect_table(pagetable_t table, int level, int i, const char *va)
{
    pte_t e = table[i];
    assert_int_equal(e & PTE_FLAGS, V);
    expect_line("[ptdump] %d %d %s 0x%016lx 0x%016lx V-------\n", level, i, va,
                (unsigned long)e, (unsigned long)((e >> 10) << 12));
}

static pagetable_t
child(pagetable_t table, int i)
{
    return ptr_of((table[i] >> 10) << 12);
}

static void
test_pagetable_dump_format(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    uint64 p[6];
    for (int i = 0; i < 6; i++)
        p[i] = new_frame();
    assert_int_equal(map_pages(pt, 0x2000, p[1], 1, R | W | U), 0);
    assert_int_equal(map_pages(pt, 0x1000, p[0], 1, R | X | U), 0);
    assert_int_equal(map_pages(pt, TRAMPOLINE, p[3], 1, R | X), 0);
    assert_int_equal(map_pages(pt, 0x40000000, p[2], 1, R), 0);
    assert_int_equal(map_pages(pt, TRAP_CONTEXT, p[4], 1, R | W), 0);
    assert_int_equal(map_pages(pt, 0xFFFFFFC000000000UL, p[5], 1, R | W | X | U | PTE_G), 0);

    expected[0] = '\0';
    expect_line("[ptdump] begin test root 0x%016lx\n", (unsigned long)pa_of(pt));
    expect_table(pt, 2, 0, "0x0000000000000000");
    expect_table(child(pt, 0), 1, 0, "0x0000000000000000");
    expect_line("[ptdump] 0 1 0x0000000000001000 0x%016lx 0x%016lx VR-XU-AD\n",
                (unsigned long)leaf(p[0], R | X | U), (unsigned long)p[0]);
    expect_line("[ptdump] 0 2 0x0000000000002000 0x%016lx 0x%016lx VRW-U-AD\n",
                (unsigned long)leaf(p[1], R | W | U), (unsigned long)p[1]);
    expect_table(pt, 2, 1, "0x0000000040000000");
    expect_table(child(pt, 1), 1, 0, "0x0000000040000000");
    expect_line("[ptdump] 0 0 0x0000000040000000 0x%016lx 0x%016lx VR----AD\n",
                (unsigned long)leaf(p[2], R), (unsigned long)p[2]);
    expect_table(pt, 2, 256, "0xffffffc000000000");
    expect_table(child(pt, 256), 1, 0, "0xffffffc000000000");
    expect_line("[ptdump] 0 0 0xffffffc000000000 0x%016lx 0x%016lx VRWXUGAD\n",
                (unsigned long)leaf(p[5], R | W | X | U | PTE_G), (unsigned long)p[5]);
    expect_table(pt, 2, 511, "0xffffffffc0000000");
    expect_table(child(pt, 511), 1, 511, "0xffffffffffe00000");
    expect_line("[ptdump] 0 510 0xffffffffffffe000 0x%016lx 0x%016lx VRW---AD\n",
                (unsigned long)leaf(p[4], R | W), (unsigned long)p[4]);
    expect_line("[ptdump] 0 511 0xfffffffffffff000 0x%016lx 0x%016lx VR-X--AD\n",
                (unsigned long)leaf(p[3], R | X), (unsigned long)p[3]);
    expect_line("[ptdump] end test 14\n");

    char *got = capture_dump(pt, "test");
    if (strcmp(got, expected) != 0)
        fail_msg("pagetable_dump printed:\n%s\nexpected:\n%s", got, expected);
    free(got);
}

static void
test_pagetable_dump_empty(void **state)
{
    (void)state;
    pagetable_t pt = new_root();
    char *got = capture_dump(pt, "empty space");
    snprintf(expected, sizeof expected,
             "[ptdump] begin empty space root 0x%016lx\n[ptdump] end empty space 0\n",
             (unsigned long)pa_of(pt));
    assert_string_equal(got, expected);
    free(got);
}

/* ---- mm: address spaces ---------------------------------------------------- */

/* The nodes of the subtree t, checked to be a binary search tree by address. */
static uint64
tree_size(struct map_area *t)
{
    if (t == NULL)
        return 0;
    if (t->left)
        assert_true(t->left->end.n <= t->start.n);
    if (t->right)
        assert_true(t->end.n <= t->right->start.n);
    return 1 + tree_size(t->left) + tree_size(t->right);
}

/*
 * The areas in address order, walked through mm_area_from (which passes
 * over an empty area that starts where the area before it ends: it ends
 * at no page above that); mm->nareas must be the tree's node count.
 */
static int
count_areas(struct mm *mm)
{
    int n = 0;
    uint64 last = 0;
    for (struct map_area *a = mm_area_from(mm, 0); a; a = mm_area_from(mm, a->end.n)) {
        if (n > (int)mm->nareas)
            fail_msg("mm_area_from walks more than the %d areas", (int)mm->nareas);
        assert_true(a->start.n >= last && a->start.n <= a->end.n);
        last = a->end.n;
        n++;
    }
    assert_int_equal(tree_size(mm->areas), mm->nareas);
    return n;
}

/* The area starting at va (and holding a page), or NULL. */
static struct map_area *
area_at(struct mm *mm, uint64 va)
{
    struct map_area *a = mm_area_from(mm, va / PG);
    return a && a->start.n == va / PG ? a : NULL;
}

static void
assert_area(struct mm *mm, uint64 start, uint64 end, uint64 perm, enum area_use use)
{
    struct map_area *a = area_at(mm, start);
    if (a == NULL)
        fail_msg("no area starts at %#lx", (unsigned long)start);
    assert_int_equal(a->end.n, end / PG);
    assert_int_equal(a->perm, perm);
    assert_int_equal(a->use, use);
    for (uint64 va = start; va < end; va += PG)
        assert_int_not_equal(translate(mm->pt, va, perm), 0);
}

static void
test_mm_new_free(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    assert_non_null(mm);
    assert_int_equal(frame_free_count(), s.frames - 3);     /* root + 2 tables */
    assert_int_equal(heap_in_use(), s.heap + block_size(sizeof(struct mm)));
    assert_null(mm->areas);
    assert_int_equal(mm->nareas, 0);
    assert_int_equal(mm->brk, 0);
    uint64 tpa = (uint64)((uint8 *)strampoline - sim_ram) + SIM_RAM_BASE;
    assert_int_equal(tpa % PG, 0);
    assert_int_equal(translate(mm->pt, TRAMPOLINE, R | X), tpa);
    assert_int_equal(*walk(mm->pt, TRAMPOLINE, 0), leaf(tpa, R | X));   /* no U, no W */
    assert_int_equal(mm_satp(mm), (8UL << 60) | (pa_of(mm->pt) >> 12));
    mm_free(mm);
    no_leak(s);
    /* Many at once, freed in another order. */
    struct mm *mms[20];
    for (int i = 0; i < 20; i++)
        assert_non_null(mms[i] = mm_new());
    for (int i = 0; i < 20; i += 2)
        mm_free(mms[i]);
    for (int i = 1; i < 20; i += 2)
        mm_free(mms[i]);
    no_leak(s);
}

static void
test_mm_new_out_of_memory(void **state)
{
    (void)state;
    for (uint64 left = 0; left < 3; left++) {
        leave_free(left);
        struct snap s = snap();
        assert_null(mm_new());
        no_leak(s);
        release();
    }
    leave_free(3);
    struct mm *mm = mm_new();
    assert_non_null(mm);
    mm_free(mm);
    assert_int_equal(frame_free_count(), 3);
    release();
    fill_heap();
    struct snap s = snap();
    assert_null(mm_new());
    no_leak(s);
    unfill_heap();
}

static void
test_mm_map_and_free(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    struct snap s1 = snap();
    struct map_area *a = mm_map(mm, AREA, AREA + 5 * PG, R | W | U, AREA_FRAMED, USE_MMAP);
    assert_non_null(a);
    assert_ptr_equal(mm->areas, a);
    assert_int_equal(a->start.n, AREA / PG);
    assert_int_equal(a->end.n, AREA / PG + 5);
    assert_int_equal(a->kind, AREA_FRAMED);
    /* 5 frames, 2 tables, and the area cache's first slab; no heap. */
    assert_int_equal(frame_free_count(), s1.frames - 5 - 2 - 1);
    assert_int_equal(area_cache.slabs, s1.slabs + 1);
    assert_int_equal(area_cache.objects, s1.areas + 1);
    assert_int_equal(heap_in_use(), s1.heap);
    assert_int_equal(mm->nareas, 1);
    uint64 pas[5];
    for (int i = 0; i < 5; i++) {
        uint64 va = AREA + i * PG;
        pas[i] = translate(mm->pt, va, R | W | U);
        assert_int_not_equal(pas[i], 0);
        assert_int_equal(*walk(mm->pt, va, 0), leaf(pas[i], R | W | U));
        assert_int_equal(frame_refs(pa2ppn(pas[i])), 1);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(pas[i], pas[j]);
        uint8 *page = ptr_of(pas[i]);
        for (uint64 k = 0; k < PG; k++)
            assert_int_equal(page[k], 0);
    }
    /* An identity area: pa == va, frames not owned. */
    uint64 id = SIM_RAM_BASE + 0x400000;
    uint64 idframe_refs = frame_refs(pa2ppn(id));
    assert_non_null(mm_map(mm, id, id + 3 * PG, R | X, AREA_IDENTITY, USE_KERNEL));
    for (int i = 0; i < 3; i++)
        assert_int_equal(translate(mm->pt, id + i * PG, R | X), id + i * PG);
    /* Executable, read-only, stack-like areas. */
    assert_non_null(mm_map(mm, 0x10000, 0x12000, R | X | U, AREA_FRAMED, USE_ELF));
    assert_non_null(mm_map(mm, 0x20000, 0x21000, R | W | U, AREA_FRAMED, USE_HEAP));
    assert_non_null(mm_map(mm, TRAP_CONTEXT, TRAP_CONTEXT + PG, R | W, AREA_FRAMED,
                           USE_TRAP_CONTEXT));
    assert_int_equal(count_areas(mm), 5);
    assert_int_equal(mm->nareas, 5);
    assert_int_equal(area_cache.objects, s1.areas + 5);
    assert_int_equal(area_cache.slabs, s1.slabs + 1);       /* all in the one slab */
    mm_free(mm);
    no_leak(s);
    assert_int_equal(frame_refs(pa2ppn(id)), idframe_refs);
    for (int i = 0; i < 5; i++)
        assert_int_equal(frame_refs(pa2ppn(pas[i])), 0);
}

/*
 * mm_map when memory runs out: NULL, nothing mapped, every data frame and
 * the area object given back (and a slab's frame, if its slab was new).
 * Table pages made on the way stay in the tree (they go with
 * pagetable_free at mm_free). Areas no longer come from the heap.
 */
static void
test_mm_map_out_of_memory(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    assert_non_null(mm_map(mm, 0x10000, 0x11000, R | U, AREA_FRAMED, USE_ELF));
    struct map_area *first = mm->areas;
    /* A data frame is missing (the 5th): 4 frames and a level-0 table were
     * taken (the level-1 table of the low GiB exists already); the area
     * object came from the first area's slab, and goes back to it. */
    leave_free(5);
    struct snap s1 = snap();
    assert_null(mm_map(mm, AREA, AREA + 10 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    assert_int_equal(frame_free_count(), 5 - 1);
    assert_int_equal(heap_in_use(), s1.heap);
    assert_int_equal(area_cache.objects, s1.areas);
    assert_int_equal(area_cache.slabs, s1.slabs);
    assert_ptr_equal(mm->areas, first);
    assert_int_equal(count_areas(mm), 1);
    for (int i = 0; i < 10; i++)
        assert_int_equal(translate(mm->pt, AREA + i * PG, 0), 0);
    release();
    /* A table is missing: the third page needs a new level-0 table. */
    uint64 va = 0x3FE000UL;                   /* pages 0,1 below 4 MiB, 2,3 above */
    leave_free(4);                            /* frame 0, its table, frames 1, 2; no table */
    s1 = snap();
    assert_null(mm_map(mm, va, va + 4 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    assert_int_equal(frame_free_count(), 4 - 1);    /* the first level-0 table stays */
    assert_int_equal(area_cache.objects, s1.areas);
    assert_int_equal(count_areas(mm), 1);
    for (int i = 0; i < 4; i++)
        assert_int_equal(translate(mm->pt, va + i * PG, 0), 0);
    release();
    /* Every slab of the area cache full and no frame for a new one:
     * nothing taken, nothing mapped (AREA's level-0 table exists). */
    fill_areas();
    leave_free(0);
    s1 = snap();
    assert_null(mm_map(mm, AREA, AREA + PG, R, AREA_FRAMED, USE_MMAP));
    no_leak(s1);
    assert_int_equal(count_areas(mm), 1);
    assert_int_equal(translate(mm->pt, AREA, 0), 0);
    release();
    /* A frame for the new slab but none for the data: the slab's frame goes back. */
    leave_free(1);
    s1 = snap();
    assert_null(mm_map(mm, AREA, AREA + PG, R, AREA_FRAMED, USE_MMAP));
    no_leak(s1);
    assert_int_equal(count_areas(mm), 1);
    release();
    unfill_areas();
    /* Joining a neighbour needs no new area: one frame, the data's, is enough. */
    struct map_area *x = mm_map(mm, AREA + 20 * PG, AREA + 21 * PG, R | U, AREA_FRAMED,
                                USE_MMAP);
    assert_non_null(x);
    fill_areas();
    leave_free(1);
    s1 = snap();
    assert_ptr_equal(mm_map(mm, AREA + 21 * PG, AREA + 22 * PG, R | U, AREA_FRAMED,
                            USE_MMAP), x);
    assert_int_equal(x->end.n, AREA / PG + 22);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(area_cache.objects, s1.areas);
    assert_int_equal(area_cache.slabs, s1.slabs);
    /* And with no frame at all, joining fails with the area as it was. */
    s1 = snap();
    assert_null(mm_map(mm, AREA + 19 * PG, AREA + 20 * PG, R | U, AREA_FRAMED, USE_MMAP));
    no_leak(s1);
    assert_int_equal(x->start.n, AREA / PG + 20);
    assert_int_equal(x->end.n, AREA / PG + 22);
    assert_int_equal(translate(mm->pt, AREA + 19 * PG, 0), 0);
    release();
    unfill_areas();
    assert_int_equal(mm_unmap_range(mm, AREA + 20 * PG, AREA + 22 * PG, USE_MMAP), 0);
    /* With memory back, the same ranges map. */
    assert_non_null(mm_map(mm, AREA, AREA + 10 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    assert_non_null(mm_map(mm, va, va + 4 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    mm_free(mm);
    no_leak(s);
}

/* Fill each page of [start, end) with a byte of its own, through the page table. */
static void
mark_pages(struct mm *mm, uint64 start, uint64 end)
{
    for (uint64 va = start; va < end; va += PG)
        memset(ptr_of(translate(mm->pt, va, 0)), (int)(va / PG) & 0xFF, PG);
}

static void
check_marks(struct mm *mm, uint64 start, uint64 end)
{
    for (uint64 va = start; va < end; va += PG) {
        uint64 pa = translate(mm->pt, va, 0);
        assert_int_not_equal(pa, 0);
        uint8 *p = ptr_of(pa);
        for (uint64 k = 0; k < PG; k += 511)
            assert_int_equal(p[k], (va / PG) & 0xFF);
    }
}

static struct mm *
mm_with_area(uint64 pages)
{
    struct mm *mm = mm_new();
    assert_non_null(mm);
    assert_non_null(mm_map(mm, AREA, AREA + pages * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    mark_pages(mm, AREA, AREA + pages * PG);
    return mm;
}

static void
test_mm_unmap_range_middle(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_with_area(8);
    struct snap s1 = snap();
    assert_int_equal(mm_unmap_range(mm, AREA + 3 * PG, AREA + 5 * PG, USE_MMAP), 0);
    /* Two frames back; the new area's object from the slab that has room. */
    assert_int_equal(frame_free_count(), s1.frames + 2);
    assert_int_equal(area_cache.objects, s1.areas + 1);
    assert_int_equal(area_cache.slabs, s1.slabs);
    assert_int_equal(heap_in_use(), s1.heap);
    assert_int_equal(count_areas(mm), 2);
    assert_area(mm, AREA, AREA + 3 * PG, R | W | U, USE_MMAP);
    assert_area(mm, AREA + 5 * PG, AREA + 8 * PG, R | W | U, USE_MMAP);
    assert_int_equal(area_at(mm, AREA + 5 * PG)->kind, AREA_FRAMED);
    check_marks(mm, AREA, AREA + 3 * PG);
    check_marks(mm, AREA + 5 * PG, AREA + 8 * PG);
    assert_int_equal(translate(mm->pt, AREA + 3 * PG, 0), 0);
    assert_int_equal(translate(mm->pt, AREA + 4 * PG, 0), 0);
    assert_null(mm_find(mm, AREA + 4 * PG));
    /* Split again, one page out of the second piece's middle. */
    assert_int_equal(mm_unmap_range(mm, AREA + 6 * PG, AREA + 7 * PG, USE_MMAP), 0);
    assert_int_equal(count_areas(mm), 3);
    assert_area(mm, AREA + 7 * PG, AREA + 8 * PG, R | W | U, USE_MMAP);
    check_marks(mm, AREA + 7 * PG, AREA + 8 * PG);
    mm_free(mm);
    no_leak(s);
}

static void
test_mm_unmap_range_whole_prefix_suffix(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_with_area(8);
    struct snap s1 = snap();
    /* Prefix. */
    assert_int_equal(mm_unmap_range(mm, AREA, AREA + 2 * PG, USE_MMAP), 0);
    assert_int_equal(count_areas(mm), 1);
    assert_area(mm, AREA + 2 * PG, AREA + 8 * PG, R | W | U, USE_MMAP);
    assert_int_equal(translate(mm->pt, AREA + PG, 0), 0);
    assert_int_equal(frame_free_count(), s1.frames + 2);
    assert_int_equal(area_cache.objects, s1.areas);
    /* Suffix. */
    assert_int_equal(mm_unmap_range(mm, AREA + 6 * PG, AREA + 8 * PG, USE_MMAP), 0);
    assert_area(mm, AREA + 2 * PG, AREA + 6 * PG, R | W | U, USE_MMAP);
    assert_int_equal(translate(mm->pt, AREA + 6 * PG, 0), 0);
    assert_int_equal(frame_free_count(), s1.frames + 4);
    check_marks(mm, AREA + 2 * PG, AREA + 6 * PG);
    /* The whole (what is left). */
    assert_int_equal(mm_unmap_range(mm, AREA + 2 * PG, AREA + 6 * PG, USE_MMAP), 0);
    assert_null(mm->areas);
    assert_int_equal(mm->nareas, 0);
    /* The last area in its slab: the slab's frame goes back with the data,
     * and so do the level-0 and level-1 tables, which map nothing now. */
    assert_int_equal(area_cache.objects, s1.areas - 1);
    assert_int_equal(area_cache.slabs, s1.slabs - 1);
    assert_int_equal(frame_free_count(), s1.frames + 8 + 1 + 2);
    assert_int_equal(mm->pt[idx(AREA, 2)], 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(translate(mm->pt, AREA + i * PG, 0), 0);
    mm_free(mm);
    no_leak(s);
}

static void
test_mm_unmap_range_across_areas(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    assert_non_null(mm_map(mm, AREA, AREA + 4 * PG, R | U, AREA_FRAMED, USE_MMAP));
    assert_non_null(mm_map(mm, AREA + 4 * PG, AREA + 8 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    assert_non_null(mm_map(mm, AREA + 10 * PG, AREA + 12 * PG, R | W | U, AREA_FRAMED, USE_MMAP));
    mark_pages(mm, AREA, AREA + 8 * PG);
    uint64 n = frame_free_count();
    /* A range over the end of one area and the start of the next. */
    assert_int_equal(mm_unmap_range(mm, AREA + 2 * PG, AREA + 6 * PG, USE_MMAP), 0);
    assert_int_equal(frame_free_count(), n + 4);
    assert_int_equal(count_areas(mm), 3);
    assert_area(mm, AREA, AREA + 2 * PG, R | U, USE_MMAP);
    assert_area(mm, AREA + 6 * PG, AREA + 8 * PG, R | W | U, USE_MMAP);
    check_marks(mm, AREA, AREA + 2 * PG);
    check_marks(mm, AREA + 6 * PG, AREA + 8 * PG);
    /* Two whole adjacent areas at once (of different permissions: equal
     * ones would have joined); the third area is left alone. */
    assert_non_null(mm_map(mm, AREA + 20 * PG, AREA + 22 * PG, R | U, AREA_FRAMED, USE_MMAP));
    assert_non_null(mm_map(mm, AREA + 22 * PG, AREA + 23 * PG, R | W | U, AREA_FRAMED,
                           USE_MMAP));
    assert_int_equal(count_areas(mm), 5);
    struct snap s1 = snap();
    assert_int_equal(mm_unmap_range(mm, AREA + 20 * PG, AREA + 23 * PG, USE_MMAP), 0);
    assert_int_equal(frame_free_count(), s1.frames + 3);
    assert_int_equal(area_cache.objects, s1.areas - 2);
    assert_int_equal(area_cache.slabs, s1.slabs);
    assert_int_equal(count_areas(mm), 3);
    assert_null(mm_find(mm, AREA + 20 * PG));
    assert_null(mm_find(mm, AREA + 22 * PG));
    assert_non_null(mm_find(mm, AREA + 10 * PG));
    mm_free(mm);
    no_leak(s);
}

/* Refused: -1, and the areas, the page table and the counts are unchanged. */
static void
check_refused(struct mm *mm, uint64 start, uint64 end, enum area_use use)
{
    struct snap s = snap();
    int n = count_areas(mm);
    uint64 pas[16];
    for (int i = 0; i < 16; i++)
        pas[i] = translate(mm->pt, AREA + i * PG, 0);
    assert_int_equal(mm_unmap_range(mm, start, end, use), -1);
    no_leak(s);
    assert_int_equal(count_areas(mm), n);
    for (int i = 0; i < 16; i++)
        assert_int_equal(translate(mm->pt, AREA + i * PG, 0), pas[i]);
}

static void
test_mm_unmap_range_refused(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_with_area(8);
    assert_non_null(mm_map(mm, AREA + 10 * PG, AREA + 12 * PG, R | U, AREA_FRAMED, USE_ELF));
    check_refused(mm, AREA + 6 * PG, AREA + 10 * PG, USE_MMAP);     /* runs past the end */
    check_refused(mm, AREA - PG, AREA + PG, USE_MMAP);              /* starts before */
    check_refused(mm, AREA + 7 * PG, AREA + 11 * PG, USE_MMAP);     /* a gap and an ELF area */
    check_refused(mm, AREA + 10 * PG, AREA + 11 * PG, USE_MMAP);    /* ELF, not mmap */
    check_refused(mm, AREA + 2 * PG, AREA + 3 * PG, USE_ELF);       /* mmap, not ELF */
    check_refused(mm, 0x1000, 0x2000, USE_MMAP);                    /* nothing there */
    /* Refusals do not depend on memory: the same with none at all. */
    fill_areas();
    leave_free(0);
    check_refused(mm, AREA + 6 * PG, AREA + 10 * PG, USE_MMAP);
    check_refused(mm, AREA + 2 * PG, AREA + 3 * PG, USE_ELF);
    /* munmap is never refused for lack of memory: with no free frame and
     * every slab of the area cache full, a split takes a new slab's frame
     * among the frames it has just returned. */
    struct snap s1 = snap();
    assert_int_equal(mm_unmap_range(mm, AREA + 3 * PG, AREA + 4 * PG, USE_MMAP), 0);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(area_cache.objects, s1.areas + 1);
    assert_int_equal(area_cache.slabs, s1.slabs + 1);
    assert_int_equal(count_areas(mm), 3);
    assert_area(mm, AREA, AREA + 3 * PG, R | W | U, USE_MMAP);
    assert_area(mm, AREA + 4 * PG, AREA + 8 * PG, R | W | U, USE_MMAP);
    assert_int_equal(translate(mm->pt, AREA + 3 * PG, 0), 0);
    check_marks(mm, AREA, AREA + 3 * PG);
    check_marks(mm, AREA + 4 * PG, AREA + 8 * PG);
    /* Another split, the new slab has room: the frame stays free. */
    assert_int_equal(mm_unmap_range(mm, AREA + 5 * PG, AREA + 6 * PG, USE_MMAP), 0);
    assert_int_equal(frame_free_count(), 1);
    assert_int_equal(area_cache.slabs, s1.slabs + 1);
    assert_int_equal(count_areas(mm), 4);
    /* A range over all of them, holes and all, is refused, still with no memory... */
    leave_free(0);
    check_refused(mm, AREA, AREA + 8 * PG, USE_MMAP);
    /* ...and each piece goes, whole: 6 data frames, and the new slab's
     * frame once both areas split off are gone. */
    assert_int_equal(mm_unmap_range(mm, AREA, AREA + 3 * PG, USE_MMAP), 0);
    assert_int_equal(mm_unmap_range(mm, AREA + 4 * PG, AREA + 5 * PG, USE_MMAP), 0);
    assert_int_equal(mm_unmap_range(mm, AREA + 6 * PG, AREA + 8 * PG, USE_MMAP), 0);
    assert_int_equal(count_areas(mm), 1);
    assert_int_equal(area_cache.objects, s1.areas - 1);
    assert_int_equal(area_cache.slabs, s1.slabs);
    assert_int_equal(frame_free_count(), 3 + 1 + 2 + 1);
    release();
    unfill_areas();
    mm_free(mm);
    no_leak(s);
}

/*
 * An mmap range joins an mmap neighbour of the same permissions and kind:
 * below, above, or both (the gap closes, one area object goes back).
 * Other uses, other permissions, or a gap keep areas apart.
 */
static void
test_mm_map_merges(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    struct map_area *a = mm_map(mm, AREA + 4 * PG, AREA + 6 * PG, R | U, AREA_FRAMED, USE_MMAP);
    assert_non_null(a);
    mark_pages(mm, AREA + 4 * PG, AREA + 6 * PG);
    uint64 objects = area_cache.objects;
    /* Above a: a grows at its end. */
    assert_ptr_equal(mm_map(mm, AREA + 6 * PG, AREA + 7 * PG, R | U, AREA_FRAMED, USE_MMAP), a);
    assert_int_equal(a->end.n, AREA / PG + 7);
    /* Below a: a grows at its start. */
    assert_ptr_equal(mm_map(mm, AREA + 2 * PG, AREA + 4 * PG, R | U, AREA_FRAMED, USE_MMAP), a);
    assert_int_equal(a->start.n, AREA / PG + 2);
    assert_int_equal(area_cache.objects, objects);
    assert_int_equal(count_areas(mm), 1);
    assert_area(mm, AREA + 2 * PG, AREA + 7 * PG, R | U, USE_MMAP);
    check_marks(mm, AREA + 4 * PG, AREA + 6 * PG);
    /* Other permissions, another use, a gap: new areas. */
    struct map_area *b = mm_map(mm, AREA + 7 * PG, AREA + 8 * PG, R | W | U, AREA_FRAMED,
                                USE_MMAP);
    struct map_area *e = mm_map(mm, AREA + PG, AREA + 2 * PG, R | U, AREA_FRAMED, USE_ELF);
    struct map_area *c = mm_map(mm, AREA + 10 * PG, AREA + 12 * PG, R | U, AREA_FRAMED,
                                USE_MMAP);
    assert_true(b && e && c && b != a && e != a && c != a);
    assert_int_equal(count_areas(mm), 4);
    assert_int_equal(area_cache.objects, objects + 3);
    /* An mmap range next to the ELF area does not join it either. */
    assert_ptr_not_equal(mm_map(mm, AREA, AREA + PG, R | U, AREA_FRAMED, USE_MMAP), e);
    assert_int_equal(count_areas(mm), 5);
    /* [8, 9) joins b from above; then, once c is gone, [9, 13) closes the
     * gap between b and d = [13, 14). */
    assert_ptr_equal(mm_map(mm, AREA + 8 * PG, AREA + 9 * PG, R | W | U, AREA_FRAMED,
                            USE_MMAP), b);
    struct map_area *d = mm_map(mm, AREA + 13 * PG, AREA + 14 * PG, R | W | U, AREA_FRAMED,
                                USE_MMAP);
    assert_non_null(d);
    assert_int_equal(count_areas(mm), 6);
    mark_pages(mm, AREA + 7 * PG, AREA + 9 * PG);
    mark_pages(mm, AREA + 13 * PG, AREA + 14 * PG);
    assert_int_equal(mm_unmap_range(mm, AREA + 10 * PG, AREA + 12 * PG, USE_MMAP), 0);
    assert_int_equal(count_areas(mm), 5);
    objects = area_cache.objects;
    uint64 n = frame_free_count();
    assert_ptr_equal(mm_map(mm, AREA + 9 * PG, AREA + 13 * PG, R | W | U, AREA_FRAMED,
                            USE_MMAP), b);
    assert_int_equal(frame_free_count(), n - 4);
    assert_int_equal(area_cache.objects, objects - 1);      /* d went back */
    assert_int_equal(count_areas(mm), 4);
    assert_area(mm, AREA + 7 * PG, AREA + 14 * PG, R | W | U, USE_MMAP);
    assert_int_equal(mm->nareas, 4);
    check_marks(mm, AREA + 7 * PG, AREA + 9 * PG);
    check_marks(mm, AREA + 13 * PG, AREA + 14 * PG);
    for (uint64 va = AREA + 9 * PG; va < AREA + 13 * PG; va += PG)
        assert_ptr_equal(mm_find(mm, va), b);
    mm_free(mm);
    no_leak(s);

}

static void
test_mm_resize(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    struct map_area *a = mm_map(mm, AREA, AREA + 2 * PG, R | W | U, AREA_FRAMED, USE_HEAP);
    assert_non_null(a);
    mark_pages(mm, AREA, AREA + 2 * PG);
    uint64 n = frame_free_count();
    /* Grow. */
    assert_int_equal(mm_resize(mm, a, AREA + 5 * PG), 0);
    assert_int_equal(a->end.n, AREA / PG + 5);
    assert_int_equal(frame_free_count(), n - 3);
    for (int i = 0; i < 5; i++)
        assert_int_equal(*walk(mm->pt, AREA + i * PG, 0) & PTE_FLAGS, R | W | U | V | AD);
    check_marks(mm, AREA, AREA + 2 * PG);
    assert_int_equal(translate(mm->pt, AREA + 5 * PG, 0), 0);
    /* The same end: nothing. */
    assert_int_equal(mm_resize(mm, a, AREA + 5 * PG), 0);
    assert_int_equal(frame_free_count(), n - 3);
    /* Shrink. */
    assert_int_equal(mm_resize(mm, a, AREA + PG), 0);
    assert_int_equal(a->end.n, AREA / PG + 1);
    assert_int_equal(frame_free_count(), n + 1);
    for (int i = 1; i < 5; i++)
        assert_int_equal(translate(mm->pt, AREA + i * PG, 0), 0);
    check_marks(mm, AREA, AREA + PG);
    /* To nothing (the two tables, empty now, go too), and back. */
    assert_int_equal(mm_resize(mm, a, AREA), 0);
    assert_int_equal(a->end.n, a->start.n);
    assert_int_equal(translate(mm->pt, AREA, 0), 0);
    assert_int_equal(frame_free_count(), n + 2 + 2);
    assert_int_equal(mm->pt[idx(AREA, 2)], 0);
    assert_int_equal(mm_resize(mm, a, AREA + 3 * PG), 0);
    assert_int_equal(frame_free_count(), n - 1);
    /* Growing without memory: -1, nothing new mapped, the old pages kept. */
    leave_free(1);
    assert_int_equal(mm_resize(mm, a, AREA + 6 * PG), -1);
    assert_int_equal(a->end.n, AREA / PG + 3);
    assert_int_equal(frame_free_count(), 1);
    for (int i = 3; i < 6; i++)
        assert_int_equal(translate(mm->pt, AREA + i * PG, 0), 0);
    for (int i = 0; i < 3; i++)
        assert_int_not_equal(translate(mm->pt, AREA + i * PG, R | W | U), 0);
    release();
    mm_free(mm);
    no_leak(s);
}

static void
test_mm_find_and_range_free(void **state)
{
    (void)state;
    struct snap s = snap();
    struct mm *mm = mm_new();
    struct map_area *a = mm_map(mm, AREA, AREA + 4 * PG, R | U, AREA_FRAMED, USE_MMAP);
    struct map_area *b = mm_map(mm, AREA + 6 * PG, AREA + 7 * PG, R | U, AREA_FRAMED, USE_MMAP);
    assert_ptr_equal(mm_find(mm, AREA), a);
    assert_ptr_equal(mm_find(mm, AREA + 4 * PG - 1), a);
    assert_ptr_equal(mm_find(mm, AREA + 6 * PG + 123), b);
    assert_null(mm_find(mm, AREA - 1));
    assert_null(mm_find(mm, AREA + 4 * PG));
    assert_null(mm_find(mm, AREA + 7 * PG));
    assert_null(mm_find(mm, TRAMPOLINE));                   /* mapped, but not an area */
    assert_int_equal(mm_range_free(mm, AREA - 2 * PG, AREA), 1);
    assert_int_equal(mm_range_free(mm, AREA + 4 * PG, AREA + 6 * PG), 1);
    assert_int_equal(mm_range_free(mm, AREA + 7 * PG, AREA + 9 * PG), 1);
    assert_int_equal(mm_range_free(mm, AREA - PG, AREA + PG), 0);
    assert_int_equal(mm_range_free(mm, AREA + PG, AREA + 2 * PG), 0);
    assert_int_equal(mm_range_free(mm, AREA + 3 * PG, AREA + 5 * PG), 0);
    assert_int_equal(mm_range_free(mm, AREA + 5 * PG, AREA + 7 * PG), 0);
    assert_int_equal(mm_range_free(mm, AREA - 100 * PG, AREA + 100 * PG), 0);
    assert_int_equal(mm_range_free(mm, 0x1000, 0x3000), 1);
    mm_free(mm);
    no_leak(s);
}

static void
test_mm_unmap_area_foreign_panics(void **state)
{
    (void)state;
    struct mm *mm = mm_new(), *other = mm_new();
    struct map_area *a = mm_map(other, AREA, AREA + PG, R, AREA_FRAMED, USE_MMAP);
    assert_non_null(a);
    EXPECT_PANIC(mm_unmap_area(mm, a), "not in this address space");
    assert_non_null(mm_map(mm, AREA, AREA + PG, R, AREA_FRAMED, USE_MMAP));
    EXPECT_PANIC(mm_unmap_area(mm, a), "not in this address space");
    assert_int_not_equal(translate(other->pt, AREA, R), 0);
}

/* ---- user_range_ok, copyin, copyout --------------------------------------------- */

/*
 * A user page table:
 *   0x10000 RWU  (frame fa)      0x11000 RWU (frame fb, below fa in RAM)
 *   0x12000 R-U                  0x13000 unmapped
 *   0x20000 -WU (write-only)     0x21000 RW- (no U)     0x22000 --XU
 *   USER_TOP - 0x1000 RWU        TRAP_CONTEXT RW-
 */
static pagetable_t upt;
static uint64 fa, fb, fro, ftop;

static int
setup_user(void **state)
{
    setup(state);
    upt = new_root();
    fb = new_frame();
    new_frame();                            /* a spacer: fa, fb not neighbours */
    fa = new_frame();
    fro = new_frame();
    ftop = new_frame();
    assert_int_not_equal(fb, fa - PG);
    assert_int_not_equal(fb, fa + PG);
    assert_int_equal(map_pages(upt, 0x10000, fa, 1, R | W | U), 0);
    assert_int_equal(map_pages(upt, 0x11000, fb, 1, R | W | U), 0);
    assert_int_equal(map_pages(upt, 0x12000, fro, 1, R | U), 0);
    assert_int_equal(map_pages(upt, 0x20000, new_frame(), 1, W | U), 0);
    assert_int_equal(map_pages(upt, 0x21000, new_frame(), 1, R | W), 0);
    assert_int_equal(map_pages(upt, 0x22000, new_frame(), 1, X | U), 0);
    assert_int_equal(map_pages(upt, USER_TOP - PG, ftop, 1, R | W | U), 0);
    assert_int_equal(map_pages(upt, TRAP_CONTEXT, new_frame(), 1, R | W), 0);
    for (uint64 i = 0; i < PG; i++) {
        ((uint8 *)ptr_of(fa))[i] = (uint8)(i * 3);
        ((uint8 *)ptr_of(fb))[i] = (uint8)(i * 5 + 1);
        ((uint8 *)ptr_of(fro))[i] = (uint8)(i ^ 0x5C);
        ((uint8 *)ptr_of(ftop))[i] = (uint8)(i * 7 + 2);
    }
    return 0;
}

/* The byte at user address va, from the frames above (independently). */
static uint8
user_byte(uint64 va)
{
    uint64 o = va & (PG - 1);
    switch (va & ~(PG - 1)) {
    case 0x10000: return ((uint8 *)ptr_of(fa))[o];
    case 0x11000: return ((uint8 *)ptr_of(fb))[o];
    case 0x12000: return ((uint8 *)ptr_of(fro))[o];
    default: return ((uint8 *)ptr_of(ftop))[o];
    }
}

static void
test_user_range_ok(void **state)
{
    (void)state;
    assert_int_equal(user_range_ok(upt, 0x10000, PG, R), 1);
    assert_int_equal(user_range_ok(upt, 0x10000, 2 * PG, R | W), 1);
    assert_int_equal(user_range_ok(upt, 0x10000, 3 * PG, R), 1);
    assert_int_equal(user_range_ok(upt, 0x10000, 3 * PG, R | W), 0);   /* 0x12000 is R only */
    assert_int_equal(user_range_ok(upt, 0x12FFF, 1, R), 1);
    assert_int_equal(user_range_ok(upt, 0x12FFF, 2, R), 0);            /* into the hole */
    assert_int_equal(user_range_ok(upt, 0x20000, 1, W), 1);            /* W alone: as asked */
    assert_int_equal(user_range_ok(upt, 0x20000, 1, R), 0);
    assert_int_equal(user_range_ok(upt, 0x20000, 1, R | W), 0);
    assert_int_equal(user_range_ok(upt, 0x21000, 1, R), 0);            /* no U */
    assert_int_equal(user_range_ok(upt, 0x21000, 1, 0), 0);
    assert_int_equal(user_range_ok(upt, 0x22000, 1, R), 0);            /* X only */
    assert_int_equal(user_range_ok(upt, 0x22000, 1, X), 1);
    assert_int_equal(user_range_ok(upt, 0x13000, 0, R), 1);            /* empty: always */
    assert_int_equal(user_range_ok(upt, USER_TOP, 0, R), 1);
    assert_int_equal(user_range_ok(upt, USER_TOP - PG, PG, R | W), 1);
    assert_int_equal(user_range_ok(upt, USER_TOP - PG, PG + 1, R), 0);
    assert_int_equal(user_range_ok(upt, USER_TOP, 1, R), 0);
    assert_int_equal(user_range_ok(upt, TRAP_CONTEXT, 8, R), 0);
    assert_int_equal(user_range_ok(upt, TRAMPOLINE, 8, 0), 0);
    assert_int_equal(user_range_ok(upt, 0x10000, ~0UL, R), 0);
    assert_int_equal(user_range_ok(upt, 0x10000, -0x10000UL, R), 0);     /* va + len == 2^64 */
    assert_int_equal(user_range_ok(upt, 0x10000, -0x10000UL + 0x1000, R), 0); /* wraps to 0x1000 */
    assert_int_equal(user_range_ok(upt, USER_TOP - PG, ~0UL - USER_TOP + PG + 2, R), 0);
}

static void
test_copy_cross_page(void **state)
{
    (void)state;
    uint8 buf[PG + 64];
    /* copyin across 0x10000 | 0x11000 (frames not neighbours), and 3 pages. */
    static const struct { uint64 va, len; } ins[] = {
        { 0x10FF0, 32 }, { 0x10000, 1 }, { 0x10FFF, 2 }, { 0x10800, PG },
        { 0x11FF8, 16 }, { 0x10000, 3 * PG - 1 }, { USER_TOP - 16, 16 },
    };
    for (size_t t = 0; t < ARRAY_SIZE(ins); t++) {
        static uint8 big[3 * PG];
        uint8 *dst = ins[t].len <= sizeof buf ? buf : big;
        memset(dst, 0xEE, ins[t].len);
        assert_int_equal(copyin(upt, dst, ins[t].va, ins[t].len), 0);
        for (uint64 i = 0; i < ins[t].len; i++)
            if (dst[i] != user_byte(ins[t].va + i))
                fail_msg("copyin(%#lx, %lu): byte %lu wrong", (unsigned long)ins[t].va,
                         (unsigned long)ins[t].len, (unsigned long)i);
    }
    /* copyout across the boundary writes the two frames and nothing else. */
    uint8 before_a[PG], before_b[PG];
    memcpy(before_a, ptr_of(fa), PG);
    memcpy(before_b, ptr_of(fb), PG);
    for (int i = 0; i < 40; i++)
        buf[i] = (uint8)(0xA0 + i);
    assert_int_equal(copyout(upt, 0x10FEC, buf, 40), 0);
    for (uint64 i = 0; i < PG; i++) {
        uint8 wa = i >= 0xFEC ? (uint8)(0xA0 + i - 0xFEC) : before_a[i];
        uint8 wb = i < 20 ? (uint8)(0xA0 + 20 + i) : before_b[i];
        assert_int_equal(((uint8 *)ptr_of(fa))[i], wa);
        assert_int_equal(((uint8 *)ptr_of(fb))[i], wb);
    }
    /* And copyin reads it back. */
    uint8 back[40];
    assert_int_equal(copyin(upt, back, 0x10FEC, 40), 0);
    assert_memory_equal(back, buf, 40);
    /* Empty copies succeed and touch nothing, wherever they point. */
    assert_int_equal(copyin(upt, buf, 0x13000, 0), 0);
    assert_int_equal(copyout(upt, USER_TOP, buf, 0), 0);
}

static void
test_copy_refused_copies_nothing(void **state)
{
    (void)state;
    uint8 buf[3 * PG];
    static const struct { uint64 va, len; int in_ok, out_ok; } cases[] = {
        { 0x11F00, 0x200, 1, 0 },       /* RW page then the read-only page */
        { 0x12F00, 0x200, 0, 0 },       /* read-only page then the hole */
        { 0x10000, 4 * PG, 0, 0 },      /* three pages, then the hole */
        { 0x12000, 16, 1, 0 },          /* read-only */
        { 0x20000, 16, 0, 0 },          /* write-only */
        { 0x21000, 16, 0, 0 },          /* no U */
        { 0x22000, 16, 0, 0 },          /* execute-only */
        { 0x13000, 1, 0, 0 },           /* unmapped */
        { 0x0, 16, 0, 0 },              /* page 0 */
        { USER_TOP - 16, 17, 0, 0 },    /* off the end of the user half */
        { USER_TOP - 16, 16, 1, 1 },
        { USER_TOP, 1, 0, 0 },
        { TRAP_CONTEXT, 16, 0, 0 },     /* mapped, without U, above USER_TOP */
        { 0x10000, ~0UL, 0, 0 },        /* va + len wraps */
        { 0x10010, -0x10UL, 0, 0 },
        { ~0UL - 15, 16, 0, 0 },
    };
    for (size_t t = 0; t < ARRAY_SIZE(cases); t++) {
        /* copyin: dst untouched on refusal. */
        memset(buf, 0xEE, sizeof buf);
        int r = copyin(upt, buf, cases[t].va, cases[t].len);
        if (r != (cases[t].in_ok ? 0 : -1))
            fail_msg("copyin(%#lx, %#lx) returned %d", (unsigned long)cases[t].va,
                     (unsigned long)cases[t].len, r);
        if (r < 0)
            for (uint64 i = 0; i < sizeof buf; i++)
                assert_int_equal(buf[i], 0xEE);
        /* copyout: no frame changes on refusal. */
        uint8 ka[PG], kb[PG], kro[PG], ktop[PG];
        memcpy(ka, ptr_of(fa), PG);
        memcpy(kb, ptr_of(fb), PG);
        memcpy(kro, ptr_of(fro), PG);
        memcpy(ktop, ptr_of(ftop), PG);
        memset(buf, 0x77, sizeof buf);
        /* (Lengths beyond buf must be refused before any byte moves; if
         * not, AddressSanitizer stops the test at the overflow.) */
        r = copyout(upt, cases[t].va, buf, cases[t].len);
        if (r != (cases[t].out_ok ? 0 : -1))
            fail_msg("copyout(%#lx, %#lx) returned %d", (unsigned long)cases[t].va,
                     (unsigned long)cases[t].len, r);
        if (r < 0) {
            assert_memory_equal(ka, ptr_of(fa), PG);
            assert_memory_equal(kb, ptr_of(fb), PG);
            assert_memory_equal(kro, ptr_of(fro), PG);
            assert_memory_equal(ktop, ptr_of(ftop), PG);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_walk_without_alloc, setup),
        cmocka_unit_test_setup(test_walk_with_alloc, setup),
        cmocka_unit_test_setup(test_walk_out_of_frames, setup),
        cmocka_unit_test_setup(test_walk_bad_address_panics, setup),
        cmocka_unit_test_setup(test_map_translate_permissions, setup),
        cmocka_unit_test_setup(test_map_many_pages, setup),
        cmocka_unit_test_setup(test_map_bad_arguments_panic, setup),
        cmocka_unit_test_setup(test_remap_panics, setup),
        cmocka_unit_test_setup(test_unmap_returns_frames, setup),
        cmocka_unit_test_setup(test_unmap_unmapped_panics, setup),
        cmocka_unit_test_setup(test_map_rollback, setup),
        cmocka_unit_test_setup(test_translate_noncanonical, setup),
        cmocka_unit_test_setup(test_high_addresses, setup),
        cmocka_unit_test_setup(test_pagetable_free, setup),
        cmocka_unit_test_setup(test_pagetable_free_mapped_panics, setup),
        cmocka_unit_test_setup(test_pagetable_dump_format, setup),
        cmocka_unit_test_setup(test_pagetable_dump_empty, setup),
        cmocka_unit_test_setup(test_mm_new_free, setup),
        cmocka_unit_test_setup(test_mm_new_out_of_memory, setup),
        cmocka_unit_test_setup(test_mm_map_and_free, setup),
        cmocka_unit_test_setup(test_mm_map_out_of_memory, setup),
        cmocka_unit_test_setup(test_mm_unmap_range_middle, setup),
        cmocka_unit_test_setup(test_mm_unmap_range_whole_prefix_suffix, setup),
        cmocka_unit_test_setup(test_mm_unmap_range_across_areas, setup),
        cmocka_unit_test_setup(test_mm_unmap_range_refused, setup),
        cmocka_unit_test_setup(test_mm_map_merges, setup),
        cmocka_unit_test_setup(test_mm_resize, setup),
        cmocka_unit_test_setup(test_mm_find_and_range_free, setup),
        cmocka_unit_test_setup(test_mm_unmap_area_foreign_panics, setup),
        cmocka_unit_test_setup(test_user_range_ok, setup_user),
        cmocka_unit_test_setup(test_copy_cross_page, setup_user),
        cmocka_unit_test_setup(test_copy_refused_copies_nothing, setup_user),
    };
    return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
