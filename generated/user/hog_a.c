/* hog_a.c: take every frame it can get, hold them, give them back. */
#include "user.h"
#define NAME "hog_a"
#define BASE    0x100000000UL
#define HOLD_MS 3000                    /* long after the worker is done */

int
main(void)
{
    uint64 n = 0;
    while (mmap(BASE + n * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                0, 0) == 0)
        if (++n % 32 == 0)
            sched_yield();              /* let the other hog take its share */
    printf(NAME ": memory ran out; holding %s pages\n", n > 0 ? "its" : "no");
    sleep_ms(HOLD_MS);
    if (n > 0 && munmap(BASE, n * PAGE_SIZE) != 0) {
        printf(NAME ": FAIL munmap of its %lu pages refused\n", n);
        return 1;
    }
    printf(NAME ": OK\n");
    return 0;
}
