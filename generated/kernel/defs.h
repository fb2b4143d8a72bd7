/* defs.h: functions and macros shared across the kernel. */
#ifndef DEFS_H
#define DEFS_H

#include "types.h"
#include "riscv.h"

/* sbi.c */
void sbi_init(void);
void sbi_console_putchar(int c);
void sbi_set_timer(uint64 stime_value);
void sbi_shutdown(int failure) __attribute__((noreturn));
extern uint64 test_finisher;

/* printf.c */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define KLOG(...) printf("[kernel] " __VA_ARGS__)

/* string.c */
void *memset(void *dst, int c, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
void console_write(const char *buf, uint64 n);

#endif
