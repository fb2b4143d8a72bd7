/*
 * searchindex.c: the HTML book's full-text search index, built at weave
 * time from the pages themselves, for book/search.js.
 *
 * usage: searchindex OUT.js PAGE.html...
 *
 * Reads each page's <main>, in the order given (the book's), and writes
 * OUT.js, a script that sets window.BOOK_SEARCH to
 *
 *     { pages: [[file, title], ...],
 *       sections: [[page, anchor, heading, text], ...],
 *       chunks: [[name, page, anchor, tag], ...],
 *       ids: [[name, page, anchor], ...] }
 *
 * (page: an index into pages). A section is the text from one heading
 * with an id to the next: prose, code comments and code alike, as words
 * separated by single blanks; chunk headers and "Used in" footers are not
 * text. chunks are the code chunks (<div id="chunk-..."> and the name in
 * its header), ids the identifiers a chunk defines (<span id="id-NAME">, or
 * "id-NAME-2" for a second definition, in another program).
 * A script, not JSON fetched by the page: it loads from file:// too.
 *
 * The input is our own pandoc's output, but it is read as any text: a
 * page that does not look like one is reported, and no entity, tag or
 * attribute can make the output anything but one assignment of string
 * and number literals.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
    char *s;
    size_t len, cap;
};

static const char *prog = "searchindex";

static void
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void
put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        if (b->s == NULL)
            die("out of memory");
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void putc_(struct buf *b, char c) { put(b, &c, 1); }

/* Text: one blank for any run of white space, none at the start. */
static void
text(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            if (b->len > 0 && b->s[b->len - 1] != ' ')
                putc_(b, ' ');
        } else
            putc_(b, (char)c);
    }
}

/* Trailing blanks off. */
static void
trim(struct buf *b)
{
    while (b->len > 0 && b->s[b->len - 1] == ' ')
        b->s[--b->len] = '\0';
}

/* A JavaScript string literal of s (UTF-8 passes through; "</" cannot end the script). */
static void
js_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else if (*p == '<' && p[1] == '/')
            fputs("<\\/", f), p++;
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* The entity at s (after '&'), appended to b as UTF-8; its length with the ';', or 0. */
static size_t
entity(const char *s, struct buf *b)
{
    static const struct { const char *name, *utf8; } named[] = {
        { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
        { "nbsp", " " }, { "para", "" }, { "rarr", "\xe2\x86\x92" }, { "larr", "\xe2\x86\x90" },
        { "mdash", "\xe2\x80\x94" }, { "ndash", "\xe2\x80\x93" }, { "hellip", "\xe2\x80\xa6" },
    };
    const char *semi = memchr(s, ';', 12);
    if (semi == NULL)
        return 0;
    size_t n = (size_t)(semi - s);
    if (n >= 2 && s[0] == '#') {
        char *end;
        unsigned long cp = s[1] == 'x' || s[1] == 'X' ? strtoul(s + 2, &end, 16) : strtoul(s + 1, &end, 10);
        if (end != semi || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        char u[4];
        size_t k;
        if (cp < 0x80)
            u[0] = (char)cp, k = 1;
        else if (cp < 0x800)
            u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
        else if (cp < 0x10000)
            u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F)),
            u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
        else
            u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3F)),
            u[2] = (char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
        if (cp < 0x20)
            u[0] = ' ', k = 1;
        text(b, u, k);
        return n + 1;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == n && strncmp(s, named[i].name, n) == 0) {
            text(b, named[i].utf8, strlen(named[i].utf8));
            return n + 1;
        }
    return 0;
}

/* The value of attribute name in the tag tag[0..n) (from '<' to '>'), into v[vn]; 1 if found. */
static int
attr(const char *tag, size_t n, const char *name, char *v, size_t vn)
{
    size_t k = strlen(name);
    for (size_t i = 1; i + k + 2 < n; i++) {
        if (!isspace((unsigned char)tag[i - 1]) || strncmp(tag + i, name, k) != 0 || tag[i + k] != '='
            || tag[i + k + 1] != '"')
            continue;
        const char *s = tag + i + k + 2, *e = memchr(s, '"', n - (i + k + 2));
        if (e == NULL || (size_t)(e - s) >= vn)
            return 0;
        memcpy(v, s, (size_t)(e - s));
        v[e - s] = '\0';
        return 1;
    }
    return 0;
}

/* Is tag[0..n) the opening tag name (e.g. "h2", "div")? */
static int
is_tag(const char *tag, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n > k + 1 && strncmp(tag + 1, name, k) == 0 && (tag[k + 1] == '>' || isspace((unsigned char)tag[k + 1]));
}

static int
is_close(const char *tag, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n == k + 3 && tag[1] == '/' && strncmp(tag + 2, name, k) == 0;
}

struct section { int page; char *anchor, *heading, *text; };
struct item { char *name; int page; char *anchor, *tag; };

static struct section *secs;
static size_t nsecs, capsecs;
static struct item *chunks, *ids;
static size_t nchunks, capchunks, nids, capids;

static char *
xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (d == NULL)
        die("out of memory");
    return d;
}

static void
add_item(struct item **v, size_t *n, size_t *cap, const char *name, int page, const char *anchor,
         const char *tag)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        *v = realloc(*v, *cap * sizeof **v);
        if (*v == NULL)
            die("out of memory");
    }
    (*v)[(*n)++] = (struct item){ xstrdup(name), page, xstrdup(anchor), xstrdup(tag) };
}

/* The section now being read (open): its text so far goes to the last section. */
static struct buf cur;
static int open_section;

static void
end_section(void)
{
    if (open_section) {
        trim(&cur);
        free(secs[nsecs - 1].text);
        secs[nsecs - 1].text = xstrdup(cur.s);
    }
    cur.len = 0;
    if (cur.s)
        cur.s[0] = '\0';
    open_section = 0;
}

static void
new_section(int page, const char *anchor)
{
    end_section();
    if (nsecs == capsecs) {
        capsecs = capsecs ? 2 * capsecs : 256;
        secs = realloc(secs, capsecs * sizeof *secs);
        if (secs == NULL)
            die("out of memory");
    }
    secs[nsecs++] = (struct section){ page, xstrdup(anchor), xstrdup(""), xstrdup("") };
    open_section = 1;
}

/*
 * Read one page's <main>. States: in a heading (its text is the
 * section's heading), in a chunk header (the chunk's name), in a footer
 * or an SVG (skipped); else text.
 */
static void
read_page(const char *path, int page, char **title)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    struct buf h = { 0 };
    char chunkbuf[4096];
    size_t n;
    while ((n = fread(chunkbuf, 1, sizeof chunkbuf, f)) > 0)
        put(&h, chunkbuf, n);
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    if (h.s == NULL)
        die("%s: empty", path);
    const char *t0 = strstr(h.s, "<title>"), *t1 = t0 ? strstr(t0, "</title>") : NULL;
    struct buf tb = { 0 };
    if (t0 && t1) {
        for (const char *p = t0 + 7; p < t1; p++) {
            size_t k = *p == '&' ? entity(p + 1, &tb) : 0;
            if (k)
                p += k;
            else
                text(&tb, p, 1);
        }
        trim(&tb);
    }
    *title = xstrdup(tb.s);
    free(tb.s);
    const char *m = strstr(h.s, "<main>"), *mend = m ? strstr(m, "</main>") : NULL;
    if (m == NULL || mend == NULL)
        die("%s: no <main> ... </main>: not a page of the book", path);
    /* The page's opening text, before any heading, is a section of its own. */
    new_section(page, "");
    struct buf heading = { 0 }, cname = { 0 };
    int in_heading = 0, in_chunkhead = 0, skip_div = 0, in_svg = 0, divdepth = 0;
    char chunk_id[256] = "", chunk_tag[64] = "";
    const char *p = m + 6;
    while (p < mend) {
        if (*p == '<') {
            const char *e = memchr(p, '>', (size_t)(mend - p));
            if (e == NULL)
                die("%s: a tag is not closed", path);
            size_t tn = (size_t)(e - p + 1);
            char v[256];
            if (in_svg) {
                if (is_close(p, tn, "svg"))
                    in_svg = 0;
            } else if (is_tag(p, tn, "svg")) {
                in_svg = 1;
            } else if ((is_tag(p, tn, "h1") || is_tag(p, tn, "h2") || is_tag(p, tn, "h3") ||
                        is_tag(p, tn, "h4")) && attr(p, tn, "id", v, sizeof v)) {
                new_section(page, v);
                in_heading = 1;
                heading.len = 0;
                if (heading.s)
                    heading.s[0] = '\0';
            } else if (in_heading && (is_close(p, tn, "h1") || is_close(p, tn, "h2") ||
                                      is_close(p, tn, "h3") || is_close(p, tn, "h4"))) {
                in_heading = 0;
                trim(&heading);
                free(secs[nsecs - 1].heading);
                secs[nsecs - 1].heading = xstrdup(heading.s);
            } else if (in_heading && is_tag(p, tn, "a") && attr(p, tn, "class", v, sizeof v)
                       && strcmp(v, "permalink") == 0) {
                const char *c = strstr(e, "</a>");      /* the pilcrow: not the heading's */
                if (c && c < mend)
                    e = c + 3;
            } else if (is_tag(p, tn, "div")) {
                divdepth++;
                text(&cur, " ", 1);
                if (!attr(p, tn, "class", v, sizeof v))
                    v[0] = '\0';
                if (strcmp(v, "chunkfoot") == 0 && !skip_div)
                    skip_div = divdepth;
                else if (strcmp(v, "chunkhead") == 0) {
                    in_chunkhead = divdepth;
                    cname.len = 0;
                    if (cname.s)
                        cname.s[0] = '\0';
                    chunk_tag[0] = '\0';
                } else if (strcmp(v, "chunk") == 0 && attr(p, tn, "id", v, sizeof v))
                    snprintf(chunk_id, sizeof chunk_id, "%s", v);
            } else if (is_close(p, tn, "div")) {
                if (skip_div == divdepth)
                    skip_div = 0;
                if (in_chunkhead == divdepth) {
                    in_chunkhead = 0;
                    trim(&cname);
                    if (cname.len > 0 && chunk_id[0])
                        add_item(&chunks, &nchunks, &capchunks, cname.s, page, chunk_id, chunk_tag);
                }
                if (divdepth > 0)
                    divdepth--;
            } else if (is_tag(p, tn, "span") && attr(p, tn, "id", v, sizeof v)
                       && strncmp(v, "id-", 3) == 0 && v[3]) {
                /* "id-printf-2": printf's second definition (another program's) */
                char name[256];
                snprintf(name, sizeof name, "%s", v + 3);
                char *dash = strrchr(name, '-');
                if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
                    *dash = '\0';
                add_item(&ids, &nids, &capids, name, page, v, "");
            } else if (in_chunkhead && is_tag(p, tn, "span") && attr(p, tn, "class", v, sizeof v)
                       && strcmp(v, "chunkname") == 0) {
                const char *c = strstr(e, "</span>");
                if (c && c < mend) {
                    for (const char *q = e + 1; q < c; q++) {
                        size_t k = *q == '&' ? entity(q + 1, &cname) : 0;
                        if (k)
                            q += k;
                        else
                            text(&cname, q, 1);
                    }
                    e = c + 6;
                }
            } else if (in_chunkhead && is_tag(p, tn, "a") && attr(p, tn, "class", v, sizeof v)
                       && strcmp(v, "chunktag") == 0) {
                const char *c = strstr(e, "</a>");
                if (c && c < mend && (size_t)(c - e - 1) < sizeof chunk_tag) {
                    memcpy(chunk_tag, e + 1, (size_t)(c - e - 1));
                    chunk_tag[c - e - 1] = '\0';
                    e = c + 3;
                }
            } else if (!in_heading && (is_tag(p, tn, "p") || is_tag(p, tn, "li") || is_tag(p, tn, "br")
                                       || is_tag(p, tn, "td") || is_tag(p, tn, "th") || is_tag(p, tn, "pre"))) {
                text(&cur, " ", 1);             /* a word never runs into the next block's */
            }
            p = e + 1;
            continue;
        }
        struct buf *to = in_svg || skip_div || in_chunkhead ? NULL : in_heading ? &heading : &cur;
        size_t k = 0;
        struct buf sink = { 0 };
        if (*p == '&')
            k = entity(p + 1, to ? to : &sink);
        free(sink.s);
        if (k)
            p += k + 1;
        else {
            if (to)
                text(to, p, 1);
            p++;
        }
    }
    end_section();
    free(heading.s);
    free(cname.s);
    free(h.s);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: searchindex OUT.js PAGE.html...\n");
        return 2;
    }
    int npages = argc - 2;
    char **titles = calloc((size_t)npages, sizeof *titles);
    if (titles == NULL)
        die("out of memory");
    for (int i = 0; i < npages; i++)
        read_page(argv[i + 2], i, &titles[i]);
    char *tmp = malloc(strlen(argv[1]) + 5);
    if (tmp == NULL)
        die("out of memory");
    sprintf(tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        die("%s: %s", tmp, strerror(errno));
    fputs("/* The book's search index (book/searchindex.c): generated, do not edit. */\n", f);
    fputs("window.BOOK_SEARCH = {\npages: [", f);
    for (int i = 0; i < npages; i++) {
        const char *base = strrchr(argv[i + 2], '/');
        fputs(i ? ",\n[" : "\n[", f);
        js_string(f, base ? base + 1 : argv[i + 2]);
        fputc(',', f);
        js_string(f, titles[i]);
        fputc(']', f);
    }
    fputs("],\nsections: [", f);
    int first = 1;
    for (size_t i = 0; i < nsecs; i++) {
        if (!secs[i].text[0] && !secs[i].heading[0])
            continue;
        fprintf(f, "%s[%d,", first ? "\n" : ",\n", secs[i].page);
        first = 0;
        js_string(f, secs[i].anchor);
        fputc(',', f);
        js_string(f, secs[i].heading);
        fputc(',', f);
        js_string(f, secs[i].text);
        fputc(']', f);
    }
    fputs("],\nchunks: [", f);
    for (size_t i = 0; i < nchunks; i++) {
        fputs(i ? ",\n[" : "\n[", f);
        js_string(f, chunks[i].name);
        fprintf(f, ",%d,", chunks[i].page);
        js_string(f, chunks[i].anchor);
        fputc(',', f);
        js_string(f, chunks[i].tag);
        fputc(']', f);
    }
    fputs("],\nids: [", f);
    for (size_t i = 0; i < nids; i++) {
        fputs(i ? ",\n[" : "\n[", f);
        js_string(f, ids[i].name);
        fprintf(f, ",%d,", ids[i].page);
        js_string(f, ids[i].anchor);
        fputc(']', f);
    }
    fputs("]\n};\n", f);
    if (fclose(f) != 0)
        die("%s: write error", tmp);
    if (rename(tmp, argv[1]) != 0)
        die("%s: %s", argv[1], strerror(errno));
    return 0;
}
