/* ptdump2dot.c: draw a page-table dump from the kernel's console as a Graphviz digraph. */

/*
** The kernel prints a page table as console lines (chapter 4 has the details):
**
**   [ptdump] begin NAME root 0xROOT
**   [ptdump] LEVEL INDEX 0xVA 0xPTE 0xPA FLAGS
**   [ptdump] end NAME COUNT
**
** one entry line per valid PTE, depth first, indices increasing, a non-leaf
** entry immediately followed by the entries of the table it points to.
** Hex numbers are 0x and 16 lower-case digits; FLAGS are the 8 characters
** VRWXUGAD, '-' for a clear bit. Every other console line is ignored, as is
** anything before "[ptdump] " on a line (a program's unterminated output)
** and trailing white space (OpenSBI's \r).
**
** Each dump read, up to the chosen one, is checked: the fields' syntax, the
** flags and the PA against the raw PTE, reserved bits, the VA against the
** indices that lead to the entry, the depth-first order, huge-page alignment,
** page-table pages forming a tree.
** The first problem is reported as "ptdump2dot: file:line: message".
**
** The drawing has one HTML-table node per page-table page, stacked in dump
** order, listing its valid entries; a run of leaves with equal flags mapping
** consecutive pages is one row, and unmapped gaps in a level-0 table (guard
** pages) are grey rows. User (U) leaves are green, kernel-only leaves blue.
** Each non-leaf entry has an edge to the table it points to.
**
** With -c K1,K2 it draws instead two dumps of the log side by side (the
** K1-th and the K2-th, counted from 1 in log order, whatever their names):
** one row per user (U) leaf page, by virtual address, each side's physical
** address and flags (a C for RSW bit 8, chapter 5's copy-on-write mark).
** A page both map to the same frame is yellow (shared), one mapped to a
** frame of its own green, one only a side maps grey on the other.
**
** Exit status: 0 drawn, 1 bad or missing dump, 2 usage or I/O trouble.
*/

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef unsigned long long u64;

#define MARK      "[ptdump] "
#define LEVELS    3               /* Sv39: levels 2 (root), 1, 0 */
#define MAXFIELDS 6               /* the most fields a dump line has; extras are only counted */
#define PPNMASK   ((1ULL << 44) - 1)

/* PTE bits 0-7, in the order the flags string spells them. */
static const char flagchars[] = "VRWXUGAD";
enum { PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32,
       PTE_A = 64, PTE_D = 128 };
#define LEAFBITS (PTE_R | PTE_W | PTE_X)

/* Colours shared with the hand-drawn figures (figures/memmap.dot). */
#define C_HEAD  "#e8e8e8"
#define C_USER  "#e4f4e4"
#define C_KERN  "#dce8fa"
#define C_GAP   "#808080"
#define C_SHARED "#fff3c4"
#define PTE_COW (1ULL << 8)       /* RSW bit 8: chapter 5's copy-on-write mark */

typedef struct Entry {
  int level, index;
  u64 va, pte, pa;
  int next;                 /* next entry of the same table, -1 at the end */
} Entry;

typedef struct Table {
  int level, line;          /* line: where it was introduced */
  u64 pa;
  u64 base;                 /* first VA it covers, 39 bits, not sign-extended */
  int first, last;          /* its entries, chained through Entry.next */
  int parent;               /* the entry pointing to it; -1 for the root */
  int ptable;               /* the table holding that entry */
} Table;

typedef struct Dump {
  char *name;
  int begin;                /* line of the begin line; 0: not in a dump */
  u64 root;
  Entry *e;
  int ne, cape;
  Table *t;
  int nt, capt;
  int open[LEVELS];         /* table being listed at each level, or -1 */
  int lastidx[LEVELS];      /* last index listed in open[level], or -1 */
} Dump;

static const char *progname = "ptdump2dot";
static const char *infile = "<stdin>";
static int lineno;          /* line being read */

static _Noreturn void fail(int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: %s:%d: ", progname, infile, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static _Noreturn void ioerror(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", progname);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static void *grow(void *p, int *cap, size_t size) {
  *cap = *cap ? 2 * *cap : 64;
  p = realloc(p, (size_t)*cap * size);
  if (p == NULL) ioerror("out of memory");
  return p;
}

/* ------------------------------------------------------------------ fields */

/* Split s at blanks into f (at most MAXFIELDS kept); returns how many fields there are. */
static int split(char *s, char **f) {
  int n = 0;
  for (;;) {
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0') return n;
    if (n < MAXFIELDS) f[n] = s;
    n++;
    while (*s != '\0' && *s != ' ' && *s != '\t') s++;
    if (*s != '\0') *s++ = '\0';
  }
}

static u64 parsehex(const char *s, const char *what) {
  u64 v = 0;
  int i;
  if (strncmp(s, "0x", 2) != 0 || strlen(s) != 18)
    fail(lineno, "%s '%s': expected 0x and 16 hex digits", what, s);
  for (i = 2; i < 18; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') v = v << 4 | (u64)(c - '0');
    else if (c >= 'a' && c <= 'f') v = v << 4 | (u64)(c - 'a' + 10);
    else fail(lineno, "%s '%s': expected 0x and 16 lower-case hex digits", what, s);
  }
  return v;
}

static int parsedec(const char *s, int max, const char *what) {
  long v = 0;
  const char *p;
  if (*s == '\0' || (s[0] == '0' && s[1] != '\0') || strlen(s) > 9)
    fail(lineno, "%s '%s': expected a decimal number from 0 to %d", what, s, max);
  for (p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      fail(lineno, "%s '%s': expected a decimal number from 0 to %d", what, s, max);
    v = v * 10 + (*p - '0');
  }
  if (v > max) fail(lineno, "%s %ld out of range 0..%d", what, v, max);
  return (int)v;
}

static int parseflags(const char *s) {
  int i, bits = 0;
  if (strlen(s) != 8)
    fail(lineno, "flags '%s': expected 8 characters, VRWXUGAD or '-'", s);
  for (i = 0; i < 8; i++) {
    if (s[i] == flagchars[i]) bits |= 1 << i;
    else if (s[i] != '-')
      fail(lineno, "flags '%s': character %d is '%c', expected '%c' or '-'",
           s, i + 1, s[i], flagchars[i]);
  }
  return bits;
}

static const char *flagstr(u64 pte, char buf[9]) {
  int i;
  for (i = 0; i < 8; i++) buf[i] = (pte >> i & 1) ? flagchars[i] : '-';
  buf[8] = '\0';
  return buf;
}

/* A 39-bit virtual address, sign-extended from bit 38 to 64 bits as Sv39 wants. */
static u64 sext39(u64 va) {
  return (va & 1ULL << 38) ? va | ~((1ULL << 39) - 1) : va;
}

static u64 pagesize(int level) { return 1ULL << (12 + 9 * level); }

/* ------------------------------------------------------------------- dumps */

static void resetdump(Dump *d) {
  int l;
  free(d->name);
  d->name = NULL;
  d->begin = 0;
  d->ne = d->nt = 0;
  for (l = 0; l < LEVELS; l++) d->open[l] = d->lastidx[l] = -1;
}

static void freedump(Dump *d) {
  resetdump(d);
  free(d->e);
  free(d->t);
}

static int newtable(Dump *d, int level, u64 pa, u64 base, int parent, int ptable) {
  Table *t;
  int i;
  for (i = 0; i < d->nt; i++)
    if (d->t[i].pa == pa)
      fail(lineno, "table 0x%016llx is already in the dump (line %d): "
           "page-table pages must form a tree", pa, d->t[i].line);
  if (d->nt == d->capt) d->t = grow(d->t, &d->capt, sizeof *d->t);
  t = &d->t[d->nt];
  t->level = level;
  t->line = lineno;
  t->pa = pa;
  t->base = base;
  t->first = t->last = -1;
  t->parent = parent;
  t->ptable = ptable;
  d->open[level] = d->nt;
  d->lastidx[level] = -1;
  return d->nt++;
}

static void begindump(Dump *d, char **f, int nf) {
  u64 root;
  if (d->begin)
    fail(lineno, "begin %s inside dump %s (line %d), which has no end line",
         nf > 1 ? f[1] : "", d->name, d->begin);
  if (nf != 4 || strcmp(f[2], "root") != 0)
    fail(lineno, "begin line: expected 'begin NAME root 0xPA'");
  root = parsehex(f[3], "root");
  if (root & 0xfff) fail(lineno, "root 0x%016llx is not page-aligned", root);
  if (root >> 56) fail(lineno, "root 0x%016llx is beyond 56 physical-address bits", root);
  d->name = strdup(f[1]);
  if (d->name == NULL) ioerror("out of memory");
  d->begin = lineno;
  d->root = root;
  newtable(d, LEVELS - 1, root, 0, -1, -1);
}

/* The PTE on its own: flags, PA, reserved bits, leaf rules. */
static void checkpte(const Entry *x, int flags) {
  u64 pte = x->pte;
  char b1[9], b2[9];
  if (!(flags & PTE_V))
    fail(lineno, "flags %s: V is clear, but only valid entries are dumped", flagstr(flags, b1));
  if ((pte & 0xff) != (u64)flags)
    fail(lineno, "flags %s do not match the PTE 0x%016llx (its bits 7-0 say %s)",
         flagstr(flags, b1), pte, flagstr(pte, b2));
  if (pte >> 54)
    fail(lineno, "PTE 0x%016llx has bits 63-54 set (N, PBMT, reserved): must be 0", pte);
  if (x->pa != ((pte >> 10) & PPNMASK) << 12)
    fail(lineno, "pa 0x%016llx is not the PTE's PPN << 12 (0x%016llx)",
         x->pa, ((pte >> 10) & PPNMASK) << 12);
  if (!(flags & LEAFBITS)) {
    if (x->level == 0)
      fail(lineno, "level-0 entry is not a leaf (none of R, W, X set)");
    if (flags & (PTE_U | PTE_A | PTE_D))
      fail(lineno, "non-leaf entry with U, A or D set (those bits are for leaves)");
  } else if (x->pa & (pagesize(x->level) - 1)) {
    fail(lineno, "level-%d leaf maps 0x%016llx, not aligned to its %s page",
         x->level, x->pa, x->level == 2 ? "1 GiB" : "2 MiB");
  }
}

static void addentry(Dump *d, char **f, int nf) {
  Entry x;
  Table *t;
  int flags, tab, l;
  u64 base;
  if (!d->begin) fail(lineno, "entry line outside a dump (no begin line before it)");
  if (nf != 6)
    fail(lineno, "entry line has %d fields, expected 6: level index va pte pa flags", nf);
  x.level = parsedec(f[0], LEVELS - 1, "level");
  x.index = parsedec(f[1], 511, "index");
  x.va = parsehex(f[2], "va");
  x.pte = parsehex(f[3], "pte");
  x.pa = parsehex(f[4], "pa");
  flags = parseflags(f[5]);
  x.next = -1;
  checkpte(&x, flags);

  tab = d->open[x.level];
  if (tab < 0)
    fail(lineno, "level-%d entry %d with no level-%d table open: it must follow a "
         "level-%d non-leaf entry or its table's other entries",
         x.level, x.index, x.level, x.level + 1);
  if (x.index <= d->lastidx[x.level])
    fail(lineno, "index %d after index %d: indices must increase within a table",
         x.index, d->lastidx[x.level]);
  t = &d->t[tab];
  base = t->base + ((u64)x.index << (12 + 9 * x.level));
  if (x.va != sext39(base))
    fail(lineno, "va 0x%016llx does not match the indices: level %d index %d "
         "of the table at 0x%016llx covers 0x%016llx",
         x.va, x.level, x.index, t->pa, sext39(base));
  d->lastidx[x.level] = x.index;
  for (l = 0; l < x.level; l++) d->open[l] = d->lastidx[l] = -1;

  if (d->ne == d->cape) d->e = grow(d->e, &d->cape, sizeof *d->e);
  d->e[d->ne] = x;
  if (t->last >= 0) d->e[t->last].next = d->ne;
  else t->first = d->ne;
  t->last = d->ne;
  if (!(flags & LEAFBITS)) newtable(d, x.level - 1, x.pa, base, d->ne, tab);
  d->ne++;
}

static void enddump(Dump *d, char **f, int nf) {
  int count;
  if (!d->begin) fail(lineno, "end line without a begin line");
  if (nf != 3) fail(lineno, "end line: expected 'end NAME COUNT'");
  if (strcmp(f[1], d->name) != 0)
    fail(lineno, "end %s does not match begin %s (line %d)", f[1], d->name, d->begin);
  count = parsedec(f[2], 999999999, "count");
  if (count != d->ne)
    fail(lineno, "end says %d entries, but dump %s has %d", count, d->name, d->ne);
}

/*
** Read the log up to the end of the chosen dump (the one named want, or the
** first if want is NULL) and leave it in d; list every dump instead if list.
** Returns whether a dump was chosen.
*/
static int readlog(FILE *in, Dump *d, const char *want, int list) {
  char *line = NULL, *p, *f[MAXFIELDS];
  size_t cap = 0;
  size_t len;
  int nf, found = 0;
  while (!found && getline(&line, &cap, in) != -1) {
    lineno++;
    len = strlen(line);           /* a NUL byte ends the line early */
    while (len > 0 && strchr("\r\n \t", line[len - 1])) line[--len] = '\0';
    if ((p = strstr(line, MARK)) == NULL) continue;
    nf = split(p + strlen(MARK), f);
    if (nf == 0) fail(lineno, "nothing after the dump marker");
    if (strcmp(f[0], "begin") == 0) {
      begindump(d, f, nf);
    } else if (strcmp(f[0], "end") == 0) {
      enddump(d, f, nf);
      if (list)
        printf("%s: lines %d-%d, root 0x%llx, %d entries, %d tables\n",
               d->name, d->begin, lineno, d->root, d->ne, d->nt);
      else if (want == NULL || strcmp(want, d->name) == 0)
        found = 1;
      if (!found) resetdump(d);
    } else {
      if (strspn(f[0], "0123456789") != strlen(f[0]))
        fail(lineno, "'%s': expected begin, end or an entry line", f[0]);
      addentry(d, f, nf);
    }
  }
  if (ferror(in)) ioerror("%s: %s", infile, strerror(errno));
  free(line);
  if (d->begin && !found)
    fail(lineno, "input ends inside dump %s (begun at line %d): no end line",
         d->name, d->begin);
  return found;
}

/* ----------------------------------------------------------------- drawing */

/* Write s with the characters HTML-like labels treat specially escaped. */
static void putesc(FILE *out, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

static const char *sizestr(int level, int n) {
  static char buf[32];
  static const char *unit[LEVELS] = { "4 KiB", "2 MiB", "1 GiB" };
  if (n == 1) return unit[level];
  if (level == 0) snprintf(buf, sizeof buf, "%d pages", n);
  else snprintf(buf, sizeof buf, "%d x %s", n, unit[level]);
  return buf;
}

/* How many entries, from e, form a run: consecutive indices, equal flags, consecutive PAs. */
static int runlength(const Dump *d, const Entry *e) {
  const Entry *b = e;
  int n = 1;
  if (!(e->pte & LEAFBITS)) return 1;
  while (b->next >= 0) {
    const Entry *c = &d->e[b->next];
    if (c->index != e->index + n || (c->pte & 0xff) != (e->pte & 0xff) ||
        c->pa != e->pa + (u64)n * pagesize(e->level))
      break;
    b = c;
    n++;
  }
  return n;
}

/* Print an index or an index range, and an address or an address range. */
static void span(FILE *out, int from, int n) {
  if (n > 1) fprintf(out, "%d-%d", from, from + n - 1);
  else fprintf(out, "%d", from);
}

static void range(FILE *out, u64 a, int n, u64 size) {
  if (n > 1) fprintf(out, "0x%llx-0x%llx", a, a + size - 1);
  else fprintf(out, "0x%llx", a);
}

/* One row for n entries from e (a run if n > 1); child: the table a non-leaf opens. */
static void row(FILE *out, const Entry *e, int n, int child) {
  u64 size = (u64)n * pagesize(e->level);
  int leaf = (e->pte & LEAFBITS) != 0;
  char fb[9];
  const char *bg = !leaf ? "" : (e->pte & PTE_U) ? " bgcolor=\"" C_USER "\""
                                                 : " bgcolor=\"" C_KERN "\"";
  fprintf(out, "  <tr><td%s align=\"right\">", bg);
  span(out, e->index, n);
  fprintf(out, "</td><td%s align=\"left\">", bg);
  range(out, e->va, n, size);
  fprintf(out, "</td><td%s>%s</td><td%s>%s</td>", bg, leaf ? sizestr(e->level, n) : "",
          bg, flagstr(e->pte, fb));
  if (leaf) {
    fprintf(out, "<td%s align=\"left\">", bg);
    range(out, e->pa, n, size);
  } else {
    fprintf(out, "<td port=\"e%d\" align=\"left\">table 0x%llx", child, e->pa);
  }
  fputs("</td></tr>\n", out);
}

/* A row for the unmapped pages between two entries of a level-0 table (a guard page, say). */
static void gap(FILE *out, const Table *t, int from, int n) {
  fputs("  <tr><td align=\"right\"><font color=\"" C_GAP "\">", out);
  span(out, from, n);
  fputs("</font></td><td align=\"left\"><font color=\"" C_GAP "\">", out);
  range(out, sext39(t->base + ((u64)from << 12)), n, (u64)n << 12);
  fprintf(out, "</font></td><td><font color=\"" C_GAP "\">%s</font></td><td></td>"
          "<td align=\"left\"><font color=\"" C_GAP "\"><i>not mapped</i></font></td></tr>\n",
          sizestr(0, n));
}

static void table(FILE *out, const Dump *d, int ti) {
  const Table *t = &d->t[ti];
  u64 lo = sext39(t->base), hi = sext39(t->base + pagesize(t->level + 1) - 1);
  int i, k, n, child = -1;
  fprintf(out, "  t%d [label=<\n<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
          "cellpadding=\"3\">\n  <tr><td colspan=\"5\" port=\"h\" bgcolor=\"" C_HEAD "\">", ti);
  if (t->parent < 0) {
    fputs("<b>", out);
    putesc(out, d->name);
    fprintf(out, "</b>: root table (level 2) at 0x%llx<br/>satp.PPN = 0x%llx",
            t->pa, t->pa >> 12);
  } else {
    fprintf(out, "<b>level %d</b> table at 0x%llx<br/>for VA 0x%llx-0x%llx",
            t->level, t->pa, lo, hi);
  }
  fputs("</td></tr>\n  <tr><td>index</td><td>virtual address</td><td>size</td>"
        "<td>flags</td><td>maps to</td></tr>\n", out);
  for (i = t->first; i >= 0; ) {
    const Entry *e = &d->e[i];
    n = runlength(d, e);
    if (!(e->pte & LEAFBITS))
      for (child = ti + 1; d->t[child].parent != i; child++) continue;
    row(out, e, n, child);
    for (k = 0; k < n; k++) i = d->e[i].next;
    if (i >= 0 && t->level == 0 && d->e[i].index > e->index + n)
      gap(out, t, e->index + n, d->e[i].index - e->index - n);
  }
  fputs("</table>>];\n", out);
}

static void draw(FILE *out, const Dump *d) {
  int i;
  fputs("// Generated by ptdump2dot from ", out);
  fputs(infile, out);
  fprintf(out, " (lines %d-%d); do not edit.\n", d->begin, lineno);
  fputs("digraph ptdump {\n"
        "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10, group=tables];\n"
        "  edge [arrowsize=0.7];\n"
        "  ranksep=0.3;\n", out);
  for (i = 0; i < d->nt; i++) table(out, d, i);
  /* tables one above the other, in dump order, so the picture stays narrow */
  for (i = 0; i + 1 < d->nt; i++) fprintf(out, "  t%d -> t%d [style=invis];\n", i, i + 1);
  for (i = 1; i < d->nt; i++)
    fprintf(out, "  t%d:e%d:e -> t%d:h:e;\n", d->t[i].ptable, i, i);
  fputs("}\n", out);
}

/* ----------------------------------------------------- two dumps, side by side */

/* The user leaves of d (4 KiB pages only: a larger user leaf is drawn per page), in VA order. */
static int userpages(const Dump *d, const Entry ***out) {
  int i, n = 0;
  const Entry **v = malloc(sizeof *v * (size_t)(d->ne ? d->ne : 1));
  if (v == NULL) ioerror("out of memory");
  for (i = 0; i < d->ne; i++)
    if ((d->e[i].pte & LEAFBITS) && (d->e[i].pte & PTE_U)) v[n++] = &d->e[i];
  /* entries come depth first with indices increasing: already in VA order */
  *out = v;
  return n;
}

static void sidecell(FILE *out, const Entry *e, const char *bg) {
  char fb[9];
  if (e == NULL) {
    fputs("<td colspan=\"2\"><font color=\"" C_GAP "\"><i>not mapped</i></font></td>", out);
    return;
  }
  fprintf(out, "<td bgcolor=\"%s\" align=\"left\">0x%llx</td><td bgcolor=\"%s\">%s%s</td>",
          bg, e->pa, bg, flagstr(e->pte, fb), (e->pte & PTE_COW) ? " C" : "");
}

static void drawpair(FILE *out, const Dump *a, int ka, const Dump *b, int kb,
                     const char *ta, const char *tb) {
  const Entry **pa, **pb;
  int na = userpages(a, &pa), nb = userpages(b, &pb), i = 0, j = 0, shared = 0, rows = 0;
  fputs("// Generated by ptdump2dot -c from ", out);
  fputs(infile, out);
  fprintf(out, " (dumps %d and %d); do not edit.\n", ka, kb);
  fputs("digraph ptdumps {\n"
        "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
        "  pair [label=<\n<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n"
        "  <tr><td bgcolor=\"" C_HEAD "\" rowspan=\"2\">virtual address</td>"
        "<td bgcolor=\"" C_HEAD "\" colspan=\"2\"><b>", out);
  putesc(out, ta);
  fputs("</b></td><td bgcolor=\"" C_HEAD "\" colspan=\"2\"><b>", out);
  putesc(out, tb);
  fputs("</b></td></tr>\n  <tr><td bgcolor=\"" C_HEAD "\">frame</td><td bgcolor=\"" C_HEAD
        "\">flags</td><td bgcolor=\"" C_HEAD "\">frame</td><td bgcolor=\"" C_HEAD
        "\">flags</td></tr>\n", out);
  while (i < na || j < nb) {
    const Entry *x = i < na ? pa[i] : NULL, *y = j < nb ? pb[j] : NULL;
    u64 va;
    if (x && y && x->va != y->va) {
      if (x->va < y->va) y = NULL; else x = NULL;
    }
    va = x ? x->va : y->va;
    const char *bg = (x && y && x->pa == y->pa) ? C_SHARED : C_USER;
    if (x && y && x->pa == y->pa) shared++;
    fprintf(out, "  <tr><td align=\"left\">0x%llx</td>", va);
    sidecell(out, x, bg);
    sidecell(out, y, bg);
    fputs("</tr>\n", out);
    if (x) i++;
    if (y) j++;
    rows++;
  }
  fprintf(out, "  <tr><td colspan=\"5\" align=\"left\">%d of %d user pages in the same frame "
          "(<font color=\"#806000\">yellow</font>); C: copy-on-write (RSW bit 8)</td></tr>\n",
          shared, rows);
  fputs("</table>>];\n}\n", out);
  free(pa);
  free(pb);
}

/* -------------------------------------------------------------------- main */

#define SYNOPSIS "usage: ptdump2dot [-h] [-l] [-n name | -c K1,K2 [-t T1,T2]] [-o file.dot] [console.log]\n"

static void help(void) {
  printf(SYNOPSIS
    "Find a page-table dump ([ptdump] lines) in a kernel console log (a file,\n"
    "or standard input), check it, and write it as a Graphviz digraph.\n"
    "Problems are reported on stderr as ptdump2dot: file:line: message.\n"
    "Exit status: 0 drawn, 1 bad or missing dump, 2 usage or I/O error.\n"
    "  -h          print this help and exit\n"
    "  -l          list the dumps in the log (name, lines, root, sizes); draw nothing\n"
    "  -n name     draw the first dump called name (default: the first dump)\n"
    "  -c K1,K2    draw the K1-th and the K2-th dumps (from 1) side by side: their\n"
    "              user pages, frames shared by both in yellow\n"
    "  -t T1,T2    the two sides' titles with -c (default: each dump's name and number)\n"
    "  -o file     write the drawing to file (default: standard output)\n");
}

/* Parse "A,B": two different numbers from 1. */
static int parsepair(const char *arg, int *a, int *b) {
  char extra;
  return sscanf(arg, "%d,%d%c", a, b, &extra) == 2 && *a >= 1 && *b >= 1 && *a != *b;
}

/* -c: read dumps in order, keep the ka-th and the kb-th, draw them. */
static int comparemode(FILE *in, int ka, int kb, const char *titles, const char *outname) {
  Dump d, a, b;
  int k, last = ka > kb ? ka : kb;
  char ta[256], tb[256];
  FILE *out = stdout;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  for (k = 1; k <= last; k++) {
    memset(&d, 0, sizeof d);
    resetdump(&d);
    if (!readlog(in, &d, NULL, 0))
      fail(lineno > 0 ? lineno : 1, "no dump number %d: the input has %d", last, k - 1);
    if (k == ka) a = d;
    if (k == kb) b = d;
    if (k != ka && k != kb) freedump(&d);
  }
  if (titles != NULL) {
    const char *comma = strchr(titles, ',');
    if (comma == NULL || comma == titles || comma[1] == '\0' || strchr(comma + 1, ',') ||
        (size_t)(comma - titles) >= sizeof ta || strlen(comma + 1) >= sizeof tb) {
      fprintf(stderr, "ptdump2dot: -t wants two titles, TITLE1,TITLE2\n");
      exit(2);
    }
    snprintf(ta, sizeof ta, "%.*s", (int)(comma - titles), titles);
    snprintf(tb, sizeof tb, "%s", comma + 1);
  } else {
    snprintf(ta, sizeof ta, "%.200s (dump %d)", a.name, ka);
    snprintf(tb, sizeof tb, "%.200s (dump %d)", b.name, kb);
  }
  if (outname != NULL && (out = fopen(outname, "w")) == NULL)
    ioerror("cannot write %s: %s", outname, strerror(errno));
  drawpair(out, &a, ka, &b, kb, ta, tb);
  freedump(&a);
  freedump(&b);
  if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0))
    ioerror("cannot write %s: %s", outname ? outname : "standard output", strerror(errno));
  return 0;
}

int main(int argc, char **argv) {
  const char *want = NULL, *outname = NULL, *pair = NULL, *titles = NULL;
  int c, list = 0, found, ka = 0, kb = 0;
  FILE *in = stdin, *out = stdout;
  Dump d;
  memset(&d, 0, sizeof d);
  resetdump(&d);
  opterr = 0;
  while ((c = getopt(argc, argv, "hln:o:c:t:")) != -1) {
    switch (c) {
    case 'h': help(); return 0;
    case 'l': list = 1; break;
    case 'n': want = optarg; break;
    case 'o': outname = optarg; break;
    case 'c': pair = optarg; break;
    case 't': titles = optarg; break;
    default:
      if (optopt == 'n' || optopt == 'o' || optopt == 'c' || optopt == 't')
        fprintf(stderr, "ptdump2dot: option -%c needs an argument\n", optopt);
      else
        fprintf(stderr, "ptdump2dot: unknown option -%c\n", optopt);
      fputs(SYNOPSIS, stderr);
      return 2;
    }
  }
  if (argc - optind > 1) {
    fputs("ptdump2dot: one input file at most\n" SYNOPSIS, stderr);
    return 2;
  }
  if (pair != NULL && (!parsepair(pair, &ka, &kb) || want != NULL || list)) {
    fputs(want || list ? "ptdump2dot: -c goes with neither -n nor -l\n"
                       : "ptdump2dot: -c wants two different dump numbers from 1, K1,K2\n", stderr);
    fputs(SYNOPSIS, stderr);
    return 2;
  }
  if (titles != NULL && pair == NULL) {
    fputs("ptdump2dot: -t goes with -c\n" SYNOPSIS, stderr);
    return 2;
  }
  if (optind < argc && strcmp(argv[optind], "-") != 0) {
    infile = argv[optind];
    if ((in = fopen(infile, "r")) == NULL)
      ioerror("cannot open %s: %s", infile, strerror(errno));
  }
  if (pair != NULL) {
    int st = comparemode(in, ka, kb, titles, outname);
    if (in != stdin) fclose(in);
    return st;
  }
  found = readlog(in, &d, want, list);
  if (in != stdin) fclose(in);
  if (!found) {
    if (list) {
      freedump(&d);
      return 0;
    }
    if (want != NULL) fail(lineno > 0 ? lineno : 1, "no dump named %s in the input", want);
    fail(lineno > 0 ? lineno : 1, "no page-table dump in the input");
  }
  if (outname != NULL && (out = fopen(outname, "w")) == NULL)
    ioerror("cannot write %s: %s", outname, strerror(errno));
  draw(out, &d);
  freedump(&d);
  if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0))
    ioerror("cannot write %s: %s", outname ? outname : "standard output", strerror(errno));
  return 0;
}
