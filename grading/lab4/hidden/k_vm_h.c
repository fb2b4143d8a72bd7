/*
 * k_vm_h.c: the hidden twin of ktests/k_vm.c (instructor-only): walk with
 * and without creation, map_pages, unmap_pages, translate, pagetable_free
 * and frame references, on two page tables of the test's own that no hart
 * uses. Table A maps six ranges at the edges of the address space (hgen.h,
 * hg_kvm_*), one page at a time, last page first; table B maps the same
 * frames again in one run. Each page's entry and its permissions under ten
 * need masks, in both tables; probes of what A does not map; walk making
 * tables; A unmapped and freed while B still holds the frames; the data
 * read back through B; B unmapped page by page and freed.
 *
 * Linked into the kernel with KTESTS=.../k_vm_h.c and KTESTFLAGS=
 * "-DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S", with hgen.h beside it.
 * Prints `k_vm_h: FAIL ...` for each failed check (the first ten, then a
 * count) and, at the end,
 *
 *     k_vm_h: TOKEN pages=N tables=T sum=HEX16 frames=ok
 *
 * N the pages (each mapped twice), T the table pages made for A and B,
 * sum a fold of every value checked (never an address: no frame's place
 * shows); values.c recomputes all three.
 */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"
#include "hgen.h"

#if !defined(GRADE_HTOKEN_ENC) || !defined(GRADE_HSEED_ENC)
#error "compile with KTESTFLAGS=\"-DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S\""
#endif
#define MAX_FAIL_LINES 10

static pagetable_t ta, tb;                  /* the test's tables */
static uint64 frame_pa[HG_KVM_MAX_PAGES];   /* page j's frame */
static hg_u64 key, sum;                     /* the twin's key; every checked value, folded */
static uint64 failures;

/* Fold got into the sum; report it if it is not want. */
static void
check(const char *what, uint64 va, uint64 got, uint64 want)
{
    sum = hg_fold(sum, got);
    if (got != want && failures++ < MAX_FAIL_LINES)
        printf("k_vm_h: FAIL %s at %p: got 0x%lx, want 0x%lx\n", what, (void *)va, got, want);
}

/* Bit i set: translate(pt, va, need mask i) finds va. */
static uint64
need_bits(pagetable_t pt, uint64 va)
{
    uint64 bits = 0;
    for (int i = 0; i < HG_KVM_NEEDS; i++)
        bits |= (uint64)(translate(pt, va, hg_kvm_need(i)) != 0) << i;
    return bits;
}

/* need_bits of a page mapped with perm. */
static uint64
want_bits(uint64 perm)
{
    uint64 bits = 0;
    for (int i = 0; i < HG_KVM_NEEDS; i++)
        bits |= (uint64)((hg_kvm_need(i) & ~perm) == 0) << i;
    return bits;
}

/* What walk without creation finds: 0 NULL, 1 an empty entry, 2 a valid one, 3 junk. */
static uint64
walk_status(pagetable_t pt, uint64 va)
{
    pte_t *e = walk(pt, va, 0);
    return e == NULL ? 0 : *e == 0 ? 1 : (*e & PTE_V) ? 2 : 3;
}

/* Allocate the roots and the frames, map A (last page first) and B; 0 or -1. */
static int
map_both(uint64 n, uint64 *tables_a, uint64 *tables_b)
{
    ppn_t ra = frame_alloc(), rb = frame_alloc();
    if (ra.n == 0 || rb.n == 0)
        return -1;
    ta = pa2kva(ppn2pa(ra));
    tb = pa2kva(ppn2pa(rb));
    for (uint64 j = 0; j < n; j++) {
        ppn_t p = frame_alloc();
        if (p.n == 0)
            return -1;
        frame_pa[j] = ppn2pa(p);
    }
    uint64 before = frame_free_count();
    for (uint64 j = n; j-- > 0; )
        if (map_pages(ta, hg_kvm_va(key, j, 0), frame_pa[j], 1,
                      hg_kvm_perm(key, hg_kvm_range(key, j), 0)) != 0)
            return -1;
    *tables_a = before - frame_free_count();
    before = frame_free_count();
    for (uint64 j = 0; j < n; j++) {
        if (map_pages(tb, hg_kvm_va(key, j, 1), frame_pa[j], 1,
                      hg_kvm_perm(key, hg_kvm_range(key, j), 1)) != 0)
            return -1;
        frame_get(pa2ppn(frame_pa[j]));
    }
    *tables_b = before - frame_free_count();
    return 0;
}

/* Each page's entry, permissions and references in both tables; the data through A. */
static void
check_pages(uint64 n)
{
    uint64 bad = 0;
    for (uint64 j = 0; j < n; j++)
        for (uint64 w = 0, va = hg_kvm_va(key, j, 0); w < HG_WORDS; w++) {
            uint64 pa = translate(ta, va + 8 * w, 0);
            if (pa != frame_pa[j] + 8 * w)
                bad++;
            else
                *(volatile uint64 *)pa2kva(pa) = hg_word(key, HG_S_KVM, j * HG_WORDS + w);
        }
    check("translate (data through A)", 0, bad, 0);
    for (uint64 j = 0; j < n; j++) {
        int k = hg_kvm_range(key, j);
        uint64 off = hg_kvm_off(key, j), va = hg_kvm_va(key, j, 0), vb = hg_kvm_va(key, j, 1);
        uint64 perm_a = hg_kvm_perm(key, k, 0), perm_b = hg_kvm_perm(key, k, 1);
        check("translate needs (A)", va + off, need_bits(ta, va + off), want_bits(PTE_V | perm_a));
        check("translate needs (B)", vb + off, need_bits(tb, vb + off), want_bits(PTE_V | perm_b));
        check("translate's address (B)", vb + off,
              translate(tb, vb + off, perm_b) == frame_pa[j] + off, 1);
        pte_t *e = walk(ta, va, 0);
        check("entry flags (A)", va, e ? *e & 0x1F : 0, PTE_V | perm_a);
        check("entry frame (A)", va, e && pte_pa(*e) == frame_pa[j], 1);
        e = walk(tb, vb, 0);
        check("entry flags (B)", vb, e ? *e & 0x1F : 0, PTE_V | perm_b);
        check("frame references", frame_pa[j], frame_refs(pa2ppn(frame_pa[j])), 2);
    }
}

/* What A does not map: lookups take nothing; walk with creation makes the tables. */
static void
check_probes(void)
{
    uint64 before = frame_free_count();
    for (int p = 0; p < HG_KVM_PROBES; p++) {
        uint64 va = hg_kvm_probe(key, p), st = hg_kvm_status(key, va);
        check("walk without creation", va, walk_status(ta, va), st);
        check("translate (unmapped)", va, translate(ta, va, 0) != 0, st == 2);
    }
    for (int i = 0; i < 2; i++)
        check("translate (non-canonical)", hg_kvm_noncanon(key, i),
              translate(ta, hg_kvm_noncanon(key, i), i ? PTE_R : 0), 0);
    check("frames taken by lookups", 0, before - frame_free_count(), 0);
    for (int i = 0; i < 2; i++) {
        uint64 va = hg_kvm_fresh(key, i);
        before = frame_free_count();
        pte_t *e = walk(ta, va, 1);
        check("walk with creation", va, e != NULL && *e == 0, 1);
        check("tables made by walk", va, before - frame_free_count(),
              hg_kvm_tables(key, 0, i) - hg_kvm_tables(key, 0, i - 1));
    }
    for (int i = 0; i < 2; i++)
        check("walk after creation", hg_kvm_fresh(key, i),
              walk_status(ta, hg_kvm_fresh(key, i)), 1);
}

/* Unmap and free A (B keeps the frames); read the data back through B; unmap and free B. */
static void
check_teardown(uint64 n)
{
    uint64 before = frame_free_count();
    for (int k = HG_KVM_MAPS; k-- > 0; )
        unmap_pages(ta, hg_kvm_addr(key, k), hg_kvm_len(key, k), 1);
    check("frames freed unmapping A", 0, frame_free_count() - before, 0);
    for (uint64 j = 0; j < n; j++) {
        uint64 va = hg_kvm_va(key, j, 0);
        check("walk after unmap (tables are kept)", va, walk_status(ta, va), 1);
        check("translate after unmap", va, translate(ta, va, 0) != 0, 0);
        check("frame references after unmap", frame_pa[j], frame_refs(pa2ppn(frame_pa[j])), 1);
    }
    before = frame_free_count();
    pagetable_free(ta);
    check("frames freed by pagetable_free (A)", 0, frame_free_count() - before,
          1 + hg_kvm_tables(key, 0, 1));
    uint64 bad = 0;
    for (uint64 j = 0; j < n; j++) {
        uint64 perm = hg_kvm_perm(key, hg_kvm_range(key, j), 1), vb = hg_kvm_va(key, j, 1);
        for (uint64 w = 0; w < HG_WORDS; w++) {
            uint64 va = vb + 8 * w, pa = translate(tb, va, perm);
            int ok = pa == frame_pa[j] + 8 * w;
            bad += !ok;
            check("word read through B", va, ok ? *(volatile uint64 *)pa2kva(pa) : 0,
                  hg_word(key, HG_S_KVM, j * HG_WORDS + w));
        }
    }
    check("translate (data through B)", 0, bad, 0);
    before = frame_free_count();
    for (uint64 j = n; j-- > 0; )
        unmap_pages(tb, hg_kvm_va(key, j, 1), 1, 1);
    check("frames freed unmapping B", 0, frame_free_count() - before, n);
    before = frame_free_count();
    pagetable_free(tb);
    check("frames freed by pagetable_free (B)", 0, frame_free_count() - before,
          1 + hg_kvm_tables(key, 1, -1));
}

KERNEL_TEST(k_vm_h)
{
    struct hg g = hg_here(HG_KVM);
    key = g.key;
    uint64 n = hg_kvm_pages(key), start = frame_free_count(), tables_a = 0, tables_b = 0;
    if (map_both(n, &tables_a, &tables_b) < 0) {
        printf("k_vm_h: FAIL out of memory\n");
        return;
    }
    check("table pages made for A", 0, tables_a, hg_kvm_tables(key, 0, -1));
    check("table pages made for B", 0, tables_b, hg_kvm_tables(key, 1, -1));
    check_pages(n);
    check_probes();
    check_teardown(n);
    uint64 end = frame_free_count();
    if (end != start)
        printf("k_vm_h: FAIL free frames: %lu at the start, %lu at the end\n", start, end);
    if (failures > MAX_FAIL_LINES)
        printf("k_vm_h: FAIL %lu checks failed in all\n", failures);
    printf("k_vm_h: %016lx%016lx pages=%lu tables=%lu sum=%016lx frames=%s\n", (uint64)g.t0,
           (uint64)g.t1, n, tables_a + tables_b, (uint64)sum, end == start ? "ok" : "bad");
}
