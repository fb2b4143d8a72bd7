/*
 * seedcore.h: what every lab's grade-time test programs and values
 * program share: the generator the values are drawn from, and the token
 * and the seed as the grader passes them. A lab's own header (its
 * progs/seedgen.h) declares its streams, SG_S_TOKEN among them, and then
 * includes this file. Pure C with no headers and no library: it is
 * compiled for RISC-V into the test programs and for the host into the
 * values program (testprog.h and values.h build on it). The grader copies
 * it beside each lab's programs.
 */
#ifndef SEEDCORE_H
#define SEEDCORE_H

typedef unsigned long long sg_u64;

/* splitmix64's output function, as a constant expression (for initializers). */
#define SG_F1(z) (((z) ^ ((z) >> 30)) * 0xBF58476D1CE4E5B9ULL)
#define SG_F2(z) (((z) ^ ((z) >> 27)) * 0x94D049BB133111EBULL)
#define SG_F3(z) ((z) ^ ((z) >> 31))
#define SG_MIX(x) SG_F3(SG_F2(SG_F1((sg_u64)(x) + 0x9E3779B97F4A7C15ULL)))

/* Word i of stream s: each test draws from its own streams. */
#define SG_VAL(seed, s, i) SG_MIX((sg_u64)(seed) ^ ((sg_u64)(s) << 48) ^ (sg_u64)(i))
static inline sg_u64 sg_val(sg_u64 seed, unsigned s, sg_u64 i) { return SG_VAL(seed, s, i); }
/* Fold one word into a checksum (order matters). */
static inline sg_u64 sg_fold(sg_u64 h, sg_u64 w) { return SG_MIX(h ^ w); }

/*
 * The token and the seed as the grader passes them to a test program or an
 * in-kernel test, -DGRADE_TOKEN_ENC=W0,W1 -DGRADE_SEED_ENC=S (values.c
 * computes them), so that neither is a string or a constant of the image:
 * S is the seed XOR a fixed mask; the token's 16 bytes (its 32 hex
 * characters, two by two), taken as two little-endian words, are XORed
 * with words of stream SG_S_TOKEN. Decoded where they are used.
 */
#define SG_SEED_MASK 0x6c62272e07bb0142ULL
static inline sg_u64 sg_seed_decode(sg_u64 enc) { return enc ^ SG_MIX(SG_SEED_MASK); }
static inline sg_u64 sg_seed_encode(sg_u64 seed) { return seed ^ SG_MIX(SG_SEED_MASK); }
static inline sg_u64 sg_token_mask(sg_u64 seed, int k) { return SG_VAL(seed, SG_S_TOKEN, k); }
/* The token's 32 hex characters and a NUL, from its two encoded words. */
static inline void
sg_token_text(sg_u64 w0, sg_u64 w1, sg_u64 seed, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    for (int k = 0; k < 2; k++) {
        sg_u64 w = (k ? w1 : w0) ^ sg_token_mask(seed, k);
        for (int j = 0; j < 8; j++) {
            unsigned b = (unsigned)(w >> (8 * j)) & 0xff;
            out[16 * k + 2 * j] = hex[b >> 4];
            out[16 * k + 2 * j + 1] = hex[b & 15];
        }
    }
    out[32] = '\0';
}

#endif
