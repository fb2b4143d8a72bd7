/*
 * check.c: judging a test's log against its checks (expect, forbid,
 * count, equal, ptdump), each failure a line of the test's detail.
 */
#include "grade.h"

#include <inttypes.h>
#include <stdio.h>
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

/* An Sv39 address: bit 38 copied into the bits above it. */
static uint64_t
sv39_canonical(uint64_t va)
{
    return va & (1ULL << 38) ? va | ~((1ULL << 39) - 1) : va & ((1ULL << 39) - 1);
}

/*
 * ptdump NAME: every page-table dump titled NAME in the log (chapter 4's
 * format: `[ptdump] begin NAME root PA`, one line per valid entry,
 * `LEVEL INDEX VA PTE PA FLAGS`, depth first, then `[ptdump] end NAME N`)
 * is whole and true to itself: each line well formed; levels 2, 1, 0
 * visited depth first, indices rising within a table, an entry below the
 * upper level only right after a table entry of the level above (and
 * only for a table, not a leaf); VA the parent's VA with the index at the
 * level's place, sign-extended (the upper half); PA the PTE's PPN;
 * FLAGS the PTE's low eight bits; a table entry V and nothing else, a
 * leaf readable, writable or executable, with A and D set; N the number
 * of entry lines. A problem line for the first fault of each dump, and
 * one if there is no dump of NAME.
 */
static void
check_ptdump(struct test *t, const char *name, char **lines, size_t nlines)
{
    int dumps = 0;
    size_t nlen = strlen(name);
    for (size_t k = 0; k < nlines; k++) {
        const char *b = strstr(lines[k], "[ptdump] begin ");
        if (b != lines[k] || strncmp(b + 15, name, nlen) != 0 || strncmp(b + 15 + nlen, " root ", 6) != 0)
            continue;
        dumps++;
        char why[200] = "";
        size_t at = k, entries = 0;
        int open[3] = { 0, 0, 0 };          /* a table entry at this level may have children */
        int last[3] = { -1, -1, -1 };       /* the last index seen in the current table */
        uint64_t base[3] = { 0, 0, 0 };     /* the VA of the entry above the current table */
        for (at = k + 1; at < nlines && !why[0]; at++) {
            const char *l = lines[at];
            if (strncmp(l, "[ptdump] ", 9) != 0)
                continue;                   /* a line of something else, in between */
            if (strncmp(l + 9, "end ", 4) == 0) {
                long n = -1;
                char tail;
                if (strncmp(l + 13, name, nlen) != 0 || l[13 + nlen] != ' '
                    || sscanf(l + 14 + nlen, "%ld%c", &n, &tail) != 1)
                    snprintf(why, sizeof why, "a malformed end line");
                else if (n != (long)entries)
                    snprintf(why, sizeof why, "the end line counts %ld entries, the dump has %zu",
                             n, entries);
                break;
            }
            int level, idx, used = 0;
            uint64_t va, pte, pa;
            char flags[9];
            if (sscanf(l + 9, "%d %d 0x%16" SCNx64 " 0x%16" SCNx64 " 0x%16" SCNx64 " %8s%n",
                       &level, &idx, &va, &pte, &pa, flags, &used) != 6 || l[9 + used] != '\0'
                || strlen(flags) != 8 || level < 0 || level > 2 || idx < 0 || idx > 511) {
                snprintf(why, sizeof why, "a malformed line");
                break;
            }
            entries++;
            if (level < 2 && !open[level + 1]) {
                snprintf(why, sizeof why, "a level-%d entry not below a table entry of level %d",
                         level, level + 1);
                break;
            }
            if (idx <= last[level]) {
                snprintf(why, sizeof why, "index %d after %d in the same table (not depth first)",
                         idx, last[level]);
                break;
            }
            last[level] = idx;
            for (int m = 0; m < level; m++) {
                open[m] = 0;
                last[m] = -1;
            }
            uint64_t want_va = sv39_canonical(base[level] | (uint64_t)idx << (12 + 9 * level));
            static const char names[] = "VRWXUGAD";
            char want_flags[9];
            for (int bit = 0; bit < 8; bit++)
                want_flags[bit] = (pte >> bit) & 1 ? names[bit] : '-';
            want_flags[8] = '\0';
            int leaf = (pte & 0xe) != 0;
            if (va != want_va)
                snprintf(why, sizeof why, "VA 0x%016" PRIx64 " for index %d at level %d, want 0x%016" PRIx64,
                         va, idx, level, want_va);
            else if (pa != ((pte >> 10) & ((1ULL << 44) - 1)) << 12)
                snprintf(why, sizeof why, "PA 0x%016" PRIx64 " is not the PTE's (0x%016" PRIx64 ")", pa, pte);
            else if (strcmp(flags, want_flags) != 0)
                snprintf(why, sizeof why, "flags %s are not the PTE's (%s)", flags, want_flags);
            else if (!(pte & 1))
                snprintf(why, sizeof why, "an entry without V");
            else if (!leaf && (pte & 0xff) != 1)
                snprintf(why, sizeof why, "a table entry with flags %s (want V-------)", flags);
            else if (!leaf && level == 0)
                snprintf(why, sizeof why, "a table entry at level 0");
            else if (leaf && (pte & 0xc0) != 0xc0)
                snprintf(why, sizeof why, "a leaf without A and D (%s)", flags);
            if (why[0]) {
                char *p = printable(l, 120);
                snprintf(why + strlen(why), sizeof why - strlen(why), ": %s", p);
                free(p);
                break;
            }
            open[level] = !leaf && level > 0;
            if (level > 0)
                base[level - 1] = va & ((1ULL << 39) - 1);
        }
        if (!why[0] && at >= nlines)
            snprintf(why, sizeof why, "no end line");
        if (why[0])
            problem(t, "ptdump %s (line %zu): %s", name, k + 1, why);
    }
    if (dumps == 0)
        problem(t, "missing: no page-table dump of %s", name);
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
            if (c->kind == C_PTDUMP) {
                check_ptdump(t, c->pat, lines, nlines);
                continue;
            }
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
