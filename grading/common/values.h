/*
 * values.h: what every lab's values program shares (the spec's `values`
 * directive; grading/LAB/values.c): printing a named value, the run's
 * token and seed as its programs get them (TOKEN_ENC, SEED_ENC:
 * seedcore.h's encoding), and main. The lab's values.c includes its
 * progs/seedgen.h, then this file, and defines lab_values(seed), which
 * prints the lab's own values with defval.
 *
 * usage: values SEED [TOKEN]
 */
#ifndef VALUES_H
#define VALUES_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void lab_values(sg_u64 s);

static void
defval(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", name);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* TOKEN_ENC and SEED_ENC: the test's token and seed as its programs get them. */
static void
token_values(sg_u64 s, const char *token)
{
    sg_u64 w[2] = { 0, 0 };
    for (int i = 0; i < 32; i++) {
        char c = token[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) {
            fprintf(stderr, "values: the token is not 32 lowercase hex digits: %s\n", token);
            exit(2);
        }
        w[i / 16] |= (sg_u64)v << (8 * (i % 16 / 2) + (i % 2 ? 0 : 4));
    }
    defval("TOKEN_ENC", "0x%016llxULL,0x%016llxULL", w[0] ^ sg_token_mask(s, 0),
           w[1] ^ sg_token_mask(s, 1));
    defval("SEED_ENC", "0x%016llxULL", sg_seed_encode(s));
}

int
main(int argc, char **argv)
{
    char *end;
    if (argc != 2 && argc != 3)
        return fprintf(stderr, "usage: values SEED [TOKEN]\n"), 2;
    sg_u64 s = strtoull(argv[1], &end, 0);
    if (end == argv[1] || *end)
        return fprintf(stderr, "values: not a number: %s\n", argv[1]), 2;
    lab_values(s);
    if (argc == 3)
        token_values(s, argv[2]);
    return fflush(stdout) == 0 ? 0 : 1;
}

#endif
