/*
 * hgen.h: the hidden twins' generator (instructor-only, never shipped).
 *
 * Pure C with no headers: included by the twin programs (RISC-V user
 * code), by the in-kernel twin k_vm_h.c and by values.c (host), so that all
 * compute the same places, sizes and data. Unlike seedgen.h: its own mixing
 * function and constants, keyed words, a multiply-add fold, and a token and
 * seed that come encoded. The twins are compiled with
 *
 *     -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S
 *
 * (hg_encode makes W0, W1 and S) and decode them at run time, through
 * volatile reads, so that neither the token nor the seed is in an image.
 */
#ifndef HGEN_H
#define HGEN_H

typedef unsigned long long hg_u64;

/* A xorshift-multiply finalizer, as a constant expression (for initializers). */
#define HG_M1 0xA5CD69E08FF0E9AFULL
#define HG_M2 0x85BA70B7CDA5DBF1ULL
#define HG_XS(z, r) ((z) ^ ((z) >> (r)))
#define HG_MIX(x) HG_XS(HG_XS(HG_XS((hg_u64)(x), 31) * HG_M1, 27) * HG_M2, 33)

/* Word i of stream s under key: keyed before and after the mix. */
#define HG_GS 0x78419C8044369B6FULL     /* step per stream */
#define HG_GI 0x806A0A7F5CFA52D5ULL     /* step per word */
#define HG_WORD(key, s, i) \
    (HG_MIX((key) + (hg_u64)(s) * HG_GS + ((hg_u64)(i) + 1) * HG_GI) ^ (key))

#define HG_FM 0x8BCFF6030AFDC37FULL     /* the fold's multiplier */
#define HG_FA 0x067E23444AD00997ULL     /* and addend: no fixed point at 0 */
#define HG_E1 0x22011B324AD289CDULL     /* the encoding's keys */
#define HG_E2 0xFDE257D0F7743C79ULL
#define HG_E3 0x558BB865525F88CBULL
#define HG_E4 0xEE48F9CA6A49C711ULL
#define HG_E5 0xBF5403E873683299ULL
#define HG_E6 0x17BB63A74081E633ULL
#define HG_E7 0xA9BA4EB7C244A925ULL
#define HG_E8 0x9369EEF7801E19F9ULL
#define HG_E9 0xA871F6FC7FF643B5ULL

static inline hg_u64 hg_mix(hg_u64 x) { return HG_MIX(x); }
static inline hg_u64 hg_word(hg_u64 key, unsigned s, hg_u64 i) { return HG_WORD(key, s, i); }
/* Fold one word into a checksum (order matters). */
static inline hg_u64 hg_fold(hg_u64 h, hg_u64 w) { return hg_mix(h * HG_FM + w + HG_FA); }
static inline hg_u64 hg_rotl(hg_u64 x, int r) { return x << r | x >> (64 - r); }

/* ---- the token and the seed, encoded ------------------------------------- */

/* The run's token as two words (t0: its first 16 hex digits), seed and key. */
struct hg {
    hg_u64 t0, t1, seed, key;
};

/* Encode token words t0, t1 and seed into w[0], w[1] (the token) and w[2]. */
static inline void
hg_encode(hg_u64 t0, hg_u64 t1, hg_u64 seed, hg_u64 w[3])
{
    w[1] = t1 ^ hg_mix(t0 ^ HG_E1);
    w[0] = t0 ^ hg_mix(w[1] + HG_E2);
    w[2] = hg_rotl(seed, 19) ^ hg_mix(t1 * HG_E3 + (t0 ^ HG_E9));
}

/* The twins, each with a key of its own. */
enum { HG_FRAMES = 1, HG_UNMAP, HG_KVM, HG_ELF, HG_MMAP, HG_COPY, HG_TI, HG_PT, HG_FAULTS, HG_KELF };

/* Decode encoded words w0, w1, s (hg_encode's) and derive twin's key. */
static inline struct hg
hg_decode(hg_u64 w0, hg_u64 w1, hg_u64 s, unsigned twin)
{
    struct hg g;
    g.t0 = w0 ^ hg_mix(w1 + HG_E2);
    g.t1 = w1 ^ hg_mix(g.t0 ^ HG_E1);
    g.seed = hg_rotl(s ^ hg_mix(g.t1 * HG_E3 + (g.t0 ^ HG_E9)), 64 - 19);
    g.key = hg_mix(hg_mix(g.seed ^ HG_E4) ^ (g.t0 * HG_E5 + g.t1) ^ (hg_u64)twin * HG_E6);
    return g;
}

/*
 * The ELF twin's data must be constant expressions, so it is keyed by the
 * encoded words themselves (HG_ELF_KEY), and never by the decoded seed.
 */
static inline hg_u64 hg_elf_key(hg_u64 w0, hg_u64 w1, hg_u64 s)
{
    return (s ^ w0 * HG_E7) + w1 * HG_E8;
}

#ifdef GRADE_HTOKEN_ENC
#ifndef GRADE_HSEED_ENC
#error "the grader compiles the twins with -DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S"
#endif
#define HG_FIRST_(a, b) (a)
#define HG_SECOND_(a, b) (b)
#define HG_FIRST(...) HG_FIRST_(__VA_ARGS__)
#define HG_SECOND(...) HG_SECOND_(__VA_ARGS__)
#define HG_ELF_KEY (((hg_u64)(GRADE_HSEED_ENC) ^ HG_FIRST(GRADE_HTOKEN_ENC) * HG_E7) \
                    + HG_SECOND(GRADE_HTOKEN_ENC) * HG_E8)
/* Read at run time: the compiler cannot fold the decoded values into the image. */
static const volatile hg_u64 hg_enc[3] = { GRADE_HTOKEN_ENC, GRADE_HSEED_ENC };

/* This run's token, seed and the key of twin. */
static inline struct hg hg_here(unsigned twin)
{
    return hg_decode(hg_enc[0], hg_enc[1], hg_enc[2], twin);
}
static inline hg_u64 hg_elf_key_here(void) { return hg_elf_key(hg_enc[0], hg_enc[1], hg_enc[2]); }
#endif

/* ---- places and sizes ------------------------------------------------------ */

#define HG_PAGE  4096ULL
#define HG_WORDS 512ULL
#define HG_LO    0x10000000ULL          /* from here up is free for mmap (ABI.md) */
#define HG_TOP   0x4000000000ULL        /* the end of the user half */
#define HG_GIB   (1ULL << 30)
#define HG_MIB2  (1ULL << 21)
#define HG_TRAP_CONTEXT 0xFFFFFFFFFFFFE000ULL
#define HG_TRAMPOLINE   0xFFFFFFFFFFFFF000ULL
#define HG_USER_BASE    0x10000ULL      /* where user.ld puts .text */
enum { HG_S_PARAM, HG_S_FR1, HG_S_FR2, HG_S_UNMAP, HG_S_ELF_D, HG_S_ELF_R, HG_S_MMAP,
       HG_S_COPY, HG_S_TI, HG_S_KVM, HG_S_ISO_A, HG_S_ISO_B };

static inline hg_u64 hg_param(hg_u64 key, unsigned k) { return hg_word(key, HG_S_PARAM, k); }
/* A page-aligned address in [lo, hi) drawn from r. */
static inline hg_u64 hg_page_in(hg_u64 r, hg_u64 lo, hg_u64 hi)
{
    return lo + r % ((hi - lo) / HG_PAGE) * HG_PAGE;
}

/*
 * frames: round 1 maps hg_fr_chunks() chunks, each in its own eighth of
 * the mmap range; round 2, once they are all unmapped, one range as large
 * as all of them, over chunk 0's old place.
 */
#define HG_FR_SLOT ((HG_TOP - HG_LO) / 8)
static inline int hg_fr_chunks(hg_u64 key) { return 3 + (int)(hg_param(key, 1) % 4); }
static inline hg_u64 hg_fr_len(hg_u64 key, int c) { return 8 + hg_param(key, 10 + c) % 57; }
static inline hg_u64 hg_fr_addr(hg_u64 key, int c)
{
    hg_u64 lo = HG_LO + (c * 5 + hg_param(key, 2)) % 8 * HG_FR_SLOT;
    return hg_page_in(hg_param(key, 20 + c), lo + 8 * HG_PAGE, lo + HG_FR_SLOT - 512 * HG_PAGE);
}
/* The k-th chunk unmapped in round 1. */
static inline int hg_fr_unmap_order(hg_u64 key, int k)
{
    int n = hg_fr_chunks(key);
    return (int)((hg_param(key, 3) + (hg_u64)(n - k)) % (hg_u64)n);
}
static inline hg_u64 hg_fr_total(hg_u64 key)
{
    hg_u64 t = 0;
    for (int c = 0; c < hg_fr_chunks(key); c++)
        t += hg_fr_len(key, c);
    return t;
}
static inline hg_u64 hg_fr_addr2(hg_u64 key)
{
    return hg_fr_addr(key, 0) - hg_param(key, 4) % 8 * HG_PAGE;
}

/*
 * unmap: two adjacent mmap ranges A (a pages) and B (b pages); a hole
 * across their border (the last x pages of A, the first y of B); page r
 * of the hole mapped again, read-only; then a store after everything is
 * unmapped, at hg_un_fault().
 */
static inline hg_u64 hg_un_addr(hg_u64 key)
{
    return hg_page_in(hg_param(key, 30), HG_LO + 16 * HG_PAGE, HG_TOP - 64 * HG_PAGE);
}
static inline hg_u64 hg_un_a(hg_u64 key) { return 3 + hg_param(key, 31) % 8; }
static inline hg_u64 hg_un_b(hg_u64 key) { return 3 + hg_param(key, 32) % 8; }
static inline hg_u64 hg_un_x(hg_u64 key) { return 1 + hg_param(key, 33) % (hg_un_a(key) - 1); }
static inline hg_u64 hg_un_y(hg_u64 key) { return 1 + hg_param(key, 34) % (hg_un_b(key) - 1); }
static inline hg_u64 hg_un_r(hg_u64 key)
{
    return hg_param(key, 35) % (hg_un_x(key) + hg_un_y(key));
}
static inline hg_u64 hg_un_fault(hg_u64 key)
{
    return hg_un_addr(key) + hg_param(key, 36) % (hg_un_a(key) + hg_un_b(key)) * HG_PAGE
         + hg_param(key, 37) % HG_WORDS * 8;
}

/* elf: the sizes of h_elf.c's arrays, in words (not multiples of a page). */
#define HG_ELF_DATA_WORDS   2248        /* 1024 + 1024 + 128 + 64 + 8 */
#define HG_ELF_RODATA_WORDS 1164        /* 1024 + 128 + 8 + 4 */
#define HG_ELF_BSS_WORDS    (5 * 512 + 123)
#define HG_ELF_D(i) HG_WORD(HG_ELF_KEY, HG_S_ELF_D, i)
#define HG_ELF_R(i) HG_WORD(HG_ELF_KEY, HG_S_ELF_R, i)

/*
 * mmap: a range of odd length; below it, two pages mapped by a second
 * call; at the top of the user half, three RWX pages.
 */
static inline hg_u64 hg_mm_addr(hg_u64 key)
{
    return hg_page_in(hg_param(key, 40), HG_LO + 64 * HG_PAGE, HG_TOP - 128 * HG_PAGE);
}
static inline hg_u64 hg_mm_pages(hg_u64 key) { return 2 + hg_param(key, 41) % 14; }
static inline hg_u64 hg_mm_len(hg_u64 key)
{
    return hg_mm_pages(key) * HG_PAGE - hg_param(key, 42) % HG_PAGE;
}
/* The range is read back from its last page to its first, each from this word on, around. */
static inline hg_u64 hg_mm_rot(hg_u64 key) { return hg_param(key, 43) % HG_WORDS; }

/* copy: three RW pages, a read-only one, a write-only one; a line across the second boundary. */
static inline hg_u64 hg_cp_addr(hg_u64 key)
{
    return hg_page_in(hg_param(key, 50), HG_LO, HG_TOP - 64 * HG_PAGE);
}
static inline hg_u64 hg_cp_before(hg_u64 key, hg_u64 len)
{
    return 1 + hg_param(key, 51) % (len - 1);
}
static inline hg_u64 hg_cp_kaddr(hg_u64 key)
{
    return 0x80400000ULL + hg_param(key, 52) % 4096 * 8;
}

/* timeinfo: how many of each call before task_info, made in a key-chosen order. */
static inline hg_u64 hg_ti_getpid(hg_u64 key) { return 2 + hg_param(key, 60) % 40; }
static inline hg_u64 hg_ti_yield(hg_u64 key) { return 3 + hg_param(key, 61) % 20; }
static inline hg_u64 hg_ti_gtod(hg_u64 key) { return 1 + hg_param(key, 62) % 30; }
static inline hg_u64 hg_ti_maps(hg_u64 key) { return 1 + hg_param(key, 63) % 6; }
static inline hg_u64 hg_ti_addr(hg_u64 key)
{
    return hg_page_in(hg_param(key, 64), HG_LO, HG_TOP - 64 * HG_PAGE);
}
/* task_info's struct starts this many bytes before the end of the first page. */
static inline hg_u64 hg_ti_offset(hg_u64 key) { return 4 * (1 + hg_param(key, 65) % 501); }
static inline hg_u64 hg_ti_more(hg_u64 key) { return 1 + hg_param(key, 66) % 9; }
/* Which call comes next (0 getpid, 1 yield, 2 gettimeofday, 3 mmap + munmap). */
static inline int hg_ti_pick(hg_u64 key, hg_u64 i) { return (int)(hg_word(key, HG_S_TI, i) % 4); }

/*
 * ptdump: pages A and B in one 2 MiB region (one level-0 table), C under
 * another root entry; prot R, RW, RX or RWX (A's and B's differ).
 */
static inline hg_u64 hg_pt_va(hg_u64 key, int p)
{
    hg_u64 a = hg_page_in(hg_param(key, 70), HG_LO, HG_TOP - HG_MIB2);
    if (p == 0)
        return a;
    if (p == 1)
        return (a & ~(HG_MIB2 - 1)) | ((a >> 12) + 1 + hg_param(key, 71) % 511) % 512 << 12;
    hg_u64 root = ((a >> 30) + 1 + hg_param(key, 72) % 255) % 256, base = root << 30;
    return hg_page_in(hg_param(key, 73), base < HG_LO ? HG_LO : base, base + HG_GIB);
}
static inline hg_u64 hg_pt_prot(hg_u64 key, int p)
{
    hg_u64 a = hg_param(key, 74) % 4;
    hg_u64 k = p == 0 ? a : p == 1 ? (a + 1 + hg_param(key, 75) % 3) % 4 : hg_param(key, 76) % 4;
    return 1 + 2 * k;                   /* R, RW, RX, RWX */
}

/*
 * faults: h_iso_a maps hg_iso_pages() pages and h_fault_peek's page;
 * h_iso_b maps one page more, from a page below h_iso_a's, and the peek
 * page too. The fault programs: h_fault_peek loads from the peek page,
 * h_fault_text stores into its own .text, h_fault_tc into the trap
 * context, h_fault_null loads from page 0, h_fault_gone jumps to a page it
 * mapped RWX, ran, and unmapped.
 */
#define HG_ISO_YIELDS 30
#define HG_QUARTER ((HG_TOP - HG_LO) / 4)
static inline hg_u64 hg_iso_pages(hg_u64 key) { return 2 + hg_param(key, 80) % 3; }
static inline hg_u64 hg_iso_addr(hg_u64 key)
{
    return hg_page_in(hg_param(key, 81), HG_LO + HG_PAGE, HG_LO + HG_QUARTER);
}
static inline hg_u64 hg_fault_peek(hg_u64 key)
{
    return hg_page_in(hg_param(key, 82), HG_LO + HG_QUARTER, HG_LO + 2 * HG_QUARTER)
         + hg_param(key, 83) % HG_WORDS * 8;
}
static inline hg_u64 hg_fault_text(hg_u64 key)
{
    return HG_USER_BASE + hg_param(key, 84) % 512 * 8;
}
static inline hg_u64 hg_fault_tc(hg_u64 key)
{
    return HG_TRAP_CONTEXT + hg_param(key, 85) % 512 * 8;
}
static inline hg_u64 hg_fault_null(hg_u64 key) { return hg_param(key, 86) % 512 * 8; }
static inline hg_u64 hg_fault_gone(hg_u64 key)
{
    return hg_page_in(hg_param(key, 87), HG_LO + 2 * HG_QUARTER, HG_TOP - HG_PAGE)
         + hg_param(key, 88) % 1024 * 4;
}

/*
 * k_vm_h: six ranges of fresh frames in table A, each in root entries of
 * its own: 0 across a 1 GiB boundary (slots 1..127), 1 from a page near
 * 0, 2 the last pages of the address space, 3 the first of the upper
 * half, 4 across a 2 MiB boundary (slots 128..253), 5 in slot 255. Table B
 * maps the same frames again, all in one run from hg_kvm_b(). Pages are
 * numbered j = 0 .. hg_kvm_pages()-1, range after range.
 */
#define HG_KVM_MAPS 6
#define HG_KVM_MAX_PAGES (HG_KVM_MAPS * 6)
#define HG_KVM_HIGH 0xFFFFFFC000000000ULL      /* the first address of the upper half */
#define HG_PTE_V 0x01ULL
#define HG_PTE_R 0x02ULL
#define HG_PTE_W 0x04ULL
#define HG_PTE_X 0x08ULL
#define HG_PTE_U 0x10ULL
static inline hg_u64 hg_kvm_len(hg_u64 key, int k)
{
    return (k == 0 || k == 4 ? 2 : 1) + hg_param(key, 100 + k) % (k == 0 || k == 4 ? 5 : 6);
}
static inline hg_u64 hg_kvm_addr(hg_u64 key, int k)
{
    hg_u64 r = hg_param(key, 110 + k), len = hg_kvm_len(key, k);
    hg_u64 before = (1 + hg_param(key, 120 + k) % (len > 1 ? len - 1 : 1)) * HG_PAGE;
    if (k == 0)
        return (1 + r % 127) * HG_GIB - before;
    if (k == 1)
        return (1 + r % 15) * HG_PAGE;
    if (k == 2)
        return 0 - len * HG_PAGE;
    if (k == 3)
        return HG_KVM_HIGH + r % 4 * HG_PAGE;
    if (k == 4) {
        hg_u64 b = 128 * 512 + 1 + r % (126 * 512 - 1);     /* 2 MiB units */
        if (b % 512 == 0)
            b++;
        return b * HG_MIB2 - before;
    }
    return hg_page_in(r, 255 * HG_GIB, HG_TOP - 8 * HG_PAGE);
}
static inline hg_u64 hg_kvm_b(hg_u64 key)
{
    return hg_page_in(hg_param(key, 130), HG_LO, HG_TOP - 64 * HG_PAGE);
}
/* Range k's permissions in table A (alias 0) or B: X, R, RX, RW or RWX, with or without U. */
static inline hg_u64 hg_kvm_perm(hg_u64 key, int k, int b)
{
    static const unsigned char rwx[5] = { HG_PTE_X, HG_PTE_R, HG_PTE_R | HG_PTE_X,
                                          HG_PTE_R | HG_PTE_W, HG_PTE_R | HG_PTE_W | HG_PTE_X };
    hg_u64 r = hg_param(key, 140 + 2 * k + b);
    return rwx[r % 5] | (r / 5 % 2 ? HG_PTE_U : 0);
}
/* The need masks translate is asked about, for every page. */
#define HG_KVM_NEEDS 10
static inline hg_u64 hg_kvm_need(int i)
{
    static const unsigned char need[HG_KVM_NEEDS] = {
        0, HG_PTE_R, HG_PTE_W, HG_PTE_X, HG_PTE_U, HG_PTE_R | HG_PTE_W, HG_PTE_R | HG_PTE_X,
        HG_PTE_X | HG_PTE_U, HG_PTE_R | HG_PTE_W | HG_PTE_U,
        HG_PTE_R | HG_PTE_W | HG_PTE_X | HG_PTE_U };
    return need[i];
}
static inline hg_u64 hg_kvm_pages(hg_u64 key)
{
    hg_u64 n = 0;
    for (int k = 0; k < HG_KVM_MAPS; k++)
        n += hg_kvm_len(key, k);
    return n;
}
static inline int hg_kvm_range(hg_u64 key, hg_u64 j)
{
    int k = 0;
    while (k < HG_KVM_MAPS - 1 && j >= hg_kvm_len(key, k))
        j -= hg_kvm_len(key, k++);
    return k;
}
/* Page j's address in table A (b = 0) or B. */
static inline hg_u64 hg_kvm_va(hg_u64 key, hg_u64 j, int b)
{
    if (b)
        return hg_kvm_b(key) + j * HG_PAGE;
    int k = hg_kvm_range(key, j);
    for (int m = 0; m < k; m++)
        j -= hg_kvm_len(key, m);
    return hg_kvm_addr(key, k) + j * HG_PAGE;
}
/* Where page j's permissions are probed: an offset in the page. */
static inline hg_u64 hg_kvm_off(hg_u64 key, hg_u64 j) { return hg_param(key, 160 + j) % HG_PAGE; }
/*
 * Addresses table A does not map, probed: 0 the page after range 1; 1 in
 * slot 254; 2 the page after range 3; 3 4 MiB below range 5 (under a
 * level-1 table A has, or none); 4 table B's first page.
 */
#define HG_KVM_PROBES 5
static inline hg_u64 hg_kvm_probe(hg_u64 key, int p)
{
    hg_u64 off = hg_param(key, 200 + p) % HG_PAGE;
    if (p == 0)
        return hg_kvm_addr(key, 1) + hg_kvm_len(key, 1) * HG_PAGE + off;
    if (p == 1)
        return hg_page_in(hg_param(key, 210), 254 * HG_GIB, 255 * HG_GIB) + off;
    if (p == 2)
        return hg_kvm_addr(key, 3) + hg_kvm_len(key, 3) * HG_PAGE + off;
    if (p == 3)
        return hg_kvm_addr(key, 5) - (4ULL << 20) + off;
    return hg_kvm_b(key) + off;
}
/* Not canonical: bit 39 set with 38 clear; bits 63..39 set with 38 clear. */
static inline hg_u64 hg_kvm_noncanon(hg_u64 key, int i)
{
    hg_u64 low = hg_param(key, 220 + i) % (1ULL << 38);
    return i == 0 ? (1ULL << 39) + low : 0xFFFFFF8000000000ULL + low;
}
/* Addresses walk(A, va, 1) is asked to make tables for: probe 1, then 4 MiB above range 1. */
static inline hg_u64 hg_kvm_fresh(hg_u64 key, int i)
{
    return i == 0 ? hg_kvm_probe(key, 1) : hg_kvm_addr(key, 1) + (4ULL << 20);
}
/* The 27-bit page number of va: bits 26..18 index the root, 17..9 a level-1 table. */
static inline hg_u64 hg_kvm_vpn(hg_u64 va) { return (va >> 12) & ((1ULL << 27) - 1); }
/* What walk(A, va, 0) finds with table A mapped: 0 (no level-0 table), 1 (an empty entry), 2. */
static inline hg_u64 hg_kvm_status(hg_u64 key, hg_u64 va)
{
    hg_u64 v = hg_kvm_vpn(va), st = 0;
    for (hg_u64 j = 0; j < hg_kvm_pages(key); j++) {
        hg_u64 w = hg_kvm_vpn(hg_kvm_va(key, j, 0));
        if (w == v)
            return 2;
        if (w >> 9 == v >> 9)
            st = 1;
    }
    return st;
}
/*
 * The table pages (not the root) that table b needs for its pages, and
 * with fresh < 2, for hg_kvm_fresh(0 .. fresh) too; fresh = -1: none.
 */
static inline hg_u64 hg_kvm_tables(hg_u64 key, int b, int fresh)
{
    hg_u64 n = hg_kvm_pages(key), t = 0, v[HG_KVM_MAX_PAGES + 2];
    for (hg_u64 q = 0; q < n + (hg_u64)(fresh + 1); q++) {
        v[q] = hg_kvm_vpn(q < n ? hg_kvm_va(key, q, b) : hg_kvm_fresh(key, (int)(q - n)));
        hg_u64 new1 = 1, new0 = 1;
        for (hg_u64 e = 0; e < q; e++) {
            new1 &= v[e] >> 18 != v[q] >> 18;
            new0 &= v[e] >> 9 != v[q] >> 9;
        }
        t += new1 + new0;
    }
    return t;
}

#endif
