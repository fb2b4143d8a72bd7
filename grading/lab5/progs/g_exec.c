/*
 * g_exec: lab 5, exercise 3 (the test's init, INIT=g_exec). Fills a heap,
 * asks exec for programs that do not exist (a missing name, a name too
 * long for any program, a name in unmapped memory): each -1, with its
 * heap, its data and its pid unchanged. Then it execs g_exec_t, which
 * must not return. Prints
 *
 *     g_exec: TOKEN pid=P refused=3 heap=HEX16
 */
#define PROG "g_exec"
#include "lab5.h"

int marker = 12345;             /* g_exec_t's own copy must still say 12345 */

int
main(void)
{
    uint64 heap_pages = sg_exec_heap(SEED);
    volatile uint64 *heap = (volatile uint64 *)sbrk((int64)(heap_pages * SG_PAGE));
    if ((int64)heap == -1) {
        printf("%s: FAIL sbrk\n", PROG);
        return 1;
    }
    fill(heap, heap_pages * SG_WORDS, SG_S_EXEC, 0);
    marker = 54321;
    int64 pid = getpid();
    static char longname[200];
    for (int i = 0; i < 199; i++)
        longname[i] = 'g';
    int refused = 0;
    refused += exec("g_exec_nonexistent") == -1;
    refused += exec(longname) == -1;
    refused += exec((const char *)0x10) == -1;
    check("refused execs", refused, 3);
    check("pid after refused execs", getpid(), pid);
    check("marker after refused execs", marker, 54321);
    sg_u64 h = 0;
    for (uint64 i = 0; i < heap_pages * SG_WORDS; i++)
        h = sg_fold(h, heap[i]);
    printf("%s: %s pid=%ld refused=%d heap=%016lx\n", PROG, TOKEN, pid, refused, (uint64)h);
    exec("g_exec_t");
    printf("%s: FAIL exec(\"g_exec_t\") returned\n", PROG);
    return 1;
}
