/*
 * h_frames.c: frame_alloc's zeroing and reuse, the hidden way. Round 1:
 * map 3 to 6 chunks, each in its own eighth of the mmap range; read them
 * (zero), fill them all, read them back in reverse order, unmap them in a
 * key-chosen order. Round 2: one range as large as all of them (made of
 * the frames just freed), over chunk 0's old place: read (zero), fill,
 * read back from the end. Prints the fold of everything read.
 */
#define PROG "h_frames"
#define TWIN HG_FRAMES
#include "htwin.h"

#define RW (PROT_READ | PROT_WRITE)

int
main(void)
{
    twin_open();
    int n = hg_fr_chunks(KEY);
    uint64 total = hg_fr_total(KEY), wrong = 0, first = 0;
    hg_u64 h = 0;
    for (int c = 0; c < n; c++) {
        uint64 va = hg_fr_addr(KEY, c), len = hg_fr_len(KEY, c);
        check("mmap of a chunk", mmap(va, len * PAGE_SIZE, RW, 0, 0), 0);
        if (failures)
            return 1;
        h = readback((volatile uint64 *)va, len * HG_WORDS, ZERO, 0, &wrong, h);
    }
    for (int c = 0; c < n; first += hg_fr_len(KEY, c), c++)
        fill((volatile uint64 *)hg_fr_addr(KEY, c), hg_fr_len(KEY, c) * HG_WORDS, HG_S_FR1,
             first * HG_WORDS);
    for (int c = n - 1; c >= 0; c--) {
        uint64 len = hg_fr_len(KEY, c);
        first -= len;
        h = readback((volatile uint64 *)hg_fr_addr(KEY, c), len * HG_WORDS, HG_S_FR1,
                     first * HG_WORDS, &wrong, h);
    }
    for (int k = 0; k < n; k++) {
        int c = hg_fr_unmap_order(KEY, k);
        check("munmap of a chunk", munmap(hg_fr_addr(KEY, c), hg_fr_len(KEY, c) * PAGE_SIZE), 0);
    }

    uint64 va = hg_fr_addr2(KEY), words = total * HG_WORDS;
    volatile uint64 *p = (volatile uint64 *)va;
    check("mmap of the second round", mmap(va, total * PAGE_SIZE, RW, 0, 0), 0);
    if (failures)
        return 1;
    h = readback(p, words, ZERO, 0, &wrong, h);
    fill(p, words, HG_S_FR2, 0);
    for (uint64 i = words; i-- > 0; )
        h = readback(p + i, 1, HG_S_FR2, i, &wrong, h);
    check("munmap of the second round", munmap(va, total * PAGE_SIZE), 0);
    check("words read wrong", (int64)wrong, 0);
    printf("h_frames: " TOKFMT " pages=%lu sum=%016lx\n", TOKARGS, total, (uint64)h);
    return failures > 0;
}
