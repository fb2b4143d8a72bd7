/* lazy.c: pages of mmap and sbrk are made on first touch, and promised
 * when granted. */
#include "user.h"

#define PAGES 512
#define BASE 0x30000000UL
#define FREE 0
#define OWN 3

static int
fail(const char *what, int64 got, int64 want)
{
    printf("lazy: FAIL %s: %ld, want %ld\n", what, got, want);
    return 1;
}

static volatile uint64 *
page(int i)
{
    return (volatile uint64 *)(BASE + (uint64)i * PAGE_SIZE);
}

int
main(void)
{
    int64 own = frames(OWN);
    if (mmap(BASE, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, 0) != 0)
        return fail("mmap", -1, 0);
    if (frames(OWN) != own)
        return fail("pages made by mmap", frames(OWN) - own, 0);
    for (int i = 0; i < 10; i++)
        if (page(i)[i] != 0)
            return fail("a fresh page's word", page(i)[i], 0);
    if (frames(OWN) != own + 10)
        return fail("pages made by reading ten", frames(OWN) - own, 10);
    for (int i = 10; i < 20; i++)
        page(i)[1] = i;
    page(200)[0] = 1;
    if (frames(OWN) != own + 21)
        return fail("pages made by writing eleven more", frames(OWN) - own, 21);
    struct timeval *tv = (struct timeval *)(BASE + 100 * PAGE_SIZE + 8);
    if (gettimeofday(tv, 0) != 0 || (tv->sec == 0 && tv->usec == 0)
        || frames(OWN) != own + 22)
        return fail("gettimeofday into an unmade page: pages made",
                    frames(OWN) - own, 22);
    if (munmap(BASE + 150 * PAGE_SIZE, 100 * PAGE_SIZE) != 0
        || frames(OWN) != own + 21)
        return fail("munmap of 100 pages, 1 made: pages left",
                    frames(OWN) - own, 21);
    uint64 too_many = (uint64)frames(FREE) + 64;
    if (mmap(0x100000000UL, too_many * PAGE_SIZE, PROT_READ, 0, 0) != -1)
        return fail("mmap of more pages than are free", 0, -1);

    int64 pid = fork();
    if (pid == 0) {
        if (page(300)[5] != 0)
            exit(1);
        page(300)[5] = 77;
        exit(page(300)[5] == 77 ? 7 : 2);
    }
    int status = -1;
    if (pid < 0 || waitpid(pid, &status) != pid || status != 7)
        return fail("the child that read and wrote an unmade page", status, 7);
    if (frames(OWN) != own + 21)
        return fail("parent's pages after its child made one",
                    frames(OWN) - own, 21);
    if (page(300)[5] != 0)
        return fail("parent's word the child wrote", page(300)[5], 0);

    if (mmap(0x40000000UL, PAGE_SIZE, PROT_READ, 0, 0) != 0)
        return fail("mmap read-only", -1, 0);
    pid = fork();
    if (pid == 0) {
        *(volatile uint64 *)0x40000000UL = 1;
        exit(3);
    }
    if (pid < 0 || waitpid(pid, &status) != pid || status != -1)
        return fail("exit code of a child that wrote a read-only page",
                    status, -1);

    own = frames(OWN);
    uint8 *heap = (uint8 *)sbrk(64 * PAGE_SIZE);
    if ((int64)heap == -1 || frames(OWN) != own)
        return fail("pages made by sbrk", frames(OWN) - own, 0);
    heap[5 * PAGE_SIZE] = 1;
    if (frames(OWN) != own + 1 || (int64)sbrk(-64 * (int64)PAGE_SIZE) == -1
        || frames(OWN) != own)
        return fail("pages after a touch and sbrk back", frames(OWN) - own, 0);
    printf("lazy: OK\n");
    return 0;
}
