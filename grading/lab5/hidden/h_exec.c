/*
 * h_exec: the hidden twin of lab 5's g_exec (exercise 3), instructor-only;
 * the test's init. Fills a heap; exec refuses a name that runs into an
 * unmapped page, an empty name and a missing program, leaving the heap as
 * it was; then execs h_exec_t by a name that straddles a page boundary.
 * h_exec_t execs h_exec_u in turn. Prints
 *
 *     h_exec: TOKEN refused=3
 */
#define PROG "h_exec"
#define TWIN H5_EXEC
#include "h5twin.h"

int
main(void)
{
    twin_open();
    uint64 nh = h5_exec_heap(KEY), buf = H5_LO + 16 * H5_PAGE;
    volatile uint64 *heap = (volatile uint64 *)sbrk((int64)(nh * H5_PAGE));
    if ((int64)heap == -1 || mmap(buf, 2 * H5_PAGE, PROT_READ | PROT_WRITE, 0, 0) != 0) {
        printf("%s: FAIL sbrk or mmap\n", PROG);
        return 1;
    }
    fill(heap, nh * H5_WORDS, H5_S_EXEC, 0);
    /* A name with no end before an unmapped page: the page after buf's two. */
    char *tail = (char *)(buf + 2 * H5_PAGE - 5);
    for (int i = 0; i < 5; i++)
        tail[i] = 'h';
    int refused = (exec(tail) == -1) + (exec("") == -1) + (exec("h_exec_v") == -1);
    check("refused execs", refused, 3);
    uint64 bad = 0;
    for (uint64 i = 0; i < nh * H5_WORDS; i++)
        bad += heap[i] != h5_word(KEY, H5_S_EXEC, i);
    check("heap words changed by refused execs", (int64)bad, 0);
    printf("%s: " TOKFMT " refused=%d\n", PROG, TOKARGS, refused);
    exec(straddle(buf, "h_exec_t", h5_exec_cut(KEY)));
    printf("%s: FAIL exec(\"h_exec_t\") returned\n", PROG);
    return 1;
}
