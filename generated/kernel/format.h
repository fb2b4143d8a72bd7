/* format.h: printf-style formatting, independent of any output device. */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdarg.h>

/* Receives each output character in turn; arg is format()'s arg. */
typedef void (*format_out)(void *arg, char c);

int format(format_out out, void *arg, const char *fmt, va_list ap);

#endif
