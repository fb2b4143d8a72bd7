/*
 * h_spawn_g: spawned by h_spawn_c (instructor-only): data of its own,
 * filled from the key; exits with h5_spawn_code. Prints
 *
 *     h_spawn_g: TOKEN
 */
#define PROG "h_spawn_g"
#define TWIN H5_SPAWN
#include "h5twin.h"

static uint64 buf[H5_SPAWN_WORDS];

int
main(void)
{
    twin_open();
    uint64 nz = 0;
    for (int i = 0; i < H5_SPAWN_WORDS; i++)
        nz += buf[i] != 0;
    check(".bss words not zero", (int64)nz, 0);
    fill(buf, H5_SPAWN_WORDS, H5_S_SPAWN, 0);
    h5_u64 h = 0;
    for (int i = 0; i < H5_SPAWN_WORDS; i++)
        h = h5_fold(h, buf[i]);
    printf("%s: " TOKFMT "\n", PROG, TOKARGS);
    return failures ? 255 : (int)(1 + h % 120);
}
