/*
 * h_spawn: the hidden twin of lab 5's g_spawn (exercise 5), instructor-
 * only; the test's init. Spawns h_spawn_c by a name that straddles a page
 * boundary, several times; each child spawns an h_spawn_g of its own,
 * waits for it and exits with its code plus one. A name too long for any
 * program is refused. Prints
 *
 *     h_spawn: TOKEN codes=SUM long=-1
 */
#define PROG "h_spawn"
#define TWIN H5_SPAWN
#include "h5twin.h"

#define MAX_CHILDREN 4

int
main(void)
{
    twin_open();
    uint64 n = h5_spawn_children(KEY), buf = H5_LO;
    if (mmap(buf, 2 * H5_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("%s: FAIL mmap\n", PROG);
        return 1;
    }
    int64 pid[MAX_CHILDREN];
    for (uint64 k = 0; k < n; k++) {
        pid[k] = spawn(straddle(buf, "h_spawn_c", 1 + k));
        check_that("spawn", pid[k] > 0);
    }
    static char longname[300];
    for (int i = 0; i < 299; i++)
        longname[i] = 'h';
    int64 lng = spawn(longname);
    int64 sum = 0;
    for (uint64 k = 0; k < n; k++) {
        int code = -1;
        check("waitpid", waitpid(pid[k], &code), pid[k]);
        sum += code;
    }
    printf("%s: " TOKFMT " codes=%ld long=%ld\n", PROG, TOKARGS, sum, lng);
    return verdict();
}
