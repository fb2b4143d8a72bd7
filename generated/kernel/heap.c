/* heap.c: the kernel heap: a buddy allocator behind kmalloc and kfree. */
#include "types.h"
#include "defs.h"
#include "vm.h"

#define MIN_ORDER   5           /* smallest block: 32 bytes */
#define MAX_ORDERS  24          /* orders 0..23; HEAP_MAX_SIZE limits use */
#define TAG_FREE    0x80        /* tag: a free block of this order */
#define TAG_USED    0x40        /* tag: an allocated block of this order */
#define TAG_ORDER   0x3F

struct free_block {
    struct free_block *next, *prev;
};

uint8 kernel_heap[KERNEL_HEAP_SIZE] __attribute__((aligned(4096)));
static uint8 tags[HEAP_MAX_SIZE >> MIN_ORDER];

static struct {
    uint8 *base;
    int top;                            /* order of the whole region */
    struct free_block *free[MAX_ORDERS];
    uint64 in_use;                      /* bytes in allocated blocks */
} heap;

static uint8 *tag_of(uint8 *b) { return &tags[(b - heap.base) >> MIN_ORDER]; }

static void
push_free(uint8 *b, int order)
{
    struct free_block *f = (struct free_block *)b;
    f->prev = NULL;
    f->next = heap.free[order];
    if (f->next)
        f->next->prev = f;
    heap.free[order] = f;
    *tag_of(b) = TAG_FREE | order;
}

static void
unlink_free(uint8 *b, int order)
{
    struct free_block *f = (struct free_block *)b;
    if (f->prev)
        f->prev->next = f->next;
    else
        heap.free[order] = f->next;
    if (f->next)
        f->next->prev = f->prev;
    *tag_of(b) = 0;
}
/*
 * Manage [base, base + size) as the heap. size must be a power of two,
 * from 64 bytes to HEAP_MAX_SIZE; base must be 32-byte aligned (buddies
 * are found by their offset from base, so base needs no more).
 */
void
heap_init(void *base, uint64 size)
{
    int top = MIN_ORDER;
    while (top < MAX_ORDERS - 1 && (1UL << top) < size)
        top++;
    if (size > HEAP_MAX_SIZE || (1UL << top) != size || top <= MIN_ORDER
        || ((uintptr)base & ((1UL << MIN_ORDER) - 1)))
        panic("heap_init: bad region %p, %lu bytes", base, size);
    memset(tags, 0, sizeof tags);
    memset(heap.free, 0, sizeof heap.free);
    heap.base = base;
    heap.top = top;
    heap.in_use = 0;
    push_free(heap.base, top);
}
/* Allocate n bytes (n > 0), 32-byte aligned. Returns NULL when out of
 * memory. */
void *
kmalloc(uint64 n)
{
    if (n == 0 || n > (1UL << heap.top))
        return NULL;
    int want = MIN_ORDER;
    while ((1UL << want) < n)
        want++;
    int k = want;
    while (k <= heap.top && heap.free[k] == NULL)
        k++;
    if (k > heap.top)
        return NULL;
    uint8 *b = (uint8 *)heap.free[k];
    unlink_free(b, k);
    while (k > want) {
        k--;
        push_free(b + (1UL << k), k);   /* the upper half stays free */
    }
    *tag_of(b) = TAG_USED | want;
    heap.in_use += 1UL << want;
    return b;
}
/* Free a block from kmalloc; NULL is ignored. */
void
kfree(void *p)
{
    if (p == NULL)
        return;
    uint8 *b = p;
    if (b < heap.base || b >= heap.base + (1UL << heap.top)
        || ((b - heap.base) & ((1UL << MIN_ORDER) - 1))
        || !(*tag_of(b) & TAG_USED))
        panic("kfree: %p is not an allocated block", p);
    int k = *tag_of(b) & TAG_ORDER;
    *tag_of(b) = 0;             /* no longer a block start, whatever merges */
    memset(b, 0x5A, 1UL << k);  /* a use after free reads junk at once */
    heap.in_use -= 1UL << k;
    while (k < heap.top) {
        uint8 *buddy = heap.base + ((uint64)(b - heap.base) ^ (1UL << k));
        if (*tag_of(buddy) != (TAG_FREE | k))
            break;
        unlink_free(buddy, k);
        if (buddy < b)
            b = buddy;
        k++;
    }
    *tag_of(b) = 0;
    push_free(b, k);
}

/* Bytes in allocated blocks: what a leak check compares. */
uint64
heap_in_use(void)
{
    return heap.in_use;
}
