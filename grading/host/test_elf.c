/*
 * test_elf.c: elf_check and mm_from_elf (elf.c) on ELF images built here,
 * on damaged ones, and on the real user programs named on the command line.
 * The ELF layout comes from the host's <elf.h>, not from the kernel.
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
#include <elf.h>

#include "types.h"
#include "vm.h"
#include "leak.h"
#include "rpc/elfimg.h"

#define PG 4096UL
#define PERM_MASK (PTE_R | PTE_W | PTE_X | PTE_U)

static int nfiles;
static char **files;

/* ---- simulated machine ----------------------------------------------------------- */


static int
setup(void **state)
{
    (void)state;
    sim_panic_quiet = 0;
    memset(sim_ram, 0xA5, SIM_RAM_SIZE);
    frame_init(SIM_RAM_BASE, SIM_RAM_BASE + SIM_RAM_SIZE);
    heap_init(kernel_heap, sizeof kernel_heap);
    area_cache_reset();
    return 0;
}

static void *ptr_of(uint64 pa) { return sim_ram + (pa - SIM_RAM_BASE); }

/* The PTE flags (R W X U) of va in mm, or -1 if it is not mapped. */
static long
perm_of(struct mm *mm, uint64 va)
{
    pte_t *e = walk(mm->pt, va, 0);
    if (e == NULL || !(*e & PTE_V))
        return -1;
    return (long)(*e & PERM_MASK);
}

/* The byte at va in mm (which must be mapped), through the kernel's view. */
static uint8
byte_at(struct mm *mm, uint64 va)
{
    uint64 pa = translate(mm->pt, va, 0);
    if (pa == 0)
        fail_msg("%#lx is not mapped", (unsigned long)va);
    return *(uint8 *)ptr_of(pa);
}

/*
 * mm's areas in address order, from its tree (an in-order walk: the empty
 * heap is an area too, though mm_area_from may pass over it); how many.
 */
static int
areas_of(struct map_area *t, struct map_area **out, int n, int max)
{
    if (t == NULL)
        return n;
    n = areas_of(t->left, out, n, max);
    assert_true(n < max);
    out[n++] = t;
    return areas_of(t->right, out, n, max);
}

static int
count_use(struct mm *mm, enum area_use use)
{
    struct map_area *all[64];
    int n = areas_of(mm->areas, all, 0, 64), k = 0;
    assert_int_equal(n, mm->nareas);
    for (int i = 0; i < n; i++)
        k += all[i]->use == use;
    return k;
}

static struct map_area *
area_of_use(struct mm *mm, enum area_use use)
{
    struct map_area *all[64];
    int n = areas_of(mm->areas, all, 0, 64);
    for (int i = 0; i < n; i++)
        if (all[i]->use == use)
            return all[i];
    return NULL;
}

/* ---- an ELF builder --------------------------------------------------------------- */

struct seg {
    uint32 type, flags;
    uint64 vaddr, filesz, memsz;
};

struct img {
    uint8 *data;
    uint64 size;
    uint64 seg_off[64];            /* where each segment's bytes are */
};

static uint8 file_byte(int seg, uint64 i) { return (uint8)(0x40 + seg * 29 + i * 13 + (i >> 8)); }

/*
 * ehdr at 0, phdrs at 64, then each segment's bytes (16-aligned), then 256
 * bytes of 0xCC, so that reading past a segment's p_filesz shows.
 */
static struct img
build(uint64 entry, const struct seg *segs, int n)
{
    struct img im;
    memset(&im, 0, sizeof im);
    uint64 off = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr);
    for (int i = 0; i < n; i++) {
        off = (off + 15) & ~15UL;
        im.seg_off[i] = off;
        off += segs[i].filesz;
    }
    im.size = off + 256;
    im.data = malloc(im.size);
    assert_non_null(im.data);
    memset(im.data, 0xCC, im.size);
    Elf64_Ehdr eh = elf_exec_header(entry, n);
    memcpy(im.data, &eh, sizeof eh);
    for (int i = 0; i < n; i++) {
        Elf64_Phdr ph = {
            .p_type = segs[i].type, .p_flags = segs[i].flags, .p_offset = im.seg_off[i],
            .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].vaddr,
            .p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz, .p_align = PG,
        };
        memcpy(im.data + sizeof eh + i * sizeof ph, &ph, sizeof ph);
        for (uint64 k = 0; k < segs[i].filesz; k++)
            im.data[im.seg_off[i] + k] = file_byte(i, k);
    }
    return im;
}

static Elf64_Ehdr *ehdr(struct img *im) { return (Elf64_Ehdr *)im->data; }
static Elf64_Phdr *phdr(struct img *im, int i) { return (Elf64_Phdr *)(im->data + 64) + i; }

/* The usual program: text, data + bss, and headers the loader must skip. */
static const struct seg basic_segs[] = {
    { PT_LOAD, PF_R | PF_X, 0x10000, 0x1800, 0x1800 },
    { PT_NOTE, PF_R, 0x10000, 0x20, 0x20 },               /* overlaps text: not loaded */
    { PT_LOAD, PF_R | PF_W, 0x13100, 0x200, 0x3000 },
    { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0 },
    { PT_LOAD, 0, 0, 0, 0 },                              /* empty: ignored */
};
#define BASIC_ENTRY 0x10040UL

static struct img
basic(void)
{
    return build(BASIC_ENTRY, basic_segs, ARRAY_SIZE(basic_segs));
}

/* Check that segment i of im is mapped in mm: perms, file bytes, zeros. */
static void
check_segment(struct mm *mm, struct img *im, int i, uint64 want_perm)
{
    const Elf64_Phdr *p = phdr(im, i);
    uint64 start = p->p_vaddr & ~(PG - 1), end = (p->p_vaddr + p->p_memsz + PG - 1) & ~(PG - 1);
    for (uint64 va = start; va < end; va += PG)
        if (perm_of(mm, va) != (long)want_perm)
            fail_msg("segment %d page %#lx: perm %#lx, want %#lx", i, (unsigned long)va,
                     (unsigned long)perm_of(mm, va), (unsigned long)want_perm);
    for (uint64 va = start; va < end; va++) {
        uint8 want = va >= p->p_vaddr && va < p->p_vaddr + p->p_filesz
                   ? im->data[p->p_offset + (va - p->p_vaddr)] : 0;
        if (byte_at(mm, va) != want)
            fail_msg("segment %d byte %#lx: %#x, want %#x", i, (unsigned long)va,
                     byte_at(mm, va), want);
    }
}

/* ---- loading ----------------------------------------------------------------------- */

static void
test_load_basic(void **state)
{
    (void)state;
    struct snap s = snap();
    struct img im = basic();
    const char *err = NULL;
    assert_int_equal(elf_check(im.data, im.size, &err), 0);
    uint64 entry = 0, sp = 0;
    struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
    assert_non_null(mm);
    assert_int_equal(entry, BASIC_ENTRY);
    check_segment(mm, &im, 0, PTE_R | PTE_X | PTE_U);
    check_segment(mm, &im, 2, PTE_R | PTE_W | PTE_U);
    assert_int_equal(perm_of(mm, 0x12000), -1);             /* between the segments */
    assert_int_equal(perm_of(mm, 0x0), -1);
    assert_int_equal(perm_of(mm, 0xF000), -1);
    assert_int_equal(count_use(mm, USE_ELF), 2);
    /* Highest segment ends at 0x17000: guard page, then 16 KiB of stack. */
    assert_int_equal(sp, 0x17000 + PG + 4 * PG);
    assert_int_equal(perm_of(mm, 0x17000), -1);
    assert_null(mm_find(mm, 0x17000));
    for (uint64 va = 0x18000; va < sp; va += PG) {
        assert_int_equal(perm_of(mm, va), PTE_R | PTE_W | PTE_U);
        for (uint64 k = 0; k < PG; k += 64)
            assert_int_equal(byte_at(mm, va + k), 0);
    }
    assert_int_equal(perm_of(mm, sp), -1);
    struct map_area *st = area_of_use(mm, USE_STACK);
    assert_non_null(st);
    assert_int_equal(st->start.n, 0x18000 / PG);
    assert_int_equal(st->end.n, sp / PG);
    /* The heap: no page yet, so no area; its start and the break at the stack's top. */
    assert_null(area_of_use(mm, USE_HEAP));
    assert_null(mm->heap);
    assert_int_equal(mm->heap_start, sp);
    assert_int_equal(mm->brk, sp);
    /* The trap context without U; the trampoline, R X without U. */
    assert_int_equal(perm_of(mm, TRAP_CONTEXT), PTE_R | PTE_W);
    assert_int_equal(count_use(mm, USE_TRAP_CONTEXT), 1);
    assert_int_equal(perm_of(mm, TRAMPOLINE), PTE_R | PTE_X);
    assert_int_equal(translate(mm->pt, TRAMPOLINE, 0),
                     (uint64)((uint8 *)strampoline - sim_ram) + SIM_RAM_BASE);
    assert_int_equal(count_use(mm, USE_STACK), 1);
    /* Nothing else is an area. */
    struct map_area *all[64];
    assert_int_equal(areas_of(mm->areas, all, 0, 64), 4);
    assert_int_equal(mm->nareas, 4);
    for (int i = 1; i < 4; i++)
        assert_true(all[i - 1]->end.n <= all[i]->start.n);
    mm_free(mm);
    no_leak(s);
    free(im.data);
}

static void
test_segment_permissions(void **state)
{
    (void)state;
    struct snap s = snap();
    for (uint32 f = 1; f < 8; f++) {
        struct seg segs[] = {
            { PT_LOAD, f, 0x10000, 0x100, 0x2000 },
            { PT_LOAD, PF_R | PF_X, 0x40000, 0x10, 0x10 },
        };
        int n = (f & PF_X) ? 1 : 2;
        struct img im = build(n == 1 ? 0x10000 : 0x40000, segs, n);
        uint64 entry, sp;
        const char *err = NULL;
        struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
        if (mm == NULL)
            fail_msg("flags %u refused: %s", f, err);
        uint64 want = PTE_U | (f & PF_R ? PTE_R : 0) | (f & PF_W ? PTE_W : 0)
                    | (f & PF_X ? PTE_X : 0);
        assert_int_equal(perm_of(mm, 0x10000), want);
        assert_int_equal(perm_of(mm, 0x11000), want);
        if (f & PF_R)
            check_segment(mm, &im, 0, want);
        mm_free(mm);
        free(im.data);
    }
    no_leak(s);
}

static void
test_stack_above_highest_segment(void **state)
{
    (void)state;
    struct snap s = snap();
    /* The highest segment first in the table; it ends on a page boundary. */
    struct seg segs[] = {
        { PT_LOAD, PF_R, 0x400000, 0x10, 0x3000 },
        { PT_LOAD, PF_R | PF_X, 0x10000, 0x10, 0x10 },
        { PT_LOAD, PF_R | PF_W, 0x200000, 0x10, 0x10 },
    };
    struct img im = build(0x10008, segs, 3);
    uint64 entry, sp;
    const char *err = NULL;
    struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
    assert_non_null(mm);
    assert_int_equal(sp, 0x403000 + PG + 4 * PG);
    assert_int_equal(perm_of(mm, 0x403000), -1);
    assert_int_equal(perm_of(mm, 0x404000), PTE_R | PTE_W | PTE_U);
    assert_int_equal(perm_of(mm, sp - PG), PTE_R | PTE_W | PTE_U);
    mm_free(mm);
    free(im.data);
    /* Exactly room for the guard page and the stack below USER_TOP. */
    struct seg high[] = { { PT_LOAD, PF_R | PF_X, USER_TOP - 6 * PG, 0x10, PG } };
    im = build(USER_TOP - 6 * PG, high, 1);
    mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
    assert_non_null(mm);
    assert_int_equal(sp, USER_TOP);
    assert_int_equal(perm_of(mm, USER_TOP - PG), PTE_R | PTE_W | PTE_U);
    assert_int_equal(perm_of(mm, USER_TOP - 5 * PG), -1);
    mm_free(mm);
    free(im.data);
    no_leak(s);
    /* One page short: refused, nothing leaks. */
    struct seg higher[] = { { PT_LOAD, PF_R | PF_X, USER_TOP - 5 * PG, 0x10, PG } };
    im = build(USER_TOP - 5 * PG, higher, 1);
    assert_int_equal(elf_check(im.data, im.size, &err), 0);
    err = NULL;
    assert_null(mm_from_elf(im.data, im.size, &entry, &sp, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "no room for the stack"));
    no_leak(s);
    free(im.data);
}

static void
test_valid_edge_cases(void **state)
{
    (void)state;
    struct snap s = snap();
    const char *err = NULL;
    uint64 entry, sp;
    /* Segments that touch at a page boundary; bss only; entry on the last byte. */
    struct seg segs[] = {
        { PT_LOAD, PF_R | PF_X, 0x10000, 0x1000, 0x1000 },
        { PT_LOAD, PF_R | PF_W, 0x11000, 0, 0x10 },
        { PT_LOAD, PF_R, 0x12000, 0x800, 0x800 },
    };
    struct img im = build(0x10FFF, segs, 3);
    assert_int_equal(elf_check(im.data, im.size, &err), 0);
    struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
    assert_non_null(mm);
    check_segment(mm, &im, 0, PTE_R | PTE_X | PTE_U);
    check_segment(mm, &im, 1, PTE_R | PTE_W | PTE_U);
    check_segment(mm, &im, 2, PTE_R | PTE_U);
    mm_free(mm);
    free(im.data);
    /* 64 program headers, most of them not loadable. */
    struct seg many[64];
    for (int i = 0; i < 64; i++)
        many[i] = (struct seg){ PT_NOTE, 0, 0, 4, 4 };
    many[40] = (struct seg){ PT_LOAD, PF_R | PF_X, 0x20000, 0x30, 0x30 };
    im = build(0x20000, many, 64);
    mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
    assert_non_null(mm);
    check_segment(mm, &im, 40, PTE_R | PTE_X | PTE_U);
    mm_free(mm);
    free(im.data);
    /* The file ends exactly at the last segment byte (no trailing bytes). */
    struct seg one[] = { { PT_LOAD, PF_R | PF_X, 0x10000, 0x100, 0x100 } };
    im = build(0x10000, one, 1);
    uint64 exact = im.seg_off[0] + 0x100;
    assert_int_equal(elf_check(im.data, exact, &err), 0);
    assert_int_not_equal(elf_check(im.data, exact - 1, &err), 0);
    free(im.data);
    no_leak(s);
}

/* Out of frames or heap at every step: "out of memory" and nothing leaks. */
static void
test_out_of_memory(void **state)
{
    (void)state;
    struct img im = basic();
    static ppn_t hoard[SIM_RAM_SIZE / PG];
    uint64 entry, sp;
    const char *err;
    int failures = 0;
    for (uint64 left = 0;; left++) {
        int n = 0;
        while (frame_free_count() > left)
            hoard[n++] = frame_alloc();
        struct snap s = snap();
        err = NULL;
        struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
        if (mm != NULL) {
            mm_free(mm);
            no_leak(s);
            while (n > 0)
                frame_free(hoard[--n]);
            break;
        }
        assert_non_null(err);
        assert_string_equal(err, "out of memory");
        no_leak(s);
        while (n > 0)
            frame_free(hoard[--n]);
        failures++;
    }
    /* Frames needed: mm_new 3 (root, 2 tables for the trampoline); the
     * area cache's slab 1; text 2 + 2 tables; data 4; stack 4 (same level-0
     * table); trap context 1 (next to the trampoline): 17. With any fewer,
     * it must fail cleanly. */
    assert_int_equal(failures, 17);
    /* The heap (struct mm comes from it): fill it, then free one block at a time. */
    static void *blocks[8192];
    int nb = 0;
    void *p;
    while ((p = kmalloc(32)) != NULL)
        blocks[nb++] = p;
    for (;;) {
        struct snap s = snap();
        err = NULL;
        struct mm *mm = mm_from_elf(im.data, im.size, &entry, &sp, &err);
        if (mm != NULL) {
            mm_free(mm);
            no_leak(s);
            break;
        }
        assert_string_equal(err, "out of memory");
        no_leak(s);
        assert_true(nb > 0);
        kfree(blocks[--nb]);
    }
    while (nb > 0)
        kfree(blocks[--nb]);
    free(im.data);
}

/* ---- refused files ----------------------------------------------------------------- */

struct bad {
    const char *what, *fragment;
    void (*damage)(struct img *);
};

static void d_small(struct img *im) { im->size = 63; }
static void d_empty(struct img *im) { im->size = 0; }
static void d_magic(struct img *im) { im->data[1] = 'e'; }
static void d_magic0(struct img *im) { im->data[0] = 0x7E; }
static void d_class32(struct img *im) { im->data[EI_CLASS] = ELFCLASS32; }
static void d_bigendian(struct img *im) { im->data[EI_DATA] = ELFDATA2MSB; }
static void d_identversion(struct img *im) { im->data[EI_VERSION] = 0; }
static void d_version(struct img *im) { ehdr(im)->e_version = 2; }
static void d_machine(struct img *im) { ehdr(im)->e_machine = EM_X86_64; }
static void d_dyn(struct img *im) { ehdr(im)->e_type = ET_DYN; }
static void d_rel(struct img *im) { ehdr(im)->e_type = ET_REL; }
static void d_phentsize(struct img *im) { ehdr(im)->e_phentsize = 32; }
static void d_phnum0(struct img *im) { ehdr(im)->e_phnum = 0; }
static void d_phnum65(struct img *im) { ehdr(im)->e_phnum = 65; }
static void d_phoff_end(struct img *im) { ehdr(im)->e_phoff = im->size; }
static void d_phoff_past(struct img *im) { ehdr(im)->e_phoff = (im->size + 64) & ~7UL; }
static void d_phoff_tail(struct img *im) { ehdr(im)->e_phoff = (im->size - 100) & ~7UL; }
static void d_phoff_huge(struct img *im) { ehdr(im)->e_phoff = 0xFFFFFFFFFFFFFFF8UL; }
static void d_phoff_odd(struct img *im) { ehdr(im)->e_phoff = 65; }
static void d_filesz(struct img *im) { phdr(im, 2)->p_filesz = phdr(im, 2)->p_memsz + 1; }
static void d_off_end(struct img *im) { phdr(im, 2)->p_offset = im->size - 0x100; }
static void d_off_wrap(struct img *im) { phdr(im, 2)->p_offset = 0xFFFFFFFFFFFFFF00UL; }
static void d_off_past(struct img *im) { phdr(im, 0)->p_offset = im->size + 1; }
static void d_filesz_huge(struct img *im)
{
    phdr(im, 2)->p_filesz = 0xFFFFFFFFFFFFF000UL;
    phdr(im, 2)->p_memsz = 0xFFFFFFFFFFFFF000UL;
}
static void d_low(struct img *im) { phdr(im, 2)->p_vaddr = 0x800; }
static void d_zero(struct img *im) { phdr(im, 2)->p_vaddr = 0; }
static void d_high(struct img *im) { phdr(im, 2)->p_vaddr = USER_TOP - 0x2000; }
static void d_top(struct img *im) { phdr(im, 2)->p_vaddr = USER_TOP; }
static void d_kernel_half(struct img *im) { phdr(im, 2)->p_vaddr = 0xFFFFFFFFFFFFE000UL; }
static void d_memsz_wrap(struct img *im) { phdr(im, 2)->p_memsz = 0xFFFFFFFFFFFFF000UL; }
static void d_overlap(struct img *im) { phdr(im, 2)->p_vaddr = 0x11000; }
static void d_same_page(struct img *im)
{
    phdr(im, 2)->p_vaddr = 0x11900;             /* text ends at 0x11800, same page */
}
static void d_overlap_first(struct img *im)
{
    phdr(im, 0)->p_vaddr = 0x14000;             /* text inside the data's pages */
    ehdr(im)->e_entry = 0x14000;
}
static void d_noperm(struct img *im) { phdr(im, 2)->p_flags = 0; }
static void d_osperm(struct img *im) { phdr(im, 2)->p_flags = 0x00100000; }
static void d_noload(struct img *im)
{
    phdr(im, 0)->p_type = PT_NOTE;
    phdr(im, 2)->p_type = PT_DYNAMIC;
}
static void d_emptyload(struct img *im)
{
    phdr(im, 0)->p_memsz = phdr(im, 0)->p_filesz = 0;
    phdr(im, 2)->p_memsz = phdr(im, 2)->p_filesz = 0;
}
static void d_entry_data(struct img *im) { ehdr(im)->e_entry = 0x13100; }
static void d_entry_end(struct img *im) { ehdr(im)->e_entry = 0x10000 + 0x1800; }
static void d_entry_before(struct img *im) { ehdr(im)->e_entry = 0xFFFF; }
static void d_entry_zero(struct img *im) { ehdr(im)->e_entry = 0; }
static void d_entry_nx(struct img *im) { phdr(im, 0)->p_flags = PF_R; }

static const struct bad bad_files[] = {
    { "too small", "too small", d_small },
    { "empty", "too small", d_empty },
    { "bad magic", "bad magic", d_magic },
    { "bad magic byte 0", "bad magic", d_magic0 },
    { "32-bit class", "64-bit", d_class32 },
    { "big-endian", "little-endian", d_bigendian },
    { "bad ident version", "version", d_identversion },
    { "bad e_version", "version", d_version },
    { "wrong machine", "RISC-V", d_machine },
    { "ET_DYN", "ET_EXEC", d_dyn },
    { "ET_REL", "ET_EXEC", d_rel },
    { "wrong phentsize", "program-header size", d_phentsize },
    { "phnum 0", "no program headers", d_phnum0 },
    { "phnum 65", "too many", d_phnum65 },
    { "phoff at the end", "program headers lie outside", d_phoff_end },
    { "phoff past the end", "program headers lie outside", d_phoff_past },
    { "phdrs run past the end", "program headers lie outside", d_phoff_tail },
    { "phoff near 2^64", "program headers lie outside", d_phoff_huge },
    { "phoff unaligned", "program headers lie outside", d_phoff_odd },
    { "p_filesz > p_memsz", "p_filesz > p_memsz", d_filesz },
    { "segment bytes past the end", "outside the file", d_off_end },
    { "segment offset wraps", "outside the file", d_off_wrap },
    { "segment offset past the end", "outside the file", d_off_past },
    { "segment filesz wraps", "outside the file", d_filesz_huge },
    { "segment below 0x1000", "user half", d_low },
    { "segment at 0", "user half", d_zero },
    { "segment past USER_TOP", "user half", d_high },
    { "segment at USER_TOP", "user half", d_top },
    { "segment in the kernel half", "user half", d_kernel_half },
    { "segment memsz wraps", "user half", d_memsz_wrap },
    { "overlapping segments", "overlapping", d_overlap },
    { "segments sharing a page", "overlapping", d_same_page },
    { "overlap with a later segment", "overlapping", d_overlap_first },
    { "segment without permissions", "no permissions", d_noperm },
    { "segment with OS flags only", "no permissions", d_osperm },
    { "no PT_LOAD", "no loadable", d_noload },
    { "only empty PT_LOAD", "no loadable", d_emptyload },
    { "entry in a data segment", "entry point", d_entry_data },
    { "entry just past the text", "entry point", d_entry_end },
    { "entry just before the text", "entry point", d_entry_before },
    { "entry 0", "entry point", d_entry_zero },
    { "text not executable", "entry point", d_entry_nx },
};

static void
test_refused_files(void **state)
{
    (void)state;
    struct snap s = snap();
    for (size_t i = 0; i < ARRAY_SIZE(bad_files); i++) {
        struct img im = basic();
        bad_files[i].damage(&im);
        /* An exact-size copy: AddressSanitizer sees any read past the end. */
        uint8 *copy = malloc(im.size ? im.size : 1);
        memcpy(copy, im.data, im.size);
        const char *err = NULL;
        int r = elf_check(copy, im.size, &err);
        if (r != -1 || err == NULL || strstr(err, bad_files[i].fragment) == NULL)
            fail_msg("%s: elf_check returned %d, '%s'; want -1, '...%s...'",
                     bad_files[i].what, r, err ? err : "(null)", bad_files[i].fragment);
        const char *err2 = NULL;
        uint64 entry = 0x1234, sp = 0x5678;
        assert_null(mm_from_elf(copy, im.size, &entry, &sp, &err2));
        assert_ptr_equal(err2, err);
        assert_int_equal(entry, 0x1234);
        assert_int_equal(sp, 0x5678);
        no_leak(s);
        free(copy);
        free(im.data);
    }
    assert_true(ARRAY_SIZE(bad_files) >= 18);
}

/* ---- random damage ----------------------------------------------------------------- */

static void
fuzz(const uint8 *orig, uint64 size, unsigned long seed, int rounds)
{
    struct snap s = snap();
    uint8 *copy = malloc(size);
    assert_non_null(copy);
    int loaded = 0, refused = 0;
    for (int round = 0; round < rounds; round++) {
        memcpy(copy, orig, size);
        unsigned long r = sim_rand(&seed);
        int flips = 1 + r % 4;
        uint64 headers = 64 + 56 * (uint64)((const Elf64_Ehdr *)orig)->e_phnum;
        for (int k = 0; k < flips; k++) {
            r = sim_rand(&seed);
            /* Mostly in the headers, where the numbers are. */
            uint64 at = r % 4 ? (r >> 8) % (headers < size ? headers : size) : (r >> 8) % size;
            if ((r >> 40) % 3 == 0)
                copy[at] ^= (uint8)(1u << ((r >> 50) % 8));
            else
                copy[at] = (uint8)(r >> 52);
        }
        uint64 len = (r >> 4) % 16 == 0 ? (r >> 20) % (size + 1) : size;   /* sometimes cut */
        /* Exactly len bytes: AddressSanitizer sees any read past the end. */
        uint8 *exact = malloc(len ? len : 1);
        assert_non_null(exact);
        memcpy(exact, copy, len);
        const char *err = NULL;
        int ok = elf_check(exact, len, &err) == 0;
        assert_true(ok || err != NULL);
        uint64 entry, sp;
        struct mm *mm = mm_from_elf(exact, len, &entry, &sp, &err);
        if (mm != NULL) {
            assert_true(ok);
            assert_int_equal(entry, ((Elf64_Ehdr *)exact)->e_entry);
            /* What the ABI promises: the entry is executable, the stack writable. */
            assert_int_not_equal(translate(mm->pt, entry, PTE_X | PTE_U), 0);
            assert_int_not_equal(translate(mm->pt, sp - 8, PTE_R | PTE_W | PTE_U), 0);
            assert_int_equal(translate(mm->pt, sp, 0), 0);
            mm_free(mm);
            loaded++;
        } else {
            refused++;
        }
        free(exact);
        no_leak(s);
    }
    free(copy);
    /* Both outcomes happened: the damage neither always nor never mattered. */
    assert_true(loaded > 0);
    assert_true(refused > 0);
}

static void
test_random_damage(void **state)
{
    (void)state;
    struct img im = basic();
    fuzz(im.data, im.size, 0x5EED5EEDUL, 30000);
    free(im.data);
}

/* ---- the real user programs ------------------------------------------------------- */

struct file { uint8 *data; uint64 size; };

static struct file
load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    assert_true(n > 64);
    struct file fl = { malloc(n), (uint64)n };
    assert_non_null(fl.data);
    assert_int_equal(fread(fl.data, 1, n, f), (size_t)n);
    fclose(f);
    return fl;
}

static void
test_real_programs(void **state)
{
    (void)state;
    if (nfiles == 0)
        skip();
    struct snap s = snap();
    for (int i = 0; i < nfiles; i++) {
        struct file fl = load(files[i]);
        const char *err = NULL;
        if (elf_check(fl.data, fl.size, &err) != 0)
            fail_msg("%s: %s", files[i], err);
        uint64 entry, sp;
        struct mm *mm = mm_from_elf(fl.data, fl.size, &entry, &sp, &err);
        if (mm == NULL)
            fail_msg("%s: %s", files[i], err);
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)fl.data;
        assert_int_equal(entry, eh->e_entry);
        assert_int_not_equal(translate(mm->pt, entry, PTE_X | PTE_U), 0);
        /* Every loadable segment: its bytes, then zeros, with its permissions. */
        uint64 top = 0;
        for (int k = 0; k < eh->e_phnum; k++) {
            const Elf64_Phdr *p = (const Elf64_Phdr *)(fl.data + eh->e_phoff) + k;
            if (p->p_type != PT_LOAD || p->p_memsz == 0)
                continue;
            uint64 want = PTE_U | (p->p_flags & PF_R ? PTE_R : 0)
                        | (p->p_flags & PF_W ? PTE_W : 0) | (p->p_flags & PF_X ? PTE_X : 0);
            for (uint64 va = p->p_vaddr; va < p->p_vaddr + p->p_memsz; va++) {
                if (va == p->p_vaddr || va % PG == 0)
                    assert_int_equal(perm_of(mm, va & ~(PG - 1)), want);
                uint8 b = va - p->p_vaddr < p->p_filesz ? fl.data[p->p_offset + va - p->p_vaddr] : 0;
                if (byte_at(mm, va) != b)
                    fail_msg("%s: byte at %#lx", files[i], (unsigned long)va);
            }
            uint64 end = (p->p_vaddr + p->p_memsz + PG - 1) & ~(PG - 1);
            if (end > top)
                top = end;
        }
        assert_int_equal(sp, top + PG + 4 * PG);
        assert_int_equal(perm_of(mm, top), -1);
        assert_int_equal(perm_of(mm, sp - PG), PTE_R | PTE_W | PTE_U);
        mm_free(mm);
        no_leak(s);
        /* Cut short anywhere before the last segment byte: refused. */
        uint64 need = eh->e_phoff + eh->e_phnum * sizeof(Elf64_Phdr);
        for (int k = 0; k < eh->e_phnum; k++) {
            const Elf64_Phdr *p = (const Elf64_Phdr *)(fl.data + eh->e_phoff) + k;
            if (p->p_type == PT_LOAD && p->p_memsz != 0 && p->p_offset + p->p_filesz > need)
                need = p->p_offset + p->p_filesz;
        }
        static const uint64 cuts[] = { 1, 2, 17, 64, 4096 };
        for (size_t c = 0; c < ARRAY_SIZE(cuts); c++) {
            if (cuts[c] > need)
                continue;
            uint8 *copy = malloc(need - cuts[c] + 1);
            memcpy(copy, fl.data, need - cuts[c]);
            assert_int_equal(elf_check(copy, need - cuts[c], &err), -1);
            free(copy);
        }
        uint8 *copy = malloc(need);
        memcpy(copy, fl.data, need);
        assert_int_equal(elf_check(copy, need, &err), 0);
        free(copy);
        free(fl.data);
    }
}

static void
test_real_programs_random_damage(void **state)
{
    (void)state;
    if (nfiles == 0)
        skip();
    for (int i = 0; i < nfiles; i++) {
        struct file fl = load(files[i]);
        fuzz(fl.data, fl.size, 1000 + i, 1500);
        free(fl.data);
    }
}

int
main(int argc, char **argv)
{
    nfiles = argc - 1;
    files = argv + 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_load_basic, setup),
        cmocka_unit_test_setup(test_segment_permissions, setup),
        cmocka_unit_test_setup(test_stack_above_highest_segment, setup),
        cmocka_unit_test_setup(test_valid_edge_cases, setup),
        cmocka_unit_test_setup(test_out_of_memory, setup),
        cmocka_unit_test_setup(test_refused_files, setup),
        cmocka_unit_test_setup(test_random_damage, setup),
        cmocka_unit_test_setup(test_real_programs, setup),
        cmocka_unit_test_setup(test_real_programs_random_damage, setup),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
