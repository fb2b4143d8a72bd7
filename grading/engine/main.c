/*
 * main.c: the grader's options, and the start of a run or a batch.
 *
 * usage: grade [options]; see usage() below. Exit status: 0 on a full
 * score, 1 otherwise, 2 on a usage, specification or system error.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
usage(FILE *f)
{
    fprintf(f,
        "usage: grade [options]\n"
        "       grade --batch DIR --csv FILE [options]\n"
        "Grade a lab: build the reference tree with a submission's editable files,\n"
        "run the lab's tests under QEMU, print a report and the score.\n"
        "  --lab NAME            the lab: --spec grading/NAME/tests.spec and --ref\n"
        "                        build/NAME-ref (default lab4)\n"
        "  --spec FILE           the lab's test specification (default grading/lab4/tests.spec)\n"
        "  --ref DIR             the lab's reference tree (default build/lab4-ref)\n"
        "  --submission PATH     a student's tree, or a .tar.gz of it: only its\n"
        "                        editable files are used, found at their paths or\n"
        "                        by base name at its top (default: none, grade the\n"
        "                        reference itself)\n"
        "  --batch DIR           grade every subdirectory and .tar.gz in DIR, -j at\n"
        "                        once; reports go to OUT/NAME/report.txt and\n"
        "                        OUT/NAME/results.json (OUT: --out, default\n"
        "                        build/grade/batch)\n"
        "  --csv FILE            with --batch: one row per submission, one column\n"
        "                        per test (its points)\n"
        "  --out DIR             scratch root; the run goes in DIR/runs/NAME (default\n"
        "                        build/grade)\n"
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
        "  --isolation I         how the steps that compile or run a submission's code\n"
        "                        are kept apart: namespaces (bubblewrap), user (a uid\n"
        "                        of their own; the grader must be root), none (for\n"
        "                        measuring only), or auto (default: namespaces where\n"
        "                        allowed, else user as root, else none, said so)\n"
        "  --sandbox-id N        the first of the 65 uids and gids the sandbox uses\n"
        "                        when the grader is root (default 63000)\n"
        "  --build-memory MIB    address space of each build process (default 1024)\n"
        "  --host-memory MIB     resident memory of a host test (default 2048)\n"
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
        opt.ref = xasprintf("%s/build/lab4-ref", root);
        opt.outroot = xasprintf("%s/build/grade", root);
    } else {
        opt.spec_file = "grading/lab4/tests.spec";
        opt.ref = "build/lab4-ref";
        opt.outroot = "build/grade";
    }
    opt.qemu = "qemu-system-riscv64";
    opt.isolation = ISO_AUTO;
    opt.sandbox_id = 63000;
    opt.build_mem = 1024LL << 20;
    opt.host_mem = 2048LL << 20;
    opt.build_timeout = 120;
    opt.cap = 256 * 1024;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    opt.jobs = ncpu > 0 ? (int)ncpu : 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--lab") == 0) {
            const char *lab = need_arg(argc, argv, &i);
            if (!*lab || strspn(lab, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(lab))
                die("--lab %s: a lab's name is letters, digits, _ and -", lab);
            const char *base = root && *root ? root : ".";
            opt.spec_file = xasprintf("%s/grading/%s/tests.spec", base, lab);
            opt.ref = xasprintf("%s/build/%s-ref", base, lab);
        } else if (strcmp(a, "--spec") == 0)
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
        else if (strcmp(a, "--isolation") == 0) {
            const char *v = need_arg(argc, argv, &i);
            int found = 0;
            for (int k = 0; k < 4; k++)
                if (strcmp(v, isolation_names[k]) == 0) {
                    opt.isolation = (enum isolation)k;
                    found = 1;
                }
            if (!found)
                die("--isolation: want namespaces, user, none or auto, not '%s'", v);
        } else if (strcmp(a, "--sandbox-id") == 0)
            opt.sandbox_id = (int)num_arg(a, need_arg(argc, argv, &i), 1000, 2000000000);
        else if (strcmp(a, "--build-memory") == 0)
            opt.build_mem = num_arg(a, need_arg(argc, argv, &i), 64, 1 << 20) << 20;
        else if (strcmp(a, "--host-memory") == 0)
            opt.host_mem = num_arg(a, need_arg(argc, argv, &i), 64, 1 << 20) << 20;
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


static void
on_signal(int sig)
{
    kill_children();
    signal(sig, SIG_DFL);
    raise(sig);
}


/* FNV-1a over n bytes. */
static unsigned long long
fnv64(unsigned long long h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* The .h files of dir, names and contents, summed (the order readdir gives does not matter). */
static unsigned long long
headers_key(const char *dir)
{
    unsigned long long sum = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), n;
        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
            continue;
        char *f = xasprintf("%s/%s", dir, e->d_name), *data = read_file(f, &n);
        unsigned long long h = fnv64(0xcbf29ce484222325ULL, e->d_name, len);
        sum += data ? fnv64(h, data, n) : h;
        free(data);
        free(f);
    }
    if (d)
        closedir(d);
    return sum;
}

/*
 * A trusted program of the lab, compiled once and kept in OUTROOT/.tools
 * (name-KEY) under a key of the compiler, the arguments, the sources and
 * every header they may include (the sources' own directories' and those
 * of hdirs): a later grader run, batch workers included, uses the same
 * binary. The lab's own code, never a submission's: compiled outside the
 * sandbox. Dies with the compiler's messages if it does not compile
 * (what names what: the values program, a test's tool).
 */
char *
cached_compile(const char *name, char *const *args, int nargs, char *const *srcs, int nsrcs,
               char *const *hdirs, int nhdirs, const char *what)
{
    char *dir = xasprintf("%s/.tools", opt.outroot);
    mkdir_p(dir);
    if (chmod(dir, 0700) < 0)
        die("%s: %s", dir, strerror(errno));
    const char *cc = getenv("HOSTCC");
    cc = cc && *cc ? cc : "cc";
    unsigned long long key = fnv64(0xcbf29ce484222325ULL, cc, strlen(cc) + 1);
    key = fnv64(key, name, strlen(name) + 1);
    for (int i = 0; i < nargs; i++)
        key = fnv64(key, args[i], strlen(args[i]) + 1);
    for (int i = 0; i < nhdirs; i++)
        key = key * 31 + headers_key(hdirs[i]);
    for (int i = 0; i < nsrcs; i++) {
        size_t len;
        char *text = read_file(srcs[i], &len);
        if (text == NULL)
            die("%s: %s", srcs[i], strerror(errno));
        char *sdir = xstrdup(srcs[i]), *slash = strrchr(sdir, '/');
        if (slash)
            *slash = '\0';
        key = fnv64(key, text, len) ^ (headers_key(slash ? sdir : ".") * (unsigned long long)(7 + i));
        free(text);
        free(sdir);
    }
    char *bin = xasprintf("%s/%s-%016llx", dir, name, key);
    free(dir);
    struct stat st;
    if (stat(bin, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR))
        return bin;
    char *tmp = xasprintf("%s.tmp%d", bin, (int)getpid()), *log = xasprintf("%s.log", tmp);
    char **argv = xmalloc((size_t)(nargs + nsrcs + 4) * sizeof *argv);
    int n = 0;
    argv[n++] = (char *)cc;
    for (int i = 0; i < nargs; i++)
        argv[n++] = args[i];
    argv[n++] = "-o";
    argv[n++] = tmp;
    for (int i = 0; i < nsrcs; i++)
        argv[n++] = srcs[i];
    argv[n] = NULL;
    int fd = open_log(log);
    struct outcome o = run_trusted(argv, NULL, NULL, fd, 120, 1 << 20);
    close(fd);
    free(argv);
    if (o.how != H_EXIT || o.code != 0) {
        size_t len;
        char *msg = read_file(log, &len);
        fprintf(stderr, "%s", msg ? msg : "");
        unlink(tmp);
        unlink(log);
        die("%s does not compile", what);
    }
    if (rename(tmp, bin) < 0)           /* another run's, just made: as good */
        unlink(tmp);
    unlink(log);
    free(tmp);
    free(log);
    return bin;
}

/*
 * Build the lab's values programs, if its spec names any (cached_compile:
 * every grade of a lab in `make test` used to compile both of its values
 * programs again, a second of CPU each time).
 */
static void
build_values(void)
{
    int n;
    char **src = spec_values_sources(opt.spec_file, &n);
    if (n == 0)
        return;
    opt.values_bins = xmalloc((size_t)n * sizeof(char *));
    char *slash = strrchr(opt.spec_file, '/');
    char *specdir = slash ? xasprintf("%.*s", (int)(slash - opt.spec_file), opt.spec_file) : xstrdup(".");
    /* Its headers: the lab's, beside it, and every lab's (../common). */
    char *args[] = { "-O1", "-std=c11", "-Wall", "-Werror", xasprintf("-I%s/../common", specdir) };
    char *hdirs[] = { xasprintf("%s/progs", specdir), xasprintf("%s/hidden", specdir),
                      xasprintf("%s/../common", specdir) };
    for (int i = 0; i < n; i++) {
        char *what = xasprintf("%s: the lab's values program", src[i]);
        opt.values_bins[i] = cached_compile("values", args, 5, &src[i], 1, hdirs, 3, what);
        opt.nvalues_bins = i + 1;
        free(what);
        free(src[i]);
    }
    for (int k = 0; k < 3; k++)
        free(hdirs[k]);
    free(args[4]);
    free(specdir);
    free(src);
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

    /* What the grader makes is its own (the test programs, hidden ones
       too, logs, reports): the sandbox gets only what it is given. */
    umask(077);
    mkdir_p(opt.outroot);
    sandbox_init(opt.isolation, opt.sandbox_id);
    build_values();
    return opt.batch ? run_batch() : grade_run();
}
