/* proc_orphan.c: make an orphan (through proc_middle) and collect the
 * middle one. */
#include "user.h"

int
main(void)
{
    int status = -1;
    int64 m = spawn("proc_middle");
    if (m <= 0 || waitpid(m, &status) != m || status != 0) {
        printf("proc_orphan: FAIL proc_middle %ld ended with %d\n", m, status);
        return 1;
    }
    printf("proc_orphan: OK\n");
    return 0;
}
