/*
 * grade.h: what the grader's files share. The grader builds a submission
 * from a pristine copy of a lab's tree plus only the files the lab lets a
 * student edit, runs the lab's tests (each in its own sandboxed QEMU or
 * command), checks the output against the lab's specification and scores
 * it. One file per concern:
 *
 *   util.c        errors, memory, strings, files and trees
 *   spec.c        the test specification and its ${NAME} values
 *   archive.c     tar files, gzipped or not, unpacked without trusting them
 *   submission.c  where a submission's files are, and taking only those
 *   sandbox.c     running a step: bubblewrap or a dedicated user, limits
 *   procs.c       a step's processes and leftovers: found, measured, killed
 *   run.c         one grading run: the trees, the builds, the tests
 *   check.c       judging a test's log
 *   report.c      the text report, results.json, a batch worker's result
 *   batch.c       many submissions into one CSV
 *   main.c        options
 *
 * The grader knows no lab: what is lab-specific (the editable files, the
 * tests, the values the test programs print) is data beside the lab.
 */
#ifndef GRADE_H
#define GRADE_H

#define _GNU_SOURCE
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#define MAX_TESTS      256
#define MAX_VALUES     128
#define MAX_FILE_SIZE  (1 << 20)        /* an editable file larger is refused */
#define TAIL_LINES     10
#define MAX_IGNORED    40               /* ignored files listed one by one */

/* ---- util.c ---- */

/* A growing string. */
struct buf {
    char *s;
    size_t len, cap;
};

extern volatile int child_pgid;         /* the command running now (0: none) */
extern volatile int worker_pids[MAX_TESTS];

void kill_children(void);
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xvasprintf(const char *fmt, va_list ap);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void buf_add(struct buf *b, const char *s, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_str(const struct buf *b);
double now(void);
void sleep_ms(int ms);
char *printable(const char *s, size_t max);
char *read_file(const char *path, size_t *len);
int write_all(int fd, const char *p, size_t n);
int copy_file(const char *src, const char *dst, int keep_time);
void mkdir_p(const char *path);
void remove_tree(const char *path);
typedef void (*visit_fn)(const char *root, const char *rel, const struct stat *st, void *arg);
int cmp_names(const void *a, const void *b);
void walk_tree(const char *root, const char *rel, visit_fn fn, void *arg);
void walk_all(const char *root, visit_fn fn, void *arg);
void copy_tree(const char *src, const char *dst, const char *const *skip, int nskip);
int same_file(const char *a, const char *b);
char *absolute(const char *path);
void random_bytes(unsigned char *p, size_t n);
int open_log(const char *path);
pid_t fork_worker(void);
void copy_dir_files(const char *from, const char *to, const char *suffixes, int no_clash);

/* ---- spec.c ---- */

enum check_kind { C_EXPECT, C_FORBID, C_COUNT, C_EQUAL, C_PTDUMP };
extern const char *const check_names[];

struct check {
    enum check_kind kind;
    long count;                 /* C_COUNT: lines wanted */
                                /* C_PTDUMP: pat is the dump's name, re unused */
    char *raw;                  /* the RE as written */
    int line;                   /* of its directive */
    char *pat;                  /* the RE with the test's ${NAME}s replaced */
    regex_t re;
};

enum kind { K_QEMU, K_HOST, K_KERNEL };

/* A host test's trusted program (`tool NAME FLAGS... SOURCES...`), built by the grader. */
struct tool {
    char *name;
    char **flags;               /* the compiler's arguments, as written */
    int nflags;
    char **srcs;                /* its C files, relative to the spec */
    int nsrcs;
    char *bin;                  /* built (cached_compile), for the run */
};

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
    char **files;               /* K_HOST: files (relative to the spec) it needs */
    int nfiles;
    struct tool *tools;         /* K_HOST: programs the grader builds for it */
    int ntools;
    char *run;
    char *memory;
    int icount;                 /* QEMU's -icount shift=N, or -1: wall-clock time */
    char *cflags_raw;           /* its programs' and in-kernel tests' flags, as written */
    int cflags_line;
    char **makeargs;            /* extra arguments of its kernel's link */
    int nmakeargs;
    char *twin;                 /* a hidden test: the public test it mirrors */
    int twin_line;
    const char *visibility;     /* Gradescope's word */
    int hidden;                 /* visibility hidden: never shown to students */
    int practice;               /* visibility practice: for students' copies only */
    struct check *checks;
    int nchecks;
    int selected;
    /* the run's */
    char token[33];             /* the test's own token and seed */
    unsigned long long seed;
    char *cflags;               /* cflags_raw with the test's values */
    /* results */
    int passed;
    int suspicious;             /* a public test that passes, its hidden twin not */
    int gated;                  /* suspicious, and not counted (twins gate) */
    double secs;
    char *reason;               /* why it failed, one line */
    struct buf detail;          /* what was wrong, and the log's tail */
    char *log;                  /* its log file */
};

struct spec {
    const char *path;
    char *dir;                  /* its directory */
    char *lab;
    char **values;              /* the lab's values programs (sources) */
    int nvalues;
    char **makeargs;            /* extra arguments of every build of the tree */
    int nmakeargs;
    char **build;               /* the submission's build: make arguments (default all) */
    int nbuild;
    char *cflags_raw;           /* default flags of the tests' programs */
    int cflags_line;
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
    int twins_flag;             /* twins flag: a suspicious public test still counts */
    struct exfunc {             /* functions N NAME...: which exercise writes a function */
        int exercise;
        char *name;
    } *funcs;
    int nfuncs;
    char **tablefuncs;          /* tablefuncs NAME...: the functions that build page tables */
    int ntablefuncs;
};

void defval(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reset_values(void);
void parse_spec(struct spec *sp, const char *path);
char **spec_values_sources(const char *path, int *n);
char *cached_compile(const char *name, char *const *args, int nargs, char *const *srcs, int nsrcs,
                     char *const *hdirs, int nhdirs, const char *what);
void lab_values(const char *program, unsigned long long seed, const char *token,
                const char *logdir);
void compile_checks(struct test *t);
char *source_path(const struct spec *sp, const char *dir, const char *name);
char *expand(const char *raw, int line);

/* ---- archive.c ---- */

int is_archive(const char *path);
char *unpack_archive(const char *file, const char *dest, const char *logdir);

/* ---- submission.c ---- */

int is_editable(const char *rel);
void overlay_submission(const char *dest);

/* ---- sandbox.c ---- */

enum isolation { ISO_AUTO, ISO_NAMESPACES, ISO_USER, ISO_NONE };
extern enum isolation isolation;        /* the one in use, after sandbox_init */
extern const char *const isolation_names[];

enum how { H_EXIT, H_SIGNAL, H_TIMEOUT, H_FLOOD, H_MEMORY, H_ERROR };

struct outcome {
    enum how how;
    int code;                   /* exit status or signal number */
    double secs;
    int regs;                   /* a timeout: pc and ra read from QEMU's monitor */
    unsigned long long pc, ra;
    int csrs;                   /* and these supervisor CSRs, all read */
    unsigned long long stvec, sepc, scause, stval, satp;
};

/* A directory the step sees: host path, and where it appears inside. */
struct bind {
    const char *host, *inside;
    int rw;
};

#define MAX_BINDS 8

/* A command that may compile or run a submission's code. */
struct step {
    char *const *argv;
    const char *cwd;            /* as seen inside */
    char *const *env;           /* NAME=VALUE strings, NULL-ended; may be NULL */
    struct bind binds[MAX_BINDS];
    int nbinds;
    double timeout;
    size_t cap;                 /* output bytes kept; more is a flood */
    long long as_limit;         /* bytes of address space per process (0: none) */
    long long rss_limit;        /* bytes resident, all its processes (0: none) */
    const char *monitor;        /* QEMU: its monitor's FIFOs (host path, no .in/.out), read on a timeout */
};

void sandbox_init(enum isolation want, int base_id);
void sandbox_check_private(const char *const *paths, int n);
void sandbox_kill_current(void);
const char *sandbox_description(void);
char *sandbox_prepare_run(const char *rundir);
void sandbox_remove_box(void);
void sandbox_own(const char *path, int writable);
void sandbox_release_run(void);
const char *step_path(const struct step *s, int bind, const char *rel, char *buf, size_t n);
struct outcome run_step(const struct step *s, int logfd);
struct outcome run_trusted(char *const argv[], const char *cwd, char *const env[], int logfd,
                           double timeout, size_t cap);

/* ---- hang.c ---- */

int monitor_make(const char *base);
void monitor_regs(const char *base, struct outcome *o);
char *hang_text(const struct spec *sp, const char *elf, struct outcome o);
char *trap_text(const struct spec *sp, const char *elf, const char *log);

/* ---- procs.c ---- */

void kill_uid(int uid, int gid);
int uid_alive(int uid);
long long step_rss(pid_t pid, int uid);
long long my_processes(void);
void remove_files_of(int uid);

/* ---- run.c ---- */

struct options {
    const char *spec_file, *ref, *submission, *outroot, *json, *qemu, *name;
    const char *batch, *csv;    /* --batch DIR --csv FILE */
    char *result;               /* a batch worker's result file */
    char *rundir;               /* a batch worker's run directory */
    char **values_bins;         /* the lab's values programs, built */
    int nvalues_bins;
    int out_given;
    int jobs, jobs_given;
    int parallel;               /* --batch: submissions at once (0: the cores) */
    double build_timeout;
    size_t cap;
    char **only;
    int nonly;
    int have_seed;
    unsigned long long seed;
    /* --batch: every submission's tests get the same tokens (drawn from
       this key) and seed, so the test programs, which carry them, are
       built once for the batch and kept in progs_cache while it runs */
    unsigned long long token_key[2];
    char *progs_cache;
    enum isolation isolation;
    int sandbox_id;             /* the first of the sandbox's uids and gids (root only) */
    long long build_mem;        /* bytes of address space of a build step */
    long long host_mem;         /* bytes resident of a host test */
};

extern struct options opt;
extern struct spec spec;
extern char *rundir;            /* OUT/runs/<name> or a batch's OUT/<name>/run */
extern unsigned long long seed;
extern char *sub_error;         /* the submission is unusable: why */
extern char *build_error;       /* the build failed: why */
extern struct buf build_tail;   /* the build log's tail */
extern struct buf notes;        /* ignored files and such */

void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void add_tail(struct buf *b, const char *path, int n);
const char *how_text(struct outcome o, const char *what, double timeout, long long mem,
                     char *buf, size_t n);
char *safe_name(const char *name);
int grade_run(void);
void define_values(unsigned long long seed, const char *token, const char *logdir);

/* ---- check.c ---- */

void problem(struct test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_log(struct test *t);

/* ---- report.c ---- */

char *clean_text(const char *s);
void write_json(const char *path, int score, int max, double secs);
void write_result(const char *path, int score, int max, double secs, const char *global);

/* ---- batch.c ---- */

int run_batch(void);

/* ---- main.c ---- */

void usage(FILE *f);

#endif
