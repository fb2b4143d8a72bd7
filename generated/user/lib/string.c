/* string.c: the memory functions that GCC and the test programs need. */
#include "user.h"

void *
memset(void *dst, int c, uint64 n)
{
    uint8 *d = dst;
    while (n-- > 0)
        *d++ = (uint8)c;
    return dst;
}

void *
memcpy(void *dst, const void *src, uint64 n)
{
    uint8 *d = dst;
    const uint8 *s = src;
    while (n-- > 0)
        *d++ = *s++;
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
