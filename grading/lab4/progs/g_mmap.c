/*
 * g_mmap.c: mmap and munmap by the ABI. A range of odd length at a
 * seed-chosen address (rounded up to whole pages), filled and read back;
 * then the calls that must fail, one bit each, and those that must
 * succeed after them (a failed call leaves nothing mapped or unmapped).
 * Then an area cut into every shape munmap allows (vmshapes.h: its tail,
 * a hole, half-gone ranges, across a writable and a read-only area, odd
 * lengths), and a range larger than the machine's memory (32 MiB), which
 * mmap must refuse keeping nothing.
 */
#define PROG "g_mmap"
#include "lab4.h"
#include "vmshapes.h"

#define RW (PROT_READ | PROT_WRITE)

int
main(void)
{
    uint64 va = sg_mmap_addr(SEED), pages = sg_mmap_pages(SEED);
    uint64 len = sg_mmap_len(SEED), end = va + pages * PAGE_SIZE, wrong = 0;
    volatile uint64 *p = (volatile uint64 *)va;
    uint64 bits = 0;
    int64 got = mmap(va, len, RW, 0, 0);
    check("mmap of an odd length", got, 0);
    if (got != 0)
        return 1;
    fill(p, pages * SG_WORDS, SG_S_MMAP, 0);        /* the last page is whole */
    sg_u64 h = readback(p, pages * SG_WORDS, SG_S_MMAP, 0, 0, &wrong, 0);
    check("words read back wrong", (int64)wrong, 0);

    int64 r[13];
    r[0] = mmap(va + sg_mmap_misalign(SEED), PAGE_SIZE, RW, 0, 0);     /* -1 */
    r[1] = mmap(end + PAGE_SIZE, PAGE_SIZE, 0, 0, 0);                  /* -1 */
    r[2] = mmap(end + PAGE_SIZE, PAGE_SIZE, 8 | RW, 0, 0);             /* -1 */
    r[3] = mmap(0, PAGE_SIZE, RW, 0, 0);                               /* -1 */
    r[4] = mmap(SG_TOP - PAGE_SIZE, 2 * PAGE_SIZE, RW, 0, 0);          /* -1 */
    r[5] = mmap(SG_TOP, PAGE_SIZE, RW, 0, 0);                          /* -1 */
    r[6] = mmap(end - PAGE_SIZE, 2 * PAGE_SIZE, RW, 0, 0);             /* -1 */
    r[7] = mmap(end, PAGE_SIZE, RW, 0, 0);                             /*  0 */
    p[pages * SG_WORDS] = 42;                       /* the page at end */
    r[8] = munmap(va + 8, PAGE_SIZE);                                  /* -1 */
    r[9] = munmap(end + PAGE_SIZE, PAGE_SIZE);                         /* -1 */
    r[10] = munmap(end, 2 * PAGE_SIZE);                                /* -1 */
    r[11] = p[pages * SG_WORDS] == 42 ? 0 : -1;     /* still there */
    r[12] = mmap(end + PAGE_SIZE, 1, PROT_READ, 0, 0);                 /*  0 */
    for (int i = 0; i < 13; i++)
        bits |= (uint64)(r[i] == (i == 7 || i == 11 || i == 12 ? 0 : -1)) << i;
    if (bits != 0x1fff)
        printf("g_mmap: FAIL wrong results: mask %lx\n", ~bits & 0x1fff);
    check("munmap of the range", munmap(va, pages * PAGE_SIZE), 0);
    check("munmap of the pages after it", munmap(end, 2 * PAGE_SIZE), 0);
    check("mmap of the range again", mmap(va, len, RW, 0, 0), 0);
    check("nonzero words in the range again", (int64)nonzero(p, pages * SG_WORDS), 0);
    check("munmap of it", munmap(va, len), 0);
    /* Below 128 MiB above SG_LO if the range is not there, else at the top. */
    uint64 room = va >= SG_LO + 0x8000000 ? SG_LO : SG_TOP - 0x8000000;
    munmap_shapes(room + 2 * PAGE_SIZE, 8 + SEED % 5, SEED >> 8);
    mmap_refused_big(room + 0x100000, 16384);         /* 64 MiB */
    printf("g_mmap: %s pages=%lu sum=%016lx checks=0x%lx\n", TOKEN, pages, (uint64)h, bits);
    return verdict() || bits != 0x1fff;
}
