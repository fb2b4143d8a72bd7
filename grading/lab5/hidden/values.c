/*
 * values.c: the named values of lab 5's hidden twins' checks (the spec
 * uses them as ${H_...}): the encoded token and seed the twins are
 * compiled with, and what each twin prints on a correct kernel, computed
 * with the twins' own generator (hgen.h). Instructor-only, never shipped.
 *
 * usage: values SEED TOKEN    (SEED a 64-bit number, TOKEN 32 hex digits)
 * Prints one "NAME VALUE" line per value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hgen.h"

static h5_u64 enc[3];

static h5_u64
key_of(unsigned twin)
{
    return h5_decode(enc[0], enc[1], enc[2], twin).key;
}

static int
hex16(const char *s, h5_u64 *v)
{
    *v = 0;
    for (int i = 0; i < 16; i++) {
        const char *d = strchr("0123456789abcdef", s[i]);
        if (s[i] == 0 || d == NULL)
            return -1;
        *v = *v << 4 | (h5_u64)(d - "0123456789abcdef");
    }
    return 0;
}

int
main(int argc, char **argv)
{
    char *end;
    h5_u64 t0, t1;
    if (argc != 3)
        return fprintf(stderr, "usage: values SEED TOKEN\n"), 2;
    h5_u64 seed = strtoull(argv[1], &end, 0);
    if (end == argv[1] || *end)
        return fprintf(stderr, "values: not a number: %s\n", argv[1]), 2;
    if (strlen(argv[2]) != 32 || hex16(argv[2], &t0) < 0 || hex16(argv[2] + 16, &t1) < 0)
        return fprintf(stderr, "values: not 32 hex digits: %s\n", argv[2]), 2;
    h5_encode(t0, t1, seed, enc);
    printf("H_TOKEN_ENC 0x%016llxULL,0x%016llxULL\n", enc[0], enc[1]);
    printf("H_SEED_ENC 0x%016llxULL\n", enc[2]);
    h5_u64 k = key_of(H5_COW);
    printf("H_COW_PAGES %d\nH_COW_COPIED %llu\nH_COW_SUM %016llx\n", H5_COW_PAGES,
           h5_cow_copied(k), h5_cow_sum(k));
    k = key_of(H5_FORK);
    for (int g = 0; g < 3; g++)
        printf("H_FORK_SUM%d %016llx\n", g, h5_fork_sum(k, g));
    k = key_of(H5_WAIT);
    printf("H_WAIT_SUM %llu\nH_WAIT_CHAIN %llu\n", h5_wait_sum(k), h5_wait_chain(k));
    k = key_of(H5_SPAWN);
    printf("H_SPAWN_CODES %llu\n", h5_spawn_children(k) * (h5_spawn_code(k) + 1));
    k = key_of(H5_STRIDE);
    printf("H_STRIDE_P %llu\n", h5_stride_p(k));
    return fflush(stdout) == 0 ? 0 : 1;
}
