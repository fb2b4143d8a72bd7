/*
 * h_copy.c: the kernel's copies through user pointers, the hidden way.
 * A line built in mmap'ed memory across a page boundary (the token and
 * the folds of a page read back), written; gettimeofday into a struct
 * across another. Then pointers the kernel must refuse with -1, one bit
 * each: a struct running from a writable page into a read-only one, a
 * buffer from a read-only page into a write-only one, one across three
 * pages whose last is write-only, across the top of the user half, the
 * program's own .rodata, a length of 2^63, the trampoline, the trap
 * context, page 0, fd 0, kernel memory. Then what must work: a line
 * ending at the top of the user half, 0 bytes, a line in .rodata.
 */
#define PROG "h_copy"
#define TWIN HG_COPY
#include "htwin.h"

#define RW (PROT_READ | PROT_WRITE)
#define P PAGE_SIZE

static const struct timeval rotv = { 1, 2 };

/* Put the 16 hex digits of v at d; the byte after them. */
static char *
put_hex(char *d, uint64 v)
{
    for (int i = 15; i >= 0; i--)
        *d++ = "0123456789abcdef"[(v >> (4 * i)) & 15];
    return d;
}

/* Put the string s at d; the byte after it. */
static char *
put(char *d, const char *s)
{
    while (*s)
        *d++ = *s++;
    return d;
}

int
main(void)
{
    twin_open();
    uint64 va = hg_cp_addr(KEY), wrong = 0, refused = 0, top = HG_TOP;
    check("mmap of 3 pages", mmap(va, 3 * P, RW, 0, 0), 0);
    check("mmap of a read-only page", mmap(va + 3 * P, P, PROT_READ, 0, 0), 0);
    check("mmap of a write-only page", mmap(va + 4 * P, P, PROT_WRITE, 0, 0), 0);
    check("mmap of the last user page", mmap(top - P, P, RW, 0, 0), 0);
    if (failures)
        return 1;
    volatile uint64 *p0 = (volatile uint64 *)va;
    fill(p0, HG_WORDS, HG_S_COPY, 0);
    hg_u64 h1 = readback(p0, HG_WORDS, HG_S_COPY, 0, &wrong, 0), h2 = h1;
    for (uint64 i = HG_WORDS; i-- > 0; )
        h2 = readback(p0 + i, 1, HG_S_COPY, i, &wrong, h2);
    check("words read back wrong", (int64)wrong, 0);

    /* The line, 74 bytes, written straight across the second boundary. */
    uint64 len = 8 + 32 + 1 + 32 + 1;
    char *line = (char *)(va + 2 * P - hg_cp_before(KEY, len)), *e = put(line, "h_copy: ");
    e = put_hex(put_hex(e, tw.t0), tw.t1);
    *e++ = ' ';
    e = put_hex(put_hex(e, h1), h2);
    *e++ = '\n';
    check("the line's length", e - line, (int64)len);
    check("write of a line across a page boundary", write(1, line, len), (int64)len);

    struct timeval t0, t1, *tv = (struct timeval *)(va + P - 8);
    tv->sec = tv->usec = ~0UL;
    check("gettimeofday before", gettimeofday(&t0, NULL), 0);
    check("gettimeofday across a page boundary", gettimeofday(tv, NULL), 0);
    check("gettimeofday after", gettimeofday(&t1, NULL), 0);
    uint64 us = tv->sec * 1000000 + tv->usec;
    int tv_ok = tv->usec < 1000000 && tv->sec < 3600 && t0.sec * 1000000 + t0.usec <= us
        && us <= t1.sec * 1000000 + t1.usec;

    int64 r[12];
    r[0] = gettimeofday((struct timeval *)(va + 4 * P - 8), NULL);
    r[1] = write(1, (void *)(va + 4 * P - 8), 16);
    r[2] = write(1, (void *)(va + 3 * P - 16), P + 32);
    r[3] = gettimeofday((struct timeval *)(top - 8), NULL);
    r[4] = write(1, (void *)(top - 4), 8);
    r[5] = gettimeofday((struct timeval *)&rotv, NULL);
    r[6] = write(1, (void *)(va + P), 1UL << 63);
    r[7] = gettimeofday((struct timeval *)(HG_TRAMPOLINE + 16), NULL);
    r[8] = write(1, (void *)(HG_TRAP_CONTEXT + 64), 32);
    r[9] = write(1, (void *)0x800, 8);
    r[10] = write(0, line, 4);
    r[11] = gettimeofday((struct timeval *)hg_cp_kaddr(KEY), NULL);
    for (int i = 0; i < 12; i++)
        refused |= (uint64)(r[i] == -1) << i;
    if (refused != 0xfff)
        printf("h_copy: FAIL calls not refused: mask %lx\n", ~refused & 0xfff);
    wrong = 0;
    readback((volatile uint64 *)(va + 3 * P), HG_WORDS, ZERO, 0, &wrong, 0);
    check("nonzero words in the read-only page", (int64)wrong, 0);
    check("the .rodata struct", (int64)(((volatile const struct timeval *)&rotv)->usec), 2);
    /* Edges that must work: a line ending at the very top of the user
       half, 0 bytes, a line in .rodata. */
    static const char ro_line[] = "h_copy: from .rodata\n";
    const char edge[] = "h_copy: at the top\n";
    uint64 elen = sizeof edge - 1;
    char *eb = (char *)(top - elen);
    memcpy(eb, edge, elen);
    check("write of a line ending at the top of the user half", write(1, eb, elen), (int64)elen);
    check("write of 0 bytes from the top page", write(1, eb, 0), 0);
    check("write of a line in .rodata", write(1, ro_line, sizeof ro_line - 1), (int64)(sizeof ro_line - 1));
    printf("h_copy: " TOKFMT " refused=0x%lx tv=%s\n", TOKARGS, refused, tv_ok ? "ok" : "bad");
    return failures > 0 || refused != 0xfff || !tv_ok;
}
