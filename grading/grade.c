/*
 * grade.c: the lab grader. Builds a submission from a pristine copy of the
 * lab's tree plus only the files the lab lets a student edit, compiles the
 * lab's test programs with a fresh random token and seed, runs each test in
 * its own QEMU (in parallel, each with a time limit and an output cap),
 * checks the output against the lab's specification and scores it.
 *
 * usage: grade [options]; see usage() below. Exit status: 0 on a full
 * score, 1 otherwise, 2 on a usage, specification or system error.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void defval(const char *name, const char *fmt, ...);
#include "lab4/values.h"

#define MAX_TESTS      256
#define MAX_VALUES     64
#define MAX_FILE_SIZE  (1 << 20)        /* an editable file larger is refused */
#define TAIL_LINES     10
#define MAX_IGNORED    40               /* ignored files listed one by one */

/* ------------------------------------------------------------------------ */
/* Errors, memory, strings                                                   */

/* The process group of the command running in this process (0: none). */
static volatile sig_atomic_t child_pgid;
/* The workers the main process has running (each cleans up after itself). */
static volatile sig_atomic_t worker_pids[MAX_TESTS];

/* Kill what this process started: on a signal, or before dying. */
static void
kill_children(void)
{
    if (child_pgid > 0)
        kill(-(pid_t)child_pgid, SIGKILL);
    for (int i = 0; i < MAX_TESTS; i++)
        if (worker_pids[i] > 0)
            kill((pid_t)worker_pids[i], SIGTERM);
}

static void
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
    exit(2);
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static char *
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

static char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* A growing string. */
struct buf {
    char *s;
    size_t len, cap;
};

static void
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

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_add(b, s, strlen(s));
    free(s);
}

static const char *
buf_str(const struct buf *b)
{
    return b->s ? b->s : "";
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* s with control characters shown as '?', cut to at most max bytes. */
static char *
printable(const char *s, size_t max)
{
    size_t n = strlen(s);
    int cut = n > max;
    if (cut)
        n = max;
    char *r = xmalloc(n + 4);
    for (size_t i = 0; i < n; i++)
        r[i] = (unsigned char)s[i] < 0x20 && s[i] != '\t' ? '?' : s[i] == 0x7f ? '?' : s[i];
    strcpy(r + n, cut ? "..." : "");
    return r;
}

/* ------------------------------------------------------------------------ */
/* Files and trees                                                           */

/* The whole file, NUL-terminated; NULL (errno set) if it cannot be read. */
static char *
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

static int
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
static int
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

static void
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
static void
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
typedef void (*visit_fn)(const char *root, const char *rel, const struct stat *st, void *arg);

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_tree(const char *root, const char *rel, visit_fn fn, void *arg)
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
        if (!*rel && (strncmp(nm, "out", 3) == 0 || nm[0] == '.' || strcmp(nm, "build") == 0))
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
            walk_tree(root, sub, fn, arg);
        free(full);
        free(sub);
        free(names[i]);
    }
    free(names);
    free(dir);
}

static void
copy_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    const char *dst_root = arg;
    char *src = xasprintf("%s/%s", root, rel), *dst = xasprintf("%s/%s", dst_root, rel);
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

/* Copy the tree at src (minus its out* and .git) to dst, which must not exist. */
static void
copy_tree(const char *src, const char *dst)
{
    mkdir_p(dst);
    walk_tree(src, "", copy_visit, (void *)dst);
}

/* Do files a and b hold the same bytes? */
static int
same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = read_file(a, &na), *y = read_file(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static char *
absolute(const char *path)
{
    char *r = realpath(path, NULL);
    if (r == NULL)
        die("%s: %s", path, strerror(errno));
    return r;
}

/* ------------------------------------------------------------------------ */
/* Named values: ${TOKEN} and those values.h computes from the seed          */

static struct {
    char *name, *value;
} values[MAX_VALUES];
static int nvalues;

static void
defval(const char *name, const char *fmt, ...)
{
    if (nvalues == MAX_VALUES)
        die("too many named values");
    va_list ap;
    va_start(ap, fmt);
    values[nvalues].name = xstrdup(name);
    values[nvalues].value = xvasprintf(fmt, ap);
    va_end(ap);
    nvalues++;
}

static const char *
value_of(const char *name, size_t n)
{
    for (int i = 0; i < nvalues; i++)
        if (strlen(values[i].name) == n && strncmp(values[i].name, name, n) == 0)
            return values[i].value;
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The specification                                                        */

enum check_kind { C_EXPECT, C_FORBID, C_COUNT, C_EQUAL };
static const char *const check_names[] = { "expect", "forbid", "count", "equal" };

struct check {
    enum check_kind kind;
    long count;                 /* C_COUNT: lines wanted */
    char *pat;                  /* the RE with ${NAME}s replaced */
    regex_t re;
};

enum kind { K_QEMU, K_HOST, K_KERNEL };

struct test {
    char *name;
    int line;                   /* of its `test` directive */
    int exercise, points;
    double timeout;
    enum kind kind;
    int kind_set;
    char **progs;
    int nprogs;
    char **ktests;              /* K_KERNEL: ktests/NAME.c linked into the kernel */
    int nktests;
    char *run;
    char *memory;
    const char *visibility;     /* Gradescope's word */
    int practice;               /* visibility practice: for students' copies only */
    struct check *checks;
    int nchecks;
    int selected;
    /* results */
    int passed;
    double secs;
    char *reason;               /* why it failed, one line */
    struct buf detail;          /* what was wrong, and the log's tail */
    char *log;                  /* its log file */
};

struct spec {
    const char *path;
    char *dir;                  /* its directory */
    char *lab;
    char **editable;
    int neditable;
    int total;                  /* -1: not given */
    int total_line;             /* of the total directive */
    double timeout;
    char *memory;
    struct check *common;       /* added to every qemu test */
    int ncommon;
    struct test tests[MAX_TESTS];   /* the tests this grader runs */
    int ntests;
    char **practice;            /* the practice tests' names (not in tests[]) */
    int npractice;
};

static const char *spec_path;
static int spec_line;

static void
spec_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "grade: %s:%d: ", spec_path, spec_line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static long
parse_int(const char *s, long lo, long hi, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        spec_error("%s: want a whole number from %ld to %ld, not '%s'", what, lo, hi, s);
    return v;
}

static double
parse_seconds(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !(v > 0 && v <= 3600))
        spec_error("timeout: want seconds (0 < s <= 3600), not '%s'", s);
    return v;
}

/* Split value into blank-separated words (value is modified). */
static char **
split_words(char *value, int *n)
{
    char **w = NULL;
    *n = 0;
    for (char *t = strtok(value, " \t"); t; t = strtok(NULL, " \t")) {
        w = xrealloc(w, (size_t)(*n + 1) * sizeof *w);
        w[(*n)++] = xstrdup(t);
    }
    return w;
}

static int
good_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || *s == '-' || (*s >= '0' && *s <= '9')
              || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return 0;
    return 1;
}

/* Replace the ${NAME}s of an RE by their values, matched literally. */
static char *
substitute(const char *re)
{
    struct buf b = { 0 };
    for (const char *p = re; *p; ) {
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (end == NULL)
                spec_error("unterminated ${ in '%s'", re);
            const char *v = value_of(p + 2, (size_t)(end - p - 2));
            if (v == NULL)
                spec_error("unknown value ${%.*s}", (int)(end - p - 2), p + 2);
            for (; *v; v++) {
                if (strchr(".[]()*+?{}|^$\\", *v))
                    buf_add(&b, "\\", 1);
                buf_add(&b, v, 1);
            }
            p = end + 1;
        } else {
            buf_add(&b, p++, 1);
        }
    }
    return b.s ? b.s : xstrdup("");
}

static void
add_check(struct check **list, int *n, enum check_kind kind, char *value)
{
    struct check c = { kind, 0, NULL, { 0 } };
    if (kind == C_COUNT) {
        char *sp = value + strcspn(value, " \t");
        if (*sp == '\0')
            spec_error("count: want a number and a regular expression");
        *sp++ = '\0';
        c.count = parse_int(value, 0, 1000000, "count");
        value = sp + strspn(sp, " \t");
    }
    if (*value == '\0')
        spec_error("%s: missing regular expression", check_names[kind]);
    c.pat = substitute(value);
    int flags = REG_EXTENDED | (kind == C_EQUAL ? 0 : REG_NOSUB);
    int rc = regcomp(&c.re, c.pat, flags);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &c.re, msg, sizeof msg);
        spec_error("%s: bad regular expression '%s': %s", check_names[kind], value, msg);
    }
    if (kind == C_EQUAL && c.re.re_nsub < 2)
        spec_error("equal: the expression needs two parenthesized subexpressions");
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[(*n)++] = c;
}

static void
finish_test(struct spec *sp, struct test *t)
{
    int saved = spec_line;
    spec_line = t->line;
    if (t->exercise == 0)
        spec_error("test %s: no exercise", t->name);
    if (t->points == 0)
        spec_error("test %s: no points", t->name);
    if (!t->kind_set)
        spec_error("test %s: no kind (qemu, kernel or host)", t->name);
    if (t->kind == K_QEMU && t->nprogs == 0)
        spec_error("test %s: a qemu test needs programs", t->name);
    if (t->kind == K_KERNEL && t->nktests == 0)
        spec_error("test %s: a kernel test needs ktests", t->name);
    if (t->kind != K_KERNEL && t->nktests)
        spec_error("test %s: ktests are for kernel tests", t->name);
    if (t->kind != K_HOST && t->run)
        spec_error("test %s: run is for host tests", t->name);
    if (t->kind == K_HOST && t->run == NULL)
        spec_error("test %s: a host test needs a run command", t->name);
    if (t->kind == K_HOST && t->nprogs)
        spec_error("test %s: programs are for qemu and kernel tests", t->name);
    if (t->timeout == 0)
        t->timeout = sp->timeout;
    if (t->memory == NULL)
        t->memory = sp->memory;
    if (t->kind != K_HOST)      /* the common checks come first */
        for (int i = sp->ncommon - 1; i >= 0; i--) {
            t->checks = xrealloc(t->checks, (size_t)(t->nchecks + 1) * sizeof *t->checks);
            memmove(t->checks + 1, t->checks, (size_t)t->nchecks * sizeof *t->checks);
            t->checks[0] = sp->common[i];
            t->nchecks++;
        }
    spec_line = saved;
}

/*
 * The names in value (programs or ktests): each must be a plain name with
 * a file DIR/NAME.c beside the specification; appended to *list.
 */
static void
add_sources(struct spec *sp, const char *key, char *value, const char *dir, char ***list, int *n)
{
    int nw;
    char **w = split_words(value, &nw);
    if (nw == 0)
        spec_error("%s: no name given", key);
    for (int i = 0; i < nw; i++) {
        if (!good_name(w[i]))
            spec_error("%s: bad name '%s'", key, w[i]);
        char *src = xasprintf("%s/%s/%s.c", sp->dir, dir, w[i]);
        if (access(src, R_OK) < 0)
            spec_error("%s: %s: %s", key, src, strerror(errno));
        free(src);
        *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
        (*list)[(*n)++] = w[i];
    }
    free(w);
}

static void
parse_spec(struct spec *sp, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    spec_path = path;
    memset(sp, 0, sizeof *sp);
    sp->path = path;
    char *copy = xstrdup(path), *slash = strrchr(copy, '/');
    if (slash)
        *slash = '\0';
    sp->dir = absolute(slash ? copy : ".");
    free(copy);
    sp->total = -1;
    sp->timeout = 10;
    sp->memory = xstrdup("128M");

    struct test *t = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    struct buf joined = { 0 };
    int start = 0;
    while ((n = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (joined.len == 0)
            start = lineno;
        int more = n > 0 && line[n - 1] == '\\';
        if (more)
            line[--n] = '\0';
        buf_add(&joined, line, (size_t)n);
        if (more)
            continue;
        spec_line = start;
        char *s = joined.s;
        s += strspn(s, " \t");
        size_t len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            s[--len] = '\0';
        if (*s == '\0' || *s == '#') {
            joined.len = 0;
            continue;
        }
        char *key = s, *value = s + strcspn(s, " \t");
        if (*value)
            *value++ = '\0';
        value += strspn(value, " \t");

        if (strcmp(key, "test") == 0) {
            if (t)
                finish_test(sp, t);
            if (!good_name(value))
                spec_error("test: want a name of letters, digits, _ and -, not '%s'", value);
            for (int i = 0; i < sp->ntests; i++)
                if (strcmp(sp->tests[i].name, value) == 0)
                    spec_error("test %s: defined twice (first at line %d)", value, sp->tests[i].line);
            if (sp->ntests == MAX_TESTS)
                spec_error("more than %d tests", MAX_TESTS);
            t = &sp->tests[sp->ntests++];
            t->name = xstrdup(value);
            t->line = start;
            t->visibility = "visible";
        } else if (strcmp(key, "expect") == 0 || strcmp(key, "forbid") == 0
                   || strcmp(key, "count") == 0 || strcmp(key, "equal") == 0) {
            enum check_kind k = key[0] == 'e' ? (key[1] == 'x' ? C_EXPECT : C_EQUAL)
                              : key[0] == 'f' ? C_FORBID : C_COUNT;
            if (t)
                add_check(&t->checks, &t->nchecks, k, value);
            else
                add_check(&sp->common, &sp->ncommon, k, value);
        } else if (strcmp(key, "timeout") == 0) {
            *(t ? &t->timeout : &sp->timeout) = parse_seconds(value);
        } else if (strcmp(key, "memory") == 0) {
            if (!good_name(value))
                spec_error("memory: want a size like 128M, not '%s'", value);
            *(t ? &t->memory : &sp->memory) = xstrdup(value);
        } else if (t == NULL) {
            if (strcmp(key, "lab") == 0) {
                if (!good_name(value))
                    spec_error("lab: want a name, not '%s'", value);
                sp->lab = xstrdup(value);
            } else if (strcmp(key, "editable") == 0) {
                int nw;
                char **w = split_words(value, &nw);
                if (nw == 0)
                    spec_error("editable: no file named");
                for (int i = 0; i < nw; i++) {
                    if (w[i][0] == '/' || strstr(w[i], "..") || strncmp(w[i], "out", 3) == 0)
                        spec_error("editable: '%s' is not a plain path inside the tree", w[i]);
                    sp->editable = xrealloc(sp->editable, (size_t)(sp->neditable + 1) * sizeof(char *));
                    sp->editable[sp->neditable++] = w[i];
                }
                free(w);
            } else if (strcmp(key, "total") == 0) {
                sp->total = (int)parse_int(value, 1, 1000000, "total");
                sp->total_line = start;
            } else {
                spec_error("unknown header directive '%s' (or a test directive before the first test)", key);
            }
        } else if (strcmp(key, "exercise") == 0) {
            t->exercise = (int)parse_int(value, 1, 1000, "exercise");
        } else if (strcmp(key, "points") == 0) {
            t->points = (int)parse_int(value, 1, 1000000, "points");
        } else if (strcmp(key, "kind") == 0) {
            if (strcmp(value, "qemu") == 0)
                t->kind = K_QEMU;
            else if (strcmp(value, "host") == 0)
                t->kind = K_HOST;
            else if (strcmp(value, "kernel") == 0)
                t->kind = K_KERNEL;
            else
                spec_error("kind: want qemu, kernel or host, not '%s'", value);
            t->kind_set = 1;
        } else if (strcmp(key, "programs") == 0) {
            add_sources(sp, key, value, "progs", &t->progs, &t->nprogs);
        } else if (strcmp(key, "ktests") == 0) {
            add_sources(sp, key, value, "ktests", &t->ktests, &t->nktests);
        } else if (strcmp(key, "run") == 0) {
            if (*value == '\0')
                spec_error("run: no command");
            t->run = xstrdup(value);
        } else if (strcmp(key, "visibility") == 0) {
            static const char *const vis[][2] = {
                { "public", "visible" }, { "hidden", "hidden" }, { "practice", "practice" },
                { "after_due_date", "after_due_date" }, { "after_published", "after_published" } };
            t->visibility = NULL;
            for (size_t i = 0; i < sizeof vis / sizeof vis[0]; i++)
                if (strcmp(value, vis[i][0]) == 0)
                    t->visibility = vis[i][1];
            if (t->visibility == NULL)
                spec_error("visibility: want public, hidden, practice, after_due_date or "
                           "after_published, not '%s'", value);
            t->practice = strcmp(value, "practice") == 0;
        } else {
            spec_error("unknown test directive '%s'", key);
        }
        joined.len = 0;
    }
    if (joined.len) {
        spec_line = start;
        spec_error("the file ends inside a continued line");
    }
    free(line);
    free(joined.s);
    fclose(f);
    if (t)
        finish_test(sp, t);
    spec_line = lineno;
    if (sp->lab == NULL)
        spec_error("no lab directive");
    if (sp->neditable == 0)
        spec_error("no editable directive");
    if (sp->ntests == 0)
        spec_error("no tests");
    /* The total: of the tests graded here (all but practice ones), and of
       the tests students get (all but hidden ones) when they differ. */
    int graded = 0, shipped = 0, differ = 0;
    for (int i = 0; i < sp->ntests; i++) {
        struct test *t = &sp->tests[i];
        int hidden = strcmp(t->visibility, "hidden") == 0;
        graded += t->practice ? 0 : t->points;
        shipped += hidden ? 0 : t->points;
        differ |= hidden || t->practice;
    }
    if (sp->total >= 0) {
        spec_line = sp->total_line;
        if (differ && (graded != sp->total || shipped != sp->total))
            spec_error("total %d: the graded tests (all but practice ones) add up to %d, "
                       "the students' tests (all but hidden ones) to %d", sp->total, graded, shipped);
        if (graded != sp->total)
            spec_error("the tests' points add up to %d, not total %d", graded, sp->total);
    }
    /* Practice tests go: this grader never builds, runs or reports them. */
    int kept = 0;
    for (int i = 0; i < sp->ntests; i++) {
        if (sp->tests[i].practice) {
            sp->practice = xrealloc(sp->practice, (size_t)(sp->npractice + 1) * sizeof(char *));
            sp->practice[sp->npractice++] = sp->tests[i].name;
        } else {
            sp->tests[kept++] = sp->tests[i];
        }
    }
    sp->ntests = kept;
    if (sp->ntests == 0) {
        spec_line = lineno;
        spec_error("no tests but practice ones");
    }
}

/* ------------------------------------------------------------------------ */
/* Running commands: time limit, output cap, clean kill                      */

static void
on_signal(int sig)
{
    kill_children();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Lower resource limit res to v (never raise it). */
static void
lower_limit(int res, rlim_t v)
{
    struct rlimit r;
    if (getrlimit(res, &r) == 0) {
        if (r.rlim_max == RLIM_INFINITY || r.rlim_max > v)
            r.rlim_max = v;
        if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur > r.rlim_max)
            r.rlim_cur = r.rlim_max;
        setrlimit(res, &r);
    }
}

enum how { H_EXIT, H_SIGNAL, H_TIMEOUT, H_FLOOD, H_ERROR };

struct outcome {
    enum how how;
    int code;                   /* exit status or signal number */
    double secs;
};

/*
 * Run argv in directory cwd, with extra environment strings env (NULL-ended,
 * may be NULL), stdin from /dev/null, stdout and stderr into logfd (carriage
 * returns dropped, NUL bytes shown as '?'). Kill its process group after
 * timeout seconds, or when it has written more than cap bytes.
 */
static struct outcome
run_capture(char *const argv[], const char *cwd, char *const env[], int logfd,
            double timeout, size_t cap)
{
    struct outcome o = { H_ERROR, 0, 0 };
    int p[2];
    if (pipe(p) < 0)
        die("pipe: %s", strerror(errno));
    double t0 = now(), deadline = t0 + timeout;
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        lower_limit(RLIMIT_CORE, 0);        /* no core files, CPU and size caps */
        lower_limit(RLIMIT_CPU, (rlim_t)(2 * timeout) + 5);
        lower_limit(RLIMIT_FSIZE, (rlim_t)512 << 20);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(127);
        close(p[0]);
        close(p[1]);
        close(null);
        if (cwd && chdir(cwd) < 0) {
            dprintf(2, "grade: cannot enter %s: %s\n", cwd, strerror(errno));
            _exit(127);
        }
        for (int i = 0; env && env[i]; i++)
            putenv(env[i]);
        execvp(argv[0], argv);
        dprintf(2, "grade: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);          /* also here: no race with the kill below */
    child_pgid = pid;
    close(p[1]);

    size_t bytes = 0;
    int done_reading = 0, killed = 0;
    char chunk[16384], clean[16384];
    while (!done_reading) {
        double left = deadline - now();
        if (left <= 0) {
            o.how = H_TIMEOUT;
            killed = 1;
            break;
        }
        struct pollfd pfd = { p[0], POLLIN, 0 };
        int r = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        if (r <= 0)
            continue;
        ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read: %s", strerror(errno));
        }
        if (n == 0) {
            done_reading = 1;
            break;
        }
        size_t take = (size_t)n;
        if (bytes + take > cap)
            take = cap - bytes;
        size_t m = 0;
        for (size_t i = 0; i < take; i++)
            if (chunk[i] != '\r')
                clean[m++] = chunk[i] ? chunk[i] : '?';
        if (write_all(logfd, clean, m) < 0)
            die("cannot write a log: %s", strerror(errno));
        bytes += (size_t)n;
        if (bytes > cap) {
            o.how = H_FLOOD;
            killed = 1;
            break;
        }
    }
    close(p[0]);
    int status = 0;
    if (!killed) {
        /* Output closed: wait (still with the deadline) for it to exit. */
        for (;;) {
            siginfo_t si;
            si.si_pid = 0;
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
                die("waitid: %s", strerror(errno));
            if (si.si_pid == pid)
                break;
            if (now() >= deadline) {
                o.how = H_TIMEOUT;
                killed = 1;
                break;
            }
            sleep_ms(2);
        }
    }
    kill(-pid, SIGKILL);        /* the group's stragglers, or all of it */
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    child_pgid = 0;
    o.secs = now() - t0;
    if (!killed) {
        if (WIFEXITED(status)) {
            o.how = H_EXIT;
            o.code = WEXITSTATUS(status);
        } else {
            o.how = H_SIGNAL;
            o.code = WTERMSIG(status);
        }
    }
    return o;
}

/* Open a log file for writing (truncated). */
static int
open_log(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        die("cannot create %s: %s", path, strerror(errno));
    return fd;
}

/* ------------------------------------------------------------------------ */
/* The run                                                                   */

static struct {
    const char *spec_file, *ref, *submission, *outroot, *json, *qemu, *name;
    const char *batch, *csv;    /* --batch DIR --csv FILE */
    char *result;               /* a batch worker's result file */
    int out_given;
    int jobs, jobs_given;
    int parallel;               /* --batch: submissions at once (0: the cores) */
    double build_timeout;
    size_t cap;
    char **only;
    int nonly;
    int have_seed;
    sg_u64 seed;
} opt;

static struct spec spec;
static char *rundir;            /* build/grade/<name> */
static char *tree;              /* its tree, absolute */
static char *token;
static sg_u64 seed;
static char *sub_error;         /* the submission is unusable: why */
static char *build_error;       /* the build failed: why */
static struct buf build_tail;   /* the build log's tail */
static struct buf notes;        /* ignored files and such */

static void
note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_printf(&notes, "%s\n", s);
    free(s);
}

static void
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

/* The last n lines of a file, each prefixed with "    | ", into b. */
static void
add_tail(struct buf *b, const char *path, int n)
{
    /* Named from the run's directory, which the report names once: the
       absolute scratch path means nothing on a Gradescope page. */
    const char *name = path;
    size_t rl = rundir ? strlen(rundir) : 0;
    if (rl && strncmp(path, rundir, rl) == 0 && path[rl] == '/')
        name = path + rl + 1;
    size_t len;
    char *s = read_file(path, &len);
    if (s == NULL) {
        buf_printf(b, "    (no log: %s)\n", name);
        return;
    }
    while (len > 0 && s[len - 1] == '\n')
        s[--len] = '\0';
    if (len == 0) {
        buf_printf(b, "    (%s is empty)\n", name);
        free(s);
        return;
    }
    size_t start = len;
    for (int k = 0; start > 0; start--)
        if (s[start - 1] == '\n' && ++k == n)
            break;
    buf_printf(b, "    last lines of %s:\n", name);
    for (char *l = s + start; l; ) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char *p = printable(l, 200);
        buf_printf(b, "    | %s\n", p);
        free(p);
        l = nl ? nl + 1 : NULL;
    }
    free(s);
}

struct ignore_ctx {
    const char *ref;
    int count;
    char **used;                /* submission files taken under another name */
    int nused;
};

static int
is_editable(const char *rel)
{
    for (int i = 0; i < spec.neditable; i++)
        if (strcmp(spec.editable[i], rel) == 0)
            return 1;
    return 0;
}

/* Report a submission's file that is not editable and differs from the reference. */
static void
ignore_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    struct ignore_ctx *c = arg;
    if (S_ISDIR(st->st_mode) || is_editable(rel))
        return;
    for (int i = 0; i < c->nused; i++)
        if (strcmp(c->used[i], rel) == 0)
            return;
    char *mine = xasprintf("%s/%s", root, rel), *ref = xasprintf("%s/%s", c->ref, rel);
    struct stat rst;
    const char *why = NULL;
    if (lstat(ref, &rst) < 0)
        why = "not editable, not in the lab";
    else if (!S_ISREG(st->st_mode) || !S_ISREG(rst.st_mode) || !same_file(mine, ref))
        why = "not editable; the lab's own is used";
    if (why && ++c->count <= MAX_IGNORED) {
        char *p = printable(rel, 200);
        note("ignored: %s (%s)", p, why);
        free(p);
    }
    free(mine);
    free(ref);
}

/* Is no directory on the way from root to root/rel a link (or not a directory)? */
static int
plain_dirs(const char *root, const char *rel)
{
    char *p = xasprintf("%s/%s", root, rel);
    size_t skip = strlen(root) + 1;
    int ok = 1;
    for (char *s = p + skip; ok && (s = strchr(s, '/')) != NULL; s++) {
        struct stat st;
        *s = '\0';
        ok = lstat(p, &st) < 0 ? errno == ENOENT : S_ISDIR(st.st_mode);
        *s = '/';
    }
    free(p);
    return ok;
}

/* ------------------------------------------------------------------------ */
/* Archives: a tar file, gzipped or not, unpacked without trusting it        */

#define MAX_MEMBER    MAX_FILE_SIZE     /* a larger member is refused */
#define MAX_UNPACKED  (64L << 20)       /* bytes of tar read at most */
#define MAX_MEMBERS   20000
#define MAX_DEPTH     32
#define MAX_REFUSALS  20                /* refused members listed one by one */

static int
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
 * Unpack archive file (gzipped or plain tar) into dest. NULL on success
 * (refused members are noted), else why the archive cannot be used.
 */
static char *
unpack_archive(const char *file, const char *dest)
{
    struct tar t = { file, -1, 0, 0, 0, 0, 0, NULL };
    int fd = open(file, O_RDONLY);
    if (fd < 0)
        return xasprintf("cannot open %s: %s", file, strerror(errno));
    unsigned char magic[2] = { 0, 0 };
    ssize_t n = read(fd, magic, 2);
    if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
        die("reading %s: %s", file, strerror(errno));
    char *log = xasprintf("%s/gzip.log", rundir);
    if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        int p[2], logfd = open_log(log);
        if (pipe(p) < 0)
            die("pipe: %s", strerror(errno));
        t.gzip = fork();
        if (t.gzip < 0)
            die("fork: %s", strerror(errno));
        if (t.gzip == 0) {
            setpgid(0, 0);
            lower_limit(RLIMIT_CPU, 60);
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

/* ------------------------------------------------------------------------ */
/* Where a submission's files are                                            */

/* Junk some archivers add, ignored when looking for the top of a tree. */
static int
junk_name(const char *n)
{
    return n[0] == '.' || strcmp(n, "__MACOSX") == 0;
}

/* Does dir hold an editable file, at its path or by its base name? */
static int
has_editable(const char *dir)
{
    for (int i = 0; i < spec.neditable; i++) {
        const char *rel = spec.editable[i], *base = strrchr(rel, '/');
        char *a = xasprintf("%s/%s", dir, rel), *b = xasprintf("%s/%s", dir, base ? base + 1 : rel);
        struct stat st;
        int found = lstat(a, &st) == 0 || lstat(b, &st) == 0;
        free(a);
        free(b);
        if (found)
            return 1;
    }
    return 0;
}

/*
 * The top of the submission's tree below dir: dir itself if it holds an
 * editable file; else, while dir holds just one directory (or just one
 * archive, which is unpacked), that. NULL (sub_error set) if an archive
 * in it cannot be used.
 */
static char *
find_root(const char *dir, int *unpacked)
{
    char *cur = xstrdup(dir);
    for (int depth = 0; depth < 8 && !has_editable(cur); depth++) {
        DIR *d = opendir(cur);
        if (d == NULL)
            break;
        char *only = NULL;
        int count = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (junk_name(e->d_name))
                continue;
            if (count++ == 0)
                only = xstrdup(e->d_name);
        }
        closedir(d);
        if (count != 1) {
            free(only);
            break;
        }
        char *next = xasprintf("%s/%s", cur, only);
        struct stat st;
        if (lstat(next, &st) == 0 && S_ISREG(st.st_mode) && is_archive(only) && !*unpacked) {
            char *dest = xasprintf("%s/unpacked", rundir);
            note("unpacking %s", only);
            *unpacked = 1;
            sub_error = unpack_archive(next, dest);
            free(next);
            next = dest;
        } else if (lstat(next, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(next);
            free(only);
            break;
        }
        free(only);
        free(cur);
        cur = next;
        if (sub_error) {
            free(cur);
            return NULL;
        }
    }
    return cur;
}

/*
 * Copy the submission's editable files over the tree, note what is
 * ignored. The submission is a directory or an archive; its files are
 * taken at their paths in the lab, or by base name from its top (a flat
 * upload of just the files).
 */
static void
overlay_submission(void)
{
    struct stat st;
    if (stat(opt.submission, &st) < 0)
        die("%s: %s", opt.submission, strerror(errno));
    int unpacked = 0;
    char *root;
    if (S_ISREG(st.st_mode) && is_archive(opt.submission)) {
        char *dest = xasprintf("%s/unpacked", rundir);
        unpacked = 1;
        sub_error = unpack_archive(opt.submission, dest);
        root = sub_error ? NULL : find_root(dest, &unpacked);
        free(dest);
    } else if (S_ISDIR(st.st_mode)) {
        root = find_root(opt.submission, &unpacked);
    } else {
        sub_error = xasprintf("submission %s is not a directory or a .tar.gz archive", opt.submission);
        return;
    }
    if (root == NULL)
        return;
    struct ignore_ctx c = { opt.ref, 0, NULL, 0 };
    struct buf missing = { 0 };
    for (int i = 0; i < spec.neditable; i++) {
        const char *rel = spec.editable[i], *base = strrchr(rel, '/');
        base = base ? base + 1 : rel;
        char *src = xasprintf("%s/%s", root, rel);
        char *dst = xasprintf("%s/%s", tree, rel);
        const char *took = rel;
        if (lstat(src, &st) < 0 && errno == ENOENT && plain_dirs(root, rel) && base != rel) {
            char *flat = xasprintf("%s/%s", root, base);
            if (lstat(flat, &st) == 0) {
                free(src);
                src = flat;
                took = base;
                c.used = xrealloc(c.used, (size_t)(c.nused + 1) * sizeof *c.used);
                c.used[c.nused++] = xstrdup(base);
                note("took %s for %s", base, rel);
            } else {
                free(flat);
            }
        }
        if (!plain_dirs(root, took))
            buf_printf(&missing, "%s%s (a directory on its path is a link)", missing.len ? ", " : "", rel);
        else if (lstat(src, &st) < 0)
            buf_printf(&missing, "%s%s (missing)", missing.len ? ", " : "", rel);
        else if (!S_ISREG(st.st_mode))
            buf_printf(&missing, "%s%s (not a regular file)", missing.len ? ", " : "", rel);
        else if (st.st_size > MAX_FILE_SIZE)
            buf_printf(&missing, "%s%s (larger than %d bytes)", missing.len ? ", " : "", rel, MAX_FILE_SIZE);
        else if (copy_file(src, dst, 0) < 0)
            buf_printf(&missing, "%s%s (%s)", missing.len ? ", " : "", rel, strerror(errno));
        free(src);
        free(dst);
    }
    if (missing.len)
        sub_error = xasprintf("unusable editable files: %s", missing.s);
    free(missing.s);
    walk_tree(root, "", ignore_visit, &c);
    if (c.count > MAX_IGNORED)
        note("ignored: %d more files", c.count - MAX_IGNORED);
    for (int i = 0; i < c.nused; i++)
        free(c.used[i]);
    free(c.used);
    free(root);
}

/* Copy the test programs into the tree's user/ (they must not clash). */
static void
add_programs(void)
{
    char *progs = xasprintf("%s/progs", spec.dir);
    DIR *d = opendir(progs);
    if (d == NULL && errno == ENOENT) {     /* a lab without test programs */
        free(progs);
        return;
    }
    if (d == NULL)
        die("%s: %s", progs, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 3 || e->d_name[0] == '.'
            || (strcmp(e->d_name + n - 2, ".c") != 0 && strcmp(e->d_name + n - 2, ".h") != 0))
            continue;
        char *src = xasprintf("%s/%s", progs, e->d_name);
        char *dst = xasprintf("%s/user/%s", tree, e->d_name);
        if (access(dst, F_OK) == 0)
            die("%s: the tree already has user/%s", src, e->d_name);
        if (copy_file(src, dst, 0) < 0)
            die("cannot copy %s: %s", src, strerror(errno));
        free(src);
        free(dst);
    }
    closedir(d);
    free(progs);
}

static const char *
how_text(struct outcome o, const char *what, double timeout, char *buf, size_t n)
{
    switch (o.how) {
    case H_TIMEOUT: snprintf(buf, n, "timeout after %gs", timeout); break;
    case H_FLOOD:   snprintf(buf, n, "output flood: more than %zu bytes", opt.cap); break;
    case H_SIGNAL:  snprintf(buf, n, "%s killed by signal %d", what, o.code); break;
    case H_EXIT:    snprintf(buf, n, "%s exited with status %d", what, o.code); break;
    default:        snprintf(buf, n, "%s could not be run", what); break;
    }
    return buf;
}

/* Build the tree and the test programs of the selected tests. */
static void
build_tree(void)
{
    char *mk = xasprintf("%s/progs.mk", rundir);
    FILE *f = fopen(mk, "w");
    if (f == NULL)
        die("%s: %s", mk, strerror(errno));
    fprintf(f, "# progs.mk: written by grade for this run: the test programs' flags.\n"
               "UCFLAGS += -DGRADE_TOKEN='\"%s\"' -DGRADE_SEED=0x%016llxULL\n", token, seed);
    if (fclose(f) != 0)
        die("%s: %s", mk, strerror(errno));
    char *amk = absolute(mk);
    char jobs[32];
    snprintf(jobs, sizeof jobs, "-j%d", opt.jobs);
    int nprogs = 0;
    for (int i = 0; i < spec.ntests; i++)
        nprogs += spec.tests[i].nprogs;
    char **argv = xmalloc((size_t)(12 + nprogs) * sizeof *argv);
    int n = 0;
    argv[n++] = "make";
    argv[n++] = "-s";
    argv[n++] = "--no-print-directory";
    argv[n++] = "-f";
    argv[n++] = "Makefile";
    argv[n++] = "-f";
    argv[n++] = amk;
    argv[n++] = jobs;
    argv[n++] = "O=out";
    argv[n++] = "all";
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        for (int k = 0; t->selected && k < t->nprogs; k++)
            argv[n++] = xasprintf("out/user/%s.elf", t->progs[k]);
    }
    argv[n] = NULL;
    char *log = xasprintf("%s/build.log", rundir);
    int fd = open_log(log);
    struct outcome o = run_capture(argv, tree, NULL, fd, opt.build_timeout, 16 << 20);
    close(fd);
    if (o.how != H_EXIT || o.code != 0) {
        char why[128];
        build_error = xasprintf("build failed (%s); see build.log",
                                how_text(o, "make", opt.build_timeout, why, sizeof why));
        add_tail(&build_tail, log, 15);
    }
    free(argv);
    free(mk);
    free(amk);
    free(log);
}

/* What a worker sends back. */
struct wresult {
    int stage;                  /* 0: link failed, 1: ran */
    struct outcome o;
};

/* Link (or copy, mtimes kept) the tree's compiled kernel objects into out-<test>/kernel. */
static void
seed_objects(const char *outdir)
{
    char *from = xasprintf("%s/out/kernel", tree), *to = xasprintf("%s/kernel", outdir);
    mkdir_p(to);
    DIR *d = opendir(from);
    if (d == NULL)
        die("%s: %s", from, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "apps.", 5) == 0)
            continue;
        char *s = xasprintf("%s/%s", from, e->d_name), *t = xasprintf("%s/%s", to, e->d_name);
        struct stat st;
        if (stat(s, &st) == 0 && S_ISREG(st.st_mode) && link(s, t) < 0 && copy_file(s, t, 1) < 0)
            die("cannot copy %s: %s", s, strerror(errno));
        free(s);
        free(t);
    }
    closedir(d);
    free(from);
    free(to);
}

/* Run one test (in a worker process): link its kernel and boot it, or run its command. */
static struct wresult
run_test(struct test *t)
{
    struct wresult w = { 1, { H_ERROR, 0, 0 } };
    int fd = open_log(t->log);
    if (t->kind != K_HOST) {
        /* A kernel with exactly the test's programs, or its kernel tests,
           linked from the objects the tree's build made. */
        char *odir = xasprintf("out-%s", t->name), *oabs = xasprintf("%s/%s", tree, odir);
        seed_objects(oabs);
        struct buf apps = { 0 }, kt = { 0 };
        for (int k = 0; k < t->nprogs; k++)
            buf_printf(&apps, "%s%s/out/user/%s.elf", k ? " " : "", tree, t->progs[k]);
        char *sdir = absolute(spec.dir);
        for (int k = 0; k < t->nktests; k++)
            buf_printf(&kt, "%s%s/ktests/%s.c", k ? " " : "", sdir, t->ktests[k]);
        char *oarg = xasprintf("O=%s", odir), *aarg = xasprintf("APPS=%s", buf_str(&apps));
        char *karg = xasprintf("KTESTS=%s", buf_str(&kt));
        char *farg = xasprintf("KTESTFLAGS=-DGRADE_TOKEN='\"%s\"' -DGRADE_SEED=0x%016llxULL",
                               token, seed);
        char *target = xasprintf("%s/kernel.elf", odir);
        char *argv[] = { "make", "-s", "--no-print-directory", oarg, aarg, karg, farg, target, NULL };
        char *blog = xasprintf("%s/%s.build.log", rundir, t->name);
        int bfd = open_log(blog);
        struct outcome o = run_capture(argv, tree, NULL, bfd, opt.build_timeout, 16 << 20);
        close(bfd);
        if (o.how != H_EXIT || o.code != 0) {
            w.stage = 0;
            w.o = o;
        } else {
            char *kernel = xasprintf("%s/kernel.elf", oabs);
            char *qargv[] = { (char *)opt.qemu, "-machine", "virt", "-nographic", "-bios", "default",
                              "-smp", "1", "-m", t->memory, "-no-reboot", "-kernel", kernel, NULL };
            w.o = run_capture(qargv, tree, NULL, fd, t->timeout, opt.cap);
            w.o.secs += o.secs;
            free(kernel);
        }
        free(odir);
        free(oabs);
        free(apps.s);
        free(kt.s);
        free(sdir);
        free(oarg);
        free(aarg);
        free(karg);
        free(farg);
        free(target);
        free(blog);
    } else {
        char *out = xasprintf("%s/%s.d", rundir, t->name);
        mkdir_p(out);
        char *aout = absolute(out);
        const char *hostcc = getenv("HOSTCC");
        char seedstr[32];
        snprintf(seedstr, sizeof seedstr, "0x%016llx", seed);
        char *env[] = { xasprintf("GRADE_TREE=%s", tree), xasprintf("GRADE_SPECDIR=%s", spec.dir),
                        xasprintf("GRADE_OUT=%s", aout), xasprintf("GRADE_TOKEN=%s", token),
                        xasprintf("GRADE_SEED=%s", seedstr),
                        xasprintf("HOSTCC=%s", hostcc && *hostcc ? hostcc : "cc"), NULL };
        char *argv[] = { "/bin/sh", "-c", t->run, NULL };
        w.o = run_capture(argv, tree, env, fd, t->timeout, opt.cap);
        free(out);
        free(aout);
    }
    close(fd);
    return w;
}

/* ------------------------------------------------------------------------ */
/* Checking a log                                                            */

static void
problem(struct test *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    if (t->reason == NULL)
        t->reason = xstrdup(s);
    buf_printf(&t->detail, "    %s\n", s);
    free(s);
}

static void
check_log(struct test *t)
{
    size_t len;
    char *text = read_file(t->log, &len);
    if (text == NULL) {
        problem(t, "no log: %s", t->log);
        return;
    }
    /* Split into lines (the last one may lack its newline). */
    char **lines = NULL;
    size_t nlines = 0;
    for (char *l = text; l < text + len; ) {
        char *nl = memchr(l, '\n', (size_t)(text + len - l));
        if (nl)
            *nl = '\0';
        lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
        lines[nlines++] = l;
        l = nl ? nl + 1 : text + len;
    }
    /* Unexpected lines first, then missing ones: that order reads best. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < t->nchecks; i++) {
            struct check *c = &t->checks[i];
            if ((c->kind == C_FORBID) != (pass == 0))
                continue;
            long matches = 0, shown = 0;
            for (size_t k = 0; k < nlines; k++) {
                regmatch_t m[3];
                if (regexec(&c->re, lines[k], c->kind == C_EQUAL ? 3 : 0,
                            c->kind == C_EQUAL ? m : NULL, 0) != 0)
                    continue;
                matches++;
                if (c->kind == C_FORBID && shown++ < 3) {
                    char *p = printable(lines[k], 160);
                    problem(t, "unexpected (line %zu): %s", k + 1, p);
                    free(p);
                } else if (c->kind == C_EQUAL) {
                    regoff_t l1 = m[1].rm_eo - m[1].rm_so, l2 = m[2].rm_eo - m[2].rm_so;
                    if (m[1].rm_so < 0 || m[2].rm_so < 0 || l1 != l2
                        || memcmp(lines[k] + m[1].rm_so, lines[k] + m[2].rm_so, (size_t)l1) != 0) {
                        char *p = printable(lines[k], 160);
                        problem(t, "not equal: '%.*s' and '%.*s' in line %zu: %s",
                                (int)(l1 > 0 ? l1 : 0), lines[k] + (m[1].rm_so > 0 ? m[1].rm_so : 0),
                                (int)(l2 > 0 ? l2 : 0), lines[k] + (m[2].rm_so > 0 ? m[2].rm_so : 0),
                                k + 1, p);
                        free(p);
                    }
                }
            }
            if ((c->kind == C_EXPECT || c->kind == C_EQUAL) && matches == 0)
                problem(t, "missing: no line matches /%s/", c->pat);
            if (c->kind == C_COUNT && matches != c->count)
                problem(t, "wrong count: %ld line%s match%s /%s/, want %ld", matches,
                        matches == 1 ? "" : "s", matches == 1 ? "es" : "", c->pat, c->count);
        }
    free(lines);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Reports                                                                   */

/* s as a JSON string: escapes, and invalid UTF-8 replaced by U+FFFD. */
static void
json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            p++;
        } else if (c == '\n') {
            fputs("\\n", f);
            p++;
        } else if (c == '\t') {
            fputs("\\t", f);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            int ok = n > 0;
            for (int i = 1; ok && i < n; i++)
                ok = (p[i] & 0xC0) == 0x80;
            if (ok && n >= 3) {     /* no overlongs, surrogates or > U+10FFFF */
                unsigned c1 = p[1];
                ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 > 0x9F)
                     && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F);
            }
            if (ok) {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            } else {
                fputs("\\ufffd", f);
                p++;
            }
        }
    }
    fputc('"', f);
}

static void
write_json(const char *path, int score, int max, double secs)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"execution_time\": %.2f,\n",
            score, max, secs);
    struct buf out = { 0 };
    buf_printf(&out, "%s", buf_str(&notes));
    if (sub_error)
        buf_printf(&out, "%s\n", sub_error);
    if (build_error)
        buf_printf(&out, "%s\n%s", build_error, buf_str(&build_tail));
    buf_printf(&out, "Score: %d/%d\n", score, max);
    fputs("  \"output\": ", f);
    json_string(f, out.s);
    fputs(",\n  \"tests\": [", f);
    int first = 1, per_ex[1001] = { 0 };
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        if (!t->selected)
            continue;
        int k = ++per_ex[t->exercise];
        fprintf(f, "%s\n    {\n      \"name\": ", first ? "" : ",");
        first = 0;
        json_string(f, t->name);
        fprintf(f, ",\n      \"number\": \"%d.%d\",\n      \"score\": %d,\n      \"max_score\": %d,\n"
                   "      \"status\": \"%s\",\n      \"visibility\": \"%s\",\n      \"output\": ",
                t->exercise, k, t->passed ? t->points : 0, t->points,
                t->passed ? "passed" : "failed", t->visibility);
        struct buf o = { 0 };
        if (t->passed)
            buf_printf(&o, "OK (%.2fs)", t->secs);
        else if (build_error)
            buf_printf(&o, "FAIL (%s)\n%s\n%s", t->reason, build_error, buf_str(&build_tail));
        else
            buf_printf(&o, "FAIL (%s)\n%s", t->reason, buf_str(&t->detail));
        json_string(f, o.s);
        free(o.s);
        fputs("\n    }", f);
    }
    fputs("\n  ]\n}\n", f);
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
    free(out.s);
}

/* ------------------------------------------------------------------------ */

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: grade [options]\n"
        "       grade --batch DIR --csv FILE [options]\n"
        "Grade a lab: build the reference tree with a submission's editable files,\n"
        "run the lab's tests under QEMU, print a report and the score.\n"
        "  --spec FILE           the lab's test specification (default grading/lab4/tests.spec)\n"
        "  --ref DIR             the lab's reference tree (default generated)\n"
        "  --submission PATH     a student's tree, or a .tar.gz of it: only its\n"
        "                        editable files are used, found at their paths or\n"
        "                        by base name at its top (default: none, grade the\n"
        "                        reference itself)\n"
        "  --batch DIR           grade every subdirectory and .tar.gz in DIR, -j at\n"
        "                        once; reports go to OUT/NAME.txt and OUT/NAME.json\n"
        "                        (OUT: --out, default build/grade/batch)\n"
        "  --csv FILE            with --batch: one row per submission, one column\n"
        "                        per test (its points)\n"
        "  --out DIR             scratch root; the run goes in DIR/NAME (default build/grade)\n"
        "  --name NAME           the run's name (default: the submission's base name,\n"
        "                        or reference); a previous run of that name is removed\n"
        "  --json FILE           also write Gradescope's results.json to FILE\n"
        "  --test NAME           run only this test (repeatable)\n"
        "  -j N                  run N tests at once (default: the number of cores;\n"
        "                        with --batch: the cores left to each submission)\n"
        "  --parallel N          with --batch: grade N submissions at once (default:\n"
        "                        the number of cores, or 1 when -j is given)\n"
        "  --seed N              use seed N instead of a random one (to reproduce a run)\n"
        "  --build-timeout SECS  time limit of each build (default 120)\n"
        "  --cap BYTES           output kept per test; more is a flood (default 262144)\n"
        "  --qemu PROGRAM        the QEMU to run (default qemu-system-riscv64)\n"
        "  -h, --help            print this message\n"
        "Exit status: 0 on a full score, 1 otherwise, 2 on an error. With --batch:\n"
        "0 when every submission was graded (whatever its score), 2 otherwise.\n");
}

static const char *
need_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "grade: %s needs an argument\n", argv[*i]);
        usage(stderr);
        exit(2);
    }
    return argv[++*i];
}

static long
num_arg(const char *opt_name, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || end == s || *end || v < lo || v > hi)
        die("%s: want a number from %ld to %ld, not '%s'", opt_name, lo, hi, s);
    return v;
}

static void
parse_args(int argc, char **argv)
{
    /* Defaults relative to the project (GRADE_ROOT, set by grading/grade),
       else to the current directory. */
    const char *root = getenv("GRADE_ROOT");
    if (root && *root) {
        opt.spec_file = xasprintf("%s/grading/lab4/tests.spec", root);
        opt.ref = xasprintf("%s/generated", root);
        opt.outroot = xasprintf("%s/build/grade", root);
    } else {
        opt.spec_file = "grading/lab4/tests.spec";
        opt.ref = "generated";
        opt.outroot = "build/grade";
    }
    opt.qemu = "qemu-system-riscv64";
    opt.build_timeout = 120;
    opt.cap = 256 * 1024;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    opt.jobs = ncpu > 0 ? (int)ncpu : 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--spec") == 0)
            opt.spec_file = need_arg(argc, argv, &i);
        else if (strcmp(a, "--ref") == 0)
            opt.ref = need_arg(argc, argv, &i);
        else if (strcmp(a, "--submission") == 0)
            opt.submission = need_arg(argc, argv, &i);
        else if (strcmp(a, "--out") == 0) {
            opt.outroot = need_arg(argc, argv, &i);
            opt.out_given = 1;
        } else if (strcmp(a, "--batch") == 0)
            opt.batch = need_arg(argc, argv, &i);
        else if (strcmp(a, "--csv") == 0)
            opt.csv = need_arg(argc, argv, &i);
        else if (strcmp(a, "--name") == 0)
            opt.name = need_arg(argc, argv, &i);
        else if (strcmp(a, "--json") == 0)
            opt.json = need_arg(argc, argv, &i);
        else if (strcmp(a, "--test") == 0) {
            opt.only = xrealloc(opt.only, (size_t)(opt.nonly + 1) * sizeof(char *));
            opt.only[opt.nonly++] = (char *)need_arg(argc, argv, &i);
        } else if (strcmp(a, "-j") == 0) {
            opt.jobs = (int)num_arg("-j", need_arg(argc, argv, &i), 1, MAX_TESTS);
            opt.jobs_given = 1;
        } else if (strcmp(a, "--parallel") == 0)
            opt.parallel = (int)num_arg(a, need_arg(argc, argv, &i), 1, MAX_TESTS);
        else if (strcmp(a, "--seed") == 0) {
            const char *s = need_arg(argc, argv, &i);
            char *end;
            errno = 0;
            opt.seed = strtoull(s, &end, 0);
            if (errno || end == s || *end)
                die("--seed: want a number, not '%s'", s);
            opt.have_seed = 1;
        } else if (strcmp(a, "--build-timeout") == 0)
            opt.build_timeout = (double)num_arg(a, need_arg(argc, argv, &i), 1, 86400);
        else if (strcmp(a, "--cap") == 0)
            opt.cap = (size_t)num_arg(a, need_arg(argc, argv, &i), 1024, 1L << 30);
        else if (strcmp(a, "--qemu") == 0)
            opt.qemu = need_arg(argc, argv, &i);
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else {
            fprintf(stderr, "grade: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
    }
}

/* name made a plain file name, safe in make and .incbin: [A-Za-z0-9._-]. */
static char *
safe_name(const char *name)
{
    char *r = xstrdup(name);
    for (char *p = r; *p; p++)
        if (!(*p == '_' || *p == '-' || *p == '.' || (*p >= '0' && *p <= '9')
              || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            *p = '_';
    if (r[0] == '.' || r[0] == '\0') {
        char *s = xasprintf("_%s", r);
        free(r);
        r = s;
    }
    return r;
}

/* The run's name: --name, else the submission's base name, else "reference". */
static char *
run_name(void)
{
    if (opt.name)
        return safe_name(opt.name);
    if (opt.submission == NULL)
        return xstrdup("reference");
    char *s = absolute(opt.submission), *slash = strrchr(s, '/');
    char *base = slash && slash[1] ? slash + 1 : s;
    size_t n = strlen(base);
    if (is_archive(base))           /* alice.tar.gz: alice */
        base[n - (n > 7 && strcmp(base + n - 7, ".tar.gz") == 0 ? 7 : 4)] = '\0';
    char *r = safe_name(base);
    free(s);
    return r;
}

/* A batch worker's result: what the CSV needs, one item per line. */
static void
write_result(const char *path, int score, int max, double secs, const char *global)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    char *msg = printable(global ? global : "", 300);
    fprintf(f, "score %d\nmax %d\nseconds %.2f\nstatus %s\nmessage %s\n", score, max, secs,
            sub_error ? "unusable" : build_error ? "build failed" : "graded", msg);
    free(msg);
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        if (t->selected)
            fprintf(f, "test %s %d\n", t->name, t->passed ? t->points : 0);
    }
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}

/* Grade one submission (opt.submission; none: the reference). */
static int
grade_run(void)
{
    double t0 = now();

    /* Token and seed: fresh for every run. */
    unsigned char rnd[24];
    random_bytes(rnd, sizeof rnd);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    token = xstrdup(hex);
    memcpy(&seed, rnd + 16, sizeof seed);
    if (opt.have_seed)
        seed = opt.seed;
    defval("TOKEN", "%s", token);
    lab_values(seed);

    parse_spec(&spec, opt.spec_file);
    int nsel = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        t->selected = opt.nonly == 0;
        for (int k = 0; k < opt.nonly; k++)
            if (strcmp(opt.only[k], t->name) == 0)
                t->selected = 1;
        nsel += t->selected;
    }
    for (int k = 0; k < opt.nonly; k++) {
        int found = 0;
        for (int i = 0; i < spec.ntests; i++)
            found |= strcmp(opt.only[k], spec.tests[i].name) == 0;
        for (int i = 0; i < spec.npractice && !found; i++)
            if (strcmp(opt.only[k], spec.practice[i]) == 0)
                die("--test %s: a practice test of %s: run only in students' copies of the lab",
                    opt.only[k], opt.spec_file);
        if (!found)
            die("--test %s: %s has no such test", opt.only[k], opt.spec_file);
    }

    /* The scratch tree: the reference, then the submission's editable files. */
    char *ref_makefile = xasprintf("%s/Makefile", opt.ref);
    if (access(ref_makefile, R_OK) < 0)
        die("%s: not a lab tree (no Makefile)", opt.ref);
    free(ref_makefile);
    char *name = run_name();
    mkdir_p(opt.outroot);
    rundir = xasprintf("%s/%s", opt.outroot, name);
    remove_tree(rundir);
    mkdir_p(rundir);
    /* The compilers' temporary files go in the run's directory too: a
       build killed by a time limit or a signal leaves none in /tmp. */
    char *tmp = xasprintf("%s/tmp", rundir);
    mkdir_p(tmp);
    char *atmp = absolute(tmp);
    setenv("TMPDIR", atmp, 1);
    free(tmp);
    free(atmp);
    char *tree_rel = xasprintf("%s/tree", rundir);
    copy_tree(opt.ref, tree_rel);
    tree = absolute(tree_rel);
    printf("grade: %s, %s; seed 0x%016llx; logs in %s\n", spec.lab,
           opt.submission ? opt.submission : "the reference solution", seed, rundir);
    if (opt.submission)
        overlay_submission();
    fputs(buf_str(&notes), stdout);
    add_programs();
    fflush(stdout);

    if (sub_error == NULL)
        build_tree();
    double t_tests = now();
    const char *global = sub_error ? sub_error : build_error;
    if (global) {
        printf("%s\n%s", global, buf_str(&build_tail));
        fflush(stdout);
    }

    /* The tests, up to opt.jobs at once, each in a worker process. */
    int order[MAX_TESTS], nrun = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        t->log = xasprintf("%s/%s.log", rundir, t->name);
        if (t->selected && global == NULL)
            order[nrun++] = i;
    }
    pid_t pids[MAX_TESTS] = { 0 };
    int rfd[MAX_TESTS], next = 0, running = 0;
    struct wresult res[MAX_TESTS];
    while (next < nrun || running > 0) {
        while (next < nrun && running < opt.jobs) {
            int i = order[next++], p[2];
            if (pipe(p) < 0)
                die("pipe: %s", strerror(errno));
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0)
                die("fork: %s", strerror(errno));
            if (pid == 0) {
                for (int k = 0; k < MAX_TESTS; k++)
                    worker_pids[k] = 0;
                close(p[0]);
                struct wresult w = run_test(&spec.tests[i]);
                if (write_all(p[1], (const char *)&w, sizeof w) < 0)
                    _exit(3);
                _exit(0);
            }
            close(p[1]);
            pids[i] = pid;
            worker_pids[i] = pid;
            rfd[i] = p[0];
            running++;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid: %s", strerror(errno));
        }
        for (int i = 0; i < spec.ntests; i++) {
            if (pids[i] != pid)
                continue;
            running--;
            worker_pids[i] = 0;
            ssize_t n = read(rfd[i], &res[i], sizeof res[i]);
            close(rfd[i]);
            if (n != (ssize_t)sizeof res[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                die("the worker of test %s failed (status 0x%x)", spec.tests[i].name, status);
        }
    }

    /* Judge and report, in the specification's order. */
    int score = 0, max = 0;
    double sum = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        if (!t->selected)
            continue;
        max += t->points;
        char why[160];
        if (global) {
            t->reason = xstrdup(sub_error ? sub_error : "build failed");
        } else {
            struct wresult *w = &res[i];
            t->secs = w->o.secs;
            sum += t->secs;
            char *blog = xasprintf("%s/%s.build.log", rundir, t->name);
            if (w->stage == 0) {
                problem(t, "kernel build with the test's programs failed (%s)",
                        how_text(w->o, "make", opt.build_timeout, why, sizeof why));
                add_tail(&t->detail, blog, TAIL_LINES);
            } else {
                /* A timeout or a flood says most; after a bad exit status,
                   the log (a panic line, say) says more than the status. */
                const char *what = t->kind != K_HOST ? "QEMU" : "the command";
                if (w->o.how != H_EXIT)
                    problem(t, "%s", how_text(w->o, what, t->timeout, why, sizeof why));
                check_log(t);
                if (w->o.how == H_EXIT && w->o.code != 0)
                    problem(t, "%s", how_text(w->o, what, t->timeout, why, sizeof why));
                if (t->reason)
                    add_tail(&t->detail, t->log, TAIL_LINES);
            }
            free(blog);
        }
        t->passed = t->reason == NULL;
        if (t->passed)
            score += t->points;
        printf("== Test %s ==\n", t->name);
        if (t->passed)
            printf("OK (%.2fs)\n", t->secs);
        else {
            char *r = printable(t->reason, 100);
            printf("FAIL (%s)\n%s", r, buf_str(&t->detail));
            free(r);
        }
    }
    double wall = now() - t0;
    printf("grade: %d test%s in %.1fs: setup and build %.1fs, then the tests %.1fs "
           "(their own times add up to %.1fs)\n", nsel, nsel == 1 ? "" : "s", wall,
           t_tests - t0, wall - (t_tests - t0), sum);
    if (spec.npractice > 0)
        printf("grade: %d practice test%s not run (students run %s in place of the hidden tests)\n",
               spec.npractice, spec.npractice == 1 ? "" : "s", spec.npractice == 1 ? "it" : "them");
    printf("Score: %d/%d\n", score, max);
    if (opt.json)
        write_json(opt.json, score, max, wall);
    if (opt.result)
        write_result(opt.result, score, max, wall, global);
    return score == max && max > 0 ? 0 : 1;
}

/* ------------------------------------------------------------------------ */
/* Batches: every submission in a directory, into one CSV                    */

struct entry {
    char *path, *name;
    char *status, *message;     /* NULL status: not graded yet */
    int score, max;
    double secs;
    int *points;                /* per test of the spec; -1: not run */
};

/* One CSV field: quoted when it must be; a leading = + - @ is defused. */
static void
csv_field(FILE *f, const char *s, int last)
{
    int quote = strpbrk(s, ",\"\n\r") != NULL || (*s && strchr("=+-@", *s));
    if (quote) {
        fputc('"', f);
        if (*s && strchr("=+-@", *s))
            fputc('\'', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

/* Read a worker's result file into e; 0, or -1 if it is missing. */
static int
read_result(struct entry *e, const char *path)
{
    size_t len;
    char *s = read_file(path, &len);
    if (s == NULL)
        return -1;
    for (char *l = s; l && *l; ) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char name[128];
        int pts;
        if (strncmp(l, "score ", 6) == 0)
            e->score = atoi(l + 6);
        else if (strncmp(l, "max ", 4) == 0)
            e->max = atoi(l + 4);
        else if (strncmp(l, "seconds ", 8) == 0)
            e->secs = atof(l + 8);
        else if (strncmp(l, "status ", 7) == 0)
            e->status = xstrdup(l + 7);
        else if (strncmp(l, "message ", 8) == 0)
            e->message = xstrdup(l + 8);
        else if (sscanf(l, "test %127s %d", name, &pts) == 2)
            for (int i = 0; i < spec.ntests; i++)
                if (strcmp(spec.tests[i].name, name) == 0)
                    e->points[i] = pts;
        l = nl ? nl + 1 : NULL;
    }
    free(s);
    return e->status ? 0 : -1;
}

/*
 * Grade every submission in opt.batch (each subdirectory, and each .tar.gz,
 * .tgz or .tar file) into one CSV: opt.jobs submissions at once, each in a
 * worker process that grades it as a single run would, its report in
 * OUT/NAME.txt and its results.json in OUT/NAME.json.
 */
static int
run_batch(void)
{
    double t0 = now();
    if (opt.csv == NULL)
        die("--batch needs --csv FILE");
    if (opt.submission)
        die("--batch and --submission do not go together");
    /* The specification once here: its errors stop the batch, and its
       tests name the CSV's columns. The workers parse it again. */
    defval("TOKEN", "0");
    lab_values(0);
    parse_spec(&spec, opt.spec_file);
    char *ref_makefile = xasprintf("%s/Makefile", opt.ref);
    if (access(ref_makefile, R_OK) < 0)
        die("%s: not a lab tree (no Makefile)", opt.ref);
    free(ref_makefile);

    DIR *d = opendir(opt.batch);
    if (d == NULL)
        die("%s: %s", opt.batch, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.') {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrdup(de->d_name);
        }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);

    const char *outroot = opt.out_given ? opt.outroot : xasprintf("%s/batch", opt.outroot);
    mkdir_p(outroot);
    struct entry *es = xmalloc((n ? n : 1) * sizeof *es);
    int ngrade = 0;
    for (size_t i = 0; i < n; i++) {
        struct entry *e = &es[i];
        memset(e, 0, sizeof *e);
        e->path = xasprintf("%s/%s", opt.batch, names[i]);
        e->points = xmalloc((size_t)spec.ntests * sizeof *e->points);
        for (int k = 0; k < spec.ntests; k++)
            e->points[k] = -1;
        char *base = xstrdup(names[i]);
        size_t len = strlen(base);
        struct stat st;
        if (lstat(e->path, &st) < 0)
            die("%s: %s", e->path, strerror(errno));
        if (S_ISREG(st.st_mode) && is_archive(base))
            base[len - (len > 7 && strcmp(base + len - 7, ".tar.gz") == 0 ? 7 : 4)] = '\0';
        else if (!S_ISDIR(st.st_mode)) {
            e->status = xstrdup("skipped");
            e->message = xstrdup(S_ISLNK(st.st_mode) ? "a symbolic link"
                                 : "not a directory or a .tar.gz archive");
        }
        e->name = safe_name(base);
        for (size_t k = 0, dup = 1; k < i; k++)       /* names must differ */
            if (strcmp(es[k].name, e->name) == 0) {
                char *s = xasprintf("%s-%zu", base, ++dup);
                free(e->name);
                e->name = safe_name(s);
                free(s);
                k = (size_t)-1;
            }
        free(base);
        ngrade += e->status == NULL;
    }
    /* Workers: each grades one submission with its share of the cores. */
    int at_once = opt.parallel ? opt.parallel : opt.jobs_given ? 1 : opt.jobs;
    if (at_once > ngrade)
        at_once = ngrade > 0 ? ngrade : 1;
    int inner = opt.jobs_given ? opt.jobs : opt.jobs / at_once > 0 ? opt.jobs / at_once : 1;
    printf("grade: %d submission%s in %s, %d at once, each running %d test%s at once; "
           "reports in %s\n", ngrade, ngrade == 1 ? "" : "s", opt.batch, at_once, inner,
           inner == 1 ? "" : "s", outroot);
    fflush(stdout);
    pid_t *pids = calloc(n ? n : 1, sizeof *pids);     /* 0: not started */
    if (pids == NULL)
        die("out of memory");
    size_t next = 0;
    int running = 0, finished = 0, errors = 0;
    while (next < n || running > 0) {
        while (next < n && running < at_once) {
            size_t i = next++;
            struct entry *e = &es[i];
            if (e->status)
                continue;
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0)
                die("fork: %s", strerror(errno));
            if (pid == 0) {
                for (int k = 0; k < MAX_TESTS; k++)
                    worker_pids[k] = 0;
                char *report = xasprintf("%s/%s.txt", outroot, e->name);
                int fd = open_log(report);
                if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                    _exit(2);
                close(fd);
                nvalues = 0;
                memset(&spec, 0, sizeof spec);
                opt.batch = NULL;
                opt.submission = e->path;
                opt.name = e->name;
                opt.outroot = outroot;
                opt.jobs = inner;
                opt.json = xasprintf("%s/%s.json", outroot, e->name);
                opt.result = xasprintf("%s/%s/result", outroot, e->name);
                int rc = grade_run();
                fflush(stdout);
                _exit(rc);
            }
            pids[i] = pid;
            for (int k = 0; k < MAX_TESTS; k++)
                if (worker_pids[k] == 0) {
                    worker_pids[k] = pid;
                    break;
                }
            running++;
        }
        if (running == 0)
            continue;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid: %s", strerror(errno));
        }
        for (int k = 0; k < MAX_TESTS; k++)
            if (worker_pids[k] == pid)
                worker_pids[k] = 0;
        for (size_t i = 0; i < n; i++) {
            if (pids[i] != pid)
                continue;
            struct entry *e = &es[i];
            running--;
            char *result = xasprintf("%s/%s/result", outroot, e->name);
            if (read_result(e, result) < 0) {
                /* The worker died: its report's last line says why. */
                char *report = xasprintf("%s/%s.txt", outroot, e->name);
                size_t len;
                char *s = read_file(report, &len);
                while (s && len > 0 && s[len - 1] == '\n')
                    s[--len] = '\0';
                char *last = s ? strrchr(s, '\n') : NULL;
                e->status = xstrdup("error");
                e->message = printable(last ? last + 1 : s ? s : "no report", 300);
                e->score = 0;
                errors++;
                free(s);
                free(report);
            }
            printf("[%d/%d] %s: %d/%d (%s%s%s)\n", ++finished, ngrade, e->name, e->score,
                   e->max ? e->max : spec.total, e->status, *e->message ? ": " : "", e->message);
            fflush(stdout);
            free(result);
        }
    }

    FILE *f = fopen(opt.csv, "w");
    if (f == NULL)
        die("%s: %s", opt.csv, strerror(errno));
    csv_field(f, "submission", 0);
    csv_field(f, "score", 0);
    csv_field(f, "max_score", 0);
    csv_field(f, "status", 0);
    for (int k = 0; k < spec.ntests; k++)
        csv_field(f, spec.tests[k].name, 0);
    csv_field(f, "seconds", 0);
    csv_field(f, "message", 1);
    int max = 0;
    for (int k = 0; k < spec.ntests; k++)
        max += spec.tests[k].points;
    for (size_t i = 0; i < n; i++) {
        struct entry *e = &es[i];
        char num[64];
        csv_field(f, e->name, 0);
        snprintf(num, sizeof num, "%d", e->score);
        csv_field(f, num, 0);
        snprintf(num, sizeof num, "%d", e->max ? e->max : max);
        csv_field(f, num, 0);
        csv_field(f, e->status, 0);
        for (int k = 0; k < spec.ntests; k++) {
            snprintf(num, sizeof num, "%d", e->points[k]);
            csv_field(f, e->points[k] >= 0 ? num : "", 0);
        }
        snprintf(num, sizeof num, "%.1f", e->secs);
        csv_field(f, num, 0);
        csv_field(f, e->message ? e->message : "", 1);
    }
    if (fclose(f) != 0)
        die("%s: %s", opt.csv, strerror(errno));
    printf("grade: %zu row%s in %s, %.1fs\n", n, n == 1 ? "" : "s", opt.csv, now() - t0);
    return errors ? 2 : 0;
}

int
main(int argc, char **argv)
{
    parse_args(argc, argv);

    /* The grader's own make runs must not see the caller's make or APPS. */
    static const char *const unset[] = { "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                                         "GNUMAKEFLAGS", "MAKEFILES", "APPS", "O", "KTESTS" };
    for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
        unsetenv(unset[i]);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    return opt.batch ? run_batch() : grade_run();
}
