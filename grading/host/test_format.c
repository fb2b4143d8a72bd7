/* test_format.c: the kernel's format() against the host C library's vsnprintf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include "types.h"
#include "format.h"

struct buf {
    char s[512];
    size_t n;
};

static void
put(void *arg, char c)
{
    struct buf *b = arg;
    assert_true(b->n < sizeof b->s - 1);
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
}

/* Format with the kernel's code and with libc's; both must agree exactly. */
static void __attribute__((format(printf, 1, 2)))
check(const char *fmt, ...)
{
    struct buf mine = { .n = 0 };
    char want[512];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = format(put, &mine, fmt, ap);
    vsnprintf(want, sizeof want, fmt, aq);
    va_end(aq);
    va_end(ap);
    assert_string_equal(mine.s, want);
    assert_int_equal(n, (int)strlen(want));
}

/* Formats libc has no opinion on (or a different one): give the expected text. */
static void
check_literal(const char *want, const char *fmt, ...)
{
    struct buf mine = { .n = 0 };
    va_list ap;
    va_start(ap, fmt);
    int n = format(put, &mine, fmt, ap);
    va_end(ap);
    assert_string_equal(mine.s, want);
    assert_int_equal(n, (int)strlen(want));
}

static void
test_decimal(void **state)
{
    (void)state;
    check("%d %d %d", 0, 42, -42);
    check("%d|%d", INT_MAX, INT_MIN);
    check("%ld|%ld", LONG_MAX, LONG_MIN);
    check("%lld|%lld", LLONG_MAX, LLONG_MIN);
    check("%u|%u", 0u, UINT_MAX);
    check("%lu|%llu", ULONG_MAX, 12345678901234ULL);
    check("[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42);
    check("[%1d][%3d]", 12345, -7);
}

static void
test_hex(void **state)
{
    (void)state;
    check("%x %x %x", 0u, 0xdeadbeefu, UINT_MAX);
    check("%lx %llx", 0x80200000UL, 0xffffffffffffffffULL);
    check("[%08x][%-8x][%16lx][%016lx]", 0xabcu, 0xabcu, 0x1UL, 0x87e00000UL);
    check("%x", (unsigned)-1);
}

static void
test_strings_and_chars(void **state)
{
    (void)state;
    check("%s|%s|%c%c%c", "kernel", "", 'o', 'k', '!');
    check("[%8s][%-8s][%2s]", "abc", "abc", "abcdef");
    check("100%% done, %d%%", 7);
    check_literal("(null)", "%s", (char *)NULL);
}

static void
test_pointer(void **state)
{
    (void)state;
    char want[32];
    void *p = (void *)0x80200000UL;
    snprintf(want, sizeof want, "0x%016lx", (unsigned long)p);
    check_literal(want, "%p", p);
    check_literal("0x0000000000000000", "%p", (void *)0);
}

static void
test_malformed(void **state)
{
    (void)state;
    check_literal("%q and %y", "%q and %y");
    check_literal("trailing %", "trailing %");
    check_literal("width %5", "width %5");
    check_literal("%lq", "%lq");
    check_literal("plain text, no conversions", "plain text, no conversions");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
