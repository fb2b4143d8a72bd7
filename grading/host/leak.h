/* leak.h: leak checks for host tests that use both the frame allocator and the heap. */
#ifndef LEAK_H
#define LEAK_H

/* What is in use now: free frames and heap bytes. */
struct snap { uint64 frames, heap; };

static inline struct snap
snap(void)
{
    return (struct snap){ frame_free_count(), heap_in_use() };
}

/* Fail the test unless everything in use at s is in use again, and no more. */
static inline void
no_leak(struct snap s)
{
    assert_int_equal(frame_free_count(), s.frames);
    assert_int_equal(heap_in_use(), s.heap);
}

#endif
