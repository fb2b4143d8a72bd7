/*
 * k_elf_h.c: the hidden twin of k_elf (the ELF loader, exercise 4, on
 * files of the test's own making: grading/common/kelf.h), with sizes and
 * places from the hidden generator. Prints `k_elf_h: TOKEN ok`.
 */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"
#include "hgen.h"
#include "../progs/kelf.h"

#if !defined(GRADE_HTOKEN_ENC) || !defined(GRADE_HSEED_ENC)
#error "compile with KTESTFLAGS=\"-DGRADE_HTOKEN_ENC=W0,W1 -DGRADE_HSEED_ENC=S\""
#endif

KERNEL_TEST(k_elf_h)
{
    struct hg g = hg_here(HG_KELF);
    char token[33];
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        token[i] = hex[(g.t0 >> (60 - 4 * i)) & 15];
        token[16 + i] = hex[(g.t1 >> (60 - 4 * i)) & 15];
    }
    token[32] = '\0';
    uint64 r[3] = { hg_param(g.key, 90), hg_param(g.key, 91), hg_param(g.key, 92) };
    kelf_run("k_elf_h", token, r);
}
