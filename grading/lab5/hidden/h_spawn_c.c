/*
 * h_spawn_c: spawned by h_spawn (instructor-only): spawns h_spawn_g,
 * waits for it, exits with its code plus one (255 on a failed check).
 */
#define PROG "h_spawn_c"
#define TWIN H5_SPAWN
#include "h5twin.h"

int
main(void)
{
    twin_open();
    int64 me = getpid(), g = spawn("h_spawn_g");
    int code = -1;
    check_that("spawn of the grandchild", g > 0 && g != me);
    check("waitpid of the grandchild", waitpid(g, &code), g);
    return failures ? 255 : code + 1;
}
