/* frame.c: the physical frame allocator: O(1) alloc and free, refcounts. */
#include "types.h"
#include "defs.h"
#include "vm.h"

#define NO_FRAME 0xFFFFFFFFu

struct frame_rec {
    uint32 next;        /* index of the next free frame, or NO_FRAME */
    uint32 refs;        /* 0 = free */
};

static struct {
    struct frame_rec *rec;  /* one record per managed frame */
    uint64 first;           /* physical page number of frame 0 */
    uint64 count;           /* frames managed */
    uint32 free_head;       /* top of the free stack */
    uint64 nfree;           /* frames on it */
} fa;

/*
 * Manage the frames of [start, end) (physical addresses; rounded inward to
 * whole pages). The records take the first frames of the range.
 */
void
frame_init(uint64 start, uint64 end)
{
    start = page_up(start);
    end = page_down(end);
    uint64 n = end > start ? (end - start) / PAGE_SIZE : 0;
    uint64 rec_pages = page_up(n * sizeof(struct frame_rec)) / PAGE_SIZE;
    if (n <= rec_pages)
        panic("frame_init: no free memory in [%p, %p)",
              (void *)start, (void *)end);
    fa.rec = pa2kva(start);
    fa.first = (start >> PAGE_SHIFT) + rec_pages;
    fa.count = n - rec_pages;
    for (uint64 i = 0; i < fa.count; i++) {
        fa.rec[i].next = i + 1 < fa.count ? i + 1 : NO_FRAME;
        fa.rec[i].refs = 0;
    }
    fa.free_head = 0;
    fa.nfree = fa.count;
}
static uint64
frame_index(ppn_t p, const char *who)
{
    if (p.n < fa.first || p.n - fa.first >= fa.count)
        panic("%s: frame %p is not managed by the frame allocator",
              who, (void *)ppn2pa(p));
    return p.n - fa.first;
}
/*
 * Take one free frame, filled with zeros, with one reference.
 * Returns its page number, or {0} when memory is exhausted.
 */
ppn_t
frame_alloc(void)
{
    /* BEGIN SOLUTION lab4 ex1
       stub: panic("lab4 ex1: frame_alloc not implemented");
     */
    if (fa.free_head == NO_FRAME)
        return (ppn_t){ 0 };
    uint32 i = fa.free_head;
    fa.free_head = fa.rec[i].next;
    fa.rec[i].refs = 1;
    fa.nfree--;
    ppn_t p = { fa.first + i };
    memset(pa2kva(ppn2pa(p)), 0, PAGE_SIZE);
    return p;
    /* END SOLUTION */
}
/* Drop one reference to frame p; free it when none is left. */
void
frame_free(ppn_t p)
{
    /* BEGIN SOLUTION lab4 ex1
       stub: (void)p;
       stub: panic("lab4 ex1: frame_free not implemented");
     */
    uint64 i = frame_index(p, "frame_free");
    if (fa.rec[i].refs == 0)
        panic("frame_free: double free of frame %p", (void *)ppn2pa(p));
    if (--fa.rec[i].refs > 0)
        return;
#ifdef KDEBUG
    memset(pa2kva(ppn2pa(p)), 0x5A, PAGE_SIZE);
#endif
    fa.rec[i].next = fa.free_head;
    fa.free_head = i;
    fa.nfree++;
    /* END SOLUTION */
}
/* Add a reference to an allocated frame. */
void
frame_get(ppn_t p)
{
    uint64 i = frame_index(p, "frame_get");
    if (fa.rec[i].refs == 0)
        panic("frame_get: frame %p is free", (void *)ppn2pa(p));
    fa.rec[i].refs++;
}

/* The number of references to frame p (0 = free). */
uint32
frame_refs(ppn_t p)
{
    return fa.rec[frame_index(p, "frame_refs")].refs;
}

/* How many frames are free: compared before and after a run to find leaks. */
uint64
frame_free_count(void)
{
    return fa.nfree;
}

/* Frames promised for later (chapter 5): a stack of their own. */
static struct {
    uint32 head;            /* top of the stack, or NO_FRAME */
    uint64 n;               /* frames on it */
} reserve = { NO_FRAME, 0 };

/* Move n frames from the top of stack *from to the top of stack *to. */
static void
move_frames(uint32 *from, uint32 *to, uint64 n)
{
    for (uint64 k = 0; k < n; k++) {
        uint32 i = *from;
        *from = fa.rec[i].next;
        fa.rec[i].next = *to;
        *to = i;
    }
}

/*
 * Set n free frames aside for later copies (frame_take_reserved):
 * 0, or -1 with nothing set aside if fewer than n are free.
 */
int
frame_reserve(uint64 n)
{
    if (fa.nfree < n)
        return -1;
    move_frames(&fa.free_head, &reserve.head, n);
    fa.nfree -= n;
    reserve.n += n;
    return 0;
}

/* Give n reserved frames back to the free stack. */
void
frame_unreserve(uint64 n)
{
    if (n > reserve.n)
        panic("frame_unreserve: %lu frames, but %lu are reserved",
              n, reserve.n);
    move_frames(&reserve.head, &fa.free_head, n);
    reserve.n -= n;
    fa.nfree += n;
}

/*
 * Take one reserved frame, with one reference. Its bytes are stale: the
 * caller overwrites them all. Running out is a kernel bug (a broken promise).
 */
ppn_t
frame_take_reserved(void)
{
    if (reserve.n == 0)
        panic("frame_take_reserved: no frame is reserved");
    uint32 i = reserve.head;
    reserve.head = fa.rec[i].next;
    reserve.n--;
    fa.rec[i].refs = 1;
    return (ppn_t){ fa.first + i };
}

/* How many frames are reserved. */
uint64
frame_reserved_count(void)
{
    return reserve.n;
}
