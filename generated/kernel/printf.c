/* printf.c: the kernel console: printf, and panic. */
#include <stdarg.h>
#include "types.h"
#include "defs.h"
#include "format.h"

#define LINE_MAX 256

static struct {
    char buf[LINE_MAX];
    int len;
    int open;           /* a program left the console mid-line (chapter 2) */
} line;

/* Send the buffered characters to the console and empty the buffer. */
static void
console_flush(void)
{
    for (int i = 0; i < line.len; i++)
        sbi_console_putchar(line.buf[i]);
    line.len = 0;
}

static void
console_putc(void *unused, char c)
{
    (void)unused;
    if (line.len == 0 && line.open) {   /* a kernel line starts a line */
        sbi_console_putchar('\n');
        line.open = 0;
    }
    line.buf[line.len++] = c;
    if (c == '\n' || line.len == LINE_MAX)
        console_flush();
}
/* Print to the console; see format() for the conversions understood. */
int
printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = format(console_putc, NULL, fmt, ap);
    va_end(ap);
    return n;
}
/*
 * Report a broken kernel invariant at file:line and power off with failure.
 * Called through the panic() macro. Does not return.
 */
void
panic_at(const char *file, int line_no, const char *fmt, ...)
{
    va_list ap;
    console_flush();
    printf("\n[kernel] panic at %s:%d: ", file, line_no);
    va_start(ap, fmt);
    format(console_putc, NULL, fmt, ap);
    va_end(ap);
    printf("\n");
    sbi_shutdown(1);
}
/* Send n raw bytes to the console, after any buffered kernel output. */
void
console_write(const char *buf, uint64 n)
{
    console_flush();
    for (uint64 i = 0; i < n; i++)
        sbi_console_putchar(buf[i]);
    if (n > 0)
        line.open = buf[n - 1] != '\n';
}
