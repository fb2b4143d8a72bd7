/*
 * vmcases.c: the page-table tests of lab 4's exercises 2 and 3 (walk;
 * map_pages, unmap_pages, translate), run by the harness against vm.c in
 * the child (server.c built with -DRPC_VM, linked with the frame.c and
 * vm.c under test). The harness reads and writes the tables in the shared
 * RAM itself, and computes every entry from the privileged specification's
 * layout, not from the kernel's headers.
 *
 * What is checked is what chapter 4 asks of every correct solution, and no
 * choice it leaves open: which frame a table gets, whether walk keeps a
 * table it made before running out of frames, whether unmap_pages keeps
 * empty tables. Frames are accounted for instead: every frame is free,
 * held by the test, or a table page reachable from a root the test owns.
 *
 * Groups: "walk" (exercise 2), "map" (exercise 3).
 */
#define _GNU_SOURCE
#include <string.h>

#include "ptcases.h"

#define G (1UL << 5)
#define A (1UL << 6)
#define D (1UL << 7)
#define FLAGS 0x3FFUL

#define AREA 0x10000000UL               /* a user address in the first GiB */

/* map_pages's result (0, or -1 when out of frames). */
#define MAPS(x, y) do {                                                     \
        int x_ = (x), y_ = (y);                                             \
        if (x_ != y_)                                                       \
            fail_at(__LINE__, "%s returned %d; want %d%s", #x, x_, y_,      \
                    y_ == 0 ? " (frames to spare)" : " (out of frames)");   \
    } while (0)
#define PANICS(op, a, b, c, d, e, why) must_panic5(__LINE__, (op), (a), (b), (c), (d), (e), NULL, (why))

static uint64_t idx(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }
static uint64_t leaf(uint64_t pa, uint64_t perm) { return (pa >> 12) << 10 | perm | V | A | D; }
static int is_table(uint64_t e) { return (e & V) && !(e & (R | W | X)); }

/* The 8-byte word at physical address pa (in the RAM). */
static uint64_t *
word(uint64_t pa)
{
    return (uint64_t *)(ram + (pa - SIM_RAM_BASE));
}

/* Entry i of the table at pa. */
static uint64_t *
slot(uint64_t table, uint64_t i)
{
    return word(table + 8 * i);
}

/*
 * The address of va's entry at level in the tree rooted at root, found as
 * the hardware finds it; 0 if a table on the way is missing. A table entry
 * that points outside the RAM, or a leaf on the way, fails the test.
 */
static uint64_t
entry_of(uint64_t root, uint64_t va, int level)
{
    uint64_t t = root;
    for (int l = 2; l > level; l--) {
        uint64_t e = *slot(t, idx(va, l));
        if (!(e & V))
            return 0;
        EXPECT(is_table(e), "the level-%d entry on the way to 0x%lx is a leaf (0x%lx), "
               "where a table was expected", l, (unsigned long)va, (unsigned long)e);
        EXPECT(in_ram(pte_pa(e)), "the level-%d entry on the way to 0x%lx points to 0x%lx, "
               "outside the RAM (a frame_alloc() failure written as a table?)",
               l, (unsigned long)va, (unsigned long)pte_pa(e));
        t = pte_pa(e);
    }
    return t + 8 * idx(va, level);
}

/* The table pages of the tree below table (at level), table included. */
static uint64_t
tables_in(uint64_t table, int level)
{
    uint64_t n = 1;
    for (uint64_t i = 0; level > 0 && i < 512; i++) {
        uint64_t e = *slot(table, i);
        if (is_table(e) && in_ram(pte_pa(e)))
            n += tables_in(pte_pa(e), level - 1);
    }
    return n;
}

static int
all_zero(uint64_t table)
{
    for (uint64_t i = 0; i < 512; i++)
        if (*slot(table, i) != 0)
            return 0;
    return 1;
}

/* ---- frames -------------------------------------------------------------- */

static uint64_t baseline;               /* free frames after frame_init */

void
setup_all(void)
{
    memset(ram, 0xA5, SIM_RAM_SIZE);
    f_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    baseline = f_free_count();
    nhoard = 0;
    EXPECT(baseline > 64, "frame_init of the whole RAM left only %lu free frames",
           (unsigned long)baseline);
}

/* A frame from frame.c, as a physical address. */
static uint64_t
new_frame(void)
{
    uint64_t p = f_alloc();
    EXPECT(p != 0, "frame_alloc() ran out with %lu frames held by the test",
           (unsigned long)nhoard);
    return p * PG;
}

/* A fresh root table: a frame, zeroed here. */
static uint64_t
new_root(void)
{
    uint64_t t = new_frame();
    memset(word(t), 0, PG);
    return t;
}

/*
 * Every frame accounted for: free, hoarded, one of the `held` frames the
 * test owns (roots excluded), or a table page of the tree rooted at root.
 */
static void
account(int line, uint64_t root, uint64_t held, const char *after)
{
    uint64_t free = f_free_count(), tables = tables_in(root, 2);
    if (free + nhoard + held + tables != baseline)
        fail_at(line, "after %s: %lu frames are free, %lu held by the test and %lu are the "
                "tree's table pages: %lu in all, where frame_init gave %lu (%s)", after,
                (unsigned long)free, (unsigned long)(nhoard + held), (unsigned long)tables,
                (unsigned long)(free + nhoard + held + tables), (unsigned long)baseline,
                free + nhoard + held + tables < baseline
                ? "a frame was taken and is in no table: lost"
                : "a table page is counted twice, or a frame was freed twice");
}
#define ACCOUNT(root, held, after) account(__LINE__, (root), (held), (after))

/* ---- walk (exercise 2) --------------------------------------------------- */

/* Without alloc, nothing is made; with it, the entry the hardware would use. */
static void
test_walk_lookup(void)
{
    uint64_t root = new_root();
    uint64_t n = f_free_count();
    static const uint64_t vas[] = { 0, 0x1000, AREA, 0x3FFFFFF000UL, TRAMPOLINE,
                                    0xFFFFFFC000000000UL };
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++)
        EXPECT(v_walk(root, vas[i], 0) == 0, "walk(alloc 0) of 0x%lx in an empty table "
               "returned an entry: without alloc, a missing table means NULL",
               (unsigned long)vas[i]);
    CHECK_EQ(f_free_count(), n);
    EXPECT(all_zero(root), "walk with alloc 0 wrote into the root table");
    uint64_t e = v_walk(root, AREA, 1);
    EXPECT(e != 0, "walk(alloc 1) of 0x%lx returned NULL with frames to spare",
           (unsigned long)AREA);
    EXPECT(e == entry_of(root, AREA, 0), "walk returned the entry at 0x%lx; the hardware "
           "uses the one at 0x%lx", (unsigned long)e, (unsigned long)entry_of(root, AREA, 0));
    CHECK_EQ(f_free_count(), n - 2);            /* a level-1 and a level-0 table */
    EQX(v_walk(root, AREA + 5 * PG, 0), e + 5 * 8);
    EQX(v_walk(root, AREA + 5 * PG + 0x7FF, 0), e + 5 * 8);
    EXPECT(v_walk(root, AREA + 512 * PG, 0) == 0, "walk(alloc 0) of 0x%lx returned an entry, "
           "but its level-0 table was never made", (unsigned long)(AREA + 512 * PG));
    ACCOUNT(root, 0, "walk");
}

/* New tables: V alone in their entry, zeroed, one per level and region. */
static void
test_walk_alloc(void)
{
    uint64_t root = new_root();
    uint64_t n = f_free_count();
    uint64_t va = 0x12345000UL;
    uint64_t e = v_walk(root, va, 1);
    EXPECT(e != 0, "walk(alloc 1) returned NULL with frames to spare");
    CHECK_EQ(f_free_count(), n - 2);
    for (int l = 2; l >= 1; l--) {
        uint64_t te = *word(entry_of(root, va, l));
        char f[64];
        EXPECT((te & V) && !(te & (R | W | X | U | A | D)), "the level-%d entry walk made "
               "for 0x%lx has flags %s: a table's entry has V, and R, W, X, U, A, D clear",
               l, (unsigned long)va, pte_flags(te & FLAGS, f, sizeof f));
    }
    EQX(e, entry_of(root, va, 0));
    uint64_t l1 = pte_pa(*slot(root, idx(va, 2)));
    uint64_t l0 = pte_pa(*slot(l1, idx(va, 1)));
    for (uint64_t i = 0; i < 512; i++) {
        EXPECT(i == idx(va, 1) || *slot(l1, i) == 0, "a new level-1 table is not zeroed: "
               "entry %lu is 0x%lx", (unsigned long)i, (unsigned long)*slot(l1, i));
        EXPECT(*slot(l0, i) == 0, "a new level-0 table is not zeroed: entry %lu is 0x%lx",
               (unsigned long)i, (unsigned long)*slot(l0, i));
    }
    /* Again, with or without alloc: the same entry, no frame. */
    EQX(v_walk(root, va, 1), e);
    EQX(v_walk(root, va + 0xFFF, 0), e);
    CHECK_EQ(f_free_count(), n - 2);
    /* Same 2 MiB: the same table. Next 2 MiB: one table. Next GiB: two. */
    EQX(v_walk(root, (va & ~0x1FFFFFUL) + 0x1FF000, 1), l0 + 511 * 8);
    CHECK_EQ(f_free_count(), n - 2);
    EXPECT(v_walk(root, va + 0x200000, 1) != 0, "walk(alloc 1) returned NULL");
    CHECK_EQ(f_free_count(), n - 3);
    EXPECT(v_walk(root, va + 0x40000000, 1) != 0, "walk(alloc 1) returned NULL");
    CHECK_EQ(f_free_count(), n - 5);
    EQX(v_walk(root, va + 0x40000000, 0), entry_of(root, va + 0x40000000, 0));
    /* The upper half: the root's entries 256 to 511. */
    uint64_t t = v_walk(root, TRAMPOLINE, 1), k = v_walk(root, 0xFFFFFFC000000000UL, 1);
    EXPECT(t != 0 && k != 0, "walk(alloc 1) of an upper-half address returned NULL");
    EQX(t, entry_of(root, TRAMPOLINE, 0));
    EQX(k, entry_of(root, 0xFFFFFFC000000000UL, 0));
    EXPECT(is_table(*slot(root, 511)) && is_table(*slot(root, 256)), "the upper half's "
           "tables are not in root entries 511 and 256");
    CHECK_EQ(f_free_count(), n - 9);
    ACCOUNT(root, 0, "walk");
}

/* Out of frames: NULL, no entry naming frame 0, and no frame lost. */
static void
test_walk_out_of_frames(void)
{
    uint64_t root = new_root();
    leave_free(0);
    EXPECT(v_walk(root, AREA, 1) == 0, "walk(alloc 1) returned an entry with no frame free");
    EXPECT(all_zero(root), "walk, out of frames, wrote 0x%lx into the root table (did it "
           "check what frame_alloc() returned?)", (unsigned long)*slot(root, idx(AREA, 2)));
    release();
    /* One frame: the level-1 table can be made, the level-0 one cannot. */
    leave_free(1);
    EXPECT(v_walk(root, AREA, 1) == 0, "walk(alloc 1) needing two tables returned an entry "
           "with one frame free");
    uint64_t e = *slot(root, idx(AREA, 2));
    if (f_free_count() == 0) {                  /* it kept the level-1 table: fine */
        EXPECT(is_table(e) && in_ram(pte_pa(e)), "walk took the last frame but the root "
               "entry is 0x%lx", (unsigned long)e);
        uint64_t l1e = *slot(pte_pa(e), idx(AREA, 1));
        EXPECT(l1e == 0, "walk, out of frames, wrote 0x%lx into the level-1 table (did it "
               "check what frame_alloc() returned?)", (unsigned long)l1e);
    } else {                                    /* it gave it back: fine too */
        EXPECT(all_zero(root), "walk gave its table back but left 0x%lx in the root",
               (unsigned long)e);
    }
    ACCOUNT(root, 0, "walk ran out of frames");
    release();
    /* Two frames: enough, whatever was kept. */
    leave_free(2);
    e = v_walk(root, AREA, 1);
    EXPECT(e != 0, "walk(alloc 1) returned NULL with two frames free");
    EQX(e, entry_of(root, AREA, 0));
    EQX(v_walk(root, AREA, 0), e);
    /* Out of frames, alloc 0 still finds what exists. */
    leave_free(0);
    EQX(v_walk(root, AREA + PG, 1), e + 8);
    ACCOUNT(root, 0, "walk");
    release();
}

/* A leaf above level 0 (a huge page) on the way: this kernel makes none. */
static void
test_walk_huge_page_panics(void)
{
    static const char why[] = "a leaf above level 0 (a huge page) is on the way; this kernel "
        "never makes one, so meeting one is a kernel bug";
    uint64_t root = new_root();
    *slot(root, 3) = leaf(SIM_RAM_BASE, R | W);
    PANICS(RPC_WALK, root, 3UL << 30, 0, 0, 0, why);
    PANICS(RPC_WALK, root, (3UL << 30) + 0x5000, 1, 0, 0, why);
    *slot(root, 3) = 0;
    uint64_t e = v_walk(root, 0, 1);
    EXPECT(e != 0, "walk(alloc 1) returned NULL with frames to spare");
    uint64_t l1 = pte_pa(*slot(root, 0));
    *slot(l1, 1) = leaf(SIM_RAM_BASE + 0x200000, R);
    PANICS(RPC_WALK, root, 1UL << 21, 1, 0, 0, why);
    PANICS(RPC_WALK, root, (1UL << 21) + 0x3000, 0, 0, 0, why);
}

/* ---- map_pages, unmap_pages, translate (exercise 3) ---------------------- */

static uint64_t
perm_of(unsigned k)
{
    return (k & 1 ? R : 0) | (k & 2 ? W : 0) | (k & 4 ? X : 0) | (k & 8 ? U : 0);
}

/* Each leaf as the chapter makes it; translate against every need. */
static void
test_map_translate_permissions(void)
{
    uint64_t root = new_root(), va = AREA, held = 0;
    for (unsigned k = 0; k < 16; k++) {
        uint64_t p = perm_of(k);
        if (!(p & (R | W | X)))
            continue;
        uint64_t pa = new_frame();
        held++;
        MAPS(v_map(root, va, pa, 1, p), 0);
        uint64_t e = entry_of(root, va, 0);
        char f1[64], f2[64];
        EXPECT(e != 0 && *word(e) == leaf(pa, p), "map_pages(va 0x%lx, 1 page, %s) made the "
               "entry 0x%lx (%s); want 0x%lx (%s: the frame's number, the permissions, V, A "
               "and D)", (unsigned long)va, pte_flags(p, f1, sizeof f1),
               e ? (unsigned long)*word(e) : 0UL, pte_flags(e ? *word(e) & FLAGS : 0, f2, 32),
               (unsigned long)leaf(pa, p), pte_flags(leaf(pa, p) & FLAGS, f2 + 32, 32));
        for (unsigned j = 0; j < 16; j++) {
            uint64_t need = perm_of(j), want = (need & ~p) == 0 ? pa + 0x123 : 0;
            uint64_t got = v_translate(root, va + 0x123, need);
            char f1[64], f2[64];
            EXPECT(got == want, "translate(va 0x%lx, need %s) of a page mapped %s gave 0x%lx; "
                   "want 0x%lx", (unsigned long)(va + 0x123), pte_flags(need, f1, sizeof f1),
                   pte_flags(p, f2, sizeof f2), (unsigned long)got, (unsigned long)want);
        }
        EQX(v_translate(root, va + PG, 0), 0);         /* the next page: not mapped */
        va += 2 * PG;
    }
    EQX(v_translate(root, 0, 0), 0);
    EQX(v_translate(root, AREA - PG, R), 0);
    /* A global page. */
    uint64_t pa = new_frame();
    held++;
    MAPS(v_map(root, TRAMPOLINE, pa, 1, R | X | G), 0);
    EQX(*word(entry_of(root, TRAMPOLINE, 0)), leaf(pa, R | X | G));
    ACCOUNT(root, held, "map_pages");
}

/* A run across a 2 MiB and a 1 GiB boundary; and none. */
static void
test_map_many_pages(void)
{
    uint64_t root = new_root();
    uint64_t pa = SIM_RAM_BASE + 0x100000;      /* any frames: not used as memory */
    uint64_t va = 0x3FFFF0000UL;
    uint64_t n = f_free_count();
    MAPS(v_map(root, va, pa, 32, R | W | U), 0);
    CHECK_EQ(f_free_count(), n - 4);            /* two level-1 and two level-0 tables */
    for (uint64_t i = 0; i < 32; i++) {
        EQX(v_translate(root, va + i * PG + i, R | W | U), pa + i * PG + i);
        EQX(*word(entry_of(root, va + i * PG, 0)), leaf(pa + i * PG, R | W | U));
    }
    EQX(v_translate(root, va - 1, 0), 0);
    EQX(v_translate(root, va + 32 * PG, 0), 0);
    MAPS(v_map(root, va + 32 * PG, pa, 0, R), 0);       /* no page */
    EQX(v_translate(root, va + 32 * PG, 0), 0);
    CHECK_EQ(f_free_count(), n - 4);
    ACCOUNT(root, 0, "map_pages");
}

static void
test_remap_panics(void)
{
    static const char why[] = "the page is already mapped (a remap): its frame would be "
        "lost, and chapter 4 calls that a kernel bug";
    uint64_t root = new_root();
    uint64_t pa = new_frame(), pb = new_frame();
    MAPS(v_map(root, AREA + PG, pa, 1, R), 0);
    PANICS(RPC_MAP, root, AREA + PG, pb, 1, R | W, why);
    EQX(v_translate(root, AREA + PG, 0), pa);          /* still the old frame */
    PANICS(RPC_MAP, root, AREA, pb, 3, R, why);             /* its second page */
    EQX(v_translate(root, AREA + PG, 0), pa);
}

/*
 * Out of frames half way: -1, nothing mapped, the frames given untouched,
 * and no table page lost (kept in the tree or given back: either is fine).
 */
static void
test_map_out_of_frames(void)
{
    uint64_t va = 0x1FE000UL;                   /* pages 0, 1 in one level-0 table, 2, 3 in the next */
    for (uint64_t left = 0; left <= 3; left++) {
        uint64_t root = new_root(), pa[4];
        for (int i = 0; i < 4; i++)
            pa[i] = new_frame();
        leave_free(left);
        int r = v_map(root, va, pa[0], 4, R | W);
        if (left < 3) {
            EXPECT(r == -1, "map_pages of 4 pages needing 3 table pages, with %lu frames "
                   "free, returned %d; want -1", (unsigned long)left, r);
            for (int i = 0; i < 4; i++) {
                uint64_t e = entry_of(root, va + i * PG, 0);
                EXPECT(e == 0 || !(*word(e) & V), "map_pages failed (-1) but left page "
                       "0x%lx mapped (0x%lx): a failed map maps nothing",
                       (unsigned long)(va + i * PG), (unsigned long)*word(e));
            }
        } else {
            MAPS(r, 0);
            for (int i = 0; i < 4; i++)
                EQX(v_translate(root, va + i * PG, R | W), pa[0] + i * PG);
        }
        for (int i = 0; i < 4; i++)
            EXPECT(f_refs(pa[i] / PG) == 1, "map_pages changed the reference count of a frame "
                   "it was given to map (0x%lx: %u)", (unsigned long)pa[i], f_refs(pa[i] / PG));
        ACCOUNT(root, 4, left < 3 ? "a failed map_pages" : "map_pages");
        release();
        if (r == 0)
            v_unmap(root, va, 4, 0);
        v_pt_free(root);
        for (int i = 0; i < 4; i++)
            f_free(pa[i] / PG);
        EXPECT(f_free_count() == baseline, "after the tree was freed, %lu frames are free; "
               "frame_init gave %lu", (unsigned long)f_free_count(), (unsigned long)baseline);
    }
    /* The same call succeeds once frames are back. */
    uint64_t root = new_root(), pa = new_frame();
    leave_free(2);
    MAPS(v_map(root, va, pa, 4, R), -1);
    release();
    MAPS(v_map(root, va, pa, 4, R), 0);
    EQX(v_translate(root, va + 3 * PG, R), pa + 3 * PG);
}

static void
test_unmap(void)
{
    uint64_t root = new_root(), pa[5];
    for (int i = 0; i < 5; i++) {
        pa[i] = new_frame();
        MAPS(v_map(root, AREA + i * PG, pa[i], 1, R | W), 0);
    }
    uint64_t n = f_free_count();
    /* Without free_frames: the frames stay allocated. */
    v_unmap(root, AREA, 2, 0);
    CHECK_EQ(f_free_count(), n);
    CHECK_EQ(f_refs(pa[0] / PG), 1);
    CHECK_EQ(f_refs(pa[1] / PG), 1);
    for (int i = 0; i < 2; i++) {
        uint64_t e = entry_of(root, AREA + i * PG, 0);
        EXPECT(e == 0 || !(*word(e) & V), "unmap_pages left page 0x%lx valid (0x%lx)",
               (unsigned long)(AREA + i * PG), (unsigned long)*word(e));
        EQX(v_translate(root, AREA + i * PG, 0), 0);
    }
    EQX(v_translate(root, AREA + 2 * PG, R | W), pa[2]);
    /* With free_frames: each frame loses one reference. */
    f_get(pa[3] / PG);                          /* shared: survives the unmap */
    v_unmap(root, AREA + 2 * PG, 3, 1);
    CHECK_EQ(f_refs(pa[2] / PG), 0);
    CHECK_EQ(f_refs(pa[3] / PG), 1);
    CHECK_EQ(f_refs(pa[4] / PG), 0);
    for (int i = 0; i < 5; i++)
        EQX(v_translate(root, AREA + i * PG, 0), 0);
    ACCOUNT(root, 3, "unmap_pages");            /* pa[0], pa[1], pa[3] */
    /* A page can be mapped again. */
    MAPS(v_map(root, AREA, pa[0], 1, R), 0);
    EQX(v_translate(root, AREA, R), pa[0]);
    /* The upper half, and a run that ends at the top of the address space. */
    uint64_t t = new_frame(), c = new_frame();
    MAPS(v_map(root, TRAP_CONTEXT, c, 1, R | W), 0);
    MAPS(v_map(root, TRAMPOLINE, t, 1, R | X), 0);
    v_unmap(root, TRAP_CONTEXT, 2, 1);
    EQX(v_translate(root, TRAMPOLINE, 0), 0);
    EQX(v_translate(root, TRAP_CONTEXT, 0), 0);
    CHECK_EQ(f_refs(t / PG), 0);
    CHECK_EQ(f_refs(c / PG), 0);
}

static void
test_unmap_unmapped_panics(void)
{
    static const char why[] = "the page is not mapped; chapter 4 calls unmapping it a kernel "
        "bug, like a double free";
    uint64_t root = new_root();
    uint64_t pa = new_frame();
    PANICS(RPC_UNMAP, root, AREA, 1, 0, 0, why);             /* no table */
    MAPS(v_map(root, AREA, pa, 1, R), 0);
    PANICS(RPC_UNMAP, root, AREA + PG, 1, 1, 0, why);        /* a table, no leaf */
    EQX(v_translate(root, AREA, 0), pa);
    CHECK_EQ(f_refs(pa / PG), 1);
    PANICS(RPC_UNMAP, root, AREA - PG, 2, 0, 0, why);        /* its first page */
}

static void
test_translate(void)
{
    uint64_t root = new_root();
    uint64_t pa = new_frame(), t = new_frame(), c = new_frame();
    MAPS(v_map(root, 0x3FFFFFF000UL, pa, 1, R | W | X | U), 0);
    MAPS(v_map(root, 0xFFFFFFC000000000UL, pa, 1, R), 0);
    static const uint64_t bad[] = {
        0x4000000000UL, 0x4000000000UL + 0x3FFFFFF000UL, 0x8000000000UL,
        0x8000000000000000UL, 0xFFFFFFBFFFFFF000UL, 0x7FFFFFFFFFFFF000UL,
        0x0000FFFFFFFFF000UL, 0xFFFFFF8000000000UL, 0xFFFFFFC000000000UL ^ (1UL << 45),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t got = v_translate(root, bad[i], 0);
        EXPECT(got == 0, "translate(0x%lx) gave 0x%lx: the address is not canonical "
               "(bits 63 to 39 differ), so nothing maps it", (unsigned long)bad[i],
               (unsigned long)got);
    }
    EQX(v_translate(root, 0x3FFFFFFFFFUL, 0), pa + 0xFFF);
    EQX(v_translate(root, 0x3FFFFFF7FFUL, R | W | X | U), pa + 0x7FF);
    EQX(v_translate(root, 0xFFFFFFC000000010UL, R), pa + 0x10);
    EQX(v_translate(root, 0xFFFFFFC000000010UL, U), 0);
    MAPS(v_map(root, TRAMPOLINE, t, 1, R | X), 0);
    MAPS(v_map(root, TRAP_CONTEXT, c, 1, R | W), 0);
    EQX(v_translate(root, TRAMPOLINE, R | X), t);
    EQX(v_translate(root, 0xFFFFFFFFFFFFFFFFUL, R), t + 0xFFF);
    EQX(v_translate(root, TRAP_CONTEXT + 8, R | W), c + 8);
    EQX(v_translate(root, TRAMPOLINE, W), 0);
    EQX(v_translate(root, TRAMPOLINE - 2 * PG, 0), 0);
}

/* Map and unmap all over, then free the tree: every frame comes back. */
static void
test_tables_come_back(void)
{
    uint64_t root = new_root(), pa = new_frame();
    static const uint64_t vas[] = { 0x1000, 0x200000, 0x40000000, AREA, 0x3FFFFFF000UL,
                                    0xFFFFFFC000000000UL, TRAP_CONTEXT, TRAMPOLINE };
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++)
        MAPS(v_map(root, vas[i], pa, 1, R), 0);
    ACCOUNT(root, 1, "map_pages");
    CHECK(f_free_count() < baseline - 10);
    for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++)
        v_unmap(root, vas[i], 1, 0);
    ACCOUNT(root, 1, "unmap_pages");
    f_free(pa / PG);
    v_pt_free(root);
    EXPECT(f_free_count() == baseline, "after the tree was freed, %lu frames are free; "
           "frame_init gave %lu", (unsigned long)f_free_count(), (unsigned long)baseline);
}

const char unit_harness[] = "vm_harness";
const char unit_code[] = "vm.c";
const char unit_cases[] = "vmcases.c";

const struct test_case test_cases[] = {
    { "test_walk_lookup", test_walk_lookup, 1, "walk" },
    { "test_walk_alloc", test_walk_alloc, 1, "walk" },
    { "test_walk_out_of_frames", test_walk_out_of_frames, 1, "walk" },
    { "test_walk_huge_page_panics", test_walk_huge_page_panics, 1, "walk" },
    { "test_map_translate_permissions", test_map_translate_permissions, 1, "map" },
    { "test_map_many_pages", test_map_many_pages, 1, "map" },
    { "test_remap_panics", test_remap_panics, 1, "map" },
    { "test_map_out_of_frames", test_map_out_of_frames, 1, "map" },
    { "test_unmap", test_unmap, 1, "map" },
    { "test_unmap_unmapped_panics", test_unmap_unmapped_panics, 1, "map" },
    { "test_translate", test_translate, 1, "map" },
    { "test_tables_come_back", test_tables_come_back, 1, "map" },
};
const int ntest_cases = sizeof test_cases / sizeof test_cases[0];
