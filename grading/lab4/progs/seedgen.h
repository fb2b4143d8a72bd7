/*
 * seedgen.h: the values lab 4's test programs derive from the grading seed.
 *
 * Included by the test programs (RISC-V, compiled at grade time with
 * -DGRADE_SEED=n) and by the grader (host), so that both compute the same
 * addresses, counts and data. Pure C with no headers and no library: only
 * 64-bit unsigned arithmetic. The sg_*_sum functions give what a working
 * kernel makes a program print; the programs never call them (they fold
 * what they read back from memory instead).
 */
#ifndef SEEDGEN_H
#define SEEDGEN_H

enum {
    SG_S_PARAM, SG_S_FRAMES, SG_S_FRAMES2, SG_S_WALK, SG_S_UNMAP, SG_S_COPY,
    SG_S_ELF_DATA, SG_S_ELF_RODATA, SG_S_MMAP, SG_S_ISO_A, SG_S_ISO_B, SG_S_KVM,
    SG_S_WALKP, SG_S_TOKEN
};
#include "seedcore.h"             /* the generator, the token and the seed */

#define SG_PAGE  4096ULL
#define SG_WORDS 512ULL                 /* 64-bit words per page */
#define SG_LO    0x10000000ULL          /* from here up is free for mmap (ABI.md) */
#define SG_TOP   0x4000000000ULL        /* the end of the user half */
#define SG_KERNEL_BASE 0x80200000ULL    /* where the kernel is loaded */

static inline sg_u64 sg_param(sg_u64 seed, unsigned k) { return SG_VAL(seed, SG_S_PARAM, k); }
/* A page-aligned address in [lo, hi) drawn from r. */
static inline sg_u64 sg_page_in(sg_u64 r, sg_u64 lo, sg_u64 hi)
{
    return lo + r % ((hi - lo) / SG_PAGE) * SG_PAGE;
}
/* frames: two rounds of mapping, filling and unmapping many pages. */
static inline sg_u64 sg_frames_pages(sg_u64 seed) { return 128 + sg_param(seed, 1) % 257; }
static inline sg_u64 sg_frames_addr(sg_u64 seed, int round)
{
    return sg_page_in(sg_param(seed, 2 + round), SG_LO, SG_TOP - 512 * SG_PAGE);
}
static inline sg_u64 sg_frames_sum(sg_u64 seed)
{
    sg_u64 h = 0, n = sg_frames_pages(seed) * SG_WORDS;
    for (int r = 0; r < 2; r++)
        for (sg_u64 i = 0; i < n; i++)
            h = sg_fold(h, sg_val(seed, SG_S_FRAMES + r, i));
    return h;
}
/*
 * walk (a hidden test: its program, and where it maps, stay with the
 * instructor): SG_WALK_PAGES pages filled from stream SG_S_WALK, read back
 * in order.
 */
#define SG_WALK_PAGES 33
static inline sg_u64 sg_walk_sum(sg_u64 seed)
{
    sg_u64 h = 0;
    for (sg_u64 i = 0; i < SG_WALK_PAGES * SG_WORDS; i++)
        h = sg_fold(h, sg_val(seed, SG_S_WALK, i));
    return h;
}
/*
 * walk_practice (what students run in place of walk; g_walk_practice.c):
 * SG_WALKP_MAPS mappings, each in a place of its own, so that walk must
 * make tables at every level: 0, 3 pages across a 2 MiB boundary (not a
 * 1 GiB one) in the first eighth of the mmap range; 1, 3 pages across a
 * 1 GiB boundary in the second eighth; 2, the first page of the mmap
 * range; 3 to 8, 1 to 4 pages anywhere in eighths 2 to 7; 9, the last two
 * pages of the user half. Pages are numbered across the mappings, in this
 * order.
 */
#define SG_WALKP_MAPS 10
static inline sg_u64 sg_walkp_eighth(int n) { return SG_LO + (sg_u64)n * ((SG_TOP - SG_LO) / 8); }
static inline sg_u64 sg_walkp_pages(sg_u64 seed, int k)
{
    if (k == 0 || k == 1)
        return 3;
    if (k == 2)
        return 1;
    if (k == SG_WALKP_MAPS - 1)
        return 2;
    return 1 + sg_param(seed, 120 + k) % 4;
}
static inline sg_u64 sg_walkp_addr(sg_u64 seed, int k)
{
    sg_u64 r = sg_param(seed, 110 + k), before = (1 + r % 2) * SG_PAGE;
    r /= 2;
    if (k == 0) {                   /* a 2 MiB boundary, 2 MiB to 2 GiB above SG_LO */
        sg_u64 b = (SG_LO >> 21) + 1 + r % 1023;
        if (b % 512 == 0)
            b++;
        return (b << 21) - before;
    }
    if (k == 1)                     /* a 1 GiB boundary in the second eighth */
        return (((sg_walkp_eighth(1) >> 30) + 1 + r % 30) << 30) - before;
    if (k == 2)
        return SG_LO;
    if (k == SG_WALKP_MAPS - 1)
        return SG_TOP - 2 * SG_PAGE;
    return sg_page_in(r, sg_walkp_eighth(k - 1), sg_walkp_eighth(k) - 8 * SG_PAGE);
}
static inline sg_u64 sg_walkp_total(sg_u64 seed)
{
    sg_u64 n = 0;
    for (int k = 0; k < SG_WALKP_MAPS; k++)
        n += sg_walkp_pages(seed, k);
    return n;
}
static inline sg_u64 sg_walkp_sum(sg_u64 seed)
{
    sg_u64 h = 0, words = sg_walkp_total(seed) * SG_WORDS;
    for (sg_u64 i = 0; i < words; i++)
        h = sg_fold(h, sg_val(seed, SG_S_WALKP, i));
    return h;
}
/* unmap: a range with a hole punched and refilled, then a use after munmap. */
static inline sg_u64 sg_unmap_pages(sg_u64 seed) { return 4 + sg_param(seed, 30) % 13; }
static inline sg_u64 sg_unmap_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 31), SG_LO, SG_TOP - 32 * SG_PAGE);
}
static inline sg_u64 sg_unmap_hole(sg_u64 seed)
{
    return 1 + sg_param(seed, 32) % (sg_unmap_pages(seed) - 2);
}
static inline sg_u64 sg_unmap_fault(sg_u64 seed)
{
    return sg_unmap_addr(seed) + sg_param(seed, 33) % sg_unmap_pages(seed) * SG_PAGE
         + sg_param(seed, 34) % SG_WORDS * 8;
}
static inline sg_u64 sg_unmap_sum(sg_u64 seed)
{
    sg_u64 h = 0, hole = sg_unmap_hole(seed);
    for (sg_u64 i = 0; i < sg_unmap_pages(seed) * SG_WORDS; i++)
        h = sg_fold(h, i / SG_WORDS == hole ? 0 : sg_val(seed, SG_S_UNMAP, i));
    return h;
}
/* copy: a line written from a buffer that crosses a page boundary. */
#define SG_COPY_WORDS 4
static inline sg_u64 sg_copy_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 40), SG_LO, SG_TOP - 16 * SG_PAGE);
}
/* How many of the line's len bytes lie before the boundary (1..len-1). */
static inline sg_u64 sg_copy_before(sg_u64 seed, sg_u64 len)
{
    return 1 + sg_param(seed, 41) % (len - 1);
}
/* elf: initialized .data and .rodata arrays. */
#define SG_ELF_DATA_WORDS   1536
#define SG_ELF_RODATA_WORDS 600
static inline sg_u64 sg_elf_sum(sg_u64 seed, unsigned stream, sg_u64 n)
{
    sg_u64 h = 0;
    for (sg_u64 i = 0; i < n; i++)
        h = sg_fold(h, sg_val(seed, stream, i));
    return h;
}
/* timeinfo: how many times each call is made before task_info. */
static inline sg_u64 sg_ti_getpid(sg_u64 seed) { return 3 + sg_param(seed, 50) % 61; }
static inline sg_u64 sg_ti_yield(sg_u64 seed) { return 1 + sg_param(seed, 51) % 17; }
static inline sg_u64 sg_ti_gtod(sg_u64 seed) { return 2 + sg_param(seed, 52) % 23; }
static inline sg_u64 sg_ti_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 53), SG_LO, SG_TOP - 16 * SG_PAGE);
}
/* The task_info struct starts this many bytes before the end of a page. */
static inline sg_u64 sg_ti_offset(sg_u64 seed) { return 4 * (1 + sg_param(seed, 54) % 501); }
/* mmap: a range of odd length, and calls that must be refused. */
static inline sg_u64 sg_mmap_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 60), SG_LO, SG_TOP - 64 * SG_PAGE);
}
static inline sg_u64 sg_mmap_pages(sg_u64 seed) { return 1 + sg_param(seed, 61) % 16; }
static inline sg_u64 sg_mmap_len(sg_u64 seed)
{
    return sg_mmap_pages(seed) * SG_PAGE - sg_param(seed, 62) % SG_PAGE;
}
static inline sg_u64 sg_mmap_misalign(sg_u64 seed) { return 1 + sg_param(seed, 63) % (SG_PAGE - 1); }
static inline sg_u64 sg_mmap_sum(sg_u64 seed)
{
    sg_u64 h = 0;
    for (sg_u64 i = 0; i < sg_mmap_pages(seed) * SG_WORDS; i++)
        h = sg_fold(h, sg_val(seed, SG_S_MMAP, i));
    return h;
}
/* ptdump: one page with seed-chosen permissions. */
static inline sg_u64 sg_pt_addr(sg_u64 seed) { return sg_page_in(sg_param(seed, 70), SG_LO, SG_TOP); }
static inline sg_u64 sg_pt_prot(sg_u64 seed) { return 1 + 2 * (sg_param(seed, 71) % 4); }  /* R, RW, RX, RWX */
/*
 * faults: each program faults at a seed-chosen address, each in its own
 * quarter of the mmap range; g_iso_a maps the page g_fault_load reads.
 */
#define SG_QUARTER ((SG_TOP - SG_LO) / 4)
#define SG_ISO_PAGES 3                  /* g_iso_a: 2 pages + the fault_load page */
#define SG_ISO_YIELDS 25
static inline sg_u64 sg_iso_addr(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 80), SG_LO, SG_LO + SG_QUARTER - 2 * SG_PAGE);
}
static inline sg_u64 sg_fault_load(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 81), SG_LO + SG_QUARTER, SG_LO + 2 * SG_QUARTER)
         + sg_param(seed, 82) % SG_WORDS * 8;
}
static inline sg_u64 sg_fault_kern(sg_u64 seed) { return SG_KERNEL_BASE + sg_param(seed, 83) % 0x8000 * 8; }
static inline sg_u64 sg_fault_ro(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 84), SG_LO + 2 * SG_QUARTER, SG_LO + 3 * SG_QUARTER)
         + sg_param(seed, 85) % SG_WORDS * 8;
}
static inline sg_u64 sg_fault_nx(sg_u64 seed)
{
    return sg_page_in(sg_param(seed, 86), SG_LO + 3 * SG_QUARTER, SG_TOP)
         + sg_param(seed, 87) % 1024 * 4;
}
static inline sg_u64 sg_iso_sum(sg_u64 seed, unsigned stream, sg_u64 pages)
{
    sg_u64 h = 0;
    for (sg_u64 i = 0; i < pages * SG_WORDS; i++)
        h = sg_fold(h, sg_val(seed, stream, i));
    return h;
}

/*
 * k_vm (an in-kernel test, ../ktests/k_vm.c): SG_KVM_MAPS ranges of fresh
 * frames in a page table of the test's own: range 0 across a 2 MiB
 * boundary, 1 across a 1 GiB boundary, 2 the last pages of the user half,
 * 3 in the upper half, 4 to 7 anywhere in sixteenths 2 to 5 of the mmap
 * range. Each is mapped a second time (its alias) in sixteenth 6 + k.
 * Pages are numbered j = 0 .. sg_kvm_pages()-1, range after range.
 * Permissions are Sv39 PTE bits.
 */
#define SG_KVM_MAPS      8
#define SG_KVM_MAX_PAGES (SG_KVM_MAPS * 5)
#define SG_KVM_PROBES    4
#define SG_KVM_HIGH      0xFFFFFFC000000000ULL  /* the first address of the upper half */
#define SG_PTE_V 0x01ULL
#define SG_PTE_R 0x02ULL
#define SG_PTE_W 0x04ULL
#define SG_PTE_X 0x08ULL
#define SG_PTE_U 0x10ULL
static inline sg_u64 sg_kvm_slice(int n) { return SG_LO + (sg_u64)n * ((SG_TOP - SG_LO) / 16); }
static inline sg_u64 sg_kvm_len(sg_u64 seed, int k) { return 2 + sg_param(seed, 200 + k) % 4; }
static inline sg_u64 sg_kvm_addr(sg_u64 seed, int k)
{
    sg_u64 r = sg_param(seed, 210 + k);
    sg_u64 before = (1 + sg_param(seed, 220 + k) % (sg_kvm_len(seed, k) - 1)) * SG_PAGE;
    if (k == 0)
        return (((sg_kvm_slice(0) >> 21) + 1 + r % 64) << 21) - before;
    if (k == 1)
        return (((sg_kvm_slice(1) >> 30) + 1 + r % 14) << 30) - before;
    if (k == 2)
        return SG_TOP - sg_kvm_len(seed, 2) * SG_PAGE;
    if (k == 3)
        return sg_page_in(r, SG_KVM_HIGH, SG_KVM_HIGH + (SG_TOP - SG_LO));
    return sg_page_in(r, sg_kvm_slice(k - 2), sg_kvm_slice(k - 1) - 8 * SG_PAGE);
}
static inline sg_u64 sg_kvm_alias(sg_u64 seed, int k)
{
    return sg_page_in(sg_param(seed, 230 + k), sg_kvm_slice(6 + k), sg_kvm_slice(7 + k) - 8 * SG_PAGE);
}
/* R, RW, RX or RWX, with or without U: range k's, or its alias's. */
static inline sg_u64 sg_kvm_perm(sg_u64 seed, int k, int alias)
{
    sg_u64 r = sg_param(seed, 240 + 2 * k + alias);
    return SG_PTE_R | (r & 1 ? SG_PTE_W : 0) | (r & 2 ? SG_PTE_X : 0) | (r & 4 ? SG_PTE_U : 0);
}
static inline sg_u64 sg_kvm_pages(sg_u64 seed)
{
    sg_u64 n = 0;
    for (int k = 0; k < SG_KVM_MAPS; k++)
        n += sg_kvm_len(seed, k);
    return n;
}
/* The range that holds page j, and the page's address (or its alias's). */
static inline int sg_kvm_range(sg_u64 seed, sg_u64 j)
{
    int k = 0;
    while (k < SG_KVM_MAPS - 1 && j >= sg_kvm_len(seed, k))
        j -= sg_kvm_len(seed, k++);
    return k;
}
static inline sg_u64 sg_kvm_va(sg_u64 seed, sg_u64 j, int alias)
{
    int k = sg_kvm_range(seed, j);
    for (int m = 0; m < k; m++)
        j -= sg_kvm_len(seed, m);
    return (alias ? sg_kvm_alias(seed, k) : sg_kvm_addr(seed, k)) + j * SG_PAGE;
}
/* Where page j's flags are probed: an offset in the page. */
static inline sg_u64 sg_kvm_off(sg_u64 seed, sg_u64 j) { return sg_param(seed, 260 + j) % SG_PAGE; }
/*
 * Probes, each at an offset in its page: 0 in sixteenth 14, where nothing
 * is mapped; 1 the page after range 4; 2 the page before alias 0; 3 4 MiB
 * above range 5, most likely under no level-0 table.
 */
static inline sg_u64 sg_kvm_probe(sg_u64 seed, int p)
{
    sg_u64 off = sg_param(seed, 250 + p) % SG_PAGE;
    if (p == 0)
        return sg_page_in(sg_param(seed, 254), sg_kvm_slice(14), sg_kvm_slice(15)) + off;
    if (p == 1)
        return sg_kvm_addr(seed, 4) + sg_kvm_len(seed, 4) * SG_PAGE + off;
    if (p == 2)
        return sg_kvm_alias(seed, 0) - SG_PAGE + off;
    return sg_kvm_addr(seed, 5) + (4ULL << 20) + off;
}
/* Not canonical: bit 38 set, bits 63..39 clear. */
static inline sg_u64 sg_kvm_noncanon(sg_u64 seed) { return SG_TOP + sg_param(seed, 255) % SG_TOP; }
/* The 27-bit page number of va: bits 26..18 index the root, 17..9 a level-1 table. */
static inline sg_u64 sg_kvm_vpn(sg_u64 va) { return (va >> 12) & ((1ULL << 27) - 1); }
/*
 * What walk(pt, va, 0) finds with every range and alias mapped: 0 (NULL:
 * no level-0 table on the way), 1 (an empty entry) or 2 (a mapped page).
 */
static inline sg_u64 sg_kvm_status(sg_u64 seed, sg_u64 va)
{
    sg_u64 v = sg_kvm_vpn(va), n = sg_kvm_pages(seed), st = 0;
    for (sg_u64 q = 0; q < 2 * n; q++) {
        sg_u64 w = sg_kvm_vpn(sg_kvm_va(seed, q % n, q >= n));
        if (w == v)
            return 2;
        if (w >> 9 == v >> 9)
            st = 1;
    }
    return st;
}
/* The table pages walk must make for all ranges and aliases (not the root). */
static inline sg_u64 sg_kvm_tables(sg_u64 seed)
{
    sg_u64 n = sg_kvm_pages(seed), t = 0;
    for (sg_u64 q = 0; q < 2 * n; q++) {
        sg_u64 v = sg_kvm_vpn(sg_kvm_va(seed, q % n, q >= n)), new1 = 1, new0 = 1;
        for (sg_u64 e = 0; e < q; e++) {
            sg_u64 w = sg_kvm_vpn(sg_kvm_va(seed, e % n, e >= n));
            new1 &= w >> 18 != v >> 18;
            new0 &= w >> 9 != v >> 9;
        }
        t += new1 + new0;
    }
    return t;
}
/* What k_vm folds when every check holds, in the order it checks. */
static inline sg_u64 sg_kvm_sum(sg_u64 seed)
{
    sg_u64 h = 0, n = sg_kvm_pages(seed);
    h = sg_fold(h, sg_kvm_tables(seed));            /* table pages made by walk */
    for (sg_u64 j = 0; j < n; j++)                  /* data written through translate */
        for (sg_u64 w = 0; w < SG_WORDS; w++)
            h = sg_fold(h, 1);
    for (sg_u64 j = 0; j < n; j++) {                /* flags and references */
        int k = sg_kvm_range(seed, j);
        h = sg_fold(h, SG_PTE_V | sg_kvm_perm(seed, k, 0));
        h = sg_fold(h, SG_PTE_V | sg_kvm_perm(seed, k, 1));
        h = sg_fold(h, 2);
    }
    for (int p = 0; p < SG_KVM_PROBES; p++) {       /* unmapped addresses */
        sg_u64 st = sg_kvm_status(seed, sg_kvm_probe(seed, p));
        h = sg_fold(h, st);
        h = sg_fold(h, st == 2);
    }
    h = sg_fold(h, 0);                              /* the non-canonical address */
    h = sg_fold(h, 0);                              /* frames the lookups took */
    h = sg_fold(h, 0);                              /* frames freed unmapping shared pages */
    for (sg_u64 j = 0; j < n; j++) {                /* the unmapped ranges */
        h = sg_fold(h, 1);
        h = sg_fold(h, 0);
        h = sg_fold(h, 1);
    }
    for (sg_u64 j = 0; j < n; j++)                  /* the data through the aliases */
        for (sg_u64 w = 0; w < SG_WORDS; w++) {
            h = sg_fold(h, 1);
            h = sg_fold(h, sg_val(seed, SG_S_KVM, j * SG_WORDS + w));
        }
    h = sg_fold(h, n);                              /* frames freed unmapping the aliases */
    return h;
}

#endif
