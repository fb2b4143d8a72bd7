/* ktest.c: run the tests linked into the kernel. */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"

/*
 * Run every linked test once, in link order, between a begin and an end
 * line. Called at boot with paging on, before the timer and the first
 * task. With no test linked, it prints nothing.
 */
void
ktest_run_all(void)
{
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        uint64 before = frame_free_count();
        printf("[ktest] %s begin\n", t->name);
        t->fn();
        printf("[ktest] %s end, free frames %lu -> %lu\n",
               t->name, before, frame_free_count());
    }
}
