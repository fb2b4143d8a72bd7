/*
 * g_spawn_c: lab 5, exercise 5: what g_spawn spawns. Its data are its
 * file's (marker 777, not its parent's 888), its parent is g_spawn, and
 * it fills a buffer from the seed and exits with sg_spawn_code (255 if a
 * check failed). Prints
 *
 *     g_spawn_c: TOKEN ppid=P
 */
#define PROG "g_spawn_c"
#include "lab5.h"

int marker = 777;
static uint64 buf[SG_SPAWN_WORDS];

int
main(void)
{
    check("marker", marker, 777);
    check_that("a parent", getppid() > 0);
    fill(buf, SG_SPAWN_WORDS, SG_S_SPAWN_C, 0);
    sg_u64 h = 0;
    for (int i = 0; i < SG_SPAWN_WORDS; i++)
        h = sg_fold(h, buf[i]);
    printf("%s: %s ppid=%ld\n", PROG, TOKEN, getppid());
    return failures ? 255 : (int)(1 + h % 100);
}
