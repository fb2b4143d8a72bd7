/* printf.c: formatted output for user programs, one write per call. */
#include <stdarg.h>
#include "user.h"
#include "format.h"

#define PRINTF_BUF 256

struct outbuf {
    char buf[PRINTF_BUF];
    uint64 len;
};

static void
flush(struct outbuf *b)
{
    if (b->len > 0)
        write(1, b->buf, b->len);
    b->len = 0;
}

static void
collect(void *arg, char c)
{
    struct outbuf *b = arg;
    if (b->len == sizeof b->buf)
        flush(b);
    b->buf[b->len++] = c;
}
/* Format like the kernel's printf and write the result to fd 1. */
int
printf(const char *fmt, ...)
{
    struct outbuf b;
    va_list ap;
    b.len = 0;
    va_start(ap, fmt);
    int n = format(collect, &b, fmt, ap);
    va_end(ap);
    flush(&b);
    return n;
}
