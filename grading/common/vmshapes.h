/*
 * vmshapes.h: the shapes of mmap and munmap every correct kernel gets
 * right, for the tests of any lab whose kernel has chapter 4's mmap. A
 * test program includes it after testprog.h and calls
 *
 *   munmap_shapes(base, n, salt)   n >= 8 pages from base, the page below
 *                                  and the one after them free; everything
 *                                  given back
 *   mmap_refused_big(base, pages)  a range larger than the machine's RAM
 *
 * Each step is a check() (testprog.h), named after what it does, so a
 * failure says which shape went wrong. Nothing here depends on choices
 * the handout leaves open (how areas are kept, merged or split, which
 * frame a page gets): only on what ABI.md says of mmap and munmap, and on
 * page contents surviving. The words written are a function of their
 * address and salt, so a page that moved or was swapped shows.
 */
#ifndef VMSHAPES_H
#define VMSHAPES_H

#define VS_P 4096ULL
#define VS_WORDS 512ULL

static inline uint64
vs_word(uint64 addr, uint64 salt)
{
    uint64 x = (addr ^ salt) * 0x9E3779B97F4A7C15ULL;
    return x ^ (x >> 29);
}

static inline void
vs_fill(uint64 va, uint64 pages, uint64 salt)
{
    for (uint64 a = va; a < va + pages * VS_P; a += 8)
        *(volatile uint64 *)a = vs_word(a, salt);
}

/* Words of [va, va + pages) that are not what vs_fill wrote (zero: 0). */
static inline int64
vs_wrong(uint64 va, uint64 pages, uint64 salt, int zero)
{
    int64 bad = 0;
    for (uint64 a = va; a < va + pages * VS_P; a += 8)
        bad += *(volatile uint64 *)a != (zero ? 0 : vs_word(a, salt));
    return bad;
}

/*
 * One area of n pages, cut by munmap into every shape: its tail, a hole in
 * its middle (the area splits in two), ranges that are already gone in
 * whole or in part; the hole and the tail mapped again (the tail
 * read-only, so that one munmap then crosses from a writable area into a
 * read-only one); an area unmapped exactly and a larger one mapped over
 * its place; an odd length that rounds up over a mapped page; a munmap
 * whose odd length rounds up to a whole page more. The pages that were
 * never unmapped keep their words throughout; every page mapped again is
 * zero. At the end nothing from base is mapped.
 */
static inline void
munmap_shapes(uint64 base, uint64 n, uint64 salt)
{
    const uint64 RW = PROT_READ | PROT_WRITE;
    uint64 t = 1 + salt % 2;            /* the tail: t pages */
    uint64 s = 2, c = 1 + (salt >> 1) % 2;      /* the hole: [s, s + c) */
    uint64 keep = n - t;                /* [s + c, keep) stays */
    uint64 P = VS_P;
    if (n < 8) {
        check_that("munmap_shapes: an area of at least 8 pages", 0);
        return;
    }
    if (mmap(base, n * P, RW, 0, 0) != 0) {
        check("mmap of the area to cut", -1, 0);
        return;
    }
    vs_fill(base, n, salt);
    check("munmap of the area's tail", munmap(base + keep * P, t * P), 0);
    check("munmap of a hole in the area's middle", munmap(base + s * P, c * P), 0);
    check("words of the area's head after the cuts", vs_wrong(base, s, salt, 0), 0);
    check("words between the hole and the tail after the cuts",
          vs_wrong(base + (s + c) * P, keep - s - c, salt, 0), 0);
    check("munmap of the hole again (gone)", munmap(base + s * P, c * P), -1);
    check("munmap from the head into the hole (half gone)", munmap(base + (s - 1) * P, 2 * P), -1);
    check("munmap from the last page kept into the tail (half gone)",
          munmap(base + (keep - 1) * P, 2 * P), -1);
    check("munmap of the whole area (the hole and tail gone)", munmap(base, n * P), -1);
    check("words of the head after the refused munmaps", vs_wrong(base, s, salt, 0), 0);
    check("mmap of the hole again", mmap(base + s * P, c * P, RW, 0, 0), 0);
    check("words of the hole mapped again (zero)", vs_wrong(base + s * P, c, salt, 1), 0);
    check("mmap of the tail again, read-only", mmap(base + keep * P, t * P, PROT_READ, 0, 0), 0);
    check("words of the tail mapped again (zero)", vs_wrong(base + keep * P, t, salt, 1), 0);
    /* One munmap from a writable area into the read-only one. */
    check("munmap across a writable and a read-only area",
          munmap(base + (keep - 1) * P, 2 * P), 0);
    check("words between the hole and the cut after it",
          vs_wrong(base + (s + c) * P, keep - 1 - s - c, salt, 0), 0);
    /* An odd length rounds up: over the head's first page, mapped. */
    check("mmap of an odd length that rounds up over a mapped page",
          mmap(base - P, P + 1, RW, 0, 0), -1);
    /* The hole exactly, then the head exactly, then one larger area. */
    check("munmap of the hole's area exactly", munmap(base + s * P, c * P), 0);
    check("munmap of the head exactly", munmap(base, s * P), 0);
    check("mmap over the head's and the hole's place", mmap(base, (s + c) * P, RW, 0, 0), 0);
    check("words of the new area (zero)", vs_wrong(base, s + c, salt, 1), 0);
    /* An odd length to munmap rounds up to the area's last page. */
    check("munmap of an odd length (rounds up to the last page)",
          munmap(base, (s + c - 1) * P + 1), 0);
    check("mmap of that last page (unmapped)", mmap(base + (s + c - 1) * P, P, RW, 0, 0), 0);
    check("munmap of it", munmap(base + (s + c - 1) * P, P), 0);
    check("munmap of the rest, from the hole's end",
          munmap(base + (s + c) * P, (keep - 1 - s - c) * P), 0);
    check("munmap of the tail's last pages", t > 1 ? munmap(base + (keep + 1) * P, (t - 1) * P) : 0, 0);
    check("munmap of anything left (all gone)", munmap(base - P, (n + 1) * P), -1);
    /* Nothing of the area is left, not even an empty piece at its old end. */
    check("mmap across the area's old end", mmap(base + (n - 1) * P, 2 * P, RW, 0, 0), 0);
    check("munmap of it", munmap(base + (n - 1) * P, 2 * P), 0);
}

/*
 * A range of more pages than the machine has frames: mmap must say -1,
 * having run out of memory part way, and keep nothing (the test's
 * free-frame count at power-off shows a leak); the same pages one at a
 * time after it work.
 */
static inline void
mmap_refused_big(uint64 base, uint64 pages)
{
    check("mmap of more pages than there are frames", mmap(base, pages * VS_P, PROT_READ | PROT_WRITE, 0, 0), -1);
    check("mmap of its first page after the refusal", mmap(base, VS_P, PROT_READ | PROT_WRITE, 0, 0), 0);
    check("munmap of it", munmap(base, VS_P), 0);
}

#endif
