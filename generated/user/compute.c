/* compute.c: forty million multiplications, never yielding. */
#include "user.h"

#define P      998244353UL  /* a prime below 2^30 */
#define ROUNDS 5
#define STEPS  8000000UL    /* multiplications per round */

/* base^e mod P, one squaring per bit of e. */
static uint64
power_mod(uint64 base, uint64 e)
{
    uint64 result = 1;
    base %= P;
    for (; e > 0; e /= 2) {
        if (e & 1)
            result = result * base % P;
        base = base * base % P;
    }
    return result;
}

int
main(void)
{
    uint64 x = 1;
    for (uint64 r = 1; r <= ROUNDS; r++) {
        for (uint64 i = 0; i < STEPS; i++)
            x = x * 3 % P;
        printf("compute: 3^%lu mod %lu = %lu\n", r * STEPS, P, x);
    }
    uint64 want = power_mod(3, ROUNDS * STEPS);
    if (x != want) {
        printf("compute: FAIL 3^%lu mod %lu: got %lu, want %lu\n",
               ROUNDS * STEPS, P, x, want);
        return 1;
    }
    printf("compute: OK\n");
    return 0;
}
