/*
 * k_cow.c: lab 5's in-kernel test of the copy-on-write fault (exercise
 * 1), on a page table of the test's own that no hart uses. It maps
 * SG_COW_PAGES pages copy-on-write (R, U and the mark; some also X), each
 * frame filled from the seed and held by 1 + sg_cow_sharers(j) tables
 * (the others' references taken with frame_get, their reservations with
 * frame_reserve, as fork leaves them). Then it calls cow_fault once on
 * each page, at a seed offset inside it, and checks what a fork's write
 * must see:
 *   - cow_fault says 0;
 *   - the entry is valid, writable, without the mark, with its other
 *     flags as they were (R, X, U, A, D);
 *   - a frame held by others is copied into a reserved frame: a new frame,
 *     with the page's words, one reservation fewer, the old frame with
 *     one reference fewer; a frame held alone is kept, no reservation
 *     used;
 *   - translate finds the page writable.
 * It prints `k_cow: FAIL ...` for each failed check (the first ten) and,
 * at the end,
 *
 *     k_cow: TOKEN pages=N copied=C sum=HEX16 frames=ok
 *
 * C the pages copied, sum a fold of two words of each page read after the
 * fault (sg_cow_sum), frames=ok when the free-frame and reserved counts
 * came back to their values at the start.
 */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"
#include "../progs/seedgen.h"

#if !defined(GRADE_TOKEN_ENC) || !defined(GRADE_SEED_ENC)
#error "the grader compiles this with -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S, passed in KTESTFLAGS"
#endif
static volatile const sg_u64 kcow_enc[3] = { GRADE_TOKEN_ENC, GRADE_SEED_ENC };
static sg_u64 seed;
static char token[33];
static uint64 failures;
#define MAX_FAIL_LINES 10

static void
check(const char *what, int j, uint64 got, uint64 want)
{
    if (got != want && failures++ < MAX_FAIL_LINES)
        printf("k_cow: FAIL page %d: %s: got 0x%lx, want 0x%lx\n", j, what, got, want);
}

KERNEL_TEST(k_cow)
{
    seed = sg_seed_decode(kcow_enc[2]);
    sg_token_text(kcow_enc[0], kcow_enc[1], seed, token);
    uint64 free0 = frame_free_count(), reserved0 = frame_reserved_count();
    ppn_t root = frame_alloc(), frame[SG_COW_PAGES];
    if (root.n == 0) {
        printf("k_cow: FAIL no frame for the root table\n");
        return;
    }
    pagetable_t pt = pa2kva(ppn2pa(root));
    uint64 base = sg_cow_addr(seed), copied = 0;
    for (int j = 0; j < SG_COW_PAGES; j++) {
        frame[j] = frame_alloc();
        uint64 perm = PTE_R | PTE_U | PTE_COW | (sg_cow_exec(seed, j) ? PTE_X : 0);
        uint64 sharers = sg_cow_sharers(seed, j);
        if (frame[j].n == 0 || frame_reserve(sharers) < 0 ||
            map_pages(pt, base + (uint64)j * PAGE_SIZE, ppn2pa(frame[j]), 1, perm) < 0) {
            printf("k_cow: FAIL out of memory\n");
            return;
        }
        uint64 *w = pa2kva(ppn2pa(frame[j]));
        for (uint64 i = 0; i < SG_WORDS; i++)
            w[i] = sg_val(seed, SG_S_COW, (uint64)j * SG_WORDS + i);
        for (uint64 s = 0; s < sharers; s++)
            frame_get(frame[j]);
    }
    sg_u64 sum = 0;
    for (int j = 0; j < SG_COW_PAGES; j++) {
        uint64 va = base + (uint64)j * PAGE_SIZE, sharers = sg_cow_sharers(seed, j);
        uint64 word = sg_cow_word(seed, j), reserved = frame_reserved_count();
        pte_t *e = walk(pt, va, 0), before = *e;
        check("cow_fault's result", j, (uint64)cow_fault(pt, va + word * 8), 0);
        uint64 want = ((before & PTE_FLAGS) & ~PTE_COW) | PTE_W;
        check("the entry's flags", j, *e & PTE_FLAGS, want);
        check("the entry's reserved bits", j, *e & (PTE_COW | PTE_LAZY), 0);
        ppn_t now = pte_ppn(*e);
        check("a new frame (1) or the same (0)", j, now.n != frame[j].n, sharers != 0);
        check("reservations used", j, reserved - frame_reserved_count(), sharers != 0);
        check("the old frame's references", j, frame_refs(frame[j]), sharers ? sharers : 1);
        check("translate with W", j, translate(pt, va, PTE_W) != 0, 1);
        const uint64 *w = pa2kva(ppn2pa(now));
        check("word 0", j, w[0], sg_val(seed, SG_S_COW, (uint64)j * SG_WORDS));
        check("the word written", j, w[word], sg_val(seed, SG_S_COW, (uint64)j * SG_WORDS + word));
        sum = sg_fold(sum, w[0]);
        sum = sg_fold(sum, w[word]);
        copied += now.n != frame[j].n;
    }
    /* Undo: the other tables' references and their reservations left. */
    for (int j = 0; j < SG_COW_PAGES; j++) {
        uint64 sharers = sg_cow_sharers(seed, j);
        for (uint64 s = 0; s < sharers; s++)
            frame_free(frame[j]);
        if (sharers > 1)
            frame_unreserve(sharers - 1);
    }
    unmap_pages(pt, base, SG_COW_PAGES, 1);
    pagetable_free(pt);
    int ok = frame_free_count() == free0 && frame_reserved_count() == reserved0;
    printf("k_cow: %s pages=%d copied=%lu sum=%016lx frames=%s\n", token, SG_COW_PAGES, copied,
           (uint64)sum, ok ? "ok" : "bad");
}
