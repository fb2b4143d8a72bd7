/*
 * values.c: the named values of the hidden twins' checks (hidden/tests.spec.frag
 * uses them as ${H_...}): the encoded token and seed the twins are compiled
 * with, and what each twin prints on a correct kernel, computed with the
 * twins' own generator (hgen.h). Instructor-only, never shipped.
 *
 * usage: values SEED TOKEN    (SEED a 64-bit number, TOKEN 32 hex digits)
 * Prints one "NAME VALUE" line per value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hgen.h"

static hg_u64 enc[3];                   /* the encoded token and seed */

static void
defval(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", name);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* The key of twin, as the twin decodes it. */
static hg_u64
key_of(unsigned twin)
{
    return hg_decode(enc[0], enc[1], enc[2], twin).key;
}

/* h with n words of stream s (from word first) folded in; s = ~0u: zeros. */
static hg_u64
fold_words(hg_u64 h, hg_u64 key, unsigned s, hg_u64 first, hg_u64 n)
{
    for (hg_u64 i = 0; i < n; i++)
        h = hg_fold(h, s == ~0u ? 0 : hg_word(key, s, first + i));
    return h;
}
#define ZERO (~0u)

/* h_frames: round 1 fresh, then back in reverse chunk order; round 2 fresh, then from its end. */
static void
frames(void)
{
    hg_u64 key = key_of(HG_FRAMES), h = 0, first = hg_fr_total(key);
    int n = hg_fr_chunks(key);
    for (int c = 0; c < n; c++)
        h = fold_words(h, key, ZERO, 0, hg_fr_len(key, c) * HG_WORDS);
    for (int c = n - 1; c >= 0; c--) {
        first -= hg_fr_len(key, c);
        h = fold_words(h, key, HG_S_FR1, first * HG_WORDS, hg_fr_len(key, c) * HG_WORDS);
    }
    hg_u64 words = hg_fr_total(key) * HG_WORDS;
    h = fold_words(h, key, ZERO, 0, words);
    for (hg_u64 i = words; i-- > 0; )
        h = fold_words(h, key, HG_S_FR2, i, 1);
    defval("H_FRAMES_PAGES", "%llu", hg_fr_total(key));
    defval("H_FRAMES_SUM", "%016llx", h);
}

/* h_unmap: the pages outside the hole, and the page mapped again in it (zero), in order. */
static void
unmap(void)
{
    hg_u64 key = key_of(HG_UNMAP), va = hg_un_addr(key), a = hg_un_a(key), b = hg_un_b(key);
    hg_u64 hs = va + (a - hg_un_x(key)) * HG_PAGE, he = va + (a + hg_un_y(key)) * HG_PAGE;
    hg_u64 rp = hs + hg_un_r(key) * HG_PAGE, h = 0;
    for (hg_u64 i = 0; i < a + b; i++) {
        hg_u64 page = va + i * HG_PAGE;
        if (page == rp)
            h = fold_words(h, key, ZERO, 0, HG_WORDS);
        else if (page < hs || page >= he)
            h = fold_words(h, key, HG_S_UNMAP, i * HG_WORDS, HG_WORDS);
    }
    defval("H_UNMAP_PAGES", "%llu", a + b);
    defval("H_UNMAP_SUM", "%016llx", h);
    defval("H_UNMAP_FAULT", "0x%llx", hg_un_fault(key));
}

/* h_elf: .data forward, .rodata in steps of 7, .bss (zero) after .data. */
static void
elf(void)
{
    hg_u64 ek = hg_elf_key(enc[0], enc[1], enc[2]), hr = 0;
    hg_u64 hd = fold_words(0, ek, HG_S_ELF_D, 0, HG_ELF_DATA_WORDS);
    for (hg_u64 k = 0; k < HG_ELF_RODATA_WORDS; k++)
        hr = fold_words(hr, ek, HG_S_ELF_R, k * 7 % HG_ELF_RODATA_WORDS, 1);
    defval("H_ELF_DATA", "%016llx", hd);
    defval("H_ELF_RODATA", "%016llx", hr);
    defval("H_ELF_BSS", "%016llx", fold_words(hd, ek, ZERO, 0, HG_ELF_BSS_WORDS));
}

/* h_mmap: the range from its last page, the two pages below it, the top word, the range again. */
static void
mmap_values(void)
{
    hg_u64 key = key_of(HG_MMAP), n = hg_mm_pages(key), rot = hg_mm_rot(key), h = 0;
    for (hg_u64 k = n; k-- > 0; )
        for (hg_u64 w = 0; w < HG_WORDS; w++)
            h = fold_words(h, key, HG_S_MMAP, k * HG_WORDS + (w + rot) % HG_WORDS, 1);
    h = fold_words(h, key, ZERO, 0, 2 * HG_WORDS);
    h = fold_words(h, key, HG_S_MMAP, n * HG_WORDS, 1);
    h = fold_words(h, key, ZERO, 0, n * HG_WORDS);
    defval("H_MMAP_PAGES", "%llu", n);
    defval("H_MMAP_SUM", "%016llx", h);
}

/* h_copy: the page read forward, then on backward: the line's two words. */
static void
copy(void)
{
    hg_u64 key = key_of(HG_COPY), h1 = fold_words(0, key, HG_S_COPY, 0, HG_WORDS), h2 = h1;
    for (hg_u64 i = HG_WORDS; i-- > 0; )
        h2 = fold_words(h2, key, HG_S_COPY, i, 1);
    defval("H_COPY_HEX", "%016llx%016llx", h1, h2);
}

/* h_timeinfo: the counts before its first task_info (two mmaps of its own, one per map). */
static void
timeinfo(void)
{
    hg_u64 key = key_of(HG_TI), maps = hg_ti_maps(key);
    defval("H_TI_GETPID", "%llu", hg_ti_getpid(key));
    defval("H_TI_YIELD", "%llu", hg_ti_yield(key));
    defval("H_TI_GTOD", "%llu", hg_ti_gtod(key));
    defval("H_TI_MMAP", "%llu", 2 + maps);
    defval("H_TI_MUNMAP", "%llu", maps);
    defval("H_TI_TOTAL", "%llu",
           hg_ti_getpid(key) + hg_ti_yield(key) + hg_ti_gtod(key) + 2 + 2 * maps + 1);
}

/* h_ptdump: pages A, B, C as the dump prints them, with their parents. */
static void
ptdump(void)
{
    hg_u64 key = key_of(HG_PT);
    char name[32];
    defval("H_PT_PROTS", "%llu,%llu,%llu", hg_pt_prot(key, 0), hg_pt_prot(key, 1),
           hg_pt_prot(key, 2));
    for (int p = 0; p < 3; p++) {
        hg_u64 va = hg_pt_va(key, p), prot = hg_pt_prot(key, p);
#define PT(what) (snprintf(name, sizeof name, "H_PT_%c_%s", "ABC"[p], what), name)
        defval(PT("VA"), "0x%016llx", va);
        defval(PT("VA1"), "0x%016llx", va & ~(HG_MIB2 - 1));
        defval(PT("VA2"), "0x%016llx", va & ~(HG_GIB - 1));
        defval(PT("I0"), "%llu", (va >> 12) & 511);
        defval(PT("I1"), "%llu", (va >> 21) & 511);
        defval(PT("I2"), "%llu", (va >> 30) & 511);
        defval(PT("FLAGS"), "V%c%c%cU-", prot & 1 ? 'R' : '-', prot & 2 ? 'W' : '-',
               prot & 4 ? 'X' : '-');
#undef PT
    }
}

/* faults: the fault addresses; h_iso_a's and h_iso_b's folds. */
static void
faults(void)
{
    hg_u64 key = key_of(HG_FAULTS), n = hg_iso_pages(key);
    defval("H_FAULT_PEEK", "0x%llx", hg_fault_peek(key));
    defval("H_FAULT_TEXT", "0x%llx", hg_fault_text(key));
    defval("H_FAULT_TC", "0x%llx", hg_fault_tc(key));
    defval("H_FAULT_NULL", "0x%llx", hg_fault_null(key));
    defval("H_FAULT_GONE", "0x%llx", hg_fault_gone(key));
    hg_u64 h = fold_words(0, key, HG_S_ISO_A, n * HG_WORDS, HG_WORDS);
    defval("H_ISO_A", "%016llx", fold_words(h, key, HG_S_ISO_A, 0, n * HG_WORDS));
    h = fold_words(0, key, ZERO, 0, (n + 2) * HG_WORDS);
    h = fold_words(h, key, HG_S_ISO_B, 0, (n + 1) * HG_WORDS);
    defval("H_ISO_B", "%016llx", fold_words(h, key, HG_S_ISO_B, (n + 1) * HG_WORDS, HG_WORDS));
}

/* translate's answers under the need masks, for a page mapped with perm (k_vm_h.c's want_bits). */
static hg_u64
want_bits(hg_u64 perm)
{
    hg_u64 bits = 0;
    for (int i = 0; i < HG_KVM_NEEDS; i++)
        bits |= (hg_u64)((hg_kvm_need(i) & ~perm) == 0) << i;
    return bits;
}

/* k_vm_h: what it folds when every check holds, in the order it checks. */
static void
kvm(void)
{
    hg_u64 key = key_of(HG_KVM), n = hg_kvm_pages(key), h = 0;
    hg_u64 ta = hg_kvm_tables(key, 0, -1), tb = hg_kvm_tables(key, 1, -1);
    h = hg_fold(hg_fold(h, ta), tb);
    h = hg_fold(h, 0);                                  /* translate (data through A) */
    for (hg_u64 j = 0; j < n; j++) {
        int k = hg_kvm_range(key, j);
        hg_u64 pa = HG_PTE_V | hg_kvm_perm(key, k, 0), pb = HG_PTE_V | hg_kvm_perm(key, k, 1);
        h = hg_fold(hg_fold(hg_fold(h, want_bits(pa)), want_bits(pb)), 1);
        h = hg_fold(hg_fold(hg_fold(hg_fold(h, pa), 1), pb), 2);
    }
    for (int p = 0; p < HG_KVM_PROBES; p++) {
        hg_u64 st = hg_kvm_status(key, hg_kvm_probe(key, p));
        h = hg_fold(hg_fold(h, st), st == 2);
    }
    h = hg_fold(hg_fold(hg_fold(h, 0), 0), 0);          /* non-canonical; lookups */
    for (int i = 0; i < 2; i++)
        h = hg_fold(hg_fold(h, 1), hg_kvm_tables(key, 0, i) - hg_kvm_tables(key, 0, i - 1));
    h = hg_fold(hg_fold(h, 1), 1);                      /* walk after creation */
    h = hg_fold(h, 0);                                  /* frames freed unmapping A */
    for (hg_u64 j = 0; j < n; j++)
        h = hg_fold(hg_fold(hg_fold(h, 1), 0), 1);
    h = hg_fold(h, 1 + hg_kvm_tables(key, 0, 1));
    h = fold_words(h, key, HG_S_KVM, 0, n * HG_WORDS);   /* the data through B */
    h = hg_fold(hg_fold(hg_fold(h, 0), n), 1 + tb);
    defval("H_KVM_PAGES", "%llu", n);
    defval("H_KVM_TABLES", "%llu", ta + tb);
    defval("H_KVM_SUM", "%016llx", h);
}

/* Parse 16 hex digits at s into *v; 0, or -1 if one is not a hex digit. */
static int
hex16(const char *s, hg_u64 *v)
{
    *v = 0;
    for (int i = 0; i < 16; i++) {
        const char *d = strchr("0123456789abcdef", s[i] | 0x20);
        if (s[i] == 0 || d == NULL || *d == 0)
            return -1;
        *v = *v << 4 | (hg_u64)(d - "0123456789abcdef");
    }
    return 0;
}

int
main(int argc, char **argv)
{
    char *end;
    hg_u64 t0, t1;
    if (argc != 3)
        return fprintf(stderr, "usage: values SEED TOKEN\n"), 2;
    hg_u64 seed = strtoull(argv[1], &end, 0);
    if (end == argv[1] || *end)
        return fprintf(stderr, "values: not a number: %s\n", argv[1]), 2;
    if (strlen(argv[2]) != 32 || hex16(argv[2], &t0) < 0 || hex16(argv[2] + 16, &t1) < 0)
        return fprintf(stderr, "values: not 32 hex digits: %s\n", argv[2]), 2;
    hg_encode(t0, t1, seed, enc);
    defval("H_TOKEN_ENC", "0x%016llxULL,0x%016llxULL", enc[0], enc[1]);
    defval("H_SEED_ENC", "0x%016llxULL", enc[2]);
    frames();
    unmap();
    kvm();
    elf();
    mmap_values();
    copy();
    timeinfo();
    ptdump();
    faults();
    return fflush(stdout) == 0 ? 0 : 1;
}
