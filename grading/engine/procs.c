/*
 * procs.c: the processes and files of a sandboxed step, found by uid (when
 * the grader is root and each step has a uid of its own) or as descendants
 * of the step's first process: killed, measured, and what they left in the
 * world-writable directories removed.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Kill every process of uid (as that uid, with group gid, from a child). */
void
kill_uid(int uid, int gid)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
            _exit(1);
        /* kill(-1) reaches every process of this uid but the caller
           (zombies too, which is why the caller checks with uid_alive). */
        kill(-1, SIGKILL);
        _exit(0);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/*
 * Does uid own a live process now? Its zombies do not count: those that
 * came to the grader (a subreaper) are reaped here.
 */
int
uid_alive(int uid)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    int alive = 0;
    while (!alive && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t r = read(fd, buf, sizeof buf - 1);
        int mine = r > 0 && fstat(fd, &st) == 0 && (int)st.st_uid == uid;
        close(fd);
        if (!mine)
            continue;
        buf[r] = '\0';
        char *p = strrchr(buf, ')'), state = 0;
        int ppid = 0;
        if (p && sscanf(p + 2, "%c %d", &state, &ppid) == 2 && state == 'Z') {
            if (ppid == (int)getpid())
                waitpid(atoi(e->d_name), NULL, WNOHANG);
            continue;
        }
        alive = 1;
    }
    closedir(d);
    return alive;
}

/*
 * Resident bytes of the step's processes: those of uid (root), else the
 * descendants of pid (orphans come back to the grader, a subreaper).
 */
long long
step_rss(pid_t pid, int uid)
{
    enum { MAXP = 4096 };
    static int pids[MAXP], ppids[MAXP], in[MAXP];
    static long long rss[MAXP];
    int n = 0;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    long page = sysconf(_SC_PAGESIZE);
    while (n < MAXP && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t r = read(fd, buf, sizeof buf - 1);
        struct stat st;
        int ok = r > 0 && fstat(fd, &st) == 0;
        close(fd);
        if (!ok)
            continue;
        buf[r] = '\0';
        char *p = strrchr(buf, ')');
        int ppid;
        long long pages;
        /* after "pid (comm)": state ppid ... field 24 is rss */
        if (p == NULL || sscanf(p + 2, "%*c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s"
                                " %*s %*s %*s %*s %*s %*s %*s %lld", &ppid, &pages) != 2)
            continue;
        pids[n] = atoi(e->d_name);
        ppids[n] = ppid;
        rss[n] = pages * page;
        in[n] = uid >= 0 ? (int)st.st_uid == uid : pids[n] == pid;
        n++;
    }
    closedir(d);
    for (int changed = uid < 0; changed; ) {
        changed = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; !in[i] && k < n; k++)
                if (in[k] && ppids[i] == pids[k])
                    in[i] = changed = 1;
    }
    long long sum = 0;
    for (int i = 0; i < n; i++)
        sum += in[i] ? rss[i] : 0;
    return sum;
}

/* The number of processes of this uid now (not root: limits count them). */
long long
my_processes(void)
{
    DIR *d = opendir("/proc");
    long long n = 0;
    struct dirent *e;
    uid_t me = getuid();
    while (d && (e = readdir(d)) != NULL) {
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        n += e->d_name[0] >= '0' && e->d_name[0] <= '9' && stat(path, &st) == 0 && st.st_uid == me;
    }
    if (d)
        closedir(d);
    return n;
}

/* Remove what uid left in the world-writable directories (user isolation). */
void
remove_files_of(int uid)
{
    static const char *const dirs[] = { "/tmp", "/var/tmp", "/dev/shm" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *path = xasprintf("%s/%s", dirs[i], e->d_name);
            struct stat st;
            if (lstat(path, &st) == 0 && (int)st.st_uid == uid)
                remove_tree(path);
            free(path);
        }
        if (d)
            closedir(d);
    }
}
