/*
 * g_copy.c: the kernel's copies through user pointers. write() a line
 * whose bytes cross a page boundary of mmap'ed pages (the kernel must
 * translate both pages); gettimeofday() into a struct that crosses one.
 * Then pointers the kernel must refuse with -1, one bit each: kernel
 * memory, unmapped pages, a buffer running off its mapping, a write-only
 * page (no R), read-only memory, the program's own text, the trampoline
 * and the trap context (mapped, but without U), a bad fd, a length that
 * wraps around. Then buffers at the edges that must work: one ending
 * where its mapping ends, a length of 0, read-only data.
 */
#define PROG "g_copy"
#include "lab4.h"

#define TRAMPOLINE_VA  0xFFFFFFFFFFFFF000UL
#define TRAPFRAME_VA   0xFFFFFFFFFFFFE000UL

static char *
put(char *d, const char *s)
{
    while (*s)
        *d++ = *s++;
    return d;
}

static char *
put_hex(char *d, uint64 v)
{
    for (int i = 15; i >= 0; i--)
        *d++ = "0123456789abcdef"[(v >> (4 * i)) & 15];
    return d;
}

int
main(void)
{
    uint64 va = sg_copy_addr(SEED);
    uint64 refused = 0;
    int64 got = mmap(va, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0);
    check("mmap of 2 pages", got, 0);
    if (got != 0)
        return 1;
    /* The line, built in a local buffer, then placed across the boundary. */
    char line[128], *e = put(line, "g_copy: ");
    e = put(e, TOKEN);
    *e++ = ' ';
    for (int i = 0; i < SG_COPY_WORDS; i++)
        e = put_hex(e, sg_val(SEED, SG_S_COPY, i));
    *e++ = '\n';
    uint64 len = e - line;
    char *buf = (char *)(va + PAGE_SIZE - sg_copy_before(SEED, len));
    memcpy(buf, line, len);
    check("write of a line across a page boundary", write(1, buf, len), (int64)len);

    /* gettimeofday into a struct across the boundary: both halves written. */
    /* Between two calls into an aligned struct, so both halves must be
       this call's: usec is not sec again, nor anything else. */
    struct timeval before, after, *tv = (struct timeval *)(va + PAGE_SIZE - 8);
    tv->sec = tv->usec = ~0UL;
    check("gettimeofday before", gettimeofday(&before, NULL), 0);
    check("gettimeofday across a page boundary", gettimeofday(tv, NULL), 0);
    check("gettimeofday after", gettimeofday(&after, NULL), 0);
    int tv_ok = tv->usec < 1000000 && tv->sec < 3600
        && before.sec * 1000000 + before.usec <= tv->sec * 1000000 + tv->usec
        && tv->sec * 1000000 + tv->usec <= after.sec * 1000000 + after.usec;

    /* Each refused call sets its bit. */
    uint64 wo = va + 4 * PAGE_SIZE, ro = va + 6 * PAGE_SIZE;
    check("mmap of a write-only page", mmap(wo, PAGE_SIZE, PROT_WRITE, 0, 0), 0);
    check("mmap of a read-only page", mmap(ro, PAGE_SIZE, PROT_READ, 0, 0), 0);
    int64 r[12];
    r[0] = write(1, (void *)SG_KERNEL_BASE, 16);
    r[1] = write(1, (void *)(va + 8 * PAGE_SIZE), 16);
    r[2] = write(1, (void *)(va + PAGE_SIZE - 8), PAGE_SIZE + 16);
    r[3] = write(1, (void *)wo, 16);
    r[4] = gettimeofday((struct timeval *)SG_KERNEL_BASE, NULL);
    r[5] = gettimeofday((struct timeval *)(uintptr)main, NULL);
    r[6] = gettimeofday((struct timeval *)ro, NULL);
    r[7] = gettimeofday((struct timeval *)(va + 2 * PAGE_SIZE - 8), NULL);
    r[8] = write(2, buf, 4);
    r[9] = write(1, (void *)va, ~0UL - PAGE_SIZE);
    r[10] = write(1, (void *)TRAMPOLINE_VA, 16);
    r[11] = gettimeofday((struct timeval *)TRAPFRAME_VA, NULL);
    for (int i = 0; i < 12; i++)
        refused |= (uint64)(r[i] == -1) << i;
    if (refused != 0xfff)
        printf("g_copy: FAIL calls not refused: mask %lx\n", ~refused & 0xfff);
    check("bytes of the read-only page", (int64)nonzero((volatile uint64 *)ro, SG_WORDS), 0);

    /* Buffers at the edges, which must work: one that ends exactly where
       its mapping does (no page after it), a length of 0, and the
       program's read-only data. */
    static const char ro_line[] = "g_copy: a line from read-only data\n";
    const char edge[] = "g_copy: a line that ends where its mapping does\n";
    uint64 elen = sizeof edge - 1;
    char *eb = (char *)(va + 2 * PAGE_SIZE - elen);
    memcpy(eb, edge, elen);
    check("write of a buffer ending where its mapping ends", write(1, eb, elen), (int64)elen);
    check("write of 0 bytes", write(1, eb, 0), 0);
    check("write from read-only data", write(1, ro_line, sizeof ro_line - 1), (int64)(sizeof ro_line - 1));
    printf("g_copy: %s refused=0x%lx tv=%s\n", TOKEN, refused, tv_ok ? "ok" : "bad");
    return verdict() || refused != 0xfff || !tv_ok;
}
