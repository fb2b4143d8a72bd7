/* hostile.c: every system call with arguments the kernel must refuse. */
#include "user.h"

#define KERNEL_ADDR  0x80200000UL           /* the kernel's first byte */
#define TRAMPOLINE   0xFFFFFFFFFFFFF000UL   /* mapped, but without U */
#define TRAP_CONTEXT 0xFFFFFFFFFFFFE000UL   /* mapped, but without U */
#define USER_TOP     0x4000000000UL         /* end of the user half */
#define RO_PAGE      0x10000000UL   /* mapped read-only */
#define UNMAPPED     0x10001000UL   /* the page after it: never mapped */
#define WO_PAGE      0x10010000UL   /* mapped write-only */
#define RW_PAGE      0x10020000UL   /* mapped read-write; the next is not */
#define RW_END       (RW_PAGE + PAGE_SIZE)
#define FREE_PAGE    0x10030000UL   /* left free */

static int failures;

/* Count and print a failure if the call did not return want. */
static void
expect(const char *what, int64 got, int64 want)
{
    if (got != want) {
        printf("hostile: FAIL %s returned %ld, want %ld\n", what, got, want);
        failures++;
    }
}
#define REFUSED(what, call) expect(what, call, -1)
static void
map_test_pages(void)
{
    expect("mmap RO", mmap(RO_PAGE, PAGE_SIZE, PROT_READ, 0, 0), 0);
    expect("mmap WO", mmap(WO_PAGE, PAGE_SIZE, PROT_WRITE, 0, 0), 0);
    expect("mmap RW", mmap(RW_PAGE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                           0, 0), 0);
    memset((char *)RW_PAGE, ' ', PAGE_SIZE);
}
static void
hostile_write(void)
{
    static const char msg[] = "hostile: this line must not be printed\n";
    REFUSED("write from a kernel address", write(1, (void *)KERNEL_ADDR, 16));
    REFUSED("write from NULL", write(1, NULL, 16));
    REFUSED("write from an unmapped page", write(1, (void *)UNMAPPED, 16));
    REFUSED("write from a write-only page", write(1, (void *)WO_PAGE, 16));
    REFUSED("write from the trampoline", write(1, (void *)TRAMPOLINE, 16));
    REFUSED("write from the trap context", write(1, (void *)TRAP_CONTEXT, 16));
    REFUSED("write from the end of the user half",
            write(1, (void *)USER_TOP, 16));
    REFUSED("write past the end of a mapping",
            write(1, (void *)(RW_END - 8), 16));
    REFUSED("write whose length wraps",
            write(1, (void *)(RW_END - 8), ~0UL));
    REFUSED("write to fd 2", write(2, msg, sizeof msg - 1));
    REFUSED("write to fd 0", write(0, msg, sizeof msg - 1));
    REFUSED("write to fd -1", write(-1, msg, sizeof msg - 1));
}
/* Store the concatenation of a and b in dst. */
static void
copy_name(char *dst, const char *a, const char *b)
{
    uint64 n = strlen(a), m = strlen(b);
    memcpy(dst, a, n);
    memcpy(dst + n, b, m);
    dst[n + m] = '\0';
}
static void
hostile_fill(void)
{
    static const char constant[4096] = "read-only";
    uint64 text = (uint64)&main;
    uint64 places[] = { KERNEL_ADDR, 0, text, (uint64)constant, RO_PAGE,
                        RW_END - 8, TRAP_CONTEXT, TRAMPOLINE,
                        USER_TOP - 8 };
    const char *names[] = { "a kernel address", "NULL", "the program's text",
                            "a string constant", "a read-only page",
                            "a buffer running off its mapping",
                            "the trap context", "the trampoline",
                            "the end of the user half" };
    for (uint64 i = 0; i < sizeof places / sizeof places[0]; i++) {
        char what[80];
        uint64 ti_at = places[i] == RW_END - 8 ? RW_END - 1000 : places[i];
        copy_name(what, "gettimeofday into ", names[i]);
        REFUSED(what, gettimeofday((struct timeval *)places[i], NULL));
        copy_name(what, "task_info into ", names[i]);
        REFUSED(what, task_info((struct task_info *)ti_at));
    }
    struct timeval tv;
    expect("gettimeofday with a kernel tz",
           gettimeofday(&tv, (void *)KERNEL_ADDR), 0);
}
static void
hostile_mmap(void)
{
    uint64 rw = PROT_READ | PROT_WRITE;
    uint64 stack = (uint64)&rw & ~(PAGE_SIZE - 1);
    REFUSED("mmap at an unaligned start",
            mmap(FREE_PAGE + 1, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap with prot 0", mmap(FREE_PAGE, PAGE_SIZE, 0, 0, 0));
    REFUSED("mmap with prot 8", mmap(FREE_PAGE, PAGE_SIZE, 8, 0, 0));
    REFUSED("mmap with prot 0xff", mmap(FREE_PAGE, PAGE_SIZE, 0xff, 0, 0));
    REFUSED("mmap over a mapped page", mmap(RO_PAGE, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap overlapping a mapping",
            mmap(RO_PAGE - PAGE_SIZE, 2 * PAGE_SIZE, rw, 0, 0));
    expect("mmap of the page the refused call left free",
           mmap(RO_PAGE - PAGE_SIZE, PAGE_SIZE, rw, 0, 0), 0);
    expect("munmap of that page", munmap(RO_PAGE - PAGE_SIZE, PAGE_SIZE), 0);
    REFUSED("mmap over the program's text", mmap(0x10000, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap over the stack", mmap(stack, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap of page 0", mmap(0, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap at the end of the user half",
            mmap(USER_TOP, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap across the end of the user half",
            mmap(USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, rw, 0, 0));
    expect("mmap of the last user page",
           mmap(USER_TOP - PAGE_SIZE, PAGE_SIZE, rw, 0, 0), 0);
    expect("munmap of the last user page",
           munmap(USER_TOP - PAGE_SIZE, PAGE_SIZE), 0);
    REFUSED("mmap over the trap context", mmap(TRAP_CONTEXT, PAGE_SIZE, rw, 0, 0));
    REFUSED("mmap whose length wraps", mmap(FREE_PAGE, ~0UL, rw, 0, 0));
    REFUSED("mmap longer than the user half", mmap(FREE_PAGE, USER_TOP, rw, 0, 0));
    expect("mmap with junk flags and fd",
           mmap(FREE_PAGE, PAGE_SIZE, rw, 0xdead, ~0UL), 0);
    expect("munmap of that page", munmap(FREE_PAGE, PAGE_SIZE), 0);
}
static void
hostile_munmap(void)
{
    uint64 text = (uint64)&main & ~(PAGE_SIZE - 1);
    uint64 stack = (uint64)&text & ~(PAGE_SIZE - 1);
    REFUSED("munmap of an unmapped page", munmap(UNMAPPED, PAGE_SIZE));
    REFUSED("munmap of the program's text", munmap(text, PAGE_SIZE));
    REFUSED("munmap of the stack", munmap(stack, PAGE_SIZE));
    REFUSED("munmap at an unaligned start", munmap(RW_PAGE + 1, PAGE_SIZE));
    REFUSED("munmap of a kernel address", munmap(KERNEL_ADDR, PAGE_SIZE));
    REFUSED("munmap of the trampoline", munmap(TRAMPOLINE, PAGE_SIZE));
    int64 heap = sbrk(PAGE_SIZE);
    REFUSED("munmap of the heap", munmap(heap, PAGE_SIZE));
    expect("sbrk back", sbrk(-(int64)PAGE_SIZE), heap + PAGE_SIZE);
    REFUSED("munmap whose length wraps", munmap(RW_PAGE, ~0UL));
    REFUSED("munmap of a partly mapped range", munmap(RW_PAGE, 2 * PAGE_SIZE));
}
static void
hostile_sbrk(void)
{
    int64 brk = sbrk(0);
    REFUSED("sbrk below the heap's start", sbrk(-(int64)PAGE_SIZE));
    REFUSED("sbrk of 1 TiB", sbrk(0x10000000000L));
    REFUSED("sbrk of -1 TiB", sbrk(-0x10000000000L));
    REFUSED("sbrk of the largest int64", sbrk(0x7fffffffffffffffL));
    REFUSED("sbrk of the smallest int64", sbrk(-0x7fffffffffffffffL - 1));
    expect("the break after refusals", sbrk(0), brk);
}
static void
hostile_numbers(void)
{
    static const char msg[] = "hostile: syscall 2^32+64 was taken for write\n";
    uint64 junk = KERNEL_ADDR;
    REFUSED("syscall 1000", syscall6(1000, 0, 0, 0, 0, 0, 0));
    REFUSED("syscall -1", syscall6(~0UL, 0, 0, 0, 0, 0, 0));
    REFUSED("syscall 500", syscall6(MAX_SYSCALL_NUM, 0, 0, 0, 0, 0, 0));
    REFUSED("syscall 0", syscall6(0, 0, 0, 0, 0, 0, 0));
    REFUSED("syscall 2^32+64", syscall6(0x100000000UL + SYS_write, 1,
                                        (uint64)msg, sizeof msg - 1, 0, 0, 0));
    expect("sched_yield with junk arguments",
           syscall6(SYS_sched_yield, junk, junk, junk, junk, junk, junk), 0);
    expect("getpid with junk arguments",
           syscall6(SYS_getpid, junk, junk, junk, junk, junk, junk), getpid());
}
int
main(void)
{
    uint32 first_word = *(volatile uint32 *)&main;
    map_test_pages();
    hostile_write();
    hostile_fill();
    hostile_mmap();
    hostile_sbrk();
    hostile_numbers();
    hostile_munmap();
    const uint8 *ro = (const uint8 *)RO_PAGE;
    uint64 changed = 0;
    for (uint64 i = 0; i < PAGE_SIZE; i++)
        changed += ro[i] != 0;
    expect("changed bytes in the read-only page", (int64)changed, 0);
    expect("main's first word unchanged",
           *(volatile uint32 *)&main == first_word, 1);
    if (failures > 0) {
        printf("hostile: FAIL %d calls were not refused\n", failures);
        return 1;
    }
    printf("hostile: OK\n");
    return 0;
}
