/*
 * report.c: Gradescope's results.json and a batch worker's result file.
 * (The text report is printed as the run goes, by run.c.) Text from a
 * submission (its file names, its kernel's output) is shown only after
 * control characters, bytes that are not UTF-8 and characters that
 * reorder text are replaced by '?'.
 */
#include "grade.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* s made safe line by line (printable), its newlines kept. */
char *
clean_text(const char *s)
{
    struct buf b = { 0 };
    for (const char *l = s; *l; ) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        char *line = xmalloc(n + 1);
        memcpy(line, l, n);
        line[n] = '\0';
        char *p = printable(line, n);
        buf_printf(&b, "%s%s", p, nl ? "\n" : "");
        free(p);
        free(line);
        l = nl ? nl + 1 : l + n;
    }
    return b.s ? b.s : xstrdup("");
}

/* s as a JSON string (after clean_text: only tabs and newlines to escape). */
static void
json_string(FILE *f, const char *s)
{
    char *c = clean_text(s);
    fputc('"', f);
    for (const char *p = c; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else
            fputc(*p, f);
    }
    fputc('"', f);
    free(c);
}

/*
 * results.json, Gradescope's schema. What a student may see (the top-level
 * output and the tests that are not hidden) never tells how a hidden test
 * went: the top-level output counts the visible tests alone, and a public
 * test shows its own result even when its hidden twin's failure keeps its
 * points out of the score (twins gate: the hidden twin's entry says so);
 * the report the grader prints (stdout) is the instructor's.
 */
void
write_json(const char *path, int score, int max, double secs)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        die("%s: %s", tmp, strerror(errno));
    fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"execution_time\": %.2f,\n"
               "  \"stdout_visibility\": \"hidden\",\n", score, max, secs);
    int vscore = 0, vmax = 0, nhidden = 0;
    for (int i = 0; i < spec.ntests; i++) {
        struct test *t = &spec.tests[i];
        if (!t->selected)
            continue;
        if (t->hidden) {
            nhidden++;
            continue;
        }
        vmax += t->points;
        vscore += t->passed ? t->points : 0;
    }
    struct buf out = { 0 };
    buf_printf(&out, "Isolation of the steps that ran your code: %s\n", sandbox_description());
    buf_printf(&out, "%s", buf_str(&notes));
    if (sub_error)
        buf_printf(&out, "%s\n", sub_error);
    if (build_error)
        buf_printf(&out, "%s\n%s", build_error, buf_str(&build_tail));
    if (nhidden)
        buf_printf(&out, "Score on the tests shown here: %d/%d (and %d hidden test%s)\n",
                   vscore, vmax, nhidden, nhidden == 1 ? "" : "s");
    else
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
    if (fclose(f) != 0 || rename(tmp, path) < 0)
        die("%s: %s", path, strerror(errno));
    free(out.s);
    free(tmp);
}

/* A batch worker's result: what the CSV needs, one item per line. */
void
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
            fprintf(f, "test %s %d\n", t->name, t->passed && !t->gated ? t->points : 0);
        if (t->selected && t->suspicious && !t->hidden)
            fprintf(f, "suspicious %s\n", t->name);
    }
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}
