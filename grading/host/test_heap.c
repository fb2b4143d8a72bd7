/*
 * test_heap.c: the kernel heap (heap.c, a buddy allocator) checked against a
 * model: a bitmap of the heap's 32-byte granules that live blocks occupy.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "types.h"
#include "vm.h"

#define GRAIN 32UL
#define MIB (1UL << 20)

static uint8 *big;                  /* 1 MiB, aligned to 1 MiB */
static uint8 *small;                /* 128 KiB, aligned to 64 KiB */

/* The block size a request of n bytes takes: a power of two, at least 32. */
static uint64
rounded(uint64 n)
{
    uint64 r = GRAIN;
    while (r < n)
        r *= 2;
    return r;
}

/* ---- the model ------------------------------------------------------------ */

struct block { uint8 *p; uint64 n, size; uint32 id; };

static struct model {
    uint8 *base;
    uint64 size;
    uint8 used[MIB / GRAIN];        /* granule -> 1 if in a live block */
    struct block live[4096];
    int nlive;
    uint64 in_use;
    uint32 next_id;
} m;

static uint8 pat(uint32 id, uint64 i) { return (uint8)(id * 151 + i * 7 + 1); }

static void
fill(const struct block *b)
{
    for (uint64 i = 0; i < b->n; i++)
        b->p[i] = pat(b->id, i);
}

static void
verify(const struct block *b)
{
    for (uint64 i = 0; i < b->n; i++)
        if (b->p[i] != pat(b->id, i))
            fail_msg("block %u at offset %lu (%lu bytes) was overwritten at byte %lu",
                     b->id, (unsigned long)(b->p - m.base), (unsigned long)b->n,
                     (unsigned long)i);
}

static void
model_init(uint8 *base, uint64 size)
{
    heap_init(base, size);
    memset(&m, 0, sizeof m);
    m.base = base;
    m.size = size;
    assert_int_equal(heap_in_use(), 0);
}

static int
region_free(uint64 off, uint64 len)
{
    for (uint64 g = off / GRAIN; g < (off + len) / GRAIN; g++)
        if (m.used[g])
            return 0;
    return 1;
}

/* kmalloc(n) checked against the model; NULL only when no block can exist. */
static struct block *
m_alloc(uint64 n)
{
    uint64 r = rounded(n);
    uint8 *p = kmalloc(n);
    if (p == NULL) {
        /* With eager coalescing, any aligned free region of r bytes is (part
         * of) a free block of at least that order, so kmalloc must succeed. */
        for (uint64 off = 0; r <= m.size && off < m.size; off += r)
            if (region_free(off, r))
                fail_msg("kmalloc(%lu) returned NULL but [%lu, +%lu) is free",
                         (unsigned long)n, (unsigned long)off, (unsigned long)r);
        assert_int_equal(heap_in_use(), m.in_use);
        return NULL;
    }
    assert_true(p >= m.base && p + r <= m.base + m.size);
    uint64 off = (uint64)(p - m.base);
    assert_int_equal((uintptr)p % GRAIN, 0);
    assert_int_equal(off % r, 0);                   /* a buddy block is aligned to its size */
    if (!region_free(off, r))
        fail_msg("kmalloc(%lu) returned [%lu, +%lu), which overlaps a live block",
                 (unsigned long)n, (unsigned long)off, (unsigned long)r);
    memset(&m.used[off / GRAIN], 1, r / GRAIN);
    assert_true(m.nlive < (int)ARRAY_SIZE(m.live));
    struct block *b = &m.live[m.nlive++];
    *b = (struct block){ p, n, r, m.next_id++ };
    fill(b);
    m.in_use += r;
    assert_int_equal(heap_in_use(), m.in_use);
    return b;
}

static void
m_free(int k)
{
    struct block *b = &m.live[k];
    verify(b);
    kfree(b->p);
    uint64 off = (uint64)(b->p - m.base);
    memset(&m.used[off / GRAIN], 0, b->size / GRAIN);
    m.in_use -= b->size;
    assert_int_equal(heap_in_use(), m.in_use);
    m.live[k] = m.live[--m.nlive];
}

static void
m_free_all(void)
{
    while (m.nlive > 0)
        m_free(m.nlive - 1);
    assert_int_equal(heap_in_use(), 0);
}

/* After everything is freed, the whole region is one block again. */
static void
check_fully_coalesced(void)
{
    assert_int_equal(heap_in_use(), 0);
    uint8 *p = kmalloc(m.size);
    assert_ptr_equal(p, m.base);
    assert_int_equal(heap_in_use(), m.size);
    assert_null(kmalloc(1));
    kfree(p);
    assert_int_equal(heap_in_use(), 0);
}

static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    model_init(small, 64 * 1024);
    return 0;
}

/* ---- heap_init --------------------------------------------------------------- */

static void
test_init_sizes(void **state)
{
    (void)state;
    for (uint64 size = 64; size <= MIB; size *= 2) {
        model_init(big, size);
        check_fully_coalesced();
        struct block *b = m_alloc(size / 2 + 1);        /* needs the whole region */
        assert_non_null(b);
        assert_ptr_equal(b->p, big);
        assert_null(kmalloc(1));
        m_free(0);
        check_fully_coalesced();
    }
    /* The kernel's own heap, as main() sets it up. */
    model_init(kernel_heap, sizeof kernel_heap);
    check_fully_coalesced();
    /* A base aligned to 32 bytes only is enough. */
    model_init(small + 32, 64 * 1024);
    check_fully_coalesced();
    for (int i = 0; i < 100; i++)
        assert_non_null(m_alloc(1 + i * 37 % 700));
    m_free_all();
    check_fully_coalesced();
}

static void
test_init_bad_regions_panic(void **state)
{
    (void)state;
    EXPECT_PANIC(heap_init(big, 0), "bad region");
    EXPECT_PANIC(heap_init(big, 32), "bad region");         /* one smallest block */
    EXPECT_PANIC(heap_init(big, 48), "bad region");
    EXPECT_PANIC(heap_init(big, 96), "bad region");
    EXPECT_PANIC(heap_init(big, 65536 + 4096), "bad region");
    EXPECT_PANIC(heap_init(big, 2 * MIB), "bad region");    /* above HEAP_MAX_SIZE */
    EXPECT_PANIC(heap_init(big, 1UL << 40), "bad region");
    EXPECT_PANIC(heap_init(big + 16, 4096), "bad region");  /* base not 32-aligned */
    EXPECT_PANIC(heap_init(big + 1, 4096), "bad region");
}

/*
 * A size above 2^63 must panic like any other bad size. Run in a child
 * process: if heap_init reaches undefined behaviour instead, UBSan stops
 * the child, not this test program.
 */
static void
test_init_huge_size_panics(void **state)
{
    (void)state;
    static const uint64 sizes[] = { (1UL << 63) + 1, ~0UL };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            sim_panic_exit = 0;             /* panicked: exit 0 */
            heap_init(big, sizes[i]);
            _exit(3);                       /* returned: exit 3 */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("heap_init(base, %#lx) did not panic (child %s %d)",
                     (unsigned long)sizes[i],
                     WIFEXITED(status) ? "exited with" : "killed by signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
}

/* ---- kmalloc ----------------------------------------------------------------- */

static void
test_sizes_1_to_4096(void **state)
{
    (void)state;
    model_init(big, MIB);
    for (uint64 n = 1; n <= 4096; n++) {
        struct block *b = m_alloc(n);
        assert_non_null(b);
        if (m.in_use > MIB / 2) {
            for (int k = 0; k < m.nlive; k++)
                verify(&m.live[k]);
            m_free_all();
            check_fully_coalesced();
        }
    }
    m_free_all();
    check_fully_coalesced();
}

static void
test_zero_and_too_large(void **state)
{
    (void)state;
    assert_null(kmalloc(0));
    assert_null(kmalloc(m.size + 1));
    assert_null(kmalloc(2 * m.size));
    assert_null(kmalloc(~0UL));
    assert_null(kmalloc(1UL << 63));
    assert_int_equal(heap_in_use(), 0);
    struct block *b = m_alloc(1);
    assert_non_null(b);
    assert_null(kmalloc(m.size));               /* the whole region is no longer free */
    assert_null(kmalloc(m.size / 2 + 1));
    assert_non_null(m_alloc(m.size / 2));       /* the other half is */
    assert_null(kmalloc(m.size / 2));
    assert_int_equal(heap_in_use(), m.size / 2 + 32);
    m_free_all();
    check_fully_coalesced();
}

/* Seeded random kmalloc/kfree sequences against the model. */
static void
random_run(uint8 *base, uint64 size, unsigned long seed, int ops)
{
    model_init(base, size);
    for (int op = 0; op < ops; op++) {
        unsigned long r = sim_rand(&seed);
        if (r % 100 < 55 && m.nlive < (int)ARRAY_SIZE(m.live)) {
            uint64 n;
            switch ((r >> 8) % 10) {
            case 0: n = 1 + (r >> 16) % (size / 4); break;     /* large */
            case 1: case 2: n = 1 + (r >> 16) % 4096; break;
            default: n = 1 + (r >> 16) % 200; break;            /* small */
            }
            m_alloc(n);
        } else if (m.nlive > 0) {
            m_free((int)((r >> 8) % m.nlive));
        }
        if (op % 500 == 0)
            for (int k = 0; k < m.nlive; k++)
                verify(&m.live[k]);
    }
    m_free_all();
    check_fully_coalesced();
}

static void
test_random_small_heap(void **state)
{
    (void)state;
    random_run(small, 64 * 1024, 12345, 40000);
    random_run(small, 64 * 1024, 0xDEADBEEFUL, 40000);
}

static void
test_random_big_heap(void **state)
{
    (void)state;
    random_run(big, MIB, 777, 20000);
}

/* Free in address order, reverse order and interleaved: always back to one block. */
static void
test_coalescing_orders(void **state)
{
    (void)state;
    for (int order = 0; order < 3; order++) {
        model_init(small, 64 * 1024);
        while (m_alloc(32) != NULL)
            ;
        assert_int_equal(m.nlive, 64 * 1024 / 32);
        /* Sort the model's blocks by address. */
        static struct block sorted[2048];
        for (int k = 0; k < m.nlive; k++)
            sorted[(m.live[k].p - m.base) / 32] = m.live[k];
        memcpy(m.live, sorted, sizeof sorted);
        for (int k = 0; k < 2048; k++) {
            int i = order == 0 ? k : order == 1 ? 2047 - k
                  : (k < 1024 ? 2 * k + 1 : 2 * (k - 1024));
            verify(&sorted[i]);
            kfree(sorted[i].p);
            m.in_use -= 32;
            assert_int_equal(heap_in_use(), m.in_use);
        }
        m.nlive = 0;
        memset(m.used, 0, sizeof m.used);
        check_fully_coalesced();
    }
}

/* ---- kfree --------------------------------------------------------------------- */

static void
test_kfree_null(void **state)
{
    (void)state;
    struct block *b = m_alloc(100);
    kfree(NULL);
    assert_int_equal(heap_in_use(), 128);
    verify(b);
    m_free_all();
    kfree(NULL);
    check_fully_coalesced();
}

static void
test_kfree_bad_pointers_panic(void **state)
{
    (void)state;
    uint8 *a = kmalloc(64), *b = kmalloc(256);
    assert_non_null(a);
    assert_non_null(b);
    uint64 used = heap_in_use();
    int on_stack;
    EXPECT_PANIC(kfree(a + 32), "not an allocated block");      /* middle, 32-aligned */
    EXPECT_PANIC(kfree(b + 128), "not an allocated block");
    EXPECT_PANIC(kfree(b + 1), "not an allocated block");       /* unaligned */
    EXPECT_PANIC(kfree(b + 255), "not an allocated block");
    EXPECT_PANIC(kfree(small - 32), "not an allocated block");  /* just below the heap */
    EXPECT_PANIC(kfree(small + 64 * 1024), "not an allocated block");   /* just above */
    EXPECT_PANIC(kfree(big), "not an allocated block");
    EXPECT_PANIC(kfree(&on_stack), "not an allocated block");
    EXPECT_PANIC(kfree(small + 32 * 1024), "not an allocated block");   /* inside a free block */
    assert_int_equal(heap_in_use(), used);
    kfree(a);
    kfree(b);
    check_fully_coalesced();
}

static void
test_double_free_panics(void **state)
{
    (void)state;
    uint8 *a = kmalloc(40);
    kfree(a);
    EXPECT_PANIC(kfree(a), "not an allocated block");
    assert_int_equal(heap_in_use(), 0);
    /* A block whose buddy is still in use stays a free block of its own. */
    uint8 *x = kmalloc(32), *y = kmalloc(32);
    assert_ptr_equal(y, x + 32);
    kfree(y);
    EXPECT_PANIC(kfree(y), "not an allocated block");
    kfree(x);
    check_fully_coalesced();
}

/*
 * The second free of a block that merged with its lower buddy: the merge
 * leaves the block's "used" tag behind, inside the merged free block.
 */
static void
test_double_free_after_merge_panics(void **state)
{
    (void)state;
    uint8 *x = kmalloc(32), *y = kmalloc(32);
    assert_ptr_equal(y, x + 32);
    kfree(x);
    kfree(y);                                   /* merges into x's block */
    assert_int_equal(heap_in_use(), 0);
    EXPECT_PANIC(kfree(y), "not an allocated block");
    assert_int_equal(heap_in_use(), 0);
    check_fully_coalesced();
}

/* The same stale tag lets kfree take a pointer into a live block. */
static void
test_kfree_middle_of_reused_block_panics(void **state)
{
    (void)state;
    uint8 *x = kmalloc(32), *y = kmalloc(32);
    assert_ptr_equal(y, x + 32);
    kfree(x);
    kfree(y);
    uint8 *z = kmalloc(64);                     /* the merged block again */
    assert_ptr_equal(z, x);
    memset(z, 0xEE, 64);
    EXPECT_PANIC(kfree(z + 32), "not an allocated block");
    assert_int_equal(heap_in_use(), 64);
    uint8 *w = kmalloc(32);                     /* must not be inside z */
    assert_true(w + 32 <= z || w >= z + 64);
    kfree(w);
    kfree(z);
    check_fully_coalesced();
}

static int
group_setup(void **state)
{
    (void)state;
    big = aligned_alloc(MIB, MIB);
    small = aligned_alloc(64 * 1024, 128 * 1024);
    return big && small ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    free(big);
    free(small);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sizes),
        cmocka_unit_test_setup(test_init_bad_regions_panic, setup),
        cmocka_unit_test_setup(test_init_huge_size_panics, setup),
        cmocka_unit_test(test_sizes_1_to_4096),
        cmocka_unit_test_setup(test_zero_and_too_large, setup),
        cmocka_unit_test(test_random_small_heap),
        cmocka_unit_test(test_random_big_heap),
        cmocka_unit_test(test_coalescing_orders),
        cmocka_unit_test_setup(test_kfree_null, setup),
        cmocka_unit_test_setup(test_kfree_bad_pointers_panic, setup),
        cmocka_unit_test_setup(test_double_free_panics, setup),
        cmocka_unit_test_setup(test_double_free_after_merge_panics, setup),
        cmocka_unit_test_setup(test_kfree_middle_of_reused_block_panics, setup),
    };
    return cmocka_run_group_tests_name("heap", tests, group_setup, group_teardown);
}
