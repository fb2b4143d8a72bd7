/* cow.c: fork copies no page until one is written; each side keeps its
 * own writes. */
#include "user.h"

#define PAGES 256
#define FREE 0
#define RESERVED 1
#define SHARED 2
#define OWN 3

/* written by the child's gettimeofday */
static struct timeval tv = { 12345, 678 };
static const uint64 constant[2] = { 42, 42 };  /* in .rodata: read-only */

static int
fail(const char *what, int64 got, int64 want)
{
    printf("cow: FAIL %s: %ld, want %ld\n", what, got, want);
    return 1;
}

/* The child: prove the heap is shared, then write it all. */
static int
child(uint8 *heap, int64 before)
{
    int64 after = frames(FREE) + frames(RESERVED);
    int64 shared = frames(SHARED), own = frames(OWN);
    printf("cow: fork took %ld frames\n", before - after);
    if (shared < PAGES)
        return fail("child's pages in shared frames after fork", shared, PAGES);
    if (own > 8)
        return fail("child's own pages after fork (at most 8)", own, 8);
    for (int i = 0; i < PAGES; i++)
        if (heap[i * PAGE_SIZE] != (uint8)i)
            return fail("child reads a heap page", heap[i * PAGE_SIZE],
                        (uint8)i);
    for (int i = 0; i < PAGES; i++)
        heap[i * PAGE_SIZE] = (uint8)(i ^ 0x55);
    int64 shared2 = frames(SHARED), own2 = frames(OWN);
    int64 after2 = frames(FREE) + frames(RESERVED);
    if (own2 < own + PAGES || shared2 > shared - PAGES)
        return fail("child's own pages after writing the heap",
                    own2, own + PAGES);
    if (gettimeofday(&tv, 0) != 0 || tv.sec == 12345)
        return fail("gettimeofday into a shared page", tv.sec, 0);
    for (int i = 0; i < PAGES; i++)
        if (heap[i * PAGE_SIZE] != (uint8)(i ^ 0x55))
            return fail("child rereads a heap page", heap[i * PAGE_SIZE],
                        (uint8)(i ^ 0x55));
    printf("cow: writing %d pages took %ld frames\n", PAGES, after - after2);
    return 0;
}

int
main(void)
{
    uint8 *heap = (uint8 *)sbrk(PAGES * PAGE_SIZE);
    if ((int64)heap == -1)
        return fail("sbrk", -1, 0);
    for (int i = 0; i < PAGES; i++)
        heap[i * PAGE_SIZE] = (uint8)i;
    int64 before = frames(FREE) + frames(RESERVED);
    int64 pid = fork();
    if (pid < 0)
        return fail("fork", pid, 1);
    if (pid == 0)
        exit(child(heap, before) ? 1 : 7);
    int status = -1;
    if (waitpid(pid, &status) != pid || status != 7)
        return fail("the child's exit code", status, 7);
    for (int i = 0; i < PAGES; i++)
        if (heap[i * PAGE_SIZE] != (uint8)i)
            return fail("parent reads a heap page after the child wrote it",
                        heap[i * PAGE_SIZE], i);
    if (tv.sec != 12345 || tv.usec != 678)
        return fail("parent's tv after the child's gettimeofday",
                    tv.sec, 12345);

    /* a store to a read-only page still kills */
    pid = fork();
    if (pid == 0) {
        *(volatile uint64 *)&constant[0] = 43;
        exit(2);
    }
    if (pid < 0 || waitpid(pid, &status) != pid || status != -1)
        return fail("exit code of a child that wrote a constant", status, -1);
    if (*(volatile const uint64 *)&constant[0] != 42)
        return fail("the constant", constant[0], 42);

    /* the children are gone: the heap is ours again */
    int64 own = frames(OWN);
    for (int i = 0; i < PAGES; i++)
        heap[i * PAGE_SIZE] = (uint8)(i + 1);
    if (frames(SHARED) != 0 || frames(OWN) != own)
        return fail("parent's shared pages after its children exited",
                    frames(SHARED), 0);
    printf("cow: OK\n");
    return 0;
}
