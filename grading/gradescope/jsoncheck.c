/*
 * jsoncheck.c: is a file one valid JSON text (RFC 8259), in valid UTF-8?
 * run_autograder checks the grader's results.json with it before handing
 * it to Gradescope, and grading/tests/gradescope.sh checks every
 * results.json it gets (no Python needed).
 *
 * usage: jsoncheck FILE...
 * Exit status 0 when every FILE is valid; otherwise 1, and a line
 * `jsoncheck: FILE: byte N: what` for each one that is not; 2 when a FILE
 * cannot be read.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

static const unsigned char *p, *end;
static const char *error;

static int
fail(const char *what)
{
    if (error == NULL)
        error = what;
    return -1;
}

static void
skip_blanks(void)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
}

static int
literal(const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
        return fail("not a JSON value");
    p += n;
    return 0;
}

static int
hex4(unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (p >= end)
            return fail("unterminated \\u escape");
        unsigned c = *p, d = c >= '0' && c <= '9' ? c - '0'
                           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
        if (d == 16)
            return fail("bad \\u escape");
        *u = *u << 4 | d;
    }
    return 0;
}

/* One UTF-8 sequence of two to four bytes, well formed (no overlongs,
   no surrogates, nothing above U+10FFFF). */
static int
utf8(void)
{
    unsigned c = *p;
    int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
          : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || end - p < n)
        return fail("invalid UTF-8");
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return fail("invalid UTF-8");
    unsigned c1 = p[1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)
        || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
        return fail("invalid UTF-8");
    p += n;
    return 0;
}

static int
string(void)
{
    p++;                                        /* the opening quote */
    for (;;) {
        if (p >= end)
            return fail("unterminated string");
        unsigned c = *p;
        if (c == '"') {
            p++;
            return 0;
        }
        if (c < 0x20)
            return fail("control character in a string");
        if (c >= 0x80) {
            if (utf8() < 0)
                return -1;
            continue;
        }
        p++;
        if (c != '\\')
            continue;
        if (p >= end)
            return fail("unterminated string");
        c = *p++;
        if (c == 'u') {
            unsigned u, v;
            if (hex4(&u) < 0)
                return -1;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return fail("lone low surrogate");
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
                    return fail("lone high surrogate");
                p += 2;
                if (hex4(&v) < 0)
                    return -1;
                if (v < 0xDC00 || v > 0xDFFF)
                    return fail("lone high surrogate");
            }
        } else if (strchr("\"\\/bfnrt", (int)c) == NULL || c == 0) {
            return fail("bad escape in a string");
        }
    }
}

static int
digits(void)
{
    if (p >= end || *p < '0' || *p > '9')
        return fail("bad number");
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return 0;
}

static int
number(void)
{
    if (*p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (digits() < 0)
        return -1;
    if (p < end && *p == '.') {
        p++;
        if (digits() < 0)
            return -1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (digits() < 0)
            return -1;
    }
    return 0;
}

static int
value(int depth)
{
    skip_blanks();
    if (p >= end)
        return fail("a value is missing");
    if (depth > MAX_DEPTH)
        return fail("nested too deeply");
    switch (*p) {
    case '"':
        return string();
    case 't':
        return literal("true");
    case 'f':
        return literal("false");
    case 'n':
        return literal("null");
    case '[':
    case '{': {
        int object = *p == '{';
        unsigned char close = object ? '}' : ']';
        p++;
        skip_blanks();
        if (p < end && *p == close) {
            p++;
            return 0;
        }
        for (;;) {
            if (object) {
                skip_blanks();
                if (p >= end || *p != '"')
                    return fail("a member's name is missing");
                if (string() < 0)
                    return -1;
                skip_blanks();
                if (p >= end || *p != ':')
                    return fail("':' is missing");
                p++;
            }
            if (value(depth + 1) < 0)
                return -1;
            skip_blanks();
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end && *p == close) {
                p++;
                return 0;
            }
            return fail(object ? "',' or '}' is missing" : "',' or ']' is missing");
        }
    }
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9'))
            return number();
        return fail("not a JSON value");
    }
}

static int
check(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "jsoncheck: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t cap = 1 << 16, len = 0, n;
    unsigned char *text = malloc(cap);
    while (text != NULL && (n = fread(text + len, 1, cap - len, f)) > 0)
        if ((len += n) == cap)
            text = realloc(text, cap *= 2);
    int bad = text == NULL || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "jsoncheck: %s: cannot read it\n", path);
        free(text);
        return 2;
    }
    p = text;
    end = text + len;
    error = NULL;
    if (value(0) == 0) {
        skip_blanks();
        if (p < end)
            fail("text after the value");
    }
    if (error)
        fprintf(stderr, "jsoncheck: %s: byte %ld: %s\n", path, (long)(p - text), error);
    free(text);
    return error ? 1 : 0;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: jsoncheck FILE...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int s = check(argv[i]);
        if (s > status)
            status = s;
    }
    return status;
}
