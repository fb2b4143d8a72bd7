/*
 * spec.c: a lab's test specification (the format is described at the top
 * of grading/lab4/tests.spec) and the named values its expressions use.
 */
#include "grade.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    char *name, *value;
} values[MAX_VALUES];
static int nvalues;

void
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

/* Forget every value (a batch worker starts afresh). */
void
reset_values(void)
{
    nvalues = 0;
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

const char *const check_names[] = { "expect", "forbid", "count", "equal", "ptdump" };

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

/*
 * Replace the ${NAME}s of raw (a directive of line) by their values: as
 * they are, or (for an RE, escaped set) escaped to match literally.
 */
static char *
replace_values(const char *raw, int line, int escaped)
{
    int saved = spec_line;
    spec_line = line;
    struct buf b = { 0 };
    for (const char *p = raw; *p; ) {
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (end == NULL)
                spec_error("unterminated ${ in '%s'", raw);
            const char *v = value_of(p + 2, (size_t)(end - p - 2));
            if (v == NULL)
                spec_error("unknown value ${%.*s}", (int)(end - p - 2), p + 2);
            for (; *v; v++) {
                if (escaped && strchr(".[]()*+?{}|^$\\", *v))
                    buf_add(&b, "\\", 1);
                buf_add(&b, v, 1);
            }
            p = end + 1;
        } else {
            buf_add(&b, p++, 1);
        }
    }
    spec_line = saved;
    return b.s ? b.s : xstrdup("");
}

/* Replace the ${NAME}s of raw (a directive of line) by their values, as they are. */
char *
expand(const char *raw, int line)
{
    return replace_values(raw, line, 0);
}

/* Compile c's expression with the values defined now. */
static void
compile_check(struct check *c)
{
    int saved = spec_line;
    spec_line = c->line;
    c->pat = replace_values(c->raw, c->line, 1);
    if (c->kind == C_PTDUMP) {
        if (!good_name(c->pat))
            spec_error("ptdump: want the name the dumps carry, not '%s'", c->raw);
        spec_line = saved;
        return;
    }
    int flags = REG_EXTENDED | (c->kind == C_EQUAL ? 0 : REG_NOSUB);
    int rc = regcomp(&c->re, c->pat, flags);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &c->re, msg, sizeof msg);
        spec_error("%s: bad regular expression '%s': %s", check_names[c->kind], c->raw, msg);
    }
    if (c->kind == C_EQUAL && c->re.re_nsub < 2)
        spec_error("equal: the expression needs two parenthesized subexpressions");
    spec_line = saved;
}

/*
 * Compile t's checks again with the values defined now (the test's own
 * token, seed and values). The common checks were copied into every
 * test: each copy gets its own compiled expression.
 */
void
compile_checks(struct test *t)
{
    for (int i = 0; i < t->nchecks; i++)
        compile_check(&t->checks[i]);
}

static void
add_check(struct check **list, int *n, enum check_kind kind, char *value)
{
    struct check c = { kind, 0, NULL, spec_line, NULL, { 0 } };
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
    c.raw = xstrdup(value);
    compile_check(&c);
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
    if (t->kind != K_HOST && t->nfiles)
        spec_error("test %s: files are for host tests", t->name);
    if (t->kind != K_HOST && t->ntools)
        spec_error("test %s: tools are for host tests", t->name);
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
 * Where source NAME.c of kind dir (progs or ktests) is: SPECDIR/dir/NAME.c
 * or, for a hidden test's own, SPECDIR/hidden/NAME.c (never shipped to
 * students). NULL if neither exists.
 */
char *
source_path(const struct spec *sp, const char *dir, const char *name)
{
    char *a = xasprintf("%s/%s/%s.c", sp->dir, dir, name);
    char *b = xasprintf("%s/hidden/%s.c", sp->dir, name);
    int ina = access(a, R_OK) == 0, inb = access(b, R_OK) == 0;
    if (ina && inb)
        spec_error("%s: both %s/%s.c and hidden/%s.c exist", name, dir, name, name);
    free(ina ? b : a);
    return ina ? a : inb ? b : NULL;
}

/*
 * The names in value (programs or ktests): each must be a plain name with
 * a file NAME.c in dir (or hidden/) beside the specification; appended to
 * *list.
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
        char *src = source_path(sp, dir, w[i]);
        if (src == NULL)
            spec_error("%s: no %s/%s/%s.c or %s/hidden/%s.c", key, sp->dir, dir, w[i], sp->dir, w[i]);
        free(src);
        *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
        (*list)[(*n)++] = w[i];
    }
    free(w);
}

/*
 * The files a host test needs, paths relative to the specification's
 * directory (they may go up: ../host/sim.c): each must be a readable file.
 * The test's sandbox gets a copy of them, and nothing else of the grader.
 */
static void
add_files(struct spec *sp, char *value, char ***list, int *n)
{
    int nw;
    char **w = split_words(value, &nw);
    if (nw == 0)
        spec_error("files: no file named");
    for (int i = 0; i < nw; i++) {
        char *path = xasprintf("%s/%s", sp->dir, w[i]);
        struct stat st;
        if (w[i][0] == '/' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            spec_error("files: '%s' is not a file beside the specification", w[i]);
        free(path);
        *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
        (*list)[(*n)++] = w[i];
    }
    free(w);
}

/*
 * `tool NAME WORD...`: a program the grader compiles for a host test (the
 * lab's own code, cached): words starting with '-' are the compiler's
 * arguments, the others C files beside the specification. The test's run
 * command finds it as $GRADE_TOOLS/NAME.
 */
static void
add_tool(struct spec *sp, struct test *t, char *value)
{
    int nw;
    char **w = split_words(value, &nw);
    if (nw < 2)
        spec_error("tool: want a name, then flags and C files");
    if (!good_name(w[0]))
        spec_error("tool: want a name, not '%s'", w[0]);
    for (int k = 0; k < t->ntools; k++)
        if (strcmp(t->tools[k].name, w[0]) == 0)
            spec_error("tool %s: named twice in test %s", w[0], t->name);
    struct tool tl = { w[0], NULL, 0, NULL, 0, NULL };
    for (int i = 1; i < nw; i++) {
        size_t len = strlen(w[i]);
        if (w[i][0] == '-') {
            if (strcmp(w[i], "-o") == 0 || strncmp(w[i], "-o", 2) == 0)
                spec_error("tool %s: '%s': the grader names the output", w[0], w[i]);
            tl.flags = xrealloc(tl.flags, (size_t)(tl.nflags + 1) * sizeof(char *));
            tl.flags[tl.nflags++] = w[i];
            continue;
        }
        char *path = xasprintf("%s/%s", sp->dir, w[i]);
        struct stat st;
        if (w[i][0] == '/' || len < 3 || strcmp(w[i] + len - 2, ".c") != 0
            || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            spec_error("tool %s: '%s' is not a C file beside the specification", w[0], w[i]);
        tl.srcs = xrealloc(tl.srcs, (size_t)(tl.nsrcs + 1) * sizeof(char *));
        tl.srcs[tl.nsrcs++] = path;
    }
    if (tl.nsrcs == 0)
        spec_error("tool %s: no C file", w[0]);
    free(w);
    t->tools = xrealloc(t->tools, (size_t)(t->ntools + 1) * sizeof *t->tools);
    t->tools[t->ntools++] = tl;
}

void
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
            t->icount = -1;
            t->visibility = "visible";
        } else if (strcmp(key, "expect") == 0 || strcmp(key, "forbid") == 0
                   || strcmp(key, "count") == 0 || strcmp(key, "equal") == 0
                   || strcmp(key, "ptdump") == 0) {
            enum check_kind k = key[0] == 'e' ? (key[1] == 'x' ? C_EXPECT : C_EQUAL)
                              : key[0] == 'f' ? C_FORBID : key[0] == 'c' ? C_COUNT : C_PTDUMP;
            if (t)
                add_check(&t->checks, &t->nchecks, k, value);
            else
                add_check(&sp->common, &sp->ncommon, k, value);
        } else if (strcmp(key, "timeout") == 0) {
            *(t ? &t->timeout : &sp->timeout) = parse_seconds(value);
        } else if (strcmp(key, "makeargs") == 0) {
            int nw;
            char **w = split_words(value, &nw);
            char ***list = t ? &t->makeargs : &sp->makeargs;
            int *n = t ? &t->nmakeargs : &sp->nmakeargs;
            for (int i = 0; i < nw; i++) {
                if (strchr(w[i], '=') == NULL || w[i][0] == '=' || w[i][0] == '-')
                    spec_error("makeargs: want VARIABLE=VALUE words, not '%s'", w[i]);
                *list = xrealloc(*list, (size_t)(*n + 1) * sizeof(char *));
                (*list)[(*n)++] = w[i];
            }
            free(w);
        } else if (strcmp(key, "cflags") == 0) {
            free(expand(value, start));         /* every ${NAME} must be known */
            *(t ? &t->cflags_raw : &sp->cflags_raw) = xstrdup(value);
            *(t ? &t->cflags_line : &sp->cflags_line) = start;
        } else if (strcmp(key, "icount") == 0) {
            if (t == NULL)
                spec_error("icount: a test directive (give it to the tests that measure time)");
            t->icount = (int)parse_int(value, 0, 10, "icount");
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
            } else if (strcmp(key, "values") == 0) {
                /* Read before the rest (spec_values_sources): checked here. */
                char *src = xasprintf("%s/%s", sp->dir, value);
                if (strstr(value, "..") || value[0] == '/' || access(src, R_OK) < 0)
                    spec_error("values: want a C file beside the specification, not '%s'", value);
                sp->values = xrealloc(sp->values, (size_t)(sp->nvalues + 1) * sizeof(char *));
                sp->values[sp->nvalues++] = src;
            } else if (strcmp(key, "build") == 0) {
                sp->build = split_words(value, &sp->nbuild);
                if (sp->nbuild == 0)
                    spec_error("build: no make target or argument");
            } else if (strcmp(key, "twins") == 0) {
                if (strcmp(value, "gate") != 0 && strcmp(value, "flag") != 0)
                    spec_error("twins: want gate or flag, not '%s'", value);
                sp->twins_flag = strcmp(value, "flag") == 0;
            } else if (strcmp(key, "total") == 0) {
                sp->total = (int)parse_int(value, 1, 1000000, "total");
                sp->total_line = start;
            } else if (strcmp(key, "functions") == 0) {
                int nw;
                char **w = split_words(value, &nw);
                if (nw < 2)
                    spec_error("functions: want an exercise number, then the functions it writes");
                int ex = (int)parse_int(w[0], 1, 1000, "functions");
                for (int i = 1; i < nw; i++) {
                    for (const char *c = w[i]; *c; c++)
                        if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
                              || (c > w[i] && *c >= '0' && *c <= '9')))
                            spec_error("functions: '%s' is not a C function name", w[i]);
                    for (int k = 0; k < sp->nfuncs; k++)
                        if (strcmp(sp->funcs[k].name, w[i]) == 0)
                            spec_error("functions: %s is already exercise %d's", w[i], sp->funcs[k].exercise);
                    sp->funcs = xrealloc(sp->funcs, (size_t)(sp->nfuncs + 1) * sizeof *sp->funcs);
                    sp->funcs[sp->nfuncs].exercise = ex;
                    sp->funcs[sp->nfuncs++].name = w[i];
                }
                free(w[0]);
                free(w);
            } else if (strcmp(key, "tablefuncs") == 0) {
                int nw;
                char **w = split_words(value, &nw);
                if (nw < 1)
                    spec_error("tablefuncs: want the functions that build page tables");
                for (int i = 0; i < nw; i++) {
                    int known = 0;
                    for (int k = 0; k < sp->nfuncs; k++)
                        known |= strcmp(sp->funcs[k].name, w[i]) == 0;
                    if (!known)
                        spec_error("tablefuncs: %s is no exercise's function (a functions line "
                                   "above names it)", w[i]);
                }
                sp->tablefuncs = w;
                sp->ntablefuncs = nw;
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
        } else if (strcmp(key, "twin") == 0) {
            if (!good_name(value))
                spec_error("twin: want a test's name, not '%s'", value);
            t->twin = xstrdup(value);
            t->twin_line = start;
        } else if (strcmp(key, "files") == 0) {
            add_files(sp, value, &t->files, &t->nfiles);
        } else if (strcmp(key, "tool") == 0) {
            add_tool(sp, t, value);
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
            t->hidden = strcmp(value, "hidden") == 0;
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
    /* A hidden twin mirrors a public test; a program belongs to one test
       (each test's programs carry its own token). */
    for (int i = 0; i < sp->ntests; i++) {
        struct test *t = &sp->tests[i];
        spec_line = t->twin_line;
        if (t->twin && !t->hidden)
            spec_error("test %s: twin is for hidden tests", t->name);
        struct test *pub = NULL;
        for (int k = 0; t->twin && k < sp->ntests; k++)
            if (strcmp(sp->tests[k].name, t->twin) == 0)
                pub = &sp->tests[k];
        if (t->twin && (pub == NULL || pub->hidden || pub->practice))
            spec_error("test %s: twin %s: no public test of that name", t->name, t->twin);
        for (int k = 0; k < t->nprogs; k++)
            for (int j = 0; j < i; j++)
                for (int m = 0; m < sp->tests[j].nprogs; m++)
                    if (strcmp(sp->tests[j].progs[m], t->progs[k]) == 0) {
                        spec_line = t->line;
                        spec_error("test %s: program %s is test %s's too; a program belongs to "
                                   "one test", t->name, t->progs[k], sp->tests[j].name);
                    }
    }
    /* twins gate, in a spec with hidden tests (the instructor's): a public
       test whose lines the kernel under test could print without the work
       (qemu and kernel tests) needs a hidden twin to count. */
    int nhidden = 0;
    for (int i = 0; i < sp->ntests; i++)
        nhidden += sp->tests[i].hidden;
    for (int i = 0; nhidden && !sp->twins_flag && i < sp->ntests; i++) {
        struct test *t = &sp->tests[i];
        int twinned = 0;
        for (int k = 0; k < sp->ntests; k++)
            twinned |= sp->tests[k].twin && strcmp(sp->tests[k].twin, t->name) == 0;
        spec_line = t->line;
        if (!t->hidden && !t->practice && t->kind != K_HOST && !twinned)
            spec_error("test %s: a public %s test with no hidden twin: the kernel under "
                       "test can read its programs and print its lines without the work; "
                       "give it one (twin %s in a hidden test), or say twins flag",
                       t->name, t->kind == K_QEMU ? "qemu" : "kernel", t->name);
    }
    /* The total: of the tests graded here (all but practice ones), and of
       the tests students get (all but hidden ones, a hidden twin's points
       counted in its public test) when they differ. */
    int graded = 0, shipped = 0, differ = 0;
    for (int i = 0; i < sp->ntests; i++) {
        struct test *t = &sp->tests[i];
        graded += t->practice ? 0 : t->points;
        shipped += t->hidden && t->twin == NULL ? 0 : t->points;
        differ |= t->hidden || t->practice;
    }
    if (sp->total >= 0) {
        spec_line = sp->total_line;
        if (differ && (graded != sp->total || shipped != sp->total))
            spec_error("total %d: the graded tests (all but practice ones) add up to %d, "
                       "the students' tests (all but hidden ones, twins' points in their "
                       "public tests) to %d", sp->total, graded, shipped);
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


/*
 * The sources of the lab's values programs (the spec's `values FILE`
 * header directives): read before the specification itself, whose
 * expressions need the values.
 */
char **
spec_values_sources(const char *path, int *n)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    char *line = NULL, **found = NULL;
    size_t cap = 0;
    *n = 0;
    char *copy = xstrdup(path), *slash = strrchr(copy, '/');
    const char *dir = slash ? (*slash = '\0', copy) : ".";
    while (getline(&line, &cap, f) != -1) {
        char key[16], val[256];
        if (sscanf(line, " %15s %255s", key, val) == 2 && strcmp(key, "values") == 0) {
            found = xrealloc(found, (size_t)(*n + 1) * sizeof *found);
            found[(*n)++] = xasprintf("%s/%s", dir, val);
        } else if (sscanf(line, " %15s", key) == 1 && strcmp(key, "test") == 0) {
            break;
        }
    }
    free(line);
    free(copy);
    fclose(f);
    return found;
}

/*
 * Define the values a values program of the lab (built) prints for a seed
 * and a token (its arguments): one "NAME VALUE" line each. It is the lab's own code, trusted: it never
 * sees a submission.
 */
void
lab_values(const char *program, unsigned long long s, const char *token, const char *logdir)
{
    char seedarg[32], *log = xasprintf("%s/values-%d.out", logdir, (int)getpid());
    snprintf(seedarg, sizeof seedarg, "0x%016llx", s);
    char *argv[] = { (char *)program, seedarg, (char *)token, NULL };
    int fd = open_log(log);
    struct outcome o = run_trusted(argv, NULL, NULL, fd, 30, 1 << 20);
    close(fd);
    size_t len;
    char *text = read_file(log, &len);
    if (o.how != H_EXIT || o.code != 0 || text == NULL)
        die("%s %s: failed (see %s)", program, seedarg, log);
    for (char *l = text; *l; ) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char *sp = strchr(l, ' ');
        if (sp == NULL || sp == l)
            die("%s: a line is not 'NAME VALUE': %s", program, l);
        *sp = '\0';
        defval(l, "%s", sp + 1);
        l = nl ? nl + 1 : l + strlen(l);
    }
    free(text);
    unlink(log);
    free(log);
}
