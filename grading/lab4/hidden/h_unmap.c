/*
 * h_unmap.c: unmapping, the hidden way. Two adjacent mmap ranges A and B,
 * filled; one munmap across their border makes a hole; unmaps of pages
 * already gone, in part or in whole, fail; one page of the hole comes
 * back read-only and zeroed, and a mapping over it fails; the rest kept
 * its data. Everything unmapped piece by piece, then a store into the old
 * range must kill this program at exactly that address.
 */
#define PROG "h_unmap"
#define TWIN HG_UNMAP
#include "htwin.h"

#define RW (PROT_READ | PROT_WRITE)
#define P PAGE_SIZE

int
main(void)
{
    twin_open();
    uint64 va = hg_un_addr(KEY), a = hg_un_a(KEY), b = hg_un_b(KEY), x = hg_un_x(KEY);
    uint64 y = hg_un_y(KEY), hs = va + (a - x) * P, he = va + (a + y) * P;
    uint64 rp = hs + hg_un_r(KEY) * P, wrong = 0, bits = 0;
    check("mmap of A", mmap(va, a * P, RW, 0, 0), 0);
    check("mmap of B", mmap(va + a * P, b * P, RW, 0, 0), 0);
    if (failures)
        return 1;
    fill((volatile uint64 *)va, (a + b) * HG_WORDS, HG_S_UNMAP, 0);

    int64 r[11];
    r[0] = munmap(hs, (x + y) * P);                     /*  0: across A and B */
    r[1] = munmap(hs, P);                               /* -1: gone */
    r[2] = munmap(hs - P, 2 * P);                       /* -1: half gone */
    r[3] = munmap(he - P, 2 * P);                       /* -1: half gone */
    r[4] = mmap(rp, P, PROT_READ, 0, 0);                /*  0 */
    r[5] = mmap(hs, (x + y) * P, RW, 0, 0);             /* -1: over rp */
    r[6] = munmap(va + 8, P);                           /* -1: unaligned */
    hg_u64 h = 0;
    for (uint64 i = 0; i < a + b; i++) {
        uint64 page = va + i * P;
        if (page == rp)
            h = readback((volatile uint64 *)page, HG_WORDS, ZERO, 0, &wrong, h);
        else if (page < hs || page >= he)
            h = readback((volatile uint64 *)page, HG_WORDS, HG_S_UNMAP, i * HG_WORDS, &wrong, h);
    }
    r[7] = munmap(va, (a - x) * P);                     /*  0 */
    r[8] = munmap(rp, P);                               /*  0 */
    r[9] = munmap(he, (b - y) * P);                     /*  0 */
    r[10] = munmap(va, (a + b) * P);                    /* -1: all gone */
    for (int i = 0; i < 11; i++)
        bits |= (uint64)(r[i] == (i == 0 || i == 4 || (i >= 7 && i <= 9) ? 0 : -1)) << i;
    check("words read back wrong", (int64)wrong, 0);
    if (bits != 0x7ff)
        printf("h_unmap: FAIL wrong results: mask %lx\n", ~bits & 0x7ff);
    printf("h_unmap: " TOKFMT " pages=%lu sum=%016lx checks=0x%lx\n", TOKARGS, a + b,
           (uint64)h, bits);
    if (failures || bits != 0x7ff)
        return 1;
    *(volatile uint64 *)hg_un_fault(KEY) = h;           /* must be killed here */
    return NOT_REACHED();
}
