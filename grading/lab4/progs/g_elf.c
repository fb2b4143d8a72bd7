/*
 * g_elf.c: the loader. Initialized .data (12 KiB over several pages) and
 * .rodata whose contents depend on the seed, so they are in the ELF file
 * only; a .bss of 3 pages that must come zeroed, part of it sharing a page
 * with the end of .data; the stack just above it all, the heap above the
 * stack. Folds what it reads.
 */
#define PROG "g_elf"
#include "lab4.h"

#define D1(i) SG_VAL(GRADE_SEED, SG_S_ELF_DATA, i)
#define D4(i) D1(i), D1((i) + 1), D1((i) + 2), D1((i) + 3)
#define D16(i) D4(i), D4((i) + 4), D4((i) + 8), D4((i) + 12)
#define D64(i) D16(i), D16((i) + 16), D16((i) + 32), D16((i) + 48)
#define D256(i) D64(i), D64((i) + 64), D64((i) + 128), D64((i) + 192)
#define R1(i) SG_VAL(GRADE_SEED, SG_S_ELF_RODATA, i)
#define R4(i) R1(i), R1((i) + 1), R1((i) + 2), R1((i) + 3)
#define R20(i) R4(i), R4((i) + 4), R4((i) + 8), R4((i) + 12), R4((i) + 16)
#define R100(i) R20(i), R20((i) + 20), R20((i) + 40), R20((i) + 60), R20((i) + 80)

static uint64 data[SG_ELF_DATA_WORDS] = {
    D256(0), D256(256), D256(512), D256(768), D256(1024), D256(1280)
};
static const uint64 rodata[SG_ELF_RODATA_WORDS] = {
    R100(0), R100(100), R100(200), R100(300), R100(400), R100(500)
};
static uint64 bss[3 * SG_WORDS];
_Static_assert(sizeof data / sizeof data[0] == SG_ELF_DATA_WORDS, "data size");
_Static_assert(sizeof rodata / sizeof rodata[0] == SG_ELF_RODATA_WORDS, "rodata size");

int
main(void)
{
    uint64 wrong = 0;
    sg_u64 hd = readback(data, SG_ELF_DATA_WORDS, SG_S_ELF_DATA, 0, 0, &wrong, 0);
    sg_u64 hr = readback(rodata, SG_ELF_RODATA_WORDS, SG_S_ELF_RODATA, 0, 0, &wrong, 0);
    check("words of .data and .rodata read wrong", (int64)wrong, 0);
    uint64 dirty = nonzero(bss, 3 * SG_WORDS);
    check("nonzero words in .bss", (int64)dirty, 0);
    /* ABI.md: the stack sits just above the highest segment (.bss ends it),
       past a guard page; the heap starts above the stack. */
    uint64 here = (uint64)&wrong, end = ((uint64)(bss + 3 * SG_WORDS) + SG_PAGE - 1) & ~(SG_PAGE - 1);
    check("the stack just above the program and its guard page",
          here > end + SG_PAGE && here < end + 64 * SG_PAGE, 1);
    check("the heap above the stack", (uint64)sbrk(0) > here, 1);
    for (uint64 i = 0; i < SG_ELF_DATA_WORDS; i++)      /* .data is writable */
        data[i] = ~data[i];
    for (uint64 i = 0; i < 3 * SG_WORDS; i++)           /* so is .bss */
        bss[i] = i;
    wrong = 0;
    for (uint64 i = 0; i < SG_ELF_DATA_WORDS; i++)
        wrong += data[i] != ~sg_val(SEED, SG_S_ELF_DATA, i);
    for (uint64 i = 0; i < 3 * SG_WORDS; i++)
        wrong += bss[i] != i;
    check("words written to .data and .bss read wrong", (int64)wrong, 0);
    printf("g_elf: %s data=%016lx rodata=%016lx bss=%lu\n", TOKEN, (uint64)hd,
           (uint64)hr, dirty);
    return verdict();
}
