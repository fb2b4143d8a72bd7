/* ktest.c: run the tests linked into the kernel; count free frames for them. */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "fdt.h"
#include "ktest.h"

extern struct fdt_info machine;         /* main.c */
extern const uint64 frame_audit_wanted;  /* apps.S: linked with AUDIT=1 */

#define AUDIT_FRAMES (1UL << 20)        /* frames the bitmap covers: 4 GiB */

/*
 * The number of frames frame_alloc can hand out now, counted by taking
 * them all and giving them back (frame_free). A frame outside RAM, or one
 * handed out twice, stops the count with a line that says so. Trusts no
 * count the allocator keeps.
 */
uint64
frame_audit(void)
{
    static uint64 seen[AUDIT_FRAMES / 64];
    uint64 first = machine.mem_base / PAGE_SIZE,
           frames = machine.mem_size / PAGE_SIZE;
    uint64 n = 0, head = 0;
    memset(seen, 0, sizeof seen);
    for (;;) {
        ppn_t p = frame_alloc();
        if (p.n == 0)
            break;
        uint64 i = p.n - first;
        if (p.n < first || i >= frames) {
            printf("[kernel] frame audit: frame %p is outside RAM\n",
                   (void *)ppn2pa(p));
            break;
        }
        if (i < AUDIT_FRAMES && (seen[i / 64] & (1UL << (i % 64)))) {
            printf("[kernel] frame audit: frame %p handed out twice\n",
                   (void *)ppn2pa(p));
            break;
        }
        if (i < AUDIT_FRAMES)
            seen[i / 64] |= 1UL << (i % 64);
        *(uint64 *)pa2kva(ppn2pa(p)) = head;
        head = p.n;
        n++;
    }
    while (head != 0) {
        ppn_t p = { head };
        head = *(uint64 *)pa2kva(ppn2pa(p));
        frame_free(p);
    }
    return n;
}

/*
 * The free frames, for a leak check: linked with AUDIT=1, frame_audit's
 * count (and a line if frame_free_count says otherwise); else
 * frame_free_count.
 */
uint64
frame_counted(void)
{
    if (!frame_audit_wanted)
        return frame_free_count();
    uint64 n = frame_audit(), said = frame_free_count();
    if (n != said)
        printf("[kernel] frame audit: %lu frames can be taken, "
               "frame_free_count says %lu\n", n, said);
    return n;
}

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
               t->name, before, frame_counted());
    }
}
