/*
 * leak.h: leak checks for host tests of address spaces: free frames, heap
 * bytes, and the map-area cache (its objects and the frames its slabs hold).
 */
#ifndef LEAK_H
#define LEAK_H

/* What is in use now. A slab's frame is counted in frames and in slabs. */
struct snap { uint64 frames, heap, areas, slabs; };

static inline struct snap
snap(void)
{
    return (struct snap){ frame_free_count(), heap_in_use(), area_cache.objects,
                          area_cache.slabs };
}

/* Fail the test unless everything in use at s is in use again, and no more. */
static inline void
no_leak(struct snap s)
{
    assert_int_equal(frame_free_count(), s.frames);
    assert_int_equal(heap_in_use(), s.heap);
    assert_int_equal(area_cache.objects, s.areas);
    assert_int_equal(area_cache.slabs, s.slabs);
}

/*
 * Forget the area cache's slabs. A test's setup calls frame_init and
 * dirties sim_ram, so slabs kept from the test before (which may have
 * left areas behind on purpose) would be junk in frames that are free again.
 */
static inline void
area_cache_reset(void)
{
    area_cache.partial = NULL;
    area_cache.slabs = area_cache.objects = 0;
}

#endif
