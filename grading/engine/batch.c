/*
 * batch.c: every submission in a directory graded into one CSV, several at
 * once, each by a worker process that grades it as a single run would:
 * OUT/NAME/report.txt, OUT/NAME/results.json, its run in OUT/NAME/run.
 * NAME is the submission's name made safe (and unique in the batch).
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct entry {
    char *path, *name;
    char *status, *message;     /* NULL status: not graded yet */
    int score, max;
    double secs;
    int *points;                /* per test of the spec; -1: not run */
    struct buf suspicious;      /* public tests passed whose hidden twins failed */
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
        else if (strncmp(l, "suspicious ", 11) == 0)
            buf_printf(&e->suspicious, "%s%s", e->suspicious.len ? " " : "", l + 11);
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
 * OUT/NAME/report.txt and its results.json in OUT/NAME/results.json.
 */
int
run_batch(void)
{
    double t0 = now();
    if (opt.csv == NULL)
        die("--batch needs --csv FILE");
    if (opt.submission)
        die("--batch and --submission do not go together");
    /* The specification once here: its errors stop the batch, and its
       tests name the CSV's columns. The workers parse it again. */
    mkdir_p(opt.outroot);
    define_values(0, "00000000000000000000000000000000", opt.outroot);
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
    /* One seed and one token key for the batch (each test's token is drawn
       from it): the test programs carry them, so the first submission's
       run builds them and the others take them (opt.progs_cache). Fresh
       for every batch: no earlier run's lines are this batch's. */
    if (!opt.have_seed) {
        random_bytes((unsigned char *)&opt.seed, sizeof opt.seed);
        opt.have_seed = 1;
    }
    random_bytes((unsigned char *)opt.token_key, sizeof opt.token_key);
    opt.progs_cache = xasprintf("%s/.progs-%d", outroot, (int)getpid());
    remove_tree(opt.progs_cache);

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
            pid_t pid = fork_worker();
            if (pid == 0) {
                char *dir = xasprintf("%s/%s", outroot, e->name);
                remove_tree(dir);
                mkdir_p(dir);
                char *report = xasprintf("%s/report.txt", dir);
                int fd = open_log(report);
                if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                    _exit(2);
                close(fd);
                memset(&spec, 0, sizeof spec);
                opt.batch = NULL;
                opt.submission = e->path;
                opt.name = e->name;
                opt.outroot = outroot;
                opt.jobs = inner;
                opt.json = xasprintf("%s/results.json", dir);
                opt.result = xasprintf("%s/result", dir);
                opt.rundir = xasprintf("%s/run", dir);
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
            /* Orphans come to the grader (a subreaper) and are reaped
               here too: a finished worker's pid may come back as one,
               and must not count as that worker again. */
            if (pids[i] != pid)
                continue;
            pids[i] = 0;
            struct entry *e = &es[i];
            running--;
            char *result = xasprintf("%s/%s/result", outroot, e->name);
            char *report = xasprintf("%s/%s/report.txt", outroot, e->name);
            if (read_result(e, result) < 0) {
                /* The worker died: its report's last line says why. */
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
            }
            free(report);
            printf("[%d/%d] %s: %d/%d (%s%s%s)%s%s\n", ++finished, ngrade, e->name, e->score,
                   e->max ? e->max : spec.total, e->status, *e->message ? ": " : "", e->message,
                   e->suspicious.len ? "; suspicious: " : "", buf_str(&e->suspicious));
            fflush(stdout);
            free(result);
        }
    }

    remove_tree(opt.progs_cache);       /* this batch's tokens are no use to anyone now */
    for (size_t i = 0; i < n; i++)      /* none is left without a row of its own */
        if (es[i].status == NULL) {
            es[i].status = xstrdup("error");
            es[i].message = xstrdup("no result: its worker was never seen to end");
            errors++;
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
    csv_field(f, "suspicious", 0);
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
        csv_field(f, buf_str(&e->suspicious), 0);
        snprintf(num, sizeof num, "%.1f", e->secs);
        csv_field(f, num, 0);
        csv_field(f, e->message ? e->message : "", 1);
    }
    if (fclose(f) != 0)
        die("%s: %s", opt.csv, strerror(errno));
    printf("grade: %zu row%s in %s, %.1fs\n", n, n == 1 ? "" : "s", opt.csv, now() - t0);
    return errors ? 2 : 0;
}
