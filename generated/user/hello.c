/* hello.c: the first user program. */
#include "user.h"

int
main(void)
{
    printf("Hello, world from user mode! (pid %ld)\n", getpid());
    return 0;
}
