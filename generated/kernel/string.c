/* string.c: memory functions GCC may call even in a freestanding kernel. */
#include "types.h"
#include "defs.h"

/* Fill n bytes with c: bytes up to an 8-byte boundary, then doublewords. */
void *
memset(void *dst, int c, uint64 n)
{
    uint8 *d = dst;
    uint64 word = (uint8)c * 0x0101010101010101UL;
    for (; n > 0 && ((uintptr)d & 7); n--)
        *d++ = (uint8)c;
    for (; n >= 8; n -= 8, d += 8)
        *(uint64 *)d = word;
    while (n-- > 0)
        *d++ = (uint8)c;
    return dst;
}

/* Copy n bytes (ranges must not overlap): doublewords if both align alike. */
void *
memcpy(void *dst, const void *src, uint64 n)
{
    uint8 *d = dst;
    const uint8 *s = src;
    if ((((uintptr)d ^ (uintptr)s) & 7) == 0) {
        for (; n > 0 && ((uintptr)d & 7); n--)
            *d++ = *s++;
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uint64 *)d = *(const uint64 *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

/* Copy n bytes; the ranges may overlap. */
void *
memmove(void *dst, const void *src, uint64 n)
{
    uint8 *d = dst;
    const uint8 *s = src;
    if (d < s || d >= s + n) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        while (n-- > 0)
            d[n] = s[n];
    }
    return dst;
}

int
memcmp(const void *a, const void *b, uint64 n)
{
    const uint8 *p = a, *q = b;
    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

uint64
strlen(const char *s)
{
    uint64 n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}
