/*
 * mmcases.c: the address-space tests of lab 4's exercises 4, 5 and 9
 * (mm_from_elf; mm_unmap_range; mm_free), run by the harness against
 * elf.c and mm.c in the child (server.c built with -DRPC_VM -DRPC_MM,
 * linked with the frame.c, vm.c, mm.c and elf.c under test and the
 * kernel's heap and slab code). The harness writes each ELF file into the
 * shared RAM itself, reads the resulting page tables there, and computes
 * every entry from the privileged specification's layout and every ELF
 * field from the host's <elf.h>, not from the kernel's headers.
 *
 * What is checked is what chapter 4 asks of every correct loader and
 * space, and no choice it leaves open: which frames hold what, how areas
 * are stored, whether adjacent segments share an area. Frames, heap bytes
 * and area objects are counted instead: what a space took comes back.
 *
 * Groups: "elf" (exercise 4), "munmap" (exercise 5), "free" (exercise 9).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "elfimg.h"
#include "ptcases.h"

#define PERM (R | W | X | U)

/* The kernel's layout of a user space (chapter 4; vm.h). The selftest
 * checks these against the kernel's headers. */
#define USER_TOP 0x4000000000UL
#define STACK_PAGES 4UL
enum { USE_ELF = 1, USE_STACK = 2, USE_MMAP = 4 };     /* enum area_use */

/* The ELF file's place: the RAM's first IMG_BYTES, outside frame_init's range. */
#define IMG_BYTES (16 * PG)
#define IMG_PA SIM_RAM_BASE

static uint64_t pg_down(uint64_t a) { return a & ~(PG - 1); }
static uint64_t pg_up(uint64_t a) { return (a + PG - 1) & ~(PG - 1); }
static uint8_t *at(uint64_t pa) { return ram + (pa - SIM_RAM_BASE); }

/*
 * The leaf entry that maps va in the tree rooted at root, found as the
 * hardware finds it; 0 if there is none. A table entry pointing outside
 * the RAM fails the test.
 */
static uint64_t
leaf_of(uint64_t root, uint64_t va)
{
    uint64_t t = root;
    for (int l = 2; l >= 0; l--) {
        uint64_t e = *(uint64_t *)at(t + 8 * ((va >> (12 + 9 * l)) & 511));
        if (!(e & V))
            return 0;
        if (e & (R | W | X))
            return l == 0 ? e : 0;
        uint64_t pa = (e >> 10 & ((1UL << 44) - 1)) << 12;
        EXPECT(in_ram(pa), "the level-%d entry on the way to 0x%lx points to 0x%lx, "
               "outside the RAM", l, (unsigned long)va, (unsigned long)pa);
        t = pa;
    }
    return 0;
}

/* The frame that leaf entry e (of va) maps, which the harness is about to
 * read or write: it must be a page of the RAM (the child chose it). */
static uint64_t
frame_of(uint64_t e, uint64_t va)
{
    EXPECT(in_ram(pte_pa(e)), "page 0x%lx is mapped to 0x%lx, outside the RAM",
           (unsigned long)va, (unsigned long)pte_pa(e));
    return pte_pa(e);
}

/* The virtual addresses of every leaf below table (at level; va: its
 * first address), in address order, into out[*n] (at most max). */
static void
leaves(uint64_t table, int level, uint64_t va, uint64_t *out, int *n, int max)
{
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t e = *(uint64_t *)at(table + 8 * i);
        uint64_t v = va | i << (12 + 9 * level);
        if (level == 2 && i >= 256)
            v |= 0xFFFFFF8000000000UL;          /* sign-extended: the upper half */
        if (!(e & V))
            continue;
        if (e & (R | W | X) || level == 0) {
            EXPECT(*n < max, "more than %d pages are mapped", max);
            out[(*n)++] = v;
        } else {
            EXPECT(in_ram(pte_pa(e)), "the table entry for 0x%lx points to 0x%lx, "
                   "outside the RAM", (unsigned long)v, (unsigned long)pte_pa(e));
            leaves(pte_pa(e), level - 1, v, out, n, max);
        }
    }
}

/* "R|W|U" */
static const char *
perm_str(uint64_t perm)
{
    static char s[4][32];
    static int k;
    k = (k + 1) % 4;
    return pte_flags(perm, s[k], sizeof s[k]);
}

/* ---- frames, heap and areas ------------------------------------------------ */

static uint64_t baseline;               /* free frames after frame_init */

void
setup_all(void)
{
    memset(ram, 0xA5, SIM_RAM_SIZE);
    f_init(SIM_RAM_BASE + IMG_BYTES, SIM_RAM_BASE + SIM_RAM_SIZE);
    baseline = f_free_count();
    nhoard = 0;
    EXPECT(baseline > 256, "frame_init of the RAM left only %lu free frames",
           (unsigned long)baseline);
}

/* What the kernel has in use: free frames, heap bytes, area objects. */
struct usage { uint64_t free, heap, areas; };

static struct usage
usage(void)
{
    return (struct usage){ f_free_count(), m_usage(0), m_usage(1) };
}

/* Fail unless everything in use at `was` is in use again, and no more. */
static void
all_back(int line, struct usage was, const char *after)
{
    struct usage now = usage();
    if (now.free != was.free)
        fail_at(line, "after %s, %lu frames are free; before, %lu (%s)", after,
                (unsigned long)now.free, (unsigned long)was.free,
                now.free < was.free ? "frames were lost" : "a frame was freed twice");
    if (now.heap != was.heap)
        fail_at(line, "after %s, %lu heap bytes are in use; before, %lu (a kmalloc "
                "without its kfree: struct mm?)", after, (unsigned long)now.heap,
                (unsigned long)was.heap);
    if (now.areas != was.areas)
        fail_at(line, "after %s, %lu map areas are in use; before, %lu (%s)", after,
                (unsigned long)now.areas, (unsigned long)was.areas,
                now.areas > was.areas ? "an area was not freed" : "an area was freed twice");
}
#define ALL_BACK(was, after) all_back(__LINE__, (was), (after))

/* Does mm_free give back all a space took, without a panic? (Exercise 9:
 * checks of the other exercises that need it are made only once it does.) */
static int
mm_free_works(void)
{
    struct usage was = usage();
    uint64_t mm = m_new();
    if (mm == 0 || !m_map(mm, 0x200000, 0x203000, R | W | U, USE_MMAP) || !m_free_ok(mm))
        return 0;
    struct usage now = usage();
    return now.free == was.free && now.heap == was.heap && now.areas == was.areas;
}

/* ---- ELF files ------------------------------------------------------------------ */

struct seg {
    uint32_t type, flags;
    uint64_t vaddr, filesz, memsz;
};

struct img {
    uint64_t size;
    int n;
    struct seg seg[8];
    uint64_t off[8];            /* where segment i's bytes are in the file */
    uint64_t entry;
};

static uint8_t file_byte(int seg, uint64_t i) { return (uint8_t)(0x41 + seg * 31 + i * 7 + (i >> 9)); }

/*
 * Write an ELF file of segments s[0..n) into the RAM at IMG_PA: the
 * header, the program headers, then each segment's bytes at an offset
 * congruent to its p_vaddr modulo the page size (as a linker places them),
 * then 0xCC to the end of the region, so that a loader reading past
 * p_filesz copies bytes that are not zero.
 */
static struct img
build(uint64_t entry, const struct seg *s, int n)
{
    struct img im = { .n = n, .entry = entry };
    memcpy(im.seg, s, (size_t)n * sizeof *s);
    uint64_t off = sizeof(Elf64_Ehdr) + (uint64_t)n * sizeof(Elf64_Phdr);
    for (int i = 0; i < n; i++) {
        off += (s[i].vaddr - off) % PG;         /* off == vaddr (mod PG) */
        im.off[i] = off;
        off += s[i].filesz;
    }
    im.size = off;
    EXPECT(im.size <= IMG_BYTES, "(the test's ELF file is too big: %lu bytes)",
           (unsigned long)im.size);
    memset(at(IMG_PA), 0xCC, IMG_BYTES);
    Elf64_Ehdr eh = elf_exec_header(entry, n);
    memcpy(at(IMG_PA), &eh, sizeof eh);
    for (int i = 0; i < n; i++) {
        Elf64_Phdr ph = {
            .p_type = s[i].type, .p_flags = s[i].flags, .p_offset = im.off[i],
            .p_vaddr = s[i].vaddr, .p_paddr = s[i].vaddr, .p_filesz = s[i].filesz,
            .p_memsz = s[i].memsz, .p_align = PG,
        };
        memcpy(at(IMG_PA + sizeof eh + (uint64_t)i * sizeof ph), &ph, sizeof ph);
        for (uint64_t k = 0; k < s[i].filesz; k++)
            *at(IMG_PA + im.off[i] + k) = file_byte(i, k);
    }
    return im;
}

static const char *
seg_name(const struct img *im, int i)
{
    static char s[4][96];
    static int k;
    k = (k + 1) % 4;
    snprintf(s[k], sizeof s[k], "segment %d (p_vaddr 0x%lx, p_filesz 0x%lx, p_memsz 0x%lx)",
             i, (unsigned long)im->seg[i].vaddr, (unsigned long)im->seg[i].filesz,
             (unsigned long)im->seg[i].memsz);
    return s[k];
}

/* The permission a PT_LOAD segment's pages get: U and its R, W, X. */
static uint64_t
seg_perm(uint32_t flags)
{
    return U | (flags & PF_R ? R : 0) | (flags & PF_W ? W : 0) | (flags & PF_X ? X : 0);
}

/* Load im; the space's handle (the test fails if the load does). */
static uint64_t
load(const struct img *im, int line)
{
    char err[192];
    uint64_t mm = e_load(IMG_PA, im->size, err, sizeof err);
    if (mm == 0)
        fail_at(line, "mm_from_elf refused a valid file with %lu frames free: '%s'",
                (unsigned long)f_free_count(), err);
    return mm;
}

/*
 * Every page of every PT_LOAD segment of im is mapped in mm with its
 * permission; its bytes are the file's from p_vaddr for p_filesz, zero
 * from there to the end of its last page. Returns the end of the
 * highest: the guard page's address.
 */
static uint64_t
check_segments(int line, uint64_t mm, const struct img *im)
{
    uint64_t root = m_pt(mm), top = 0;
    for (int i = 0; i < im->n; i++) {
        const struct seg *s = &im->seg[i];
        if (s->type != PT_LOAD || s->memsz == 0)
            continue;
        uint64_t start = pg_down(s->vaddr), end = pg_up(s->vaddr + s->memsz);
        if (end > top)
            top = end;
        for (uint64_t va = start; va < end; va += PG) {
            uint64_t e = leaf_of(root, va);
            if (e == 0)
                fail_at(line, "%s: page 0x%lx is not mapped", seg_name(im, i),
                        (unsigned long)va);
            if ((e & PERM) != seg_perm(s->flags))
                fail_at(line, "%s: page 0x%lx is mapped %s; its p_flags ask for %s",
                        seg_name(im, i), (unsigned long)va, perm_str(e & PERM),
                        perm_str(seg_perm(s->flags)));
            EXPECT(in_ram(pte_pa(e)), "%s: page 0x%lx is mapped to 0x%lx, outside the RAM",
                   seg_name(im, i), (unsigned long)va, (unsigned long)pte_pa(e));
        }
        uint64_t from = s->vaddr;
        for (uint64_t va = from; va < end; va++) {
            uint8_t got = *at(frame_of(leaf_of(root, va), va) + va % PG);
            uint64_t k = va - s->vaddr;
            uint8_t want = k < s->filesz ? *at(IMG_PA + im->off[i] + k) : 0;
            if (got != want)
                fail_at(line, "%s: the byte at 0x%lx is 0x%02x; want 0x%02x (%s)",
                        seg_name(im, i), (unsigned long)va, got, want,
                        k < s->filesz ? "the file's byte at p_offset + (va - p_vaddr)"
                        : "past p_filesz, up to the page's end, memory is zero");
        }
    }
    return top;
}

/* The stack (a guard page above top, then STACK_PAGES pages), the trap
 * context and the trampoline, as mm_from_elf's own code maps them. */
static void
check_rest(int line, uint64_t mm, uint64_t top, uint64_t entry)
{
    uint64_t root = m_pt(mm), sp = e_out(1);
    uint64_t want_sp = top + PG + STACK_PAGES * PG;
    if (sp != want_sp)
        fail_at(line, "user_sp is 0x%lx; the highest segment ends at 0x%lx, so the stack "
                "ends at 0x%lx (a guard page, then %lu pages)%s", (unsigned long)sp,
                (unsigned long)top, (unsigned long)want_sp, STACK_PAGES,
                sp < want_sp ? ": is top the end of the last segment in the file, "
                "not of the highest?" : "");
    for (uint64_t va = top + PG; va < want_sp; va += PG)
        EXPECT((leaf_of(root, va) & PERM) == (R | W | U), "stack page 0x%lx is mapped %s",
               (unsigned long)va, perm_str(leaf_of(root, va) & PERM));
    EQX(e_out(0), entry);
    uint64_t t = leaf_of(root, TRAMPOLINE), c = leaf_of(root, TRAP_CONTEXT);
    EXPECT(t != 0 && (t & PERM) == (R | X) && pte_pa(t) == e_out(2),
           "the trampoline is not mapped R|X at 0x%lx to the kernel's trampoline page",
           TRAMPOLINE);
    EXPECT(c != 0 && (c & PERM) == (R | W), "the trap context page is not mapped R|W");
}

/*
 * Nothing is mapped but the segments' pages, the stack, the trap context
 * and the trampoline: not the other headers' places, not the gaps, not
 * the guard page.
 */
static void
check_nothing_else(int line, uint64_t mm, const struct img *im, uint64_t top)
{
    static uint64_t va[4096];
    int n = 0;
    uint64_t sp = e_out(1), stack = sp - STACK_PAGES * PG;  /* checked in check_rest */
    leaves(m_pt(mm), 2, 0, va, &n, 4096);
    for (int k = 0; k < n; k++) {
        uint64_t v = va[k];
        int ok = v == TRAMPOLINE || v == TRAP_CONTEXT || (v >= stack && v < sp);
        const char *other = NULL;
        for (int i = 0; i < im->n; i++) {
            const struct seg *s = &im->seg[i];
            int holds = v >= pg_down(s->vaddr) && v < pg_up(s->vaddr + s->memsz);
            ok |= s->type == PT_LOAD && s->memsz && holds;
            if (holds && s->type != PT_LOAD)
                other = s->type == PT_NOTE ? "PT_NOTE" : "another";
        }
        if (ok)
            continue;
        if (other)
            fail_at(line, "page 0x%lx is mapped: a %s header's p_vaddr points there, but "
                    "only PT_LOAD segments are loaded", (unsigned long)v, other);
        fail_at(line, "page 0x%lx is mapped, but no PT_LOAD segment holds it%s",
                (unsigned long)v, v == top ? " (it is the guard page below the stack: "
                "the stack starts a page above the highest segment's end)" : "");
    }
}

/* ---- exercise 4: mm_from_elf ------------------------------------------------------ */

/* A program as a linker lays one out, its headers out of address order,
 * with headers that are not PT_LOAD and an empty PT_LOAD. */
static const struct seg usual[] = {
    { PT_LOAD, PF_R | PF_X, 0x10000, 0x1800, 0x1800 },        /* text */
    { PT_NOTE, PF_R, 0x30000, 0x40, 0x40 },                   /* not loaded */
    { PT_LOAD, PF_R | PF_W, 0x13100, 0x234, 0x3000 },         /* data + bss */
    { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0 },
    { PT_LOAD, PF_R, 0x12000, 0x180, 0x180 },                 /* rodata, after data */
    { PT_LOAD, PF_R | PF_W, 0x50000, 0, 0 },                  /* empty: ignored */
};
#define USUAL_ENTRY 0x10040UL

static void
test_elf_usual_program(void)
{
    struct img im = build(USUAL_ENTRY, usual, 6);
    uint64_t mm = load(&im, __LINE__);
    uint64_t top = check_segments(__LINE__, mm, &im);
    check_nothing_else(__LINE__, mm, &im, top);
    check_rest(__LINE__, mm, top, USUAL_ENTRY);
}

/* Segments that start inside a page, whose file bytes end mid-page or
 * cross pages, one with no file bytes at all; the highest comes first. */
static void
test_elf_unaligned_segments(void)
{
    static const struct seg s[] = {
        { PT_LOAD, PF_R | PF_W, 0x2300a8, 0x10, 0x2f00 },     /* small data, bss over 3 pages */
        { PT_LOAD, PF_R | PF_X, 0x200ff0, 0x1020, 0x1020 },   /* crosses two page ends */
        { PT_LOAD, PF_R | PF_W, 0x220800, 0, 0x1900 },        /* bss only */
        { PT_LOAD, PF_W, 0x210010, 0x7f0, 0x7f0 },            /* write-only: W|U */
    };
    struct img im = build(0x200ff0, s, 4);
    uint64_t mm = load(&im, __LINE__);
    uint64_t top = check_segments(__LINE__, mm, &im);
    check_nothing_else(__LINE__, mm, &im, top);
    check_rest(__LINE__, mm, top, 0x200ff0);
}

/* The highest segment leaves exactly room for the guard page and stack. */
static void
test_elf_stack_at_the_top(void)
{
    uint64_t va = USER_TOP - (2 + STACK_PAGES) * PG;
    struct seg s[] = { { PT_LOAD, PF_R | PF_X, va, 0x800, PG } };
    struct img im = build(va, s, 1);
    uint64_t mm = load(&im, __LINE__);
    uint64_t top = check_segments(__LINE__, mm, &im);
    check_nothing_else(__LINE__, mm, &im, top);
    check_rest(__LINE__, mm, top, va);
    EQX(e_out(1), USER_TOP);
}

/*
 * Out of frames at every step: with k frames free, for every k below
 * what a load takes, mm_from_elf returns NULL with "out of memory" and
 * gives back every frame, heap byte and area it took; with enough, it
 * loads. The loader gives back a space through mm_free (exercise 9): until
 * mm_free works, this waits for it (passes, and says so), so that one
 * exercise's mistake costs only its own test.
 */
static void
test_elf_out_of_memory(void)
{
    struct img im = build(USUAL_ENTRY, usual, 6);
    if (!mm_free_works()) {
        say("# mm_free (exercise 9) does not give a space back yet: "
            "a load that runs out of frames, which frees through it, is not tested");
        return;
    }
    struct usage was = usage();
    uint64_t mm = load(&im, __LINE__);
    uint64_t need = was.free - f_free_count();
    EXPECT(need >= 12, "a load of the usual program took only %lu frames", (unsigned long)need);
    m_free(mm);
    char err[192];
    for (uint64_t k = 0; k < need; k++) {
        release();
        ALL_BACK(was, "the loads before");
        leave_free(k);
        struct usage before = usage();
        uint64_t got = e_load(IMG_PA, im.size, err, sizeof err);
        if (got != 0) {
            /* A load that fits in fewer frames than the first took. */
            (void)check_segments(__LINE__, got, &im);
            m_free(got);
            continue;
        }
        EXPECT(strstr(err, "out of memory") != NULL, "with %lu frames free, mm_from_elf "
               "failed with '%s'; want 'out of memory'", (unsigned long)k, err);
        char after[96];
        snprintf(after, sizeof after, "mm_from_elf ran out of frames with %lu free",
                 (unsigned long)k);
        ALL_BACK(before, after);
    }
    release();
    mm = load(&im, __LINE__);
    (void)check_segments(__LINE__, mm, &im);
}

/* ---- exercise 5: mm_unmap_range ----------------------------------------------------- */

#define A0 0x100000UL                   /* area a: 8 pages R|W|U */
#define B0 0x108000UL                   /* area b, right after: 4 pages R|U */
#define B1 0x10C000UL
#define S0 0x120000UL                   /* a stack area: 2 pages */

/* A space with areas a and b (mmap's) and s (a stack), every page marked
 * with its own address. */
static uint64_t
two_areas(void)
{
    uint64_t mm = m_new();
    EXPECT(mm != 0, "mm_new() returned NULL with %lu frames free",
           (unsigned long)f_free_count());
    EXPECT(m_map(mm, A0, B0, R | W | U, USE_MMAP), "mm_map of area a failed");
    EXPECT(m_map(mm, B0, B1, R | U, USE_MMAP), "mm_map of area b failed");
    EXPECT(m_map(mm, S0, S0 + 2 * PG, R | W | U, USE_STACK), "mm_map of a stack failed");
    uint64_t root = m_pt(mm);
    for (uint64_t va = A0; va < B1; va += PG) {
        uint64_t e = leaf_of(root, va);
        EXPECT(e != 0, "mm_map left 0x%lx unmapped", (unsigned long)va);
        memcpy(at(frame_of(e, va)), &va, sizeof va);
    }
    return mm;
}

/* Pages [A0, B1) outside [from, to) mapped, their marks kept, with their
 * area's permission; those inside unmapped. */
static void
check_pages(int line, uint64_t mm, uint64_t from, uint64_t to)
{
    uint64_t root = m_pt(mm);
    for (uint64_t va = A0; va < B1; va += PG) {
        uint64_t e = leaf_of(root, va), perm = va < B0 ? R | W | U : R | U;
        if (va >= from && va < to) {
            if (e != 0)
                fail_at(line, "after unmapping [0x%lx, 0x%lx), page 0x%lx is still mapped",
                        (unsigned long)from, (unsigned long)to, (unsigned long)va);
            continue;
        }
        if (e == 0)
            fail_at(line, "after unmapping [0x%lx, 0x%lx), page 0x%lx, outside the range, "
                    "is not mapped", (unsigned long)from, (unsigned long)to, (unsigned long)va);
        uint64_t mark;
        memcpy(&mark, at(frame_of(e, va)), sizeof mark);
        if (mark != va || (e & PERM) != perm)
            fail_at(line, "after unmapping [0x%lx, 0x%lx), page 0x%lx, outside the range, "
                    "is mapped %s to a frame holding 0x%lx; want %s, its own page",
                    (unsigned long)from, (unsigned long)to, (unsigned long)va,
                    perm_str(e & PERM), (unsigned long)mark, perm_str(perm));
    }
}

/* The area holding va runs [start, end) with perm; or (start == 0) none does. */
static void
check_area(int line, uint64_t mm, uint64_t va, uint64_t start, uint64_t end, uint64_t perm)
{
    uint64_t s = m_area(mm, va, 0);
    if (start == 0) {
        if (s != ~0UL)
            fail_at(line, "mm_find(0x%lx) finds an area [0x%lx, 0x%lx); it was unmapped",
                    (unsigned long)va, (unsigned long)s, (unsigned long)m_area(mm, va, 1));
        return;
    }
    if (s == ~0UL)
        fail_at(line, "mm_find(0x%lx) finds no area; want [0x%lx, 0x%lx)", (unsigned long)va,
                (unsigned long)start, (unsigned long)end);
    uint64_t e = m_area(mm, va, 1), p = m_area(mm, va, 2);
    if (s != start || e != end || p != perm)
        fail_at(line, "mm_find(0x%lx) finds the area [0x%lx, 0x%lx) %s; want [0x%lx, 0x%lx) %s",
                (unsigned long)va, (unsigned long)s, (unsigned long)e, perm_str(p),
                (unsigned long)start, (unsigned long)end, perm_str(perm));
}

/* How many areas hold pages of [A0, B1) (mm_find on each page). */
static uint64_t
areas_found(uint64_t mm)
{
    uint64_t n = 0, last = ~0UL;
    for (uint64_t va = A0; va < B1; va += PG) {
        uint64_t s = m_area(mm, va, 0);
        if (s != ~0UL && s != last)
            n++;
        last = s;
    }
    return n;
}

/*
 * Unmap [from, to) of two_areas(): 0, its pages unmapped and their
 * frames back, every other page as it was, and as many area objects in
 * use as areas found (none left empty in the tree, none lost).
 */
static uint64_t
cut(int line, uint64_t from, uint64_t to)
{
    uint64_t mm = two_areas();
    uint64_t free = f_free_count(), objects = m_usage(1), found = areas_found(mm);
    int r = m_unmap_range(mm, from, to, USE_MMAP);
    if (r != 0)
        fail_at(line, "mm_unmap_range(0x%lx, 0x%lx) returned %d; every page of it is in an "
                "mmap area", (unsigned long)from, (unsigned long)to, r);
    check_pages(line, mm, from, to);
    uint64_t now = f_free_count(), pages = (to - from) / PG;
    if (now < free + pages)
        fail_at(line, "mm_unmap_range(0x%lx, 0x%lx) unmapped %lu pages but only %lu frames "
                "came back: their frames must be freed", (unsigned long)from,
                (unsigned long)to, (unsigned long)pages, (unsigned long)(now - free));
    uint64_t objects_now = m_usage(1), found_now = areas_found(mm);
    if (objects_now - objects != found_now - found)
        fail_at(line, "after mm_unmap_range(0x%lx, 0x%lx), %lu map areas are in use and "
                "mm_find finds %lu in the range; before, %lu and %lu (%s)",
                (unsigned long)from, (unsigned long)to, (unsigned long)objects_now,
                (unsigned long)found_now, (unsigned long)objects, (unsigned long)found,
                objects_now - objects > found_now - found
                ? "an area emptied by the cut is still in the tree, or was not freed: one "
                  "unmapped whole leaves the tree (mm_unmap_area)"
                : "an area object was freed that is still in use");
    return mm;
}

static void
test_munmap_whole_area(void)
{
    uint64_t mm = cut(__LINE__, A0, B0);
    check_area(__LINE__, mm, A0, 0, 0, 0);
    check_area(__LINE__, mm, B0 - PG, 0, 0, 0);
    check_area(__LINE__, mm, B0, B0, B1, R | U);
}

static void
test_munmap_head(void)
{
    uint64_t mm = cut(__LINE__, A0, A0 + 3 * PG);
    check_area(__LINE__, mm, A0, 0, 0, 0);
    check_area(__LINE__, mm, A0 + 3 * PG, A0 + 3 * PG, B0, R | W | U);
}

static void
test_munmap_tail(void)
{
    uint64_t mm = cut(__LINE__, B0 - 2 * PG, B0);
    check_area(__LINE__, mm, A0, A0, B0 - 2 * PG, R | W | U);
    check_area(__LINE__, mm, B0 - PG, 0, 0, 0);
    check_area(__LINE__, mm, B0, B0, B1, R | U);
}

static void
test_munmap_middle(void)
{
    uint64_t mm = cut(__LINE__, A0 + 2 * PG, A0 + 5 * PG);
    check_area(__LINE__, mm, A0, A0, A0 + 2 * PG, R | W | U);
    check_area(__LINE__, mm, A0 + 2 * PG, 0, 0, 0);
    check_area(__LINE__, mm, A0 + 5 * PG, A0 + 5 * PG, B0, R | W | U);
    check_area(__LINE__, mm, A0 + 7 * PG, A0 + 5 * PG, B0, R | W | U);
}

/* The end of one area and the start of the next, in one call. */
static void
test_munmap_across_two_areas(void)
{
    uint64_t mm = cut(__LINE__, B0 - 3 * PG, B0 + 2 * PG);
    check_area(__LINE__, mm, A0, A0, B0 - 3 * PG, R | W | U);
    check_area(__LINE__, mm, B0 - PG, 0, 0, 0);
    check_area(__LINE__, mm, B0, 0, 0, 0);
    check_area(__LINE__, mm, B0 + 2 * PG, B0 + 2 * PG, B1, R | U);
}

/* Refused, nothing changed: a range with a page in no area, or in an
 * area that mmap did not make. */
static void
test_munmap_refused(void)
{
    uint64_t mm = two_areas();
    struct usage was = usage();
    static const uint64_t bad[][2] = {
        { B1 - PG, B1 + PG },           /* its last page is in no area */
        { A0 - PG, A0 + PG },           /* its first */
        { A0, S0 + PG },                /* a gap, and a stack page */
        { S0, S0 + PG },                /* a stack page */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int use = USE_MMAP;
        int r = m_unmap_range(mm, bad[i][0], bad[i][1], use);
        if (r != -1)
            fail_at(__LINE__, "mm_unmap_range(0x%lx, 0x%lx) returned %d; a page of the range "
                    "is not in an mmap area, so it must return -1 and change nothing",
                    (unsigned long)bad[i][0], (unsigned long)bad[i][1], r);
        check_pages(__LINE__, mm, 0, 0);
        ALL_BACK(was, "a refused mm_unmap_range");
    }
    check_area(__LINE__, mm, A0, A0, B0, R | W | U);
    check_area(__LINE__, mm, B0, B0, B1, R | U);
    EXPECT(leaf_of(m_pt(mm), S0) != 0, "the stack page 0x%lx was unmapped", S0);
}

/* Cut every which way until nothing is left: every page's frame comes
 * back, no area is left, and a page already unmapped is refused. */
static void
test_munmap_everything_back(void)
{
    uint64_t mm = two_areas();
    uint64_t root = m_pt(mm), free = f_free_count();
    static const uint64_t cuts[][2] = {
        { A0 + 3 * PG, A0 + 4 * PG }, { A0 + PG, A0 + 2 * PG }, { B0 + PG, B0 + 2 * PG },
        { A0 + 6 * PG, B0 + PG }, { A0, A0 + PG }, { A0 + 2 * PG, A0 + 3 * PG },
        { A0 + 4 * PG, A0 + 6 * PG }, { B0 + 2 * PG, B1 },
    };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        EXPECT(m_unmap_range(mm, cuts[i][0], cuts[i][1], USE_MMAP) == 0,
               "mm_unmap_range(0x%lx, 0x%lx) failed", (unsigned long)cuts[i][0],
               (unsigned long)cuts[i][1]);
    for (uint64_t va = A0; va < B1; va += PG) {
        EXPECT(leaf_of(root, va) == 0, "page 0x%lx is still mapped", (unsigned long)va);
        check_area(__LINE__, mm, va, 0, 0, 0);
    }
    EXPECT(f_free_count() >= free + (B1 - A0) / PG, "after 8 cuts that unmapped all %lu "
           "pages, only %lu frames came back", (unsigned long)((B1 - A0) / PG),
           (unsigned long)(f_free_count() - free));
    EXPECT(m_unmap_range(mm, A0, A0 + PG, USE_MMAP) == -1,
           "mm_unmap_range of a page already unmapped did not return -1");
    EXPECT(m_unmap_range(mm, S0, S0 + 2 * PG, USE_STACK) == 0,
           "mm_unmap_range of the stack, as a stack, failed");
    EXPECT(leaf_of(root, S0) == 0, "the stack page 0x%lx is still mapped", S0);
}

/* ---- exercise 9: mm_free -------------------------------------------------------------- */

static void
test_free_new_space(void)
{
    struct usage was = usage();
    uint64_t mm = m_new();
    EXPECT(mm != 0, "mm_new() returned NULL");
    m_free(mm);
    ALL_BACK(was, "mm_new() then mm_free()");
}

static void
test_free_loaded_program(void)
{
    struct usage was = usage();
    struct img im = build(USUAL_ENTRY, usual, 6);
    uint64_t mm = load(&im, __LINE__);
    EXPECT(m_map(mm, 0x800000, 0x808000, R | W | U, USE_MMAP), "mm_map failed");
    m_free(mm);
    ALL_BACK(was, "mm_from_elf, mm_map, then mm_free");
}

/* Many areas (a tree of them) in two spaces at once: freeing one leaves
 * the other whole. */
static void
test_free_many_areas(void)
{
    struct usage was = usage();
    uint64_t m1 = m_new(), m2 = m_new();
    EXPECT(m1 != 0 && m2 != 0, "mm_new() returned NULL");
    for (uint64_t i = 0; i < 40; i++) {
        uint64_t va = 0x1000000 + i * 0x10000;
        EXPECT(m_map(m1, va, va + 3 * PG, i % 2 ? R | U : R | W | U, USE_MMAP), "mm_map failed");
        EXPECT(m_map(m2, va, va + PG, R | U, USE_MMAP), "mm_map failed");
    }
    uint64_t root2 = m_pt(m2);
    struct usage mid = usage();
    m_free(m1);
    EXPECT(f_free_count() > mid.free, "mm_free of a space with 120 pages gave no frame back");
    EXPECT(leaf_of(root2, 0x1000000) != 0, "mm_free of one space unmapped another's page");
    m_free(m2);
    ALL_BACK(was, "two spaces of 40 areas each, then mm_free of both");
    uint64_t m3 = m_new();
    m_free(m3);
    ALL_BACK(was, "one more mm_new() and mm_free()");
}

const char unit_harness[] = "mm_harness";
const char unit_code[] = "elf.c and mm.c";
const char unit_cases[] = "mmcases.c";

const struct test_case test_cases[] = {
    { "test_elf_usual_program", test_elf_usual_program, 1, "elf" },
    { "test_elf_unaligned_segments", test_elf_unaligned_segments, 1, "elf" },
    { "test_elf_stack_at_the_top", test_elf_stack_at_the_top, 1, "elf" },
    { "test_elf_out_of_memory", test_elf_out_of_memory, 1, "elf" },
    { "test_munmap_whole_area", test_munmap_whole_area, 1, "munmap" },
    { "test_munmap_head", test_munmap_head, 1, "munmap" },
    { "test_munmap_tail", test_munmap_tail, 1, "munmap" },
    { "test_munmap_middle", test_munmap_middle, 1, "munmap" },
    { "test_munmap_across_two_areas", test_munmap_across_two_areas, 1, "munmap" },
    { "test_munmap_refused", test_munmap_refused, 1, "munmap" },
    { "test_munmap_everything_back", test_munmap_everything_back, 1, "munmap" },
    { "test_free_new_space", test_free_new_space, 1, "free" },
    { "test_free_loaded_program", test_free_loaded_program, 1, "free" },
    { "test_free_many_areas", test_free_many_areas, 1, "free" },
};
const int ntest_cases = sizeof test_cases / sizeof test_cases[0];
