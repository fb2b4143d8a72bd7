/*
 * archive.c: a submission's tar file, gzipped or not, unpacked without
 * trusting it: regular files and directories only, no path leaves the
 * destination, sizes and counts capped; what is refused is noted.
 */
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MEMBER    MAX_FILE_SIZE     /* a larger member is refused */
#define MAX_UNPACKED  (64L << 20)       /* bytes of tar read at most */
#define MAX_MEMBERS   20000
#define MAX_DEPTH     32
#define MAX_REFUSALS  20                /* refused members listed one by one */

int
is_archive(const char *path)
{
    size_t n = strlen(path);
    return (n > 7 && strcmp(path + n - 7, ".tar.gz") == 0)
        || (n > 4 && strcmp(path + n - 4, ".tgz") == 0)
        || (n > 4 && strcmp(path + n - 4, ".tar") == 0);
}

struct tar {
    const char *file;           /* the archive, for messages */
    int fd;                     /* the tar stream */
    pid_t gzip;                 /* its decompressor, or 0 */
    long long offset;           /* bytes of tar read */
    long long partial;          /* bytes of a last, incomplete block */
    int refused, files;
    char *error;                /* the archive cannot be used: why */
};

/* Read exactly n bytes of the tar stream; 0 on success, -1 at its end. */
static int
tar_read(struct tar *t, char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(t->fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("reading %s: %s", t->file, strerror(errno));
        if (r == 0) {
            t->partial = (long long)got;
            return -1;
        }
        got += (size_t)r;
    }
    t->offset += (long long)n;
    if (t->offset > MAX_UNPACKED) {
        if (t->error == NULL)
            t->error = xasprintf("more than %ld MiB unpacked", MAX_UNPACKED >> 20);
        return -1;
    }
    return 0;
}

/* Skip size bytes of member data (rounded up to whole blocks). */
static int
tar_skip(struct tar *t, long long size)
{
    char block[512];
    for (long long left = (size + 511) / 512; left > 0; left--)
        if (tar_read(t, block, sizeof block) < 0)
            return -1;
    return 0;
}

/* A numeric header field: octal digits (blank- or NUL-ended), else -1. */
static long long
tar_number(const char *f, size_t n)
{
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    long long v = 0;
    int digits = 0;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v > (1LL << 40))
            return -1;
        v = v * 8 + (f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return -1;
    return digits ? v : -1;
}

static void
refuse(struct tar *t, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *why = xvasprintf(fmt, ap);
    va_end(ap);
    if (++t->refused <= MAX_REFUSALS) {
        char *p = printable(name, 120);
        note("archive: refused %s (%s)", p, why);
        free(p);
    }
    free(why);
}

/*
 * name made safe to create below the scratch directory: "." parts and
 * repeated slashes dropped; NULL (and *why set) if it is absolute, has a
 * ".." part or a control character, or is empty or too deep.
 */
static char *
member_path(const char *name, const char **why)
{
    if (name[0] == '/') {
        *why = "an absolute path";
        return NULL;
    }
    for (const char *s = name; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            *why = "a control character in its name";
            return NULL;
        }
    char *copy = xstrdup(name), *out = xmalloc(strlen(name) + 1), *save = NULL;
    size_t len = 0;
    int depth = 0;
    *why = NULL;
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            *why = "a '..' in its path";
            break;
        }
        if (++depth > MAX_DEPTH) {
            *why = "too deep";
            break;
        }
        len += (size_t)sprintf(out + len, "%s%s", len ? "/" : "", part);
    }
    free(copy);
    if (*why == NULL && len == 0)
        *why = "an empty name";
    if (*why) {
        free(out);
        return NULL;
    }
    return out;
}

/* Make the directories of rel below dest; 0, or -1 if a file is in the way. */
static int
make_parents(const char *dest, const char *rel, int last_too)
{
    char *p = xasprintf("%s/%s", dest, rel);
    size_t skip = strlen(dest) + 1;
    int rc = 0;
    for (char *s = p + skip; rc == 0; s++) {
        s = strchr(s, '/');
        if (s == NULL && !last_too)
            break;
        if (s)
            *s = '\0';
        struct stat st;
        if (mkdir(p, 0755) < 0 && (errno != EEXIST || lstat(p, &st) < 0 || !S_ISDIR(st.st_mode)))
            rc = -1;
        if (s == NULL)
            break;
        *s = '/';
    }
    free(p);
    return rc;
}

/* Extended header records ("LEN key=value\n"...): take path and size. */
static void
pax_records(const char *data, size_t n, char **path, long long *size)
{
    size_t i = 0;
    while (i < n) {
        char *end;
        unsigned long len = strtoul(data + i, &end, 10);
        if (end == data + i || *end != ' ' || len == 0 || len > n - i)
            return;
        const char *kv = end + 1, *stop = data + i + len - 1;   /* the '\n' */
        if (stop < kv || *stop != '\n')
            return;
        if ((size_t)(stop - kv) > 5 && strncmp(kv, "path=", 5) == 0) {
            free(*path);
            *path = xmalloc((size_t)(stop - kv) - 4);
            memcpy(*path, kv + 5, (size_t)(stop - kv) - 5);
            (*path)[stop - kv - 5] = '\0';
        } else if ((size_t)(stop - kv) > 5 && strncmp(kv, "size=", 5) == 0) {
            char *e;
            long long v = strtoll(kv + 5, &e, 10);
            *size = e == stop && v >= 0 ? v : -1;
        }
        i += len;
    }
}

/* Read an extended-header member's data (at most 64 KiB) into a string. */
static char *
tar_data(struct tar *t, long long size)
{
    if (size > 65536) {
        t->error = xasprintf("an extended header of %lld bytes at byte %lld", size, t->offset);
        return NULL;
    }
    char *d = xmalloc((size_t)(size + 511) / 512 * 512 + 1);
    for (long long k = 0; k < (size + 511) / 512; k++)
        if (tar_read(t, d + 512 * k, 512) < 0) {
            free(d);
            return NULL;
        }
    d[size] = '\0';
    return d;
}

/*
 * Unpack the members of the tar stream t->fd into dest (an empty
 * directory): regular files and directories only, each checked by
 * member_path; links, devices, FIFOs and members over MAX_MEMBER bytes are
 * refused with a note. Files are created with mode 0644 and never through
 * a link (dest holds nothing else, and no links are made).
 */
static void
tar_unpack(struct tar *t, const char *dest)
{
    char h[512];
    char *long_name = NULL;
    long long pax_size = -1;
    int members = 0;
    for (;;) {
        long long at = t->offset;
        if (tar_read(t, h, sizeof h) < 0) {
            if (t->error == NULL && t->partial > 0)
                t->error = xasprintf("not a tar archive (it ends %lld bytes into a header)",
                                     t->partial);
            else if (t->error == NULL && at == 0)
                t->error = xstrdup("empty");
            break;
        }
        int zero = 1;
        for (int i = 0; i < 512 && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;                  /* the end-of-archive blocks */
        long long sum = tar_number(h + 148, 8);
        unsigned long usum = 0;
        long ssum = 0;
        for (int i = 0; i < 512; i++) {
            usum += i >= 148 && i < 156 ? ' ' : (unsigned char)h[i];
            ssum += i >= 148 && i < 156 ? ' ' : (signed char)h[i];
        }
        if (sum < 0 || (sum != (long long)usum && sum != (long long)ssum)) {
            t->error = xasprintf("not a tar archive (bad header at byte %lld)", at);
            break;
        }
        if (++members > MAX_MEMBERS) {
            t->error = xasprintf("more than %d members", MAX_MEMBERS);
            break;
        }
        char type = h[156];
        long long size = tar_number(h + 124, 12);
        if (pax_size >= 0 && type != 'x' && type != 'L') {
            size = pax_size;
            pax_size = -1;
        }
        if (size < 0) {
            t->error = xasprintf("a member's size is not a number (byte %lld)", at);
            break;
        }
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
            /* pax extended header (x: for the next member; g: global),
               GNU long name (L) or long link target (K). */
            char *d = tar_data(t, size);
            if (d == NULL)
                break;
            if (type == 'x')
                pax_records(d, (size_t)size, &long_name, &pax_size);
            if (type == 'L') {
                free(long_name);
                long_name = xstrdup(d);
            }
            free(d);
            continue;
        }
        char *full = long_name;
        long_name = NULL;
        if (full == NULL && memcmp(h + 257, "ustar", 5) == 0 && h[345])
            full = xasprintf("%.155s/%.100s", h + 345, h);
        else if (full == NULL)
            full = xasprintf("%.100s", h);
        const char *why;
        char *rel = member_path(full, &why);
        /* Links, devices, directories and FIFOs carry no data, whatever
           their size field says; a file's data is skipped unless written. */
        long long data = type && strchr("123456", type) ? 0 : size;
        if (type == '1' || type == '2') {
            char target[101];
            snprintf(target, sizeof target, "%.100s", h + 157);
            char *p = printable(target, 80);
            refuse(t, full, "a %s link to %s: links are not unpacked", type == '1' ? "hard" : "symbolic", p);
            free(p);
        } else if (type == '3' || type == '4') {
            refuse(t, full, "a device");
        } else if (type == '6') {
            refuse(t, full, "a FIFO");
        } else if (type != '0' && type != '\0' && type != '7' && type != '5') {
            refuse(t, full, "member type '%c' is not a file or a directory", type >= 0x20 && type < 0x7f ? type : '?');
        } else if (rel == NULL) {
            refuse(t, full, "%s", why);
        } else if (type == '5') {
            if (make_parents(dest, rel, 1) < 0)
                refuse(t, full, "a file of that name is in the way");
        } else if (size > MAX_MEMBER) {
            refuse(t, full, "%lld bytes; the limit is %d", size, MAX_MEMBER);
        } else {
            char *path = xasprintf("%s/%s", dest, rel);
            int fd = make_parents(dest, rel, 0) < 0 ? -1
                   : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
            if (fd < 0) {
                refuse(t, full, "cannot be created: %s", errno == EEXIST || errno == ENOTDIR
                       || errno == EISDIR ? "something of that name is in the way" : strerror(errno));
            } else {
                char block[512];
                long long left = size;
                int ok = 1;
                while (left > 0 && ok) {
                    ok = tar_read(t, block, sizeof block) == 0;
                    size_t n = left < 512 ? (size_t)left : 512;
                    if (ok && write_all(fd, block, n) < 0)
                        die("cannot write %s: %s", path, strerror(errno));
                    left -= (long long)n;
                }
                close(fd);
                data = 0;
                if (!ok) {
                    if (t->error == NULL)
                        t->error = xasprintf("it ends inside %s", rel);
                    free(path);
                    free(rel);
                    free(full);
                    break;
                }
                t->files++;
            }
            free(path);
        }
        if (data > 0 && tar_skip(t, data) < 0) {
            if (t->error == NULL)
                t->error = xasprintf("it ends inside %s", rel ? rel : "a member");
            free(rel);
            free(full);
            break;
        }
        free(rel);
        free(full);
    }
    free(long_name);
    if (t->refused > MAX_REFUSALS)
        note("archive: refused %d more members", t->refused - MAX_REFUSALS);
}

/*
 * Unpack archive file (gzipped or plain tar) into dest (gzip's complaints
 * go to logdir/gzip.log). NULL on success
 * (refused members are noted), else why the archive cannot be used.
 */
char *
unpack_archive(const char *file, const char *dest, const char *logdir)
{
    struct tar t = { file, -1, 0, 0, 0, 0, 0, NULL };
    int fd = open(file, O_RDONLY);
    if (fd < 0)
        return xasprintf("cannot open %s: %s", file, strerror(errno));
    unsigned char magic[2] = { 0, 0 };
    ssize_t n = read(fd, magic, 2);
    if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
        die("reading %s: %s", file, strerror(errno));
    char *log = xasprintf("%s/gzip.log", logdir);
    if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        int p[2], logfd = open_log(log);
        if (pipe(p) < 0)
            die("pipe: %s", strerror(errno));
        t.gzip = fork();
        if (t.gzip < 0)
            die("fork: %s", strerror(errno));
        if (t.gzip == 0) {
            setpgid(0, 0);
            struct rlimit cpu = { 60, 60 };
            setrlimit(RLIMIT_CPU, &cpu);
            if (dup2(fd, 0) < 0 || dup2(p[1], 1) < 0 || dup2(logfd, 2) < 0)
                _exit(127);
            close(p[0]);
            execlp("gzip", "gzip", "-dc", (char *)NULL);
            dprintf(2, "cannot run gzip: %s\n", strerror(errno));
            _exit(127);
        }
        setpgid(t.gzip, t.gzip);
        child_pgid = t.gzip;
        close(p[1]);
        close(fd);
        close(logfd);
        t.fd = p[0];
    } else {
        t.fd = fd;
    }
    mkdir_p(dest);
    tar_unpack(&t, dest);
    close(t.fd);
    if (t.gzip > 0) {
        int status;
        kill(-t.gzip, SIGKILL);     /* it may still be writing, if we stopped early */
        while (waitpid(t.gzip, &status, 0) < 0)
            if (errno != EINTR)
                die("waitpid: %s", strerror(errno));
        child_pgid = 0;
        /* gzip's complaint (not gzip, corrupt, truncated) says most. */
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            size_t len;
            char *msg = read_file(log, &len);
            while (msg && len > 0 && msg[len - 1] == '\n')
                msg[--len] = '\0';
            char *last = msg ? strrchr(msg, '\n') : NULL;
            char *p = printable(last ? last + 1 : msg ? msg : "", 160);
            if (t.error == NULL || t.files == 0) {
                free(t.error);
                t.error = xasprintf("gzip: %s", p);
            }
            free(p);
            free(msg);
        }
    }
    free(log);
    char *r = t.error ? xasprintf("archive %s: %s", file, t.error) : NULL;
    free(t.error);
    return r;
}

