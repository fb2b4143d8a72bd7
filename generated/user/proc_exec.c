/* proc_exec.c: exec refused three times, caller intact; then exec for real. */
#include "user.h"

int
main(void)
{
    volatile uint64 mark = 0x5eed;
    char longname[100];
    for (int i = 0; i < 99; i++)
        longname[i] = 'a';
    longname[99] = 0;
    const char *names[] = { "no_such_program", 0, longname };
    for (int i = 0; i < 3; i++)
        if (exec(names[i]) != -1 || mark != 0x5eed) {
            printf("proc_exec: FAIL exec %d did not return -1 "
                   "with the caller intact\n", i);
            return 1;
        }
    printf("proc_exec: exec refused three times, caller intact\n");
    exec("proc_child");
    printf("proc_exec: FAIL exec of proc_child returned\n");
    return 1;
}
