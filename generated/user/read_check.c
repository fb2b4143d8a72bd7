/* read_check.c: read's refusals, then a line from the console, printed back. */
#include "user.h"

int
main(void)
{
    char buf[80];
    if (read(1, buf, 1) != -1 || read(0, (void *)0x10, 4) != -1 ||
        read(0, (void *)0x4000000000UL, 4) != -1 || read(0, buf, 0) != 0) {
        printf("read_check: FAIL a bad read was not refused\n");
        return 1;
    }
    printf("read_check: refusals checked; type a line\n");
    int n = 0;
    while (n < (int)sizeof buf - 1) {
        int64 got = read(0, buf + n, sizeof buf - 1 - n);
        if (got <= 0) {
            printf("read_check: FAIL read returned %ld\n", got);
            return 1;
        }
        n += got;
        if (buf[n - 1] == '\n' || buf[n - 1] == '\r')
            break;
    }
    buf[n - 1] = '\0';
    printf("read_check: read '%s'\n", buf);
    return 0;
}
