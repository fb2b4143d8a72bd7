/*
 * h_mmap.c: mmap and munmap by the ABI, the hidden way. A range of odd
 * length, filled and read back from its end; a mapping that overlaps it
 * from below fails and leaves nothing behind; bad prot bits, a misaligned
 * start, a length that wraps, the top of the user half (three RWX pages
 * there, executed); munmaps that run past what is mapped fail, one across
 * two mmap calls succeeds; the range again, zeroed. One bit per call.
 * Then an area of its own size cut into every shape munmap allows, and a
 * range of 80 MiB (vmshapes.h), elsewhere than the public test's.
 */
#define PROG "h_mmap"
#define TWIN HG_MMAP
#include "htwin.h"
#include "vmshapes.h"

#define RW (PROT_READ | PROT_WRITE)
#define P PAGE_SIZE
#define CHECKS 18

int
main(void)
{
    twin_open();
    uint64 va = hg_mm_addr(KEY), n = hg_mm_pages(KEY), len = hg_mm_len(KEY), end = va + n * P;
    uint64 rot = hg_mm_rot(KEY), wrong = 0, bits = 0, top = HG_TOP;
    volatile uint64 *p = (volatile uint64 *)va;
    check("mmap of an odd length", mmap(va, len, RW, 0, 0), 0);
    if (failures)
        return 1;
    fill(p, n * HG_WORDS, HG_S_MMAP, 0);                /* the last page is whole */
    hg_u64 h = 0;
    for (uint64 k = n; k-- > 0; )
        for (uint64 w = 0; w < HG_WORDS; w++) {
            uint64 i = k * HG_WORDS + (w + rot) % HG_WORDS;
            h = readback(p + i, 1, HG_S_MMAP, i, &wrong, h);
        }

    int64 r[CHECKS];
    r[0] = mmap(va - 2 * P, 3 * P, RW, 0, 0);                           /* -1 */
    r[1] = mmap(va - 2 * P, 2 * P, PROT_READ, 0, 0);                    /*  0 */
    if (r[1] == 0)
        h = readback(p - 2 * HG_WORDS, 2 * HG_WORDS, ZERO, 0, &wrong, h);
    r[2] = mmap(end, P, 0x10 | PROT_READ, 0, 0);                        /* -1 */
    r[3] = mmap(end, P, (1ULL << 33) | RW, 0, 0);                       /* -1 */
    r[4] = mmap(end, P, 0, 0, 0);                                       /* -1 */
    r[5] = mmap(end + 0x801, P, RW, 0, 0);                              /* -1 */
    r[6] = mmap(top - P, 0 - top + 2 * P, RW, 0, 0);                    /* -1: wraps */
    r[7] = mmap(top - 3 * P, 3 * P, RW | PROT_EXEC, 0, 0);              /*  0 */
    if (r[7] == 0) {
        volatile uint64 *last = (volatile uint64 *)(top - 8);
        *last = hg_word(KEY, HG_S_MMAP, n * HG_WORDS);
        h = readback(last, 1, HG_S_MMAP, n * HG_WORDS, &wrong, h);
        *(volatile uint32 *)(top - 3 * P) = 0x00008067;                 /* ret */
        asm volatile("fence.i" ::: "memory");
        void (*volatile f)(void) = (void (*)(void))(uintptr)(top - 3 * P);
        f();
    }
    r[8] = mmap(top - P, P, PROT_READ, 0, 0);                           /* -1 */
    r[9] = mmap(top, P, RW, 0, 0);                                      /* -1 */
    r[10] = munmap(top - 3 * P, 4 * P);                                 /* -1 */
    r[11] = munmap(end - P, 2 * P);                                     /* -1 */
    r[12] = munmap(va + P + 24, P);                                     /* -1 */
    r[13] = munmap(va - 2 * P, (n + 2) * P);                            /*  0 */
    r[14] = munmap(va, P);                                              /* -1 */
    r[15] = mmap(va, len, RW, 0, 0);                                    /*  0 */
    if (r[15] == 0)
        h = readback(p, n * HG_WORDS, ZERO, 0, &wrong, h);
    r[16] = munmap(top - 3 * P, 3 * P);                                 /*  0 */
    r[17] = munmap(va, len);                                            /*  0 */
    for (int i = 0; i < CHECKS; i++)
        bits |= (uint64)(r[i] == (i == 1 || i == 7 || i == 13 || i >= 15 ? 0 : -1)) << i;
    /* In the first 256 MiB of the mmap range if the range is not there,
       else in the middle of the user half. */
    uint64 room = va >= HG_LO + 0x10000000 ? HG_LO : HG_TOP / 2;
    room += 16 * P + hg_param(KEY, 44) % 0x1000 * P;
    munmap_shapes(room, 9 + hg_param(KEY, 45) % 9, hg_param(KEY, 46));
    mmap_refused_big(room + 0x1000000, 20480);         /* 80 MiB */
    if (bits != (1UL << CHECKS) - 1)
        printf("h_mmap: FAIL wrong results: mask %lx\n", ~bits & ((1UL << CHECKS) - 1));
    check("words read back wrong", (int64)wrong, 0);
    printf("h_mmap: " TOKFMT " pages=%lu sum=%016lx checks=0x%lx\n", TOKARGS, n, (uint64)h, bits);
    return failures > 0 || bits != (1UL << CHECKS) - 1;
}
