/*
 * g_spawn: lab 5, exercise 5 (the test's init, INIT=g_spawn). Changes its
 * data, then spawns g_spawn_c sg_spawn_children times: each child is a
 * new program with data of its own (not a copy of the caller's), whose
 * parent is this process. Spawning a missing program says -1. It waits
 * for every child and sums their exit codes. Prints
 *
 *     g_spawn: TOKEN children=K nope=-1 codes=SUM
 */
#define PROG "g_spawn"
#include "lab5.h"

#define MAX_CHILDREN 8
int marker = 777;

int
main(void)
{
    marker = 888;
    uint64 n = sg_spawn_children(SEED);
    int64 pid[MAX_CHILDREN];
    for (uint64 k = 0; k < n; k++) {
        pid[k] = spawn("g_spawn_c");
        check_that("spawn of g_spawn_c", pid[k] > 0);
        for (uint64 j = 0; j < k; j++)
            check_that("two children with one id", pid[j] != pid[k]);
    }
    int64 nope = spawn("g_spawn_missing");
    int64 sum = 0;
    for (uint64 k = 0; k < n; k++) {
        int code = -1;
        check("waitpid of a spawned child", waitpid(pid[k], &code), pid[k]);
        sum += code;
    }
    check("children left", waitpid(-1, 0), -1);
    printf("%s: %s children=%lu nope=%ld codes=%ld\n", PROG, TOKEN, n, nope, sum);
    return verdict();
}
