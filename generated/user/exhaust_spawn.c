/* exhaust_spawn.c: with memory exhausted spawn fails; with it given back,
 * spawn works. */
#include "user.h"

#define BASE 0x100000000UL

int
main(void)
{
    uint64 pages = 0;
    for (uint64 chunk = 64; chunk > 0; chunk /= 8)  /* 64, 8, 1 pages a call */
        while (mmap(BASE + pages * PAGE_SIZE, chunk * PAGE_SIZE,
                    PROT_READ | PROT_WRITE, 0, 0) == 0)
            pages += chunk;
    int64 pid = spawn("hello");
    if (pid != -1) {
        printf("exhaust_spawn: FAIL spawn with every frame taken gave %ld\n",
               pid);
        return 1;
    }
    if (munmap(BASE, pages * PAGE_SIZE) != 0) {
        printf("exhaust_spawn: FAIL munmap of %lu pages\n", pages);
        return 1;
    }
    int status = -1;
    pid = spawn("hello");
    if (pid <= 0 || waitpid(pid, &status) != pid || status != 0) {
        printf("exhaust_spawn: FAIL spawn after munmap: %ld, status %d\n",
               pid, status);
        return 1;
    }
    printf("exhaust_spawn: %lu pages mapped; spawn refused, then hello ran\n",
           pages);
    printf("exhaust_spawn: OK\n");
    return 0;
}
