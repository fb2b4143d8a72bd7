/* sh.c: a small shell: runs programs by name and shows their exit codes;
 * exit ends it. */
#include "user.h"

#define LINE 64

/* Read a line into line (NUL-terminated, echoed); its length, or -1 at the
 * end of input. */
static int
read_line(char *line)
{
    int n = 0;
    for (;;) {
        char c;
        if (read(0, &c, 1) != 1)
            return -1;
        if (c == '\r' || c == '\n') {
            printf("\n");
            line[n] = '\0';
            return n;
        }
        if (c == 4 && n == 0)                   /* ^D on an empty line */
            return -1;
        if ((c == 0x7f || c == '\b') && n > 0) {
            n--;
            printf("\b \b");
        } else if (c >= ' ' && c <= '~' && n < LINE - 1) {
            line[n++] = c;
            printf("%c", c);
        }
    }
}

int
main(void)
{
    char line[LINE];
    printf("sh: type a program's name, or exit\n");
    for (;;) {
        printf("$ ");
        if (read_line(line) < 0 || memcmp(line, "exit", 5) == 0)
            return 0;
        if (line[0] == '\0')
            continue;
        int64 pid = fork();
        if (pid == 0) {
            exec(line);
            printf("sh: %s: no such program\n", line);
            exit(127);
        }
        int code;
        if (pid < 0 || waitpid(pid, &code) != pid)
            printf("sh: cannot run %s now\n", line);
        else if (code != 127)
            printf("[%s: exit %d]\n", line, code);
    }
}
