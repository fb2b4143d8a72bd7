/* mmap_rw.c: map pages, use them, unmap them, map them again. */
#include "user.h"

#define AREA  0x10000000UL
#define PAGES 3
#define LEN   (PAGES * PAGE_SIZE)

static int failures;

static void
expect(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("mmap_rw: FAIL %s returned %ld, want %ld\n", what, got, want);
        failures++;
    }
}
static uint8
pattern(uint64 i, uint64 seed)
{
    return (uint8)(i * 7 + i / PAGE_SIZE * 13 + seed);
}

/* Fill len bytes at p, read them back; return the count of wrong bytes. */
static uint64
fill_and_check(uint8 *p, uint64 len, uint64 seed)
{
    uint64 wrong = 0;
    for (uint64 i = 0; i < len; i++)
        p[i] = pattern(i, seed);
    for (uint64 i = 0; i < len; i++)
        wrong += p[i] != pattern(i, seed);
    return wrong;
}

int
main(void)
{
    uint8 *area = (uint8 *)AREA;
    expect("mmap of 3 pages", mmap(AREA, LEN, PROT_READ | PROT_WRITE, 0, 0), 0);
    expect("bytes read back wrong", (int64)fill_and_check(area, LEN, 1), 0);
    expect("mmap over a mapped page",
           mmap(AREA + PAGE_SIZE, PAGE_SIZE, PROT_READ, 0, 0), -1);
    expect("munmap of 3 pages", munmap(AREA, LEN), 0);
    expect("mmap again", mmap(AREA, LEN, PROT_READ | PROT_WRITE, 0, 0), 0);
    uint64 nonzero = 0;
    for (uint64 i = 0; i < LEN; i++)
        nonzero += area[i] != 0;
    expect("nonzero bytes in fresh pages", (int64)nonzero, 0);
    expect("bytes read back wrong", (int64)fill_and_check(area, LEN, 2), 0);
    expect("mmap of 100 bytes", mmap(AREA + LEN, 100, PROT_READ | PROT_WRITE,
                                     0, 0), 0);
    area[LEN + PAGE_SIZE - 1] = 42;
    expect("munmap of the middle page", munmap(AREA + PAGE_SIZE, PAGE_SIZE), 0);
    expect("bytes of page 0", area[0], pattern(0, 2));
    expect("bytes of page 2", area[2 * PAGE_SIZE], pattern(2 * PAGE_SIZE, 2));
    expect("munmap of the hole", munmap(AREA + PAGE_SIZE, PAGE_SIZE), -1);
    expect("munmap of page 0", munmap(AREA, PAGE_SIZE), 0);
    expect("munmap of pages 2 and 3", munmap(AREA + 2 * PAGE_SIZE,
                                             2 * PAGE_SIZE), 0);
    if (failures > 0)
        return 1;
    printf("mmap_rw: OK\n");
    return 0;
}
