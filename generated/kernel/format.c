/* format.c: printf-style formatting into a character callback. */
#include <stdarg.h>
#include "types.h"
#include "format.h"

struct spec {
    int zero;       /* '0' flag: pad numbers with zeros */
    int left;       /* '-' flag: pad on the right */
    int width;      /* minimum field width */
    int longs;      /* number of 'l's: 0, 1 or 2 */
};

struct sink {
    format_out out;
    void *arg;
    int count;      /* characters produced so far */
};

static void
emit(struct sink *s, char c)
{
    s->out(s->arg, c);
    s->count++;
}

static void
pad(struct sink *s, char c, int n)
{
    while (n-- > 0)
        emit(s, c);
}
static void
put_number(struct sink *s, const struct spec *sp, uint64 mag, int negative,
           unsigned base)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[mag % base];
        mag /= base;
    } while (mag != 0);
    int len = n + (negative ? 1 : 0);
    if (!sp->left && !sp->zero)
        pad(s, ' ', sp->width - len);
    if (negative)
        emit(s, '-');
    if (!sp->left && sp->zero)
        pad(s, '0', sp->width - len);
    while (n > 0)
        emit(s, buf[--n]);
    if (sp->left)
        pad(s, ' ', sp->width - len);
}

static void
put_string(struct sink *s, const struct spec *sp, const char *str)
{
    int len = 0;
    if (str == NULL)
        str = "(null)";
    while (str[len] != '\0')
        len++;
    if (!sp->left)
        pad(s, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        emit(s, str[i]);
    if (sp->left)
        pad(s, ' ', sp->width - len);
}

/*
 * Format fmt with the arguments in ap, passing each character to out(arg, c).
 * Returns the number of characters produced.
 */
int
format(format_out out, void *arg, const char *fmt, va_list ap)
{
    struct sink s = { out, arg, 0 };
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            emit(&s, *p);
            continue;
        }
        const char *start = p++;
        struct spec sp = { 0, 0, 0, 0 };
        for (;; p++) {
            if (*p == '0')
                sp.zero = 1;
            else if (*p == '-')
                sp.left = 1;
            else
                break;
        }
        while (*p >= '0' && *p <= '9')
            sp.width = sp.width * 10 + (*p++ - '0');
        while (*p == 'l' && sp.longs < 2) {
            sp.longs++;
            p++;
        }
        switch (*p) {
        case 'd': {
            int64 v = sp.longs ? va_arg(ap, int64) : va_arg(ap, int);
            put_number(&s, &sp, v < 0 ? -(uint64)v : (uint64)v, v < 0, 10);
            break;
        }
        case 'u':
        case 'x': {
            uint64 v = sp.longs ? va_arg(ap, uint64) : va_arg(ap, unsigned);
            put_number(&s, &sp, v, 0, *p == 'u' ? 10 : 16);
            break;
        }
        case 'p': {
            struct spec ptr = { 1, 0, 16, 2 };
            emit(&s, '0');
            emit(&s, 'x');
            put_number(&s, &ptr, (uint64)va_arg(ap, void *), 0, 16);
            break;
        }
        case 's':
            put_string(&s, &sp, va_arg(ap, const char *));
            break;
        case 'c':
            emit(&s, (char)va_arg(ap, int));
            break;
        case '%':
            emit(&s, '%');
            break;
        default:
            for (const char *q = start; q <= p && *q != '\0'; q++)
                emit(&s, *q);
            if (*p == '\0')
                p--;
            break;
        }
    }
    return s.count;
}
