/*
 * check.c: judging a test's log against its checks (expect, forbid,
 * count, equal), each failure a line of the test's detail.
 */
#include "grade.h"

#include <stdlib.h>
#include <string.h>

void
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

void
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
