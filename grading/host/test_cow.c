/*
 * test_cow.c: copy-on-write (chapter 5) on simulated RAM: reserved frames
 * (frame.c), mm_share (mm.c), cow_fault, cow_release and copyout's break
 * (vm.c). Besides the cases, a random sequence of forks, writes, copyouts
 * and frees checked against a model of every space's bytes and against
 * the reservation invariant: reserved frames = the sum, over frames mapped
 * copy-on-write, of (references - 1), plus the pages promised and not yet
 * made. Built twice: as test_cow (pages made at once) and, with
 * -DSIM_LAZY=1, as test_lazy (pages of mmap and sbrk made on first touch,
 * and demand paging's own cases).
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

#include "types.h"
#include "vm.h"
#include "leak.h"

#define PG 4096UL
#define DATA 0x10000UL          /* 4 pages, R W U: copy-on-write after a fork */
#define TEXT 0x20000UL          /* 2 pages, R X U: shared as they are */
#define WONLY 0x30000UL         /* 1 page, W U: the hardware's reserved encoding */
#define HEAP 0x40000UL          /* 8 pages, R W U */
#define NDATA 4
#define NHEAP 8
#define NPAGES (NDATA + NHEAP)  /* the writable pages a model tracks */

static uint64 page_va(int i) { return i < NDATA ? DATA + i * PG : HEAP + (i - NDATA) * PG; }

/* Pages promised but not made in a fresh space: the write-only page, when lazy. */
#define WONLY_PROMISED (lazy_wanted ? 1UL : 0UL)

static uint8 *
bytes(struct mm *mm, uint64 va)
{
    lazy_populate(mm->pt, va, 1);               /* as the kernel's own accesses do */
    uint64 pa = translate(mm->pt, va, 0);
    assert_int_not_equal(pa, 0);
    return pa2kva(pa);
}

static pte_t
pte(struct mm *mm, uint64 va)
{
    pte_t *e = walk(mm->pt, va, 0);
    assert_non_null(e);
    return *e;
}

/* A space like a small program's, each writable page's first byte = tag + i. */
static struct mm *
make_space(uint8 tag)
{
    struct mm *mm = mm_new();
    assert_non_null(mm);
    assert_non_null(mm_map(mm, DATA, DATA + NDATA * PG, PTE_R | PTE_W | PTE_U, AREA_FRAMED, USE_ELF));
    assert_non_null(mm_map(mm, TEXT, TEXT + 2 * PG, PTE_R | PTE_X | PTE_U, AREA_FRAMED, USE_ELF));
    assert_non_null(mm_map(mm, WONLY, WONLY + PG, PTE_W | PTE_U, AREA_FRAMED, USE_MMAP));
    mm->heap = mm_map(mm, HEAP, HEAP + NHEAP * PG, PTE_R | PTE_W | PTE_U, AREA_FRAMED, USE_HEAP);
    assert_non_null(mm->heap);
    assert_non_null(mm_map(mm, TRAP_CONTEXT, TRAP_CONTEXT + PG, PTE_R | PTE_W, AREA_FRAMED,
                           USE_TRAP_CONTEXT));
    for (int i = 0; i < NPAGES; i++)
        bytes(mm, page_va(i))[0] = (uint8)(tag + i);
    bytes(mm, TEXT)[0] = 0x7E;
    bytes(mm, TRAP_CONTEXT)[0] = tag;
    return mm;
}

/* A store by the user: resolve the copy-on-write fault if there is one, then write. */
static void
user_store(struct mm *mm, uint64 va, uint8 v)
{
    if (pte(mm, va) & PTE_COW)
        assert_int_equal(cow_fault(mm->pt, va), 0);
    pte_t e = pte(mm, va);
    assert_true(e & PTE_W);
    assert_false(e & PTE_COW);
    bytes(mm, va)[0] = v;
}

/* ---- the invariant, over a set of live spaces ---------------------------------- */

#define MAXSPACES 8
static uint8 seen[SIM_RAM_SIZE / PG];   /* per frame: 1 mapped COW, 2 mapped not COW */

static uint64
frame_no(pte_t e)
{
    uint64 pa = pte_pa(e);
    assert_true(pa >= SIM_RAM_BASE && pa < SIM_RAM_BASE + SIM_RAM_SIZE);
    return (pa - SIM_RAM_BASE) / PG;
}

static void
check_invariant(struct mm **mms, int n)
{
    static const uint64 starts[] = { DATA, TEXT, WONLY, HEAP };
    static const int sizes[] = { NDATA, 2, 1, NHEAP };
    uint64 want = 0;
    memset(seen, 0, sizeof seen);
    for (int k = 0; k < n; k++)
        for (int a = 0; a < 4; a++)
            for (int i = 0; i < sizes[a]; i++) {
                pte_t *ep = walk(mms[k]->pt, starts[a] + i * PG, 0);
                if (ep == NULL || *ep == 0)
                    continue;                               /* not in this space (any more) */
                pte_t e = *ep;
                if (!(e & PTE_V)) {                         /* promised, not made */
                    assert_true(e & PTE_LAZY);
                    want++;
                    continue;
                }
                uint64 f = frame_no(e);
                if ((e & PTE_COW) && (e & PTE_W))
                    fail_msg("page %lx of space %d is both writable and copy-on-write",
                             starts[a] + i * PG, k);
                int kind = (e & PTE_COW) ? 1 : 2;
                if (seen[f] && seen[f] != kind)
                    fail_msg("frame %lu mapped copy-on-write by one table and not by another", f);
                if (kind == 1 && !seen[f])
                    want += frame_refs(pte_ppn(e)) - 1;
                seen[f] = (uint8)kind;
                if (kind == 2 && (e & (PTE_R | PTE_W)) == (PTE_R | PTE_W))
                    assert_int_equal(frame_refs(pte_ppn(e)), 1);    /* writable: private */
            }
    assert_int_equal(frame_reserved_count(), want);
}

static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    frame_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    heap_init(kernel_heap, sizeof kernel_heap);
    area_cache_reset();
    while (frame_reserved_count() > 0)      /* what a failed test kept */
        frame_take_reserved();
    return 0;
}

/* ---- reserved frames ----------------------------------------------------------- */

static void
test_reserve_accounting(void **state)
{
    (void)state;
    uint64 free0 = frame_free_count();
    assert_int_equal(frame_reserve(10), 0);
    assert_int_equal(frame_free_count(), free0 - 10);
    assert_int_equal(frame_reserved_count(), 10);
    assert_int_equal(frame_reserve(free0), -1);             /* too many: nothing changes */
    assert_int_equal(frame_free_count(), free0 - 10);
    assert_int_equal(frame_reserved_count(), 10);
    ppn_t p = frame_take_reserved();
    assert_int_equal(frame_refs(p), 1);
    assert_int_equal(frame_reserved_count(), 9);
    assert_int_equal(frame_free_count(), free0 - 10);       /* it was not free */
    frame_unreserve(9);
    assert_int_equal(frame_reserved_count(), 0);
    frame_free(p);
    assert_int_equal(frame_free_count(), free0);
}

static void
test_reserved_frames_are_not_allocatable(void **state)
{
    (void)state;
    uint64 free0 = frame_free_count();
    assert_int_equal(frame_reserve(free0 - 3), 0);
    ppn_t got[4];
    for (int i = 0; i < 3; i++) {
        got[i] = frame_alloc();
        assert_int_not_equal(got[i].n, 0);
    }
    assert_int_equal(frame_alloc().n, 0);                   /* the rest are promised */
    ppn_t r = frame_take_reserved();                        /* and still there */
    assert_int_not_equal(r.n, 0);
    for (int i = 0; i < 3; i++)
        assert_int_not_equal(r.n, got[i].n);
    frame_free(r);
    for (int i = 0; i < 3; i++)
        frame_free(got[i]);
    frame_unreserve(free0 - 4);
    assert_int_equal(frame_free_count(), free0);
}

static void
test_reserve_misuse_panics(void **state)
{
    (void)state;
    EXPECT_PANIC(frame_take_reserved(), "no frame is reserved");
    assert_int_equal(frame_reserve(2), 0);
    EXPECT_PANIC(frame_unreserve(3), "reserved");
    frame_unreserve(2);
}

/* ---- mm_share and the write fault ------------------------------------------------ */

static void
test_share_maps_the_same_frames(void **state)
{
    (void)state;
    struct mm *p = make_space(0x10);
    struct snap s = snap();
    struct mm *c = mm_share(p);
    assert_non_null(c);
    assert_int_equal(s.frames - frame_free_count() - frame_reserved_count() <= 8, 1);
    for (int i = 0; i < NPAGES; i++) {
        pte_t pe = pte(p, page_va(i)), ce = pte(c, page_va(i));
        assert_int_equal(pe, ce);                           /* bit for bit */
        assert_true(pe & PTE_COW);
        assert_false(pe & PTE_W);
        assert_int_equal(frame_refs(pte_ppn(pe)), 2);
        assert_int_equal(bytes(c, page_va(i))[0], 0x10 + i);
    }
    pte_t t = pte(c, TEXT), w = pte(c, WONLY);
    assert_int_equal(t, pte(p, TEXT));
    assert_false(t & PTE_COW);                              /* read-only: as it is */
    assert_int_equal(w, pte(p, WONLY));
    assert_false(w & PTE_COW);                              /* W alone: never a table pointer */
    assert_true(w & PTE_W);
    assert_int_not_equal(pte_pa(pte(c, TRAP_CONTEXT)), pte_pa(pte(p, TRAP_CONTEXT)));
    assert_int_equal(bytes(c, TRAP_CONTEXT)[0], 0x10);      /* copied */
    assert_int_equal(frame_reserved_count(), NPAGES + 2 * WONLY_PROMISED);
    assert_ptr_equal(c->heap, mm_find(c, HEAP));
    assert_int_equal(c->heap_start, p->heap_start);
    assert_int_equal(c->brk, p->brk);
    struct mm *both[] = { p, c };
    check_invariant(both, 2);
    mm_free(c);
    assert_int_equal(frame_reserved_count(), WONLY_PROMISED);
    no_leak(s);
    mm_free(p);
}

static void
test_write_copies_then_takes_over(void **state)
{
    (void)state;
    struct mm *p = make_space(0x20);
    struct snap s = snap();
    struct mm *c = mm_share(p);
    assert_non_null(c);
    struct mm *both[] = { p, c };
    uint64 old = pte_pa(pte(p, DATA));
    uint64 free1 = frame_free_count();

    user_store(c, DATA, 0xC1);                              /* a copy, from the reserve */
    assert_int_not_equal(pte_pa(pte(c, DATA)), old);
    assert_int_equal(pte_pa(pte(p, DATA)), old);
    assert_true(pte(p, DATA) & PTE_COW);
    assert_int_equal(frame_refs(pte_ppn(pte(p, DATA))), 1);
    assert_int_equal(frame_reserved_count(), NPAGES - 1 + 2 * WONLY_PROMISED);
    assert_int_equal(frame_free_count(), free1);            /* not from the free frames */
    assert_int_equal(bytes(p, DATA)[0], 0x20);
    assert_int_equal(bytes(c, DATA)[0], 0xC1);
    assert_int_equal(bytes(c, DATA)[1], bytes(p, DATA)[1]); /* the rest of the page came too */
    check_invariant(both, 2);

    user_store(p, DATA, 0xB1);                              /* the last one: takes it over */
    assert_int_equal(pte_pa(pte(p, DATA)), old);
    assert_int_equal(frame_reserved_count(), NPAGES - 1 + 2 * WONLY_PROMISED);
    assert_int_equal(frame_free_count(), free1);
    check_invariant(both, 2);

    mm_free(c);                                             /* the rest of the promises back */
    assert_int_equal(frame_reserved_count(), WONLY_PROMISED);
    check_invariant(both, 1);
    for (int i = 1; i < NPAGES; i++) {                      /* all the parent's: no copy */
        uint64 f = frame_free_count();
        user_store(p, page_va(i), 0xB0);
        assert_int_equal(frame_free_count(), f);
    }
    no_leak(s);
    mm_free(p);
}

static void
test_fault_that_is_not_cow(void **state)
{
    (void)state;
    struct mm *p = make_space(0x30);
    struct mm *c = mm_share(p);
    assert_non_null(c);
    uint64 r = frame_reserved_count();
    assert_int_equal(cow_fault(c->pt, TEXT), -1);           /* read-only by the program's wish */
    assert_int_equal(cow_fault(c->pt, WONLY), -1);
    assert_int_equal(cow_fault(c->pt, 0x50000), -1);        /* unmapped, no table */
    assert_int_equal(cow_fault(c->pt, DATA + NDATA * PG), -1);  /* unmapped, table there */
    assert_int_equal(cow_fault(c->pt, TRAP_CONTEXT), -1);   /* the kernel's half */
    assert_int_equal(cow_fault(c->pt, USER_TOP), -1);
    user_store(c, DATA, 1);
    assert_int_equal(cow_fault(c->pt, DATA), -1);           /* private now */
    assert_int_equal(frame_reserved_count(), r - 1);
    assert_false(pte(c, TEXT) & PTE_W);
    mm_free(c);
    mm_free(p);
    assert_int_equal(frame_reserved_count(), 0);
}

static void
test_copyout_breaks_cow(void **state)
{
    (void)state;
    struct mm *p = make_space(0x40);
    struct mm *c = mm_share(p);
    assert_non_null(c);
    char msg[PG + 8];
    memset(msg, 'x', sizeof msg);
    /* from the middle of the first data page across into the second */
    assert_int_equal(copyout(c->pt, DATA + PG - 4, msg, sizeof msg), 0);
    assert_int_equal(bytes(c, DATA + PG)[0], 'x');
    assert_int_equal(bytes(p, DATA + PG)[0], 0x41);         /* the parent's page untouched */
    assert_true(pte(c, DATA) & PTE_W);
    assert_true(pte(c, DATA + 2 * PG) & PTE_W);
    assert_true(pte(c, DATA + 3 * PG) & PTE_COW);           /* beyond the range: still shared */
    assert_int_equal(copyout(c->pt, TEXT, msg, 1), -1);     /* still refused where it was */
    struct mm *both[] = { p, c };
    check_invariant(both, 2);
    mm_free(c);
    mm_free(p);
    assert_int_equal(frame_reserved_count(), 0);
}

static void
test_unmap_gives_back_reservations(void **state)
{
    (void)state;
    struct mm *p = make_space(0x50);
    struct mm *c = mm_share(p);
    assert_non_null(c);
    struct mm *both[] = { p, c };
    assert_int_equal(mm_resize(c, c->heap, HEAP + 2 * PG), 0);  /* sbrk down 6 pages */
    assert_int_equal(frame_reserved_count(), NPAGES - 6 + 2 * WONLY_PROMISED);
    check_invariant(both, 2);                               /* (c's heap is shorter now) */
    user_store(p, HEAP + 5 * PG, 9);                        /* p's alone again: no copy */
    assert_int_equal(frame_reserved_count(), NPAGES - 6 + 2 * WONLY_PROMISED);
    mm_free(p);
    assert_int_equal(frame_reserved_count(), WONLY_PROMISED);   /* c's made pages: last references */
    user_store(c, DATA, 3);
    assert_int_equal(frame_reserved_count(), WONLY_PROMISED);
    mm_free(c);
    assert_int_equal(frame_reserved_count(), 0);
}

/* Out of memory at every step of mm_share: NULL, nothing kept, the parent whole. */
static ppn_t hoard[SIM_RAM_SIZE / PG];

static void
test_share_out_of_memory(void **state)
{
    (void)state;
    struct mm *p = make_space(0x60);
    int worked = 0, refused = 0;
    for (uint64 left = 0; left < 40; left++) {
        struct snap s = snap();
        int n = 0;
        while (frame_free_count() > left)
            hoard[n++] = frame_alloc();
        struct mm *c = mm_share(p);
        if (c == NULL) {
            refused++;
            assert_int_equal(frame_free_count(), left);
            assert_int_equal(frame_reserved_count(), WONLY_PROMISED);
            for (int i = 0; i < NPAGES; i++) {
                assert_int_equal(frame_refs(pte_ppn(pte(p, page_va(i)))), 1);
                assert_int_equal(bytes(p, page_va(i))[0], 0x60 + i);
            }
            struct mm *one[] = { p };
            check_invariant(one, 1);
        } else {
            worked++;
            struct mm *both[] = { p, c };
            check_invariant(both, 2);
            mm_free(c);
        }
        while (n > 0)
            frame_free(hoard[--n]);
        no_leak(s);
    }
    assert_true(refused > 0 && worked > 0);
    mm_free(p);
}

static void *heap_hoard[1 << 16];

static void
test_share_out_of_heap(void **state)
{
    (void)state;
    struct mm *p = make_space(0x70);
    struct snap s = snap();
    int n = 0;
    void *q;
    while ((q = kmalloc(32)) != NULL)
        heap_hoard[n++] = q;
    assert_null(mm_share(p));                               /* no struct mm */
    assert_int_equal(frame_reserved_count(), WONLY_PROMISED);
    while (n > 0)
        kfree(heap_hoard[--n]);
    no_leak(s);
    mm_free(p);
}

/* ---- demand paging (test_lazy only) ------------------------------------------------ */

static void
test_lazy_promise_and_first_touch(void **state)
{
    (void)state;
    if (!lazy_wanted)
        skip();
    struct snap s0 = snap();
    struct mm *mm = mm_new();
    assert_non_null(mm);
    uint64 free0 = frame_free_count();
    assert_non_null(mm_map(mm, HEAP, HEAP + 16 * PG, PTE_R | PTE_W | PTE_U, AREA_FRAMED, USE_MMAP));
    assert_int_equal(frame_reserved_count(), 16);
    assert_true(free0 - frame_free_count() - 16 <= 3);      /* tables, an area slab; no page */
    for (int i = 0; i < 16; i++)
        assert_int_equal(pte(mm, HEAP + i * PG), PTE_R | PTE_W | PTE_U | PTE_LAZY);
    assert_int_equal(translate(mm->pt, HEAP, 0), 0);
    uint64 free1 = frame_free_count();

    assert_int_equal(lazy_fault(mm->pt, HEAP + 3 * PG + 100), 0);
    assert_int_equal(frame_reserved_count(), 15);
    assert_int_equal(frame_free_count(), free1);            /* from the reserve */
    static const uint8 zero[PG];
    uint8 *made = pa2kva(translate(mm->pt, HEAP + 3 * PG, PTE_R | PTE_W | PTE_U));
    assert_non_null(made);
    assert_memory_equal(made, zero, PG);                    /* sim_ram was 0xA5 */
    assert_int_equal(lazy_fault(mm->pt, HEAP + 3 * PG), -1);   /* made already */
    assert_int_equal(lazy_fault(mm->pt, HEAP + 16 * PG), -1);  /* not promised */
    assert_int_equal(lazy_fault(mm->pt, USER_TOP), -1);

    uint8 buf[8];
    memset(buf, 1, sizeof buf);
    assert_int_equal(copyin(mm->pt, buf, HEAP + 5 * PG + 4, sizeof buf), 0);
    assert_memory_equal(buf, zero, sizeof buf);
    assert_int_equal(frame_reserved_count(), 14);
    assert_int_equal(copyin(mm->pt, buf, HEAP + 15 * PG + 4090, 8), -1);   /* runs past the area */
    assert_int_equal(frame_reserved_count(), 13);           /* (its first page was made) */

    /* munmap of [2, 10): pages 3 and 5 made (frames back), six promised (reservations back) */
    uint64 free2 = frame_free_count();
    assert_int_equal(mm_unmap_range(mm, HEAP + 2 * PG, HEAP + 10 * PG, USE_MMAP), 0);
    assert_int_equal(frame_reserved_count(), 7);
    assert_int_equal(frame_free_count(), free2 + 2 + 6);
    mm_free(mm);
    assert_int_equal(frame_reserved_count(), 0);
    no_leak(s0);
}

static void
test_lazy_out_of_memory(void **state)
{
    (void)state;
    if (!lazy_wanted)
        skip();
    struct snap s0 = snap();
    struct mm *mm = mm_new();
    assert_non_null(mm);
    int worked = 0, refused = 0;
    for (uint64 left = 0; left < 24; left++) {
        int n = 0;
        while (frame_free_count() > left)
            hoard[n++] = frame_alloc();
        struct map_area *a = mm_map(mm, HEAP, HEAP + 16 * PG, PTE_R | PTE_W | PTE_U,
                                    AREA_FRAMED, USE_MMAP);
        if (a == NULL) {
            refused++;
            assert_int_equal(frame_reserved_count(), 0);
            for (int i = 0; i < 16; i++) {
                pte_t *e = walk(mm->pt, HEAP + i * PG, 0);
                assert_true(e == NULL || *e == 0);          /* nothing promised */
            }
        } else {
            worked++;
            assert_int_equal(frame_reserved_count(), 16);
            assert_int_equal(lazy_fault(mm->pt, HEAP), 0);  /* a promise holds with 0 free */
            assert_int_equal(mm_unmap_range(mm, HEAP, HEAP + 16 * PG, USE_MMAP), 0);
            assert_int_equal(frame_reserved_count(), 0);
        }
        while (n > 0)
            frame_free(hoard[--n]);
    }
    assert_true(refused > 0 && worked > 0);
    mm_free(mm);
    no_leak(s0);
}

/* ---- a random history, against a model ---------------------------------------------- */

static void
test_random_history(void **state)
{
    (void)state;
    struct snap s0 = snap();
    struct mm *mm[MAXSPACES];
    uint8 model[MAXSPACES][NPAGES];
    int n = 1;
    mm[0] = make_space(0);
    for (int i = 0; i < NPAGES; i++)
        model[0][i] = (uint8)i;
    unsigned long seed = 0x5EED5EEDUL;
    for (int step = 0; step < 4000; step++) {
        unsigned long r = sim_rand(&seed);
        int k = (int)((r >> 8) % n), i = (int)((r >> 16) % NPAGES);
        uint8 v = (uint8)(r >> 24);
        switch (r % 8) {
        case 0: case 1:                                     /* fork */
            if (n < MAXSPACES) {
                mm[n] = mm_share(mm[k]);
                assert_non_null(mm[n]);
                memcpy(model[n], model[k], NPAGES);
                n++;
            }
            break;
        case 2:                                             /* exit */
            if (n > 1) {
                mm_free(mm[k]);
                mm[k] = mm[n - 1];
                memcpy(model[k], model[n - 1], NPAGES);
                n--;
            }
            break;
        case 3: {                                           /* the kernel writes for it */
            uint8 buf[2] = { v, v };
            uint64 va = page_va(i) + PG - 1;                /* the last byte, and the next page's first */
            if (i + 1 < NPAGES && page_va(i + 1) == page_va(i) + PG) {
                assert_int_equal(copyout(mm[k]->pt, va, buf, 2), 0);
                model[k][i + 1] = v;
            }
            break;
        }
        default:                                            /* a store */
            user_store(mm[k], page_va(i), v);
            model[k][i] = v;
        }
        for (int a = 0; a < n; a++)
            for (int j = 0; j < NPAGES; j++)
                if (bytes(mm[a], page_va(j))[0] != model[a][j])
                    fail_msg("step %d: space %d page %d holds %u, the model %u", step, a, j,
                             bytes(mm[a], page_va(j))[0], model[a][j]);
        check_invariant(mm, n);
    }
    while (n > 0)
        mm_free(mm[--n]);
    assert_int_equal(frame_reserved_count(), 0);
    no_leak(s0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reserve_accounting, setup),
        cmocka_unit_test_setup(test_reserved_frames_are_not_allocatable, setup),
        cmocka_unit_test_setup(test_reserve_misuse_panics, setup),
        cmocka_unit_test_setup(test_share_maps_the_same_frames, setup),
        cmocka_unit_test_setup(test_write_copies_then_takes_over, setup),
        cmocka_unit_test_setup(test_fault_that_is_not_cow, setup),
        cmocka_unit_test_setup(test_copyout_breaks_cow, setup),
        cmocka_unit_test_setup(test_unmap_gives_back_reservations, setup),
        cmocka_unit_test_setup(test_share_out_of_memory, setup),
        cmocka_unit_test_setup(test_share_out_of_heap, setup),
        cmocka_unit_test_setup(test_lazy_promise_and_first_touch, setup),
        cmocka_unit_test_setup(test_lazy_out_of_memory, setup),
        cmocka_unit_test_setup(test_random_history, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
