/* sbrk_heap.c: grow and shrink the heap and use what it gives. */
#include "user.h"

static int failures;

static void
expect(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("sbrk_heap: FAIL %s is 0x%lx, want 0x%lx\n", what, got, want);
        failures++;
    }
}

int
main(void)
{
    int64 start = sbrk(0);
    int on_stack;
    expect("the initial break, page offset", start % PAGE_SIZE, 0);
    if ((uint64)start <= (uint64)&on_stack) {
        printf("sbrk_heap: FAIL the heap (0x%lx) is below the stack (%p)\n",
               start, &on_stack);
        failures++;
    }
    expect("sbrk(3 pages)", sbrk(3 * PAGE_SIZE), start);
    expect("sbrk(100)", sbrk(100), start + 3 * PAGE_SIZE);
    expect("sbrk(0)", sbrk(0), start + 3 * PAGE_SIZE + 100);
    char *heap = (char *)start;
    memset(heap, 'h', 3 * PAGE_SIZE + 100);
    uint64 wrong = 0;
    for (uint64 i = 0; i < 3 * PAGE_SIZE + 100; i++)
        wrong += heap[i] != 'h';
    expect("wrong bytes in the heap", (int64)wrong, 0);
    expect("sbrk(-100)", sbrk(-100), start + 3 * PAGE_SIZE + 100);
    expect("sbrk(-2 pages)", sbrk(-2 * (int64)PAGE_SIZE), start + 3 * PAGE_SIZE);
    expect("first heap byte", heap[0], 'h');
    expect("last heap byte", heap[PAGE_SIZE - 1], 'h');
    expect("sbrk(-1 page)", sbrk(-(int64)PAGE_SIZE), start + PAGE_SIZE);
    expect("sbrk(0) at the end", sbrk(0), start);
    if (failures > 0)
        return 1;
    printf("sbrk_heap: OK\n");
    return 0;
}
