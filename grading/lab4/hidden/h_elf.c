/*
 * h_elf.c: the loader, the hidden way. A .data array of 2248 words (over
 * five pages, not page-aligned) and a .rodata array of 1164, whose
 * contents depend on this run's encoded token and seed (so they are in
 * the ELF file only), and a .bss of 5 pages and 123 words that must come
 * zeroed. Folds what it reads: .data forward, .rodata in a strided order,
 * .bss after .data; then .data and .bss must be writable.
 */
#define PROG "h_elf"
#define TWIN HG_ELF
#include "htwin.h"

#define E4(F, i) F(i), F((i) + 1), F((i) + 2), F((i) + 3)
#define E8(F, i) E4(F, i), E4(F, (i) + 4)
#define E64(F, i) E8(F, i), E8(F, (i) + 8), E8(F, (i) + 16), E8(F, (i) + 24), \
                  E8(F, (i) + 32), E8(F, (i) + 40), E8(F, (i) + 48), E8(F, (i) + 56)
#define E128(F, i) E64(F, i), E64(F, (i) + 64)
#define E1024(F, i) E128(F, i), E128(F, (i) + 128), E128(F, (i) + 256), E128(F, (i) + 384), \
                    E128(F, (i) + 512), E128(F, (i) + 640), E128(F, (i) + 768), E128(F, (i) + 896)

static uint32 lead = 0x5eed;            /* so that data does not start a page */
static uint64 data[HG_ELF_DATA_WORDS] = {
    E1024(HG_ELF_D, 0), E1024(HG_ELF_D, 1024), E128(HG_ELF_D, 2048), E64(HG_ELF_D, 2176),
    E8(HG_ELF_D, 2240)
};
static const uint64 rodata[HG_ELF_RODATA_WORDS] = {
    E1024(HG_ELF_R, 0), E128(HG_ELF_R, 1024), E8(HG_ELF_R, 1152), E4(HG_ELF_R, 1160)
};
static uint64 bss[HG_ELF_BSS_WORDS];
_Static_assert(sizeof data / sizeof data[0] == HG_ELF_DATA_WORDS, "data size");
_Static_assert(sizeof rodata / sizeof rodata[0] == HG_ELF_RODATA_WORDS, "rodata size");

int
main(void)
{
    twin_open();
    hg_u64 ek = hg_elf_key_here(), hd = 0, hr = 0;
    uint64 wrong = lead != 0x5eed;
    for (uint64 i = 0; i < HG_ELF_DATA_WORDS; i++) {
        uint64 w = ((volatile uint64 *)data)[i];
        wrong += w != hg_word(ek, HG_S_ELF_D, i);
        hd = hg_fold(hd, w);
    }
    for (uint64 k = 0; k < HG_ELF_RODATA_WORDS; k++) {
        uint64 i = k * 7 % HG_ELF_RODATA_WORDS, w = ((const volatile uint64 *)rodata)[i];
        wrong += w != hg_word(ek, HG_S_ELF_R, i);
        hr = hg_fold(hr, w);
    }
    check("words of .data and .rodata read wrong", (int64)wrong, 0);
    hg_u64 hb = readback(bss, HG_ELF_BSS_WORDS, ZERO, 0, &wrong, hd);
    check("nonzero words in .bss", (int64)wrong, 0);
    for (uint64 i = 0; i < HG_ELF_DATA_WORDS; i++)      /* .data is writable */
        data[i] ^= hg_word(KEY, HG_S_ELF_D, i);
    for (uint64 i = 0; i < HG_ELF_BSS_WORDS; i++)       /* so is .bss */
        bss[i] = 3 * i + 1;
    wrong = 0;
    for (uint64 i = 0; i < HG_ELF_DATA_WORDS; i++)
        wrong += data[i] != (hg_word(ek, HG_S_ELF_D, i) ^ hg_word(KEY, HG_S_ELF_D, i));
    for (uint64 i = 0; i < HG_ELF_BSS_WORDS; i++)
        wrong += bss[i] != 3 * i + 1;
    check("words written to .data and .bss read wrong", (int64)wrong, 0);
    printf("h_elf: " TOKFMT " data=%016lx rodata=%016lx bss=%016lx\n", TOKARGS, (uint64)hd,
           (uint64)hr, (uint64)hb);
    return failures > 0;
}
