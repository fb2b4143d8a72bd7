/*
 * k_elf.c: lab 4's in-kernel test of the ELF loader (exercise 4) on files
 * no linker script of ours makes (grading/common/kelf.h says what it
 * builds and checks): unaligned segments whose memory runs a page past
 * their file bytes, headers out of order, an empty loadable segment, a
 * note; every byte and permission of the result, the stack's place, and
 * "out of memory" with no frame kept when frames run short. Its sizes
 * and places come from the test's seed; it prints
 *
 *     k_elf: TOKEN ok
 *
 * after a `k_elf: FAIL ...` line for each failed check.
 */
#include "types.h"
#include "defs.h"
#include "vm.h"
#include "ktest.h"
#include "../progs/seedgen.h"
#include "../progs/kelf.h"

#if !defined(GRADE_TOKEN_ENC) || !defined(GRADE_SEED_ENC)
#error "the grader compiles this with -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S, passed in KTESTFLAGS"
#endif
/* Read through volatile: neither the seed nor the token is in the image. */
static volatile const sg_u64 kelf_enc[3] = { GRADE_TOKEN_ENC, GRADE_SEED_ENC };

KERNEL_TEST(k_elf)
{
    char token[33];
    sg_u64 seed = sg_seed_decode(kelf_enc[2]);
    sg_token_text(kelf_enc[0], kelf_enc[1], seed, token);
    uint64 r[3] = { sg_param(seed, 90), sg_param(seed, 91), sg_param(seed, 92) };
    kelf_run("k_elf", token, r);
}
