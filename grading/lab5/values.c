/*
 * values.c: the named values lab 5's tests.spec may use as ${NAME},
 * computed from the run's seed with the same generator the test programs
 * use (progs/seedgen.h). The grader builds it (the spec's `values`
 * directive) and runs it with the seed as its argument; it prints one
 * "NAME VALUE" line per value. (TOKEN the grader sets itself.)
 *
 * usage: values SEED [TOKEN]
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "progs/seedgen.h"

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

static void
lab_values(sg_u64 s)
{
    defval("COW_PAGES", "%d", SG_COW_PAGES);
    defval("COW_COPIED", "%llu", sg_cow_copied(s));
    defval("COW_SUM", "%016llx", sg_cow_sum(s));
    defval("FORK_CHILD_SUM", "%016llx", sg_fork_sum(s, 1));
    defval("FORK_PARENT_SUM", "%016llx", sg_fork_sum(s, 2));
    defval("OOM_PAGES", "%llu", sg_oom_pages(s));
    defval("EXEC_HEAP", "%016llx", sg_exec_sum(s));
    defval("WAIT_FIRST", "%llu", sg_wait_code(s, sg_wait_first(s)));
    defval("WAIT_REAPED", "%llu", sg_wait_children(s) + 1);
    defval("WAIT_CODES", "%llu", sg_wait_codes(s));
    defval("SPAWN_CHILDREN", "%llu", sg_spawn_children(s));
    defval("SPAWN_CODES", "%llu", sg_spawn_children(s) * sg_spawn_code(s));
    defval("STRIDE_LO", "%llu", sg_stride_lo(s));
    defval("STRIDE_HI", "%llu", sg_stride_hi(s));
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
