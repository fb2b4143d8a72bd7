/*
 * strip.c: cut a lab out of the chapters. Reads noweb chapters whose code
 * chunks mark solution regions,
 *
 *     /\* BEGIN SOLUTION lab4 ex2
 *        stub: panic("lab4 ex2: walk not implemented");
 *      *\/
 *     ...the solution...
 *     /\* END SOLUTION *\/
 *
 * checks every marker, and writes the student edition of each chapter: each
 * region of the lab replaced by its stub lines (indented like its BEGIN
 * line), an exercise box after each chunk that held one (number, title,
 * points, files, hint), and the prose that is the instructor's alone
 * removed: the answers to the questions (`::: answer` blocks) and every
 * `::: instructor` block. A `::: student` block is the other way round:
 * the book leaves it out (book/filters/chunks.lua) and the student edition
 * keeps its lines, without the fences. Each of the three opens with its
 * line alone and ends at the first `:::` alone at the same indentation,
 * with no other fence between; a fence line that names one of them in
 * another form is an error. The same stripped chapters tangle into the
 * skeleton and weave into the handout.
 *
 * usage: strip --lab NAME --exercises FILE [--spec FILE] [--out DIR]
 *              [--keep N,...] [--solutions FILE] [--check] CHAPTER.nw...
 * Errors name FILE:LINE; exit status 1 on any, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_EX 64

static const char *prog = "strip";
static int errors;

static void
die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* An error at file:line; the run goes on to find the others. */
static void
error_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (line > 0)
        fprintf(stderr, "%s:%d: ", file, line);
    else
        fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
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

/* The lines of a file, newlines removed; NULL-terminated. */
static char **
read_lines(const char *path, int *n)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    char **v = NULL, *line = NULL;
    size_t cap = 0;
    ssize_t len;
    *n = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        v = realloc(v, (size_t)(*n + 2) * sizeof *v);
        if (v == NULL)
            die("out of memory");
        v[(*n)++] = xstrdup(line);
    }
    if (ferror(f))
        die("%s: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (v == NULL)
        v = xmalloc(sizeof *v);
    v[*n] = NULL;
    return v;
}

static const char *
skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Does s (after blanks) equal t, trailing blanks aside? */
static int
is_line(const char *s, const char *t)
{
    s = skip_blanks(s);
    size_t n = strlen(t);
    return strncmp(s, t, n) == 0 && *skip_blanks(s + n) == '\0';
}

/* ------------------------------------------------------------------------ */
/* The lab's exercises and their points                                      */

struct exercise {
    int defined;
    char *title, *files, *functions, *hint;
    int points;
    int regions;                /* found in the chapters */
    int boxed;                  /* boxes written so far */
};

static struct exercise ex[MAX_EX + 1];

/* Append text to *field, a space between. */
static void
append(char **field, const char *text)
{
    size_t a = *field ? strlen(*field) : 0, b = strlen(text);
    char *s = xmalloc(a + b + 2);
    if (a) {
        memcpy(s, *field, a);
        s[a++] = ' ';
    }
    memcpy(s + a, text, b + 1);
    free(*field);
    *field = s;
}

static void
read_exercises(const char *path)
{
    int n;
    char **l = read_lines(path, &n);
    struct exercise *e = NULL;
    char **last = NULL;
    for (int i = 0; i < n; i++) {
        const char *s = l[i];
        if (*skip_blanks(s) == '\0' || *skip_blanks(s) == '#') {
            last = NULL;
            continue;
        }
        if (last && (s[0] == ' ' || s[0] == '\t')) {     /* a continuation */
            append(last, skip_blanks(s));
            continue;
        }
        const char *sp = strchr(s, ' ');
        size_t klen = sp ? (size_t)(sp - s) : strlen(s);
        const char *val = sp ? skip_blanks(sp) : "";
        if (klen == 8 && strncmp(s, "exercise", 8) == 0) {
            char *end;
            long k = strtol(val, &end, 10);
            if (end == val || *end || k < 1 || k > MAX_EX) {
                error_at(path, i + 1, "exercise: want a number from 1 to %d", MAX_EX);
                e = NULL;
                continue;
            }
            e = &ex[k];
            if (e->defined)
                error_at(path, i + 1, "exercise %ld defined twice", k);
            e->defined = 1;
            last = NULL;
            continue;
        }
        if (e == NULL) {
            error_at(path, i + 1, "'%.*s' before the first exercise", (int)klen, s);
            continue;
        }
        char **field = klen == 5 && strncmp(s, "title", 5) == 0 ? &e->title
                     : klen == 5 && strncmp(s, "files", 5) == 0 ? &e->files
                     : klen == 9 && strncmp(s, "functions", 9) == 0 ? &e->functions
                     : klen == 4 && strncmp(s, "hint", 4) == 0 ? &e->hint : NULL;
        if (field == NULL) {
            error_at(path, i + 1, "unknown key '%.*s' (title, files, functions, hint)", (int)klen, s);
            continue;
        }
        if (*val == '\0')
            error_at(path, i + 1, "%.*s: no value", (int)klen, s);
        append(field, val);
        last = field;
    }
    for (int k = 1; k <= MAX_EX; k++)
        if (ex[k].defined && (!ex[k].title || !ex[k].files || !ex[k].functions || !ex[k].hint))
            error_at(path, 0, "exercise %d lacks a title, files, functions or hint", k);
}

/* Each exercise's points: the sum over the specification's tests. */
static void
read_points(const char *path)
{
    int n, cur = 0;
    char **l = read_lines(path, &n);
    for (int i = 0; i < n; i++) {
        const char *s = skip_blanks(l[i]);
        if (strncmp(s, "test ", 5) == 0)
            cur = 0;
        else if (strncmp(s, "exercise ", 9) == 0)
            cur = atoi(s + 9);
        else if (strncmp(s, "points ", 7) == 0 && cur >= 1 && cur <= MAX_EX)
            ex[cur].points += atoi(s + 7);
    }
}

/* ------------------------------------------------------------------------ */
/* Markers                                                                   */

static const char *lab;
static int keep[MAX_EX + 1];

/* Does this code line look like a marker at all (exact or not)? */
static int
markerish(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((p == s || !isalnum((unsigned char)p[-1]))
            && (strncasecmp(p, "BEGIN", 5) == 0 || strncasecmp(p, "END", 3) == 0)) {
            const char *q = skip_blanks(p + (toupper((unsigned char)*p) == 'B' ? 5 : 3));
            if (q > p + 3 && strncasecmp(q, "SOL", 3) == 0)
                return 1;
        }
    return 0;
}

/*
 * Parse a BEGIN line: "/\* BEGIN SOLUTION LAB exN" (and nothing after, as
 * the comment goes on). Returns the exercise number and sets *lab_out, or
 * 0 after reporting what is wrong.
 */
static int
parse_begin(const char *file, int line, const char *s, char **lab_out)
{
    s = skip_blanks(s);
    if (strncmp(s, "/* BEGIN SOLUTION ", 18) != 0) {
        error_at(file, line, "malformed marker (want '/* BEGIN SOLUTION LAB exN'): %s", s);
        return 0;
    }
    s += 18;
    const char *sp = strchr(s, ' ');
    if (sp == NULL) {
        error_at(file, line, "BEGIN SOLUTION: want a lab and an exercise, e.g. 'lab4 ex2'");
        return 0;
    }
    char *name = strndup(s, (size_t)(sp - s));
    const char *e = sp + 1;
    char *end;
    long k = strncmp(e, "ex", 2) == 0 ? strtol(e + 2, &end, 10) : 0;
    if (k == 0 || end == e + 2 || *skip_blanks(end) != '\0') {
        error_at(file, line, "BEGIN SOLUTION %s: want 'exN' (N from 1), then the end of the line,"
                 " not '%s'", name, e);
        free(name);
        return 0;
    }
    if (k > MAX_EX || (strcmp(name, lab) == 0 && !ex[k].defined)) {
        error_at(file, line, "BEGIN SOLUTION %s ex%ld: %s has no exercise %ld", name, k, lab, k);
        free(name);
        return 0;
    }
    *lab_out = name;
    return (int)k;
}

/* ------------------------------------------------------------------------ */
/* Prose for one edition: ::: answer, ::: instructor, ::: student           */

enum fence { NOT_FENCE, OTHER_FENCE, BAD_FENCE, ANSWER, INSTRUCTOR, STUDENT };

static const char *const fence_name[] = {
    [ANSWER] = "answer", [INSTRUCTOR] = "instructor", [STUDENT] = "student",
};

/* Is t (blanks skipped) a fence line, and of which kind? A line that
   names answer, instructor or student in any form but the exact one is a
   BAD_FENCE; ":::" alone, or another div's opening, is OTHER_FENCE. */
static enum fence
fence_kind(const char *t)
{
    if (strncmp(t, ":::", 3) != 0)
        return NOT_FENCE;
    for (int k = ANSWER; k <= STUDENT; k++) {
        size_t n = strlen(fence_name[k]);
        if (t[3] == ' ' && strncmp(t + 4, fence_name[k], n) == 0
            && *skip_blanks(t + 4 + n) == '\0')
            return (enum fence)k;
    }
    for (const char *p = t + 3; *p; p++)
        for (int k = ANSWER; k <= STUDENT; k++)
            if (strncasecmp(p, fence_name[k], strlen(fence_name[k])) == 0)
                return BAD_FENCE;
    return OTHER_FENCE;
}

/*
 * The block whose opening fence (of kind k) is line i: returns the line of
 * its closing fence, or -1 after reporting a block never closed or holding
 * a fence of its own.
 */
static int
fence_end(const char *path, char **l, int n, int i, enum fence k)
{
    const char *t = skip_blanks(l[i]);
    size_t indent = (size_t)(t - l[i]);
    for (int j = i + 1; j < n; j++) {
        const char *u = skip_blanks(l[j]);
        if (strncmp(u, ":::", 3) != 0)
            continue;
        if ((size_t)(u - l[j]) == indent && *skip_blanks(u + 3) == '\0')
            return j;
        error_at(path, j + 1, "a fence inside '::: %s' (line %d): close it first"
                 " ('::: %s' blocks do not nest)", fence_name[k], i + 1, fence_name[k]);
        return -1;
    }
    error_at(path, i + 1, "'::: %s' is never closed (want ':::' alone, indented like it)",
             fence_name[k]);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* One chapter                                                               */

static FILE *out, *sol;

static void
emit(const char *s)
{
    if (out && s)
        fprintf(out, "%s\n", s);
}

/* Blank-separated names as `a`, `b` and `c`. */
static void
code_list(FILE *f, const char *names)
{
    char *copy = xstrdup(names), *save = NULL;
    int n = 0, total = 0;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        total++;
    free(copy);
    copy = xstrdup(names);
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save), n++)
        fprintf(f, "%s`%s`", n == 0 ? "" : n == total - 1 ? " and " : ", ", t);
    free(copy);
}

/* The box that stands where exercise k's solution was. */
static void
box(int k)
{
    struct exercise *e = &ex[k];
    if (out == NULL)
        return;
    fprintf(out, "\n::: exercise\n");
    if (e->boxed++ == 0) {
        fprintf(out, "**Exercise %d: %s** (%d point%s). Edit `%s`: ", k, e->title,
                e->points, e->points == 1 ? "" : "s", e->files);
        code_list(out, e->functions);
        fprintf(out, ".\n\n%s\n", e->hint);
    } else {
        fprintf(out, "**Exercise %d: %s**, continued: the code above is yours to write as well.\n",
                k, e->title);
    }
    fprintf(out, ":::\n\n");
}

/* Does s open a chunk (<<name>>= alone on its line) or end one (@ alone or
   followed by a blank)? */
static int
chunk_start(const char *s)
{
    size_t len = strlen(s);
    return len >= 5 && strncmp(s, "<<", 2) == 0 && strcmp(s + len - 3, ">>=") == 0;
}

static int
chunk_end(const char *s)
{
    return s[0] == '@' && (s[1] == '\0' || s[1] == ' ' || s[1] == '\t');
}

/* The boxes of the chunk just ended; *n becomes 0. */
static void
flush_boxes(const int *boxes, int *n)
{
    for (int b = 0; b < *n; b++)
        box(boxes[b]);
    *n = 0;
}

static void
strip_file(const char *path)
{
    int n;
    char **l = read_lines(path, &n);
    int in_code = 0, code_line = 0;
    int boxes[MAX_EX + 1], nboxes = 0;
    for (int i = 0; i < n; i++) {
        const char *s = l[i];
        if (!in_code) {
            if (chunk_start(s)) {
                in_code = 1;
                code_line = i + 1;
                emit(s);
                continue;
            }
            /* Answers and the instructor's prose go; the student's stays,
               without its fences. */
            enum fence k = fence_kind(skip_blanks(s));
            if (k == BAD_FENCE) {
                error_at(path, i + 1, "malformed fence (want '::: answer', '::: instructor'"
                         " or '::: student' alone on its line): %s", skip_blanks(s));
                continue;
            }
            if (k == ANSWER || k == INSTRUCTOR || k == STUDENT) {
                int j = fence_end(path, l, n, i, k);
                if (j < 0)
                    continue;
                if (k == STUDENT)
                    for (int m = i + 1; m < j; m++)
                        emit(l[m]);
                i = j;
                continue;
            }
            emit(s);
            continue;
        }
        /* In a chunk: @ ends it, and so does the start of another (noweb
           allows that); boxes go in a documentation part after it. */
        if (chunk_end(s) || chunk_start(s)) {
            emit(chunk_end(s) ? s : nboxes ? "@" : NULL);
            flush_boxes(boxes, &nboxes);
            in_code = chunk_start(s);
            if (in_code) {
                code_line = i + 1;
                emit(s);
            }
            continue;
        }
        if (!markerish(s)) {
            emit(s);
            continue;
        }
        if (is_line(s, "/* END SOLUTION */")) {
            error_at(path, i + 1, "END SOLUTION without a BEGIN");
            continue;
        }
        /* A region: BEGIN, stub lines, the comment's end, the solution, END. */
        char *name = NULL;
        int k = parse_begin(path, i + 1, s, &name);
        if (k == 0)
            continue;
        const char *indent_end = skip_blanks(s);
        int indent = (int)(indent_end - s);
        int begin = i, j = i + 1;
        char **stub = xmalloc((size_t)n * sizeof *stub);
        int nstub = 0, closed = 0;
        for (; j < n; j++) {
            const char *t = skip_blanks(l[j]);
            if (strcmp(t, "*/") == 0) {
                closed = 1;
                break;
            }
            if (strncmp(t, "stub:", 5) != 0 || (t[5] != ' ' && t[5] != '\0')) {
                error_at(path, j + 1, "in BEGIN SOLUTION's comment: want 'stub: CODE' lines,"
                         " then '*/' alone");
                break;
            }
            stub[nstub++] = (char *)(t[5] ? t + 6 : t + 5);
        }
        if (!closed) {
            free(stub);
            free(name);
            i = j;
            continue;
        }
        int end = j + 1;
        for (; end < n; end++) {
            const char *t = l[end];
            if (chunk_end(t))
                break;
            if (markerish(t))
                break;
        }
        if (end == n || !is_line(l[end], "/* END SOLUTION */")) {
            if (end < n && markerish(l[end]) && !is_line(l[end], "/* END SOLUTION */")
                && strstr(l[end], "BEGIN"))
                error_at(path, begin + 1, "BEGIN SOLUTION %s ex%d: a region inside a region"
                         " (line %d)", name, k, end + 1);
            else if (end < n && markerish(l[end]))
                error_at(path, end + 1, "malformed END marker (want '/* END SOLUTION */' alone)");
            else
                error_at(path, begin + 1, "BEGIN SOLUTION %s ex%d: no END SOLUTION before the"
                         " chunk's end (chunk at line %d)", name, k, code_line);
            free(stub);
            free(name);
            i = end < n ? end : n;
            if (end < n && chunk_end(l[end]))
                i = end - 1;            /* let the chunk end be seen */
            continue;
        }
        /* Lines j+1 .. end-1 are the solution. */
        int mine = strcmp(name, lab) == 0;
        if (mine)
            ex[k].regions++;
        if (sol && mine)
            for (int m = j + 1; m < end; m++)
                fprintf(sol, "%s\n", l[m]);
        if (!mine || keep[k]) {
            for (int m = j + 1; m < end; m++)
                emit(l[m]);
        } else {
            for (int m = 0; m < nstub; m++)
                if (out)
                    fprintf(out, "%*s%s\n", indent, "", stub[m]);
            int seen = 0;
            for (int b = 0; b < nboxes; b++)
                seen |= boxes[b] == k;
            if (!seen)
                boxes[nboxes++] = k;
        }
        free(stub);
        free(name);
        i = end;
    }
    if (nboxes) {
        emit("@");
        flush_boxes(boxes, &nboxes);
    }
    for (int i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: strip --lab NAME --exercises FILE [options] CHAPTER.nw...\n"
        "Check the solution markers of the chapters' code chunks and write the\n"
        "student edition of each chapter: the lab's regions replaced by their\n"
        "stubs, an exercise box after each chunk that held one, no answers and\n"
        "no '::: instructor' prose, the '::: student' prose unwrapped.\n"
        "  --lab NAME         the lab whose regions are stripped (e.g. lab4)\n"
        "  --exercises FILE   its exercises: number, title, files, functions, hint\n"
        "  --spec FILE        its test specification: each exercise's points\n"
        "  --out DIR          write the stripped chapters there, same names\n"
        "  --keep N,...       keep these exercises' solutions (markers removed)\n"
        "  --solutions FILE   write every line of the lab's regions to FILE\n"
        "  --table FILE       write a Markdown table of the exercises to FILE\n"
        "  --check            only check the markers\n"
        "Errors are reported as FILE:LINE: message; exit status 1.\n");
}

int
main(int argc, char **argv)
{
    const char *exfile = NULL, *spec = NULL, *outdir = NULL, *solfile = NULL, *table = NULL;
    int check = 0, first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--lab") == 0 && more)
            lab = argv[++i];
        else if (strcmp(a, "--exercises") == 0 && more)
            exfile = argv[++i];
        else if (strcmp(a, "--spec") == 0 && more)
            spec = argv[++i];
        else if (strcmp(a, "--out") == 0 && more)
            outdir = argv[++i];
        else if (strcmp(a, "--solutions") == 0 && more)
            solfile = argv[++i];
        else if (strcmp(a, "--table") == 0 && more)
            table = argv[++i];
        else if (strcmp(a, "--keep") == 0 && more) {
            char *list = xstrdup(argv[++i]), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                char *end;
                long k = strtol(t, &end, 10);
                if (end == t || *end || k < 1 || k > MAX_EX)
                    die("--keep: want exercise numbers, not '%s'", t);
                keep[k] = 1;
            }
            free(list);
        } else if (strcmp(a, "--check") == 0)
            check = 1;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "%s: unknown option or missing value: %s\n", prog, a);
            usage(stderr);
            return 2;
        } else {
            first = i;
            break;
        }
    }
    if (lab == NULL || exfile == NULL || first == argc) {
        usage(stderr);
        return 2;
    }
    if (!check && outdir == NULL && solfile == NULL && table == NULL)
        die("nothing to do: give --out DIR, --solutions FILE, --table FILE or --check");
    read_exercises(exfile);
    if (spec)
        read_points(spec);
    if (solfile && (sol = fopen(solfile, "w")) == NULL)
        die("%s: %s", solfile, strerror(errno));
    if (outdir && mkdir(outdir, 0777) < 0 && errno != EEXIST)
        die("%s: %s", outdir, strerror(errno));
    for (int i = first; i < argc; i++) {
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        char *path = NULL;
        if (outdir && !check) {
            path = xmalloc(strlen(outdir) + strlen(base) + 2);
            sprintf(path, "%s/%s", outdir, base);
            if ((out = fopen(path, "w")) == NULL)
                die("%s: %s", path, strerror(errno));
        }
        strip_file(argv[i]);
        if (out && fclose(out) != 0)
            die("%s: %s", path, strerror(errno));
        out = NULL;
        free(path);
    }
    for (int k = 1; k <= MAX_EX; k++) {
        if (ex[k].defined && ex[k].regions == 0)
            error_at(exfile, 0, "%s exercise %d (%s) has no solution region in the chapters",
                     lab, k, ex[k].title ? ex[k].title : "?");
        if (ex[k].defined && spec && ex[k].points == 0)
            error_at(spec, 0, "%s exercise %d has no points in the specification", lab, k);
    }
    if (sol && fclose(sol) != 0)
        die("%s: %s", solfile, strerror(errno));
    if (table) {
        FILE *f = fopen(table, "w");
        if (f == NULL)
            die("%s: %s", table, strerror(errno));
        fprintf(f, "| exercise | what | file | functions | points |\n"
                   "|---:|----------|-------|------------|--:|\n");
        int sum = 0;
        for (int k = 1; k <= MAX_EX; k++)
            if (ex[k].defined) {
                fprintf(f, "| %d | %s | `%s` | ", k, ex[k].title, ex[k].files);
                code_list(f, ex[k].functions);
                fprintf(f, " | %d |\n", ex[k].points);
                sum += ex[k].points;
            }
        fprintf(f, "| | | | total | %d |\n", sum);
        if (fclose(f) != 0)
            die("%s: %s", table, strerror(errno));
    }
    return errors ? 1 : 0;
}
