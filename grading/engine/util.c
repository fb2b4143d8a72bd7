/*
 * util.c: the grader's errors, memory, strings, files and trees.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The process group of the command running in this process (0: none). */
volatile int child_pgid;
/* The workers the main process has running (each cleans up after itself). */
volatile int worker_pids[MAX_TESTS];

/* Kill what this process started: on a signal, or before dying. */
void
kill_children(void)
{
    if (child_pgid > 0)
        kill(-(pid_t)child_pgid, SIGKILL);
    sandbox_kill_current();
    for (int i = 0; i < MAX_TESTS; i++)
        if (worker_pids[i] > 0)
            kill((pid_t)worker_pids[i], SIGTERM);
}

void
die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("grade: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    kill_children();
    sandbox_remove_box();
    exit(2);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        die("bad format");
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_add(b, s, strlen(s));
    free(s);
}

const char *
buf_str(const struct buf *b)
{
    return b->s ? b->s : "";
}

double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Is the UTF-8 sequence at p (n bytes) a character that reorders or hides
   text: the bidirectional embeddings, overrides and isolates, the marks? */
static int
bidi_control(const unsigned char *p, int n)
{
    unsigned c = n == 2 ? (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu)
               : n == 3 ? (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu) : 0;
    return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* Length of the valid UTF-8 character at p (0: not one). */
static int
utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n >= 3) {               /* no overlongs, surrogates or > U+10FFFF */
        unsigned c1 = p[1];
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90)
            || (c == 0xF4 && c1 > 0x8F))
            return 0;
    }
    return n;
}

/*
 * s made safe to show: control characters (but tabs), bytes that are not
 * UTF-8 and characters that reorder text (U+202E and its kin) become '?';
 * cut to at most max bytes, "..." marking a cut.
 */
char *
printable(const char *s, size_t max)
{
    size_t n = strlen(s);
    int cut = n > max;
    if (cut)
        n = max;
    char *r = xmalloc(n + 4);
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; ) {
        unsigned c = p[i];
        int len = c < 0x80 ? 1 : utf8_len(p + i);
        if (len > 1 && i + (size_t)len <= n && !bidi_control(p + i, len)) {
            memcpy(r + o, p + i, (size_t)len);
            o += (size_t)len;
            i += (size_t)len;
            continue;
        }
        r[o++] = (c < 0x20 && c != '\t') || c >= 0x7f ? '?' : (char)c;
        i += len > 1 ? (size_t)len : 1;
    }
    strcpy(r + o, cut ? "..." : "");
    return r;
}

/* ------------------------------------------------------------------------ */
/* Files and trees                                                           */

/* The whole file, NUL-terminated; NULL (errno set) if it cannot be read. */
char *
read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct buf b = { 0 };
    char chunk[65536];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            free(b.s);
            errno = e;
            return NULL;
        }
        buf_add(&b, chunk, (size_t)r);
    }
    close(fd);
    if (b.s == NULL)
        buf_add(&b, "", 0);
    if (len)
        *len = b.len;
    return b.s;
}

int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy regular file src to dst with src's mode (and mtime, if keep_time). */
int
copy_file(const char *src, const char *dst, int keep_time)
{
    struct stat st;
    int in = open(src, O_RDONLY);
    if (in < 0 || fstat(in, &st) < 0) {
        if (in >= 0)
            close(in);
        return -1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777);
    if (out < 0) {
        close(in);
        return -1;
    }
    char chunk[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, chunk, sizeof chunk)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || write_all(out, chunk, (size_t)r) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && keep_time) {
        struct timespec t[2] = { st.st_atim, st.st_mtim };
        rc = futimens(out, t);
    }
    close(in);
    if (close(out) < 0)
        rc = -1;
    return rc;
}

void
mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST)
                die("cannot create %s: %s", p, strerror(errno));
            if (c == '\0')
                break;
            *s = c;
        }
    }
    free(p);
}

/* Remove path and everything below it; symbolic links are not followed. */
void
remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return;
        die("cannot remove %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL)
            die("cannot open %s: %s", path, strerror(errno));
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *sub = xasprintf("%s/%s", path, e->d_name);
            remove_tree(sub);
            free(sub);
        }
        closedir(d);
        if (rmdir(path) < 0)
            die("cannot remove %s: %s", path, strerror(errno));
    } else if (unlink(path) < 0) {
        die("cannot remove %s: %s", path, strerror(errno));
    }
}

/*
 * Visit every entry below root (depth first, sorted by name), calling
 * fn(root, rel, st, arg) with rel the path relative to root. At the top,
 * out* and build (build products) and hidden entries (.git, a lab's
 * .pristine copy) are skipped.
 */
int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk(const char *root, const char *rel, visit_fn fn, void *arg, int skip_top)
{
    char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    DIR *d = opendir(dir);
    if (d == NULL)
        die("cannot open %s: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
            continue;
        if (skip_top && !*rel && (strncmp(nm, "out", 3) == 0 || nm[0] == '.' || strcmp(nm, "build") == 0))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(nm);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        char *sub = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        char *full = xasprintf("%s/%s", root, sub);
        struct stat st;
        if (lstat(full, &st) < 0)
            die("cannot stat %s: %s", full, strerror(errno));
        fn(root, sub, &st, arg);
        if (S_ISDIR(st.st_mode))
            walk(root, sub, fn, arg, skip_top);
        free(full);
        free(sub);
        free(names[i]);
    }
    free(names);
    free(dir);
}

void
walk_tree(const char *root, const char *rel, visit_fn fn, void *arg)
{
    walk(root, rel, fn, arg, 1);
}

/* Visit every entry below root, as walk_tree does, but skipping none. */
void
walk_all(const char *root, visit_fn fn, void *arg)
{
    walk(root, "", fn, arg, 0);
}

struct copy_ctx {
    const char *dst;
    const char *const *skip;    /* paths (relative) not copied */
    int nskip;
};

static void
copy_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    const struct copy_ctx *c = arg;
    for (int i = 0; i < c->nskip; i++)
        if (strcmp(c->skip[i], rel) == 0)
            return;
    char *src = xasprintf("%s/%s", root, rel), *dst = xasprintf("%s/%s", c->dst, rel);
    if (S_ISDIR(st->st_mode)) {
        if (mkdir(dst, 0777) < 0 && errno != EEXIST)
            die("cannot create %s: %s", dst, strerror(errno));
    } else if (S_ISREG(st->st_mode)) {
        if (copy_file(src, dst, 0) < 0)
            die("cannot copy %s to %s: %s", src, dst, strerror(errno));
    } else if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(src, target, sizeof target - 1);
        if (n < 0)
            die("cannot read link %s: %s", src, strerror(errno));
        target[n] = '\0';
        if (symlink(target, dst) < 0)
            die("cannot create link %s: %s", dst, strerror(errno));
    }
    free(src);
    free(dst);
}

/*
 * Copy the tree at src (minus its out* and hidden entries, and the files
 * named in skip) to dst, which must not exist.
 */
void
copy_tree(const char *src, const char *dst, const char *const *skip, int nskip)
{
    struct copy_ctx c = { dst, skip, nskip };
    mkdir_p(dst);
    walk_tree(src, "", copy_visit, &c);
}

/* Do files a and b hold the same bytes? */
int
same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = read_file(a, &na), *y = read_file(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

char *
absolute(const char *path)
{
    char *r = realpath(path, NULL);
    if (r == NULL)
        die("%s: %s", path, strerror(errno));
    return r;
}


void
random_bytes(unsigned char *p, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0)
        die("/dev/urandom: %s", strerror(errno));
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            die("/dev/urandom: cannot read");
        got += (size_t)r;
    }
    close(fd);
}

/* Open a log file for writing (truncated), readable by the grader alone. */
int
open_log(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (fd < 0)
        die("cannot create %s: %s", path, strerror(errno));
    return fd;
}

/*
 * Fork a worker of this process: stdout flushed first, so that nothing is
 * printed twice; in the child, the parent's workers are not its own.
 * Returns 0 in the child, the child's pid in the parent.
 */
pid_t
fork_worker(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0)
        for (int k = 0; k < MAX_TESTS; k++)
            worker_pids[k] = 0;
    return pid;
}

/* Does name end in one of the suffixes (blank-separated, e.g. ".c .h")? */
static int
has_suffix(const char *name, const char *suffixes)
{
    size_t n = strlen(name);
    for (const char *s = suffixes; *s; ) {
        size_t k = strcspn(s, " ");
        if (k > 0 && n > k && strncmp(name + n - k, s, k) == 0)
            return 1;
        s += k + (s[k] == ' ');
    }
    return 0;
}

/*
 * Copy the regular files of directory from whose names end in one of
 * suffixes (hidden ones skipped) into to, made if need be. A missing from
 * copies nothing. With no_clash, a file already in to is an error.
 */
void
copy_dir_files(const char *from, const char *to, const char *suffixes, int no_clash)
{
    DIR *d = opendir(from);
    if (d == NULL)
        return;
    mkdir_p(to);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffixes))
            continue;
        char *src = xasprintf("%s/%s", from, e->d_name), *dst = xasprintf("%s/%s", to, e->d_name);
        struct stat st;
        if (lstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(src);
            free(dst);
            continue;
        }
        if (no_clash && access(dst, F_OK) == 0)
            die("%s: %s is there already", src, dst);
        if (copy_file(src, dst, 1) < 0)
            die("cannot copy %s: %s", src, strerror(errno));
        free(src);
        free(dst);
    }
    closedir(d);
}
