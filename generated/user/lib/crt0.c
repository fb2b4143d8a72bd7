/* crt0.c: the first code of every user program. */
#include "user.h"

/*
 * The kernel jumps here with sp at the top of the user stack and no other
 * register set. The section name makes user.ld place this function first.
 */
__attribute__((section(".text.start"), noreturn)) void
_start(void)
{
    exit(main());
}
