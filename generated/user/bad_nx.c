/* bad_nx.c: jump to an instruction stored in .data. */
#include "user.h"

static uint32 code[1] = { 0x00008067 };     /* ret */

int
main(void)
{
    void (*volatile f)(void) = (void (*)(void))(uintptr)code;
    printf("bad_nx: jumping to .data at %p\n", (void *)code);
    f();
    printf("bad_nx: SHOULD NOT GET HERE\n");
    return 1;
}
