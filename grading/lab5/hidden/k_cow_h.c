/*
 * k_cow_h.c: the hidden twin of lab 5's k_cow (exercise 1), instructor-
 * only. Copy-on-write pages in two runs, in two different halves of the
 * user half, each frame held by up to five tables; each faulted at its
 * last word; every word of every copy checked, and every word of the old
 * frame the other tables still hold. Prints
 *
 *     k_cow_h: TOKEN pages=N copied=C sum=HEX16 frames=ok
 */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"
#include "hgen.h"

#if !defined(GRADE_HTOKEN_ENC) || !defined(GRADE_HSEED_ENC)
#error "the grader compiles this with -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S, passed in KTESTFLAGS"
#endif
static uint64 failures;

static void
check(const char *what, int j, uint64 got, uint64 want)
{
    if (got != want && failures++ < 10)
        printf("k_cow_h: FAIL page %d: %s: got 0x%lx, want 0x%lx\n", j, what, got, want);
}

KERNEL_TEST(k_cow_h)
{
    struct h5 g = h5_here(H5_COW);
    uint64 key = g.key, free0 = frame_free_count(), reserved0 = frame_reserved_count();
    ppn_t root = frame_alloc(), frame[H5_COW_PAGES];
    if (root.n == 0) {
        printf("k_cow_h: FAIL no frame for the root table\n");
        return;
    }
    pagetable_t pt = pa2kva(ppn2pa(root));
    for (int j = 0; j < H5_COW_PAGES; j++) {
        uint64 sharers = h5_cow_sharers(key, j);
        frame[j] = frame_alloc();
        if (frame[j].n == 0 || frame_reserve(sharers) < 0 ||
            map_pages(pt, h5_cow_va(key, j), ppn2pa(frame[j]), 1, PTE_R | PTE_U | PTE_COW) < 0) {
            printf("k_cow_h: FAIL out of memory\n");
            return;
        }
        uint64 *w = pa2kva(ppn2pa(frame[j]));
        for (uint64 i = 0; i < H5_WORDS; i++)
            w[i] = h5_word(key, H5_S_COW, (uint64)j * H5_WORDS + i);
        for (uint64 s = 0; s < sharers; s++)
            frame_get(frame[j]);
    }
    h5_u64 sum = 0;
    uint64 copied = 0;
    for (int j = 0; j < H5_COW_PAGES; j++) {
        uint64 va = h5_cow_va(key, j), sharers = h5_cow_sharers(key, j);
        uint64 reserved = frame_reserved_count();
        check("cow_fault's result", j, (uint64)cow_fault(pt, va + H5_PAGE - 8), 0);
        pte_t e = *walk(pt, va, 0);
        check("the entry's flags", j, e & (PTE_FLAGS | PTE_COW),
              PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
        ppn_t now = pte_ppn(e);
        check("copied", j, now.n != frame[j].n, sharers != 0);
        check("reservations used", j, reserved - frame_reserved_count(), sharers != 0);
        const uint64 *w = pa2kva(ppn2pa(now)), *old = pa2kva(ppn2pa(frame[j]));
        uint64 bad = 0;
        for (uint64 i = 0; i < H5_WORDS; i++) {
            uint64 want = h5_word(key, H5_S_COW, (uint64)j * H5_WORDS + i);
            bad += w[i] != want || old[i] != want;
            sum = h5_fold(sum, w[i]);
        }
        check("words not the page's", j, bad, 0);
        copied += now.n != frame[j].n;
    }
    for (int j = 0; j < H5_COW_PAGES; j++) {
        uint64 sharers = h5_cow_sharers(key, j);
        for (uint64 s = 0; s < sharers; s++)
            frame_free(frame[j]);
        if (sharers > 1)
            frame_unreserve(sharers - 1);
        unmap_pages(pt, h5_cow_va(key, j), 1, 1);
    }
    pagetable_free(pt);
    int ok = frame_free_count() == free0 && frame_reserved_count() == reserved0;
    printf("k_cow_h: %016lx%016lx pages=%d copied=%lu sum=%016lx frames=%s\n", (uint64)g.t0,
           (uint64)g.t1, H5_COW_PAGES, copied, (uint64)sum, ok ? "ok" : "bad");
}
