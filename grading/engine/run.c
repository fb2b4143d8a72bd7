/*
 * run.c: one grading run. Its directory (OUT/runs/NAME, or a batch
 * worker's OUT/NAME/run) is the grader's: logs and reports, and
 *
 *   progs/tree   the reference tree without its editable files, with the
 *                lab's test programs (hidden ones too), compiled by the
 *                grader with each test's own token and seed: never seen
 *                by a submission's build
 *
 * The steps' files are in the run's box: RUN/box, or, when the grader is
 * root, a directory of /tmp that goes with the run (so that the steps'
 * uids reach it wherever OUT is):
 *
 *   BOX/tree     the reference tree without its editable files, with the
 *                submission's: the kernel build, sandboxed, sees this alone
 *                and writes only BOX/tree/out
 *   BOX/t-TEST   one test's own files: the build's kernel objects, the
 *                test's programs, its in-kernel tests or host files; its
 *                link, its QEMU or its command see this and BOX/tree, and
 *                nothing of another test
 *
 * Every log is read by the grader only after the step's processes are
 * gone; reports and results are written by the grader alone.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

struct options opt;
struct spec spec;
char *rundir;
unsigned long long seed;
char *sub_error;
char *build_error;
struct buf build_tail;
struct buf notes;

static char *box, *tree;        /* absolute */

void
note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    buf_printf(&notes, "%s\n", s);
    free(s);
}

/* The last n lines of a file, each prefixed with "    | ", into b. */
void
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

const char *
how_text(struct outcome o, const char *what, double timeout, long long mem, char *buf, size_t n)
{
    switch (o.how) {
    case H_TIMEOUT: snprintf(buf, n, "timeout after %gs", timeout); break;
    case H_FLOOD:   snprintf(buf, n, "output flood: more than %zu bytes", opt.cap); break;
    case H_MEMORY:  snprintf(buf, n, "%s exceeded its memory limit (%lld MiB)", what, mem >> 20); break;
    case H_SIGNAL:  snprintf(buf, n, "%s killed by signal %d", what, o.code); break;
    case H_EXIT:    snprintf(buf, n, "%s exited with status %d", what, o.code); break;
    default:        snprintf(buf, n, "%s could not be run", what); break;
    }
    return buf;
}

/* name made a plain file name, safe in make and .incbin: [A-Za-z0-9._-]. */
char *
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

/*
 * Define the values of a seed and a token: TOKEN, SEED, and those the
 * lab's values programs print (run with logs in logdir).
 */
void
define_values(unsigned long long s, const char *tok, const char *logdir)
{
    reset_values();
    defval("TOKEN", "%s", tok);
    defval("SEED", "0x%016llx", s);
    for (int i = 0; i < opt.nvalues_bins; i++)
        lab_values(opt.values_bins[i], s, tok, logdir);
}

/* A fresh random token: 32 hex characters. */
static void
new_token(char out[33])
{
    unsigned char rnd[16];
    random_bytes(rnd, sizeof rnd);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", rnd[i]);
}

/* splitmix64: test i's seed from the run's. */
static unsigned long long
test_seed(unsigned long long s, int i)
{
    unsigned long long z = s + 0x9E3779B97F4A7C15ULL * (unsigned long long)(i + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/*
 * Each test's own token, seed and values: its checks compiled with them,
 * its programs' flags (cflags) expanded with them. Nothing of one test
 * helps forge another's lines.
 */
static void
prepare_values(void)
{
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        if (!t->selected)
            continue;
        if (opt.progs_cache) {          /* a batch's: the same for all its submissions */
            unsigned long long a = test_seed(opt.token_key[0], i), b = test_seed(opt.token_key[1], i);
            snprintf(t->token, sizeof t->token, "%016llx%016llx", a, b);
        } else {
            new_token(t->token);
        }
        t->seed = test_seed(seed, i);
        define_values(t->seed, t->token, rundir);
        compile_checks(t);
        const char *raw = t->cflags_raw ? t->cflags_raw : spec.cflags_raw;
        int line = t->cflags_raw ? t->cflags_line : spec.cflags_line;
        t->cflags = expand(raw ? raw : "-DGRADE_TOKEN='\"${TOKEN}\"' -DGRADE_SEED=${SEED}ULL", line);
    }
}

/* ------------------------------------------------------------------------ */
/* The test programs: the grader's own build                                 */

/* The selected tests' programs, each once, as make targets under out/user. */
static char **
program_targets(int *n)
{
    char **v = NULL;
    *n = 0;
    for (int i = 0; i < spec.ntests; i++)
        for (int k = 0; spec.tests[i].selected && k < spec.tests[i].nprogs; k++) {
            char *t = xasprintf("out/user/%s.elf", spec.tests[i].progs[k]);
            int dup = 0;
            for (int j = 0; j < *n && !dup; j++)
                dup = strcmp(v[j], t) == 0;
            if (dup) {
                free(t);
                continue;
            }
            v = xrealloc(v, (size_t)(*n + 1) * sizeof *v);
            v[(*n)++] = t;
        }
    return v;
}

/* The key of a programs build: the flags file and every file of the tree (path and bytes). */
static unsigned long long fnv(unsigned long long h, const char *p, size_t n);
struct hash_state { unsigned long long h; };

static void
hash_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    struct hash_state *hs = arg;
    if (!S_ISREG(st->st_mode))
        return;
    char *path = xasprintf("%s/%s", root, rel);
    size_t len;
    char *data = read_file(path, &len);
    /* walk_all's order is readdir's: sum the files' hashes, not chain them */
    unsigned long long h = fnv(0xcbf29ce484222325ULL, rel, strlen(rel) + 1);
    hs->h += data ? fnv(h, data, len) : h;
    free(data);
    free(path);
}

static unsigned long long
progs_key(const char *ptree, const char *mk, char **targets, int nt)
{
    struct hash_state hs = { 0 };
    walk_all(ptree, hash_visit, &hs);
    size_t len;
    char *text = read_file(mk, &len);
    unsigned long long h = fnv(hs.h, text ? text : "", text ? len : 0);
    free(text);
    for (int i = 0; i < nt; i++)
        h = fnv(h, targets[i], strlen(targets[i]) + 1);
    return h;
}

/* Copy the programs between a batch's kept build (entry: one file per program) and
   ptree's out/user: into entry if keep, else out of it (0; -1 if entry is not done). */
static int
progs_copy(const char *entry, const char *ptree, char **targets, int nt, int keep)
{
    char *done = xasprintf("%s/done", entry);
    if (!keep && access(done, F_OK) < 0) {
        free(done);
        return -1;
    }
    char *user = xasprintf("%s/out/user", ptree);
    mkdir_p(keep ? entry : user);
    free(user);
    for (int i = 0; i < nt; i++) {
        char *kept = xasprintf("%s/%s", entry, strrchr(targets[i], '/') + 1);
        char *built = xasprintf("%s/%s", ptree, targets[i]);
        const char *src = keep ? built : kept, *dst = keep ? kept : built;
        if (copy_file(src, dst, 0) < 0)
            die("cannot copy %s: %s", src, strerror(errno));
        free(kept);
        free(built);
    }
    if (keep) {
        int fd = open(done, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            die("%s: %s", done, strerror(errno));
        close(fd);
    }
    free(done);
    return 0;
}

/*
 * Build the test programs in progs/tree: the reference without its
 * editable files, the lab's test programs (progs/, .c and .h) in user/. Trusted code
 * only; 0, or -1 (see progs.log).
 */
static int
build_programs(void)
{
    char *dir = xasprintf("%s/progs", rundir), *ptree = xasprintf("%s/tree", dir);
    copy_tree(opt.ref, ptree, (const char *const *)spec.editable, spec.neditable);
    /* ../common: what every lab's programs share (seedcore.h). */
    static const char *const from[] = { "../common", "progs", "hidden" };
    char *user = xasprintf("%s/user", ptree);
    for (int k = 0; k < 3; k++) {
        char *progs = xasprintf("%s/%s", spec.dir, from[k]);
        copy_dir_files(progs, user, ".c .h", 1);
        free(progs);
    }
    free(user);
    /* Each test's programs get the test's flags (its own token and seed). */
    char *mk = xasprintf("%s/progs.mk", dir);
    FILE *f = fopen(mk, "w");
    if (f == NULL)
        die("%s: %s", mk, strerror(errno));
    fprintf(f, "# progs.mk: written by grade for this run: each test program's flags.\n");
    for (int i = 0; i < spec.ntests; i++)
        for (int k = 0; spec.tests[i].selected && k < spec.tests[i].nprogs; k++)
            fprintf(f, "out/user/%s.o: UCFLAGS += %s\n", spec.tests[i].progs[k], spec.tests[i].cflags);
    if (fclose(f) != 0)
        die("%s: %s", mk, strerror(errno));
    int nt;
    char **targets = program_targets(&nt);
    /* In a batch: built once (the first submission's run; the others wait
       for it), under a key of everything the build reads. */
    char *entry = NULL;
    int lock = -1, taken = 0;
    if (opt.progs_cache && nt) {
        unsigned long long key = progs_key(ptree, mk, targets, nt);
        mkdir_p(opt.progs_cache);
        entry = xasprintf("%s/%016llx", opt.progs_cache, key);
        char *lockf = xasprintf("%s.lock", entry);
        lock = open(lockf, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (lock < 0 || flock(lock, LOCK_EX) < 0)
            die("%s: %s", lockf, strerror(errno));
        free(lockf);
        if (progs_copy(entry, ptree, targets, nt, 0) == 0) {
            char *log = xasprintf("%s/progs.log", rundir);
            int fd = open_log(log);
            dprintf(fd, "grade: the test programs of this batch, built once (%s)\n", entry);
            close(fd);
            free(log);
            taken = 1;
        }
    }
    struct outcome o = { .how = H_EXIT };
    if (nt && !taken) {
        char jobs[32];
        snprintf(jobs, sizeof jobs, "-j%d", opt.jobs);
        char *argv[] = { "make", "-s", "--no-print-directory", "-f", "Makefile", "-f", mk, jobs, "O=out", NULL };
        char **all = xmalloc((size_t)(10 + nt) * sizeof *all);
        int n = 0;
        for (; argv[n]; n++)
            all[n] = argv[n];
        for (int i = 0; i < nt; i++)
            all[n++] = targets[i];
        all[n] = NULL;
        char *log = xasprintf("%s/progs.log", rundir);
        int fd = open_log(log);
        o = run_trusted(all, ptree, NULL, fd, opt.build_timeout, 16 << 20);
        close(fd);
        if (entry && o.how == H_EXIT && o.code == 0)
            progs_copy(entry, ptree, targets, nt, 1);
        free(all);
        free(log);
    }
    if (lock >= 0)
        close(lock);
    free(entry);
    for (int i = 0; i < nt; i++)
        free(targets[i]);
    free(targets);
    free(mk);
    free(ptree);
    free(dir);
    return o.how == H_EXIT && o.code == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* The submission's build                                                    */

/* Build the tree (the spec's build arguments, else all), sandboxed: writes BOX/tree/out. */
static void
build_tree(void)
{
    char *out = xasprintf("%s/out", tree);
    mkdir_p(out);
    char jobs[32];
    snprintf(jobs, sizeof jobs, "-j%d", opt.jobs);
    char **argv = xmalloc((size_t)(8 + spec.nmakeargs + spec.nbuild) * sizeof *argv);
    int n = 0;
    argv[n++] = "make";
    argv[n++] = "-s";
    argv[n++] = "--no-print-directory";
    argv[n++] = jobs;
    argv[n++] = "O=out";
    for (int i = 0; i < spec.nmakeargs; i++)
        argv[n++] = spec.makeargs[i];
    for (int i = 0; i < spec.nbuild; i++)
        argv[n++] = spec.build[i];
    if (spec.nbuild == 0)
        argv[n++] = "all";
    argv[n] = NULL;
    struct step s = { argv, NULL, NULL,
                      { { tree, "/grade/tree", 0 }, { out, "/grade/tree/out", 1 } }, 2,
                      opt.build_timeout, 16 << 20, opt.build_mem, 0, NULL };
    char cwd[4096];
    s.cwd = step_path(&s, 0, NULL, cwd, sizeof cwd);
    char *log = xasprintf("%s/build.log", rundir);
    int fd = open_log(log);
    struct outcome o = run_step(&s, fd);
    close(fd);
    sandbox_own(out, 1);
    if (o.how != H_EXIT || o.code != 0) {
        char why[128];
        build_error = xasprintf("build failed (%s); see build.log",
                                how_text(o, "the build", opt.build_timeout, opt.build_mem,
                                         why, sizeof why));
        add_tail(&build_tail, log, 15);
    }
    free(log);
    free(out);
    free(argv);
}

/*
 * The build cache. A successful build of the reference's own editable
 * files leaves its objects (out/kernel/) under OUTROOT/.cache/KEY, beside
 * copies of the files it was built from and a header naming the reference
 * (its path and the newest mtime in it) and the build's arguments. A later
 * run whose header and editable files are the same, compared byte for
 * byte (KEY, a hash, only finds the entry), takes those objects instead of
 * building: identical sources compile to identical objects, so what a
 * submission is graded on does not change. The grader writes the cache
 * after the sandboxed build, which never sees it. Only the reference's
 * files are kept (one entry per reference and build), so a batch of
 * distinct submissions does not fill the disk; graders and tests grade
 * the reference again and again, and copies of it in every disguise.
 */
static void copy_objects(const char *from, const char *to);
static char *cache_header;      /* this run's header, or NULL: no caching */
static char *cache_dir;         /* OUTROOT/.cache/KEY */

static void
newest_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    (void)root;
    (void)rel;
    long long *newest = arg, t = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    if (t > *newest)
        *newest = t;
}

static unsigned long long
fnv(unsigned long long h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* This run's header and entry; 0 if the cache holds its build (objects in tree/out/kernel). */
static int
cache_lookup(void)
{
    long long newest = 0;
    walk_tree(opt.ref, "", newest_visit, &newest);
    char *ref = absolute(opt.ref);
    struct buf h = { 0 };
    buf_printf(&h, "ref %s\nnewest %lld\n", ref, newest);
    free(ref);
    for (int i = 0; i < spec.nmakeargs; i++)
        buf_printf(&h, "makearg %s\n", spec.makeargs[i]);
    for (int i = 0; i < spec.nbuild; i++)
        buf_printf(&h, "build %s\n", spec.build[i]);
    unsigned long long key = fnv(0xcbf29ce484222325ULL, buf_str(&h), strlen(buf_str(&h)));
    for (int i = 0; i < spec.neditable; i++) {
        size_t n;
        char *f = xasprintf("%s/%s", tree, spec.editable[i]), *data = read_file(f, &n);
        if (data)
            key = fnv(key, data, n);
        free(f);
        free(data);
    }
    cache_header = xstrdup(buf_str(&h));
    free(h.s);
    cache_dir = xasprintf("%s/.cache/%016llx", opt.outroot, key);
    char *hf = xasprintf("%s/header", cache_dir);
    size_t n;
    char *saved = read_file(hf, &n);
    int hit = saved && n == strlen(cache_header) && memcmp(saved, cache_header, n) == 0;
    free(saved);
    free(hf);
    for (int i = 0; hit && i < spec.neditable; i++) {
        char *a = xasprintf("%s/inputs/%d", cache_dir, i), *b = xasprintf("%s/%s", tree, spec.editable[i]);
        hit = same_file(a, b);
        free(a);
        free(b);
    }
    if (!hit)
        return -1;
    /* Fresh mtimes: newer than the tree's sources, so the tests' links use them. */
    char *from = xasprintf("%s/kernel", cache_dir), *to = xasprintf("%s/out/kernel", tree);
    mkdir_p(to);
    DIR *d = opendir(from);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *s2 = xasprintf("%s/%s", from, e->d_name), *t2 = xasprintf("%s/%s", to, e->d_name);
        struct stat st;
        if (e->d_name[0] != '.' && lstat(s2, &st) == 0 && S_ISREG(st.st_mode) && copy_file(s2, t2, 0) < 0)
            die("cannot copy %s: %s", s2, strerror(errno));
        free(s2);
        free(t2);
    }
    if (d)
        closedir(d);
    free(from);
    free(to);
    return 0;
}

/* After a successful build of the reference's own files: keep its objects. */
static void
cache_store(void)
{
    for (int i = 0; i < spec.neditable; i++) {
        char *a = xasprintf("%s/%s", opt.ref, spec.editable[i]), *b = xasprintf("%s/%s", tree, spec.editable[i]);
        int same = same_file(a, b);
        free(a);
        free(b);
        if (!same)
            return;
    }
    char *tmp = xasprintf("%s.tmp%d", cache_dir, (int)getpid());
    char *inputs = xasprintf("%s/inputs", tmp), *kernel = xasprintf("%s/kernel", tmp);
    remove_tree(tmp);
    mkdir_p(inputs);
    for (int i = 0; i < spec.neditable; i++) {
        char *a = xasprintf("%s/%s", tree, spec.editable[i]), *b = xasprintf("%s/%d", inputs, i);
        if (copy_file(a, b, 0) < 0)
            die("cannot copy %s: %s", a, strerror(errno));
        free(a);
        free(b);
    }
    char *objs = xasprintf("%s/out/kernel", tree);
    copy_objects(objs, kernel);
    char *hf = xasprintf("%s/header", tmp);
    int fd = open(hf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write_all(fd, cache_header, strlen(cache_header)) < 0 || close(fd) < 0)
        die("%s: %s", hf, strerror(errno));
    if (rename(tmp, cache_dir) < 0)         /* another run kept it first: keep theirs */
        remove_tree(tmp);
    free(hf);
    free(objs);
    free(inputs);
    free(kernel);
    free(tmp);
}

/* Copy the regular files of directory from into to (mtimes kept); skip apps.*. */
static void
copy_objects(const char *from, const char *to)
{
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
        if (lstat(s, &st) == 0 && S_ISREG(st.st_mode) && copy_file(s, t, 1) < 0)
            die("cannot copy %s: %s", s, strerror(errno));
        free(s);
        free(t);
    }
    closedir(d);
}

/*
 * Copy a host test's files (paths relative to the spec's directory) into
 * dir/files/spec/PATH, so that $GRADE_SPECDIR/PATH names them.
 */
static void
copy_host_files(struct test *t, const char *dir)
{
    for (int k = 0; k < t->nfiles; k++) {
        int depth = 0;
        for (const char *p = t->files[k]; *p; ) {
            size_t n = strcspn(p, "/");
            depth += n == 2 && strncmp(p, "..", 2) == 0 ? -1 : n == 1 && *p == '.' ? 0 : 1;
            if (depth < -1)
                die("%s: files %s: goes above the lab's grading directory", spec.path, t->files[k]);
            p += n + (p[n] == '/');
        }
        char *src = xasprintf("%s/%s", spec.dir, t->files[k]);
        char *dst = xasprintf("%s/files/spec/%s", dir, t->files[k]);
        char *parent = xstrdup(dst);
        *strrchr(parent, '/') = '\0';
        mkdir_p(parent);                        /* files/spec on the way */
        if (copy_file(src, dst, 0) < 0)
            die("cannot copy %s: %s", src, strerror(errno));
        free(src);
        free(dst);
        free(parent);
    }
}

/* The selected host tests' tools, built (or found built): cached_compile. */
static void
build_tools(void)
{
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        for (int k = 0; t->selected && k < t->ntools; k++) {
            struct tool *tl = &t->tools[k];
            /* Headers it may include: its sources' directories' (cached_compile's
               own) and the ones above them, the lab's and every lab's. */
            char **hdirs = xmalloc((size_t)(tl->nsrcs + 2) * sizeof *hdirs);
            for (int j = 0; j < tl->nsrcs; j++)     /* srcs are absolute */
                hdirs[j] = xasprintf("%.*s/..", (int)(strrchr(tl->srcs[j], '/') - tl->srcs[j]),
                                     tl->srcs[j]);
            hdirs[tl->nsrcs] = xstrdup(spec.dir);
            hdirs[tl->nsrcs + 1] = xasprintf("%s/../common", spec.dir);
            char *what = xasprintf("%s: test %s's tool %s", spec.path, t->name, tl->name);
            tl->bin = cached_compile(tl->name, tl->flags, tl->nflags, tl->srcs, tl->nsrcs,
                                     hdirs, tl->nsrcs + 2, what);
            free(what);
            for (int j = 0; j < tl->nsrcs + 2; j++)
                free(hdirs[j]);
            free(hdirs);
        }
    }
}

/* Make BOX/t-NAME: what test t's steps see beside the tree. */
static void
prepare_test(struct test *t)
{
    char *dir = xasprintf("%s/t-%s", box, t->name);
    mkdir_p(dir);
    if (t->kind != K_HOST) {
        char *from = xasprintf("%s/out/kernel", tree), *to = xasprintf("%s/out/kernel", dir);
        copy_objects(from, to);
        free(from);
        free(to);
        char *apps = xasprintf("%s/apps", dir), *kt = xasprintf("%s/ktests", dir);
        mkdir_p(apps);
        mkdir_p(kt);
        for (int k = 0; k < t->nprogs; k++) {
            char *src = xasprintf("%s/progs/tree/out/user/%s.elf", rundir, t->progs[k]);
            char *dst = xasprintf("%s/%s.elf", apps, t->progs[k]);
            if (copy_file(src, dst, 0) < 0)
                die("cannot copy %s: %s", src, strerror(errno));
            free(src);
            free(dst);
        }
        /* The in-kernel tests' headers: the lab's shared ones (progs, .h)
           and every lab's (../common). */
        if (t->nktests) {
            char *h = xasprintf("%s/progs", dir);
            char *from = xasprintf("%s/progs", spec.dir), *common = xasprintf("%s/../common", spec.dir);
            copy_dir_files(common, h, ".h", 0);
            copy_dir_files(from, h, ".h", 0);
            free(common);
            free(from);
            free(h);
        }
        for (int k = 0; k < t->nktests; k++) {
            char *src = source_path(&spec, "ktests", t->ktests[k]);
            char *dst = xasprintf("%s/%s.c", kt, t->ktests[k]);
            char *hsrc = xasprintf("%s/hidden/%s.c", spec.dir, t->ktests[k]);
            if (strcmp(src, hsrc) == 0) {       /* a hidden one: its headers beside it */
                char *from = xasprintf("%s/hidden", spec.dir);
                copy_dir_files(from, kt, ".h", 0);
                free(from);
            }
            free(hsrc);
            if (copy_file(src, dst, 0) < 0)
                die("cannot copy %s: %s", src, strerror(errno));
            free(src);
            free(dst);
        }
        free(apps);
        free(kt);
    } else {
        copy_host_files(t, dir);
        char *out = xasprintf("%s/out", dir);
        mkdir_p(out);
        free(out);
        if (t->ntools) {
            char *tools = xasprintf("%s/tools", dir);
            mkdir_p(tools);
            for (int k = 0; k < t->ntools; k++) {
                char *dst = xasprintf("%s/%s", tools, t->tools[k].name);
                if (copy_file(t->tools[k].bin, dst, 0) < 0)
                    die("cannot copy %s: %s", t->tools[k].bin, strerror(errno));
                free(dst);
            }
            free(tools);
        }
    }
    sandbox_own(dir, 0);
    free(dir);
}

/* What a worker sends back. */
struct wresult {
    int stage;                  /* 0: link failed, 1: ran */
    struct outcome o;
    char hang[400];             /* a timeout: where the kernel was (hang.c), or "" */
    char trap[256];             /* a kernel trap's panic: where (hang.c), or "" */
};

/* Bytes of address space QEMU needs with mem of guest RAM ("128M", "1G"). */
static long long
qemu_limit(const char *mem)
{
    char *end;
    long long v = strtoll(mem, &end, 10);
    long long unit = *end == 'G' || *end == 'g' ? 1LL << 30 : *end == 'K' || *end == 'k' ? 1LL << 10
                   : 1LL << 20;
    /* its translation buffer (1 GiB) and its own needs, beside the RAM */
    return v * unit + (3LL << 29);
}

/* Run one test (in a worker process): link its kernel and boot it, or run its command. */
static struct wresult
run_test(struct test *t)
{
    struct wresult w = { 1, { .how = H_ERROR }, "", "" };
    char *dir = xasprintf("%s/t-%s", box, t->name);
    int fd = open_log(t->log);
    char p1[4096], p2[4096];
    if (t->kind != K_HOST) {
        /* A kernel with exactly the test's programs, or its kernel tests,
           linked from the objects the tree's build made. */
        struct step s = { NULL, NULL, NULL,
                          { { tree, "/grade/tree", 0 }, { dir, "/grade/test", 1 } }, 2,
                          opt.build_timeout, 16 << 20, opt.build_mem, 0, NULL };
        struct buf apps = { 0 }, kt = { 0 };
        for (int k = 0; k < t->nprogs; k++) {
            char rel[300];
            snprintf(rel, sizeof rel, "apps/%s.elf", t->progs[k]);
            buf_printf(&apps, "%s%s", k ? " " : "", step_path(&s, 1, rel, p1, sizeof p1));
        }
        for (int k = 0; k < t->nktests; k++) {
            char rel[300];
            snprintf(rel, sizeof rel, "ktests/%s.c", t->ktests[k]);
            buf_printf(&kt, "%s%s", k ? " " : "", step_path(&s, 1, rel, p1, sizeof p1));
        }
        char *oarg = xasprintf("O=%s", step_path(&s, 1, "out", p1, sizeof p1));
        char *target = xasprintf("%s/kernel.elf", step_path(&s, 1, "out", p1, sizeof p1));
        char *aarg = xasprintf("APPS=%s", buf_str(&apps)), *karg = xasprintf("KTESTS=%s", buf_str(&kt));
        char *farg = xasprintf("KTESTFLAGS=%s", t->cflags);
        char **argv = xmalloc((size_t)(10 + spec.nmakeargs + t->nmakeargs) * sizeof *argv);
        int n = 0;
        argv[n++] = "make";
        argv[n++] = "-s";
        argv[n++] = "--no-print-directory";
        argv[n++] = oarg;
        argv[n++] = aarg;
        argv[n++] = karg;
        argv[n++] = farg;
        for (int i = 0; i < spec.nmakeargs; i++)
            argv[n++] = spec.makeargs[i];
        for (int i = 0; i < t->nmakeargs; i++)
            argv[n++] = t->makeargs[i];
        argv[n++] = target;
        argv[n] = NULL;
        s.argv = argv;
        s.cwd = step_path(&s, 0, NULL, p2, sizeof p2);
        char *blog = xasprintf("%s/%s.build.log", rundir, t->name);
        int bfd = open_log(blog);
        struct outcome o = run_step(&s, bfd);
        close(bfd);
        if (o.how != H_EXIT || o.code != 0) {
            w.stage = 0;
            w.o = o;
        } else {
            /* QEMU sees the test's directory alone. */
            /* Its monitor on FIFOs beside it: on a timeout, the grader
               asks where the hart was (hang.c). */
            char *mon = xasprintf("%s/monitor", dir);
            struct step q = { NULL, NULL, NULL, { { dir, "/grade/test", 1 } }, 1,
                              t->timeout, opt.cap, qemu_limit(t->memory), 0,
                              monitor_make(mon) == 0 ? mon : NULL };
            char *kernel = xstrdup(step_path(&q, 0, "out/kernel.elf", p1, sizeof p1));
            char *chardev = xasprintf("pipe,id=mon,path=%s", step_path(&q, 0, "monitor", p1, sizeof p1));
            char shift[32];
            snprintf(shift, sizeof shift, "shift=%d", t->icount);
            char *qargv[20] = { (char *)opt.qemu, "-machine", "virt", "-nographic", "-bios", "default",
                                "-smp", "1", "-m", t->memory, "-no-reboot", "-kernel", kernel };
            int qn = 13;
            if (t->icount >= 0) {
                qargv[qn++] = "-icount";
                qargv[qn++] = shift;
            }
            if (q.monitor) {
                qargv[qn++] = "-chardev";
                qargv[qn++] = chardev;
                qargv[qn++] = "-mon";
                qargv[qn++] = "chardev=mon,mode=readline";
            }
            q.argv = qargv;
            q.cwd = step_path(&q, 0, NULL, p2, sizeof p2);
            w.o = run_step(&q, fd);
            w.o.secs += o.secs;
            char *elf = xasprintf("%s/out/kernel.elf", dir);
            char *where = hang_text(&spec, elf, w.o);
            if (where)
                snprintf(w.hang, sizeof w.hang, "%s", where);
            free(where);
            char *trap = trap_text(&spec, elf, t->log);
            if (trap)
                snprintf(w.trap, sizeof w.trap, "%s", trap);
            free(trap);
            free(elf);
            free(chardev);
            free(mon);
            free(kernel);
        }
        free(apps.s);
        free(kt.s);
        free(oarg);
        free(aarg);
        free(karg);
        free(farg);
        free(target);
        free(blog);
        free(argv);
    } else {
        const char *hostcc = getenv("HOSTCC");
        struct step s = { NULL, NULL, NULL,
                          { { tree, "/grade/tree", 0 }, { dir, "/grade/test", 1 } }, 2,
                          t->timeout, opt.cap, 0, opt.host_mem, NULL };
        char *env[] = { xasprintf("GRADE_TREE=%s", step_path(&s, 0, NULL, p1, sizeof p1)),
                        xasprintf("GRADE_SPECDIR=%s", step_path(&s, 1, "files/spec", p1, sizeof p1)),
                        xasprintf("GRADE_OUT=%s", step_path(&s, 1, "out", p1, sizeof p1)),
                        xasprintf("GRADE_TOOLS=%s", step_path(&s, 1, "tools", p1, sizeof p1)),
                        xasprintf("HOSTCC=%s", hostcc && *hostcc ? hostcc : "cc"), NULL };
        char *argv[] = { "/bin/sh", "-c", t->run, NULL };
        s.argv = argv;
        s.env = env;
        s.cwd = step_path(&s, 0, NULL, p2, sizeof p2);
        w.o = run_step(&s, fd);
        for (int i = 0; env[i]; i++)
            free(env[i]);
    }
    close(fd);
    free(dir);
    return w;
}

/* ------------------------------------------------------------------------ */
/* The run                                                                   */

/* The paths a sandboxed step must never read (checked with user isolation). */
static void
check_private(void)
{
    const char *paths[MAX_TESTS + 8];
    int n = 0;
    paths[n++] = spec.path;
    paths[n++] = spec.dir;
    for (int i = 0; i < spec.neditable && n < MAX_TESTS; i++)
        paths[n++] = xasprintf("%s/%s", opt.ref, spec.editable[i]);
    char *hidden = xasprintf("%s/hidden", spec.dir);
    if (access(hidden, F_OK) == 0)
        paths[n++] = hidden;
    for (int i = 0; i < spec.ntests && n < MAX_TESTS + 6; i++)
        for (int k = 0; spec.tests[i].hidden && k < spec.tests[i].nprogs && n < MAX_TESTS + 6; k++)
            paths[n++] = source_path(&spec, "progs", spec.tests[i].progs[k]);
    sandbox_check_private(paths, n);
}

/* Fork a process that runs fn(); its pid. */
static pid_t
start_worker(int (*fn)(void))
{
    pid_t pid = fork_worker();
    if (pid == 0)
        _exit(fn() == 0 ? 0 : 1);
    return pid;
}

/* Grade one submission (opt.submission; none: the reference). */
int
grade_run(void)
{
    double t0 = now();

    /* The run's seed (each test's is drawn from it), fresh for every run;
       the spec is read with a token of its own. */
    char tok[33];
    new_token(tok);
    random_bytes((unsigned char *)&seed, sizeof seed);
    if (opt.have_seed)
        seed = opt.seed;

    char *name = run_name();
    rundir = opt.rundir ? xstrdup(opt.rundir) : xasprintf("%s/runs/%s", opt.outroot, name);
    remove_tree(rundir);
    mkdir_p(rundir);
    if (chmod(rundir, 0700) < 0)
        die("%s: %s", rundir, strerror(errno));
    char *rel = rundir;
    rundir = absolute(rel);
    free(rel);
    define_values(seed, tok, rundir);
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
    char *ref_makefile = xasprintf("%s/Makefile", opt.ref);
    if (access(ref_makefile, R_OK) < 0)
        die("%s: not a lab tree (no Makefile)", opt.ref);
    free(ref_makefile);
    check_private();
    prepare_values();
    build_tools();

    /* The box: the reference without its editable files, then the
       submission's (or, grading the reference, the reference's own). */
    box = sandbox_prepare_run(rundir);
    char *tree_rel = xasprintf("%s/tree", box);
    copy_tree(opt.ref, tree_rel, (const char *const *)spec.editable, spec.neditable);
    tree = absolute(tree_rel);
    box = absolute(box);
    char *what = printable(opt.submission ? opt.submission : "the reference solution", 300);
    printf("grade: %s, %s; seed 0x%016llx; logs in %s\n", spec.lab, what, seed, rundir);
    free(what);
    printf("grade: isolation: %s\n", sandbox_description());
    if (opt.submission) {
        overlay_submission(tree);
    } else {
        for (int i = 0; i < spec.neditable; i++) {
            char *src = xasprintf("%s/%s", opt.ref, spec.editable[i]);
            char *dst = xasprintf("%s/%s", tree, spec.editable[i]);
            if (copy_file(src, dst, 0) < 0)
                die("cannot copy %s: %s", src, strerror(errno));
            free(src);
            free(dst);
        }
    }
    fputs(buf_str(&notes), stdout);
    fflush(stdout);
    sandbox_own(tree, 1);

    /* The test programs (the grader's) and the kernel (sandboxed) at once. */
    pid_t progs = start_worker(build_programs);
    if (sub_error == NULL) {
        if (cache_lookup() == 0) {
            char *log = xasprintf("%s/build.log", rundir);
            int fd = open_log(log);
            static const char msg[] = "grade: the objects of an identical earlier build (the build cache)\n";
            write_all(fd, msg, sizeof msg - 1);
            close(fd);
            free(log);
        } else {
            build_tree();
            if (build_error == NULL)
                cache_store();
        }
    }
    int pstatus;
    while (waitpid(progs, &pstatus, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (!WIFEXITED(pstatus) || WEXITSTATUS(pstatus) != 0)
        die("the test programs do not build; see %s/progs.log", rundir);
    double t_tests = now();
    const char *global = sub_error ? sub_error : build_error;
    if (global) {
        char *g = printable(global, 1000);
        printf("%s\n%s", g, buf_str(&build_tail));
        free(g);
        fflush(stdout);
    }

    /* The tests, up to opt.jobs at once, each in a worker process. */
    int order[MAX_TESTS], nrun = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        t->log = xasprintf("%s/%s.log", rundir, t->name);
        if (t->selected && global == NULL) {
            prepare_test(t);
            order[nrun++] = i;
        }
    }
    pid_t pids[MAX_TESTS] = { 0 };
    int rfd[MAX_TESTS], next = 0, running = 0;
    struct wresult res[MAX_TESTS];
    while (next < nrun || running > 0) {
        while (next < nrun && running < opt.jobs) {
            int i = order[next++], p[2];
            if (pipe(p) < 0)
                die("pipe: %s", strerror(errno));
            pid_t pid = fork_worker();
            if (pid == 0) {
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
            /* Orphans come to the grader (a subreaper) and are reaped
               here too: a finished worker's pid may come back as one. */
            if (pids[i] != pid)
                continue;
            pids[i] = 0;
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
                        how_text(w->o, "the link", opt.build_timeout, opt.build_mem, why, sizeof why));
                add_tail(&t->detail, blog, TAIL_LINES);
            } else {
                /* A timeout or a flood says most; after a bad exit status,
                   the log (a panic line, say) says more than the status. */
                const char *what = t->kind != K_HOST ? "QEMU" : "the command";
                long long mem = t->kind != K_HOST ? qemu_limit(t->memory) : opt.host_mem;
                if (w->o.how != H_EXIT && w->hang[0])
                    problem(t, "%s: %s", how_text(w->o, what, t->timeout, mem, why, sizeof why), w->hang);
                else if (w->o.how != H_EXIT)
                    problem(t, "%s", how_text(w->o, what, t->timeout, mem, why, sizeof why));
                check_log(t);
                /* A kernel trap's panic that fails the test: where it was, first. */
                if (t->reason && w->trap[0]) {
                    char *r = xasprintf("%s; %s", w->trap, t->reason);
                    free(t->reason);
                    t->reason = r;
                    buf_printf(&t->detail, "    %s\n", w->trap);
                }
                if (w->o.how == H_EXIT && w->o.code != 0)
                    problem(t, "%s", how_text(w->o, what, t->timeout, mem, why, sizeof why));
                if (t->reason)
                    add_tail(&t->detail, t->log, TAIL_LINES);
            }
            free(blog);
        }
        t->passed = t->reason == NULL;
        printf("== Test %s ==\n", t->name);
        if (t->passed)
            printf("OK (%.2fs)\n", t->secs);
        else {
            char *r = printable(t->reason, 100);
            printf("FAIL (%s)\n%s", r, buf_str(&t->detail));
            free(r);
        }
    }
    /* A public test passed while its hidden twin failed: the instructor's to look at. */
    int nsusp = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *h = &spec.tests[i];
        for (int k = 0; h->twin && h->selected && !h->passed && k < spec.ntests; k++) {
            struct test *p = &spec.tests[k];
            if (strcmp(p->name, h->twin) != 0 || !p->selected || !p->passed)
                continue;
            p->suspicious = h->suspicious = 1;
            p->gated = !spec.twins_flag;
            nsusp++;
            printf("grade: suspicious: %s passes, but its hidden twin %s fails (%s)%s\n",
                   p->name, h->name, h->reason,
                   p->gated ? "; so neither counts (twins gate)" : "");
            problem(h, "suspicious: its public twin %s passes%s", p->name,
                    p->gated ? "; its points are not counted either" : "");
        }
    }
    /* What counts: the tests that passed, but a public test whose twin
       failed (the kernel may have forged its lines) only under twins flag. */
    for (int i = 0; i < spec.ntests; i++)
        if (spec.tests[i].selected && spec.tests[i].passed && !spec.tests[i].gated)
            score += spec.tests[i].points;
    double wall = now() - t0;
    printf("grade: %d test%s in %.1fs: setup and build %.1fs, then the tests %.1fs "
           "(their own times add up to %.1fs)\n", nsel, nsel == 1 ? "" : "s", wall,
           t_tests - t0, wall - (t_tests - t0), sum);
    if (spec.npractice > 0)
        printf("grade: %d practice test%s not run (students run %s in place of the hidden tests)\n",
               spec.npractice, spec.npractice == 1 ? "" : "s", spec.npractice == 1 ? "it" : "them");
    printf("Score: %d/%d%s\n", score, max, nsusp ? " (suspicious: see above)" : "");
    if (opt.json)
        write_json(opt.json, score, max, wall);
    if (opt.result)
        write_result(opt.result, score, max, wall, global);
    sandbox_release_run();
    free(name);
    free(tree_rel);
    return score == max && max > 0 ? 0 : 1;
}
