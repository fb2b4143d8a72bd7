/* nwlint.c: check noweb chapters for chunk-name mistakes and unescaped '<<'. */

/*
** All chapters are read together through noweb's own front end, markup,
** whose pipeline (@file, @begin, @defn, @use, @text, @nl, @fatal ...) gives
** the structure; markup's own complaints arrive on its stderr as file:line.
** Findings are collected, sorted by file and line, and printed on stderr.
** Exit status: 0 clean, 1 findings, 2 usage or I/O trouble.
*/

#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKUP    "/usr/lib/noweb/markup"
#define NBUCKETS  1024
#define MAXHINT   200       /* names longer than this get no "did you mean" */
#define MAXWIDTH  80        /* columns of a code line (the book's code boxes) */

typedef struct Chunk {
  char *name;
  int deffile, defline;     /* first definition; deffile < 0 if none */
  int codeuses;             /* uses inside code chunks */
  struct Chunk *next;       /* hash chain */
} Chunk;

typedef struct Use {
  Chunk *chunk;
  int file, line;
  int hazard;               /* on a code line that is not just this use */
} Use;

typedef struct Diag {
  int file, line, seq;
  char *msg;
} Diag;

/* Where the pipeline reader is. */
typedef struct State {
  int file, line;           /* current file (index into files) and line */
  int incode;               /* inside a code chunk */
  Chunk *open;              /* code chunk not yet closed by '@' */
  int openline;
  int atbol;                /* nothing read yet on the current line */
  int lineuses, linetext;   /* uses and non-blank text on this code line */
  int firstuse;             /* index in uses of the line's first use */
  int col;                  /* columns of the code line so far */
} State;

static const char *markup = MARKUP;
static int maxwidth = MAXWIDTH;

static char **files;
static int nfiles, capfiles;
static Chunk *buckets[NBUCKETS];
static Chunk **chunks;
static int nchunks, capchunks;
static Use *uses;
static int nuses, capuses;
static Diag *diags;
static int ndiags, capdiags;
static Diag *fatals;           /* markup's @fatal lines, reported last */
static int nfatals, capfatals;


/* ---- small helpers ---- */

static void die(const char *fmt, ...) {
  va_list ap;
  fputs("nwlint: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static void *grow(void *p, int *cap, int n, size_t size) {
  if (n < *cap) return p;
  *cap = *cap ? 2 * *cap : 64;
  p = realloc(p, (size_t)*cap * size);
  if (p == NULL) die("out of memory");
  return p;
}

static char *xstrdup(const char *s) {
  char *t = malloc(strlen(s) + 1);
  if (t == NULL) die("out of memory");
  return strcpy(t, s);
}

static int isblankstr(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return *s == '\0';
}

/* If line is "@key" or "@key rest", return rest ("" if none), else NULL. */
static const char *keyword(const char *line, const char *key) {
  size_t n = strlen(key);
  if (strncmp(line, key, n) != 0) return NULL;
  if (line[n] == '\0') return line + n;
  return line[n] == ' ' ? line + n + 1 : NULL;
}

static int fileindex(const char *name) {
  int i;
  for (i = 0; i < nfiles; i++)
    if (strcmp(files[i], name) == 0) return i;
  files = grow(files, &capfiles, nfiles, sizeof *files);
  files[nfiles] = xstrdup(name);
  return nfiles++;
}


/* ---- chunks and uses ---- */

static unsigned hash(const char *s) {
  unsigned h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h % NBUCKETS;
}

/* The chunk with exactly this name (noweb compares names exactly). */
static Chunk *getchunk(const char *name) {
  unsigned h = hash(name);
  Chunk *c;
  for (c = buckets[h]; c != NULL; c = c->next)
    if (strcmp(c->name, name) == 0) return c;
  c = malloc(sizeof *c);
  if (c == NULL) die("out of memory");
  c->name = xstrdup(name);
  c->deffile = -1;
  c->defline = 0;
  c->codeuses = 0;
  c->next = buckets[h];
  buckets[h] = c;
  chunks = grow(chunks, &capchunks, nchunks, sizeof *chunks);
  chunks[nchunks++] = c;
  return c;
}

/* A root may be tangled to a file: a relative path without blanks that
** has a '/' or an extension, or is exactly "Makefile". */
static int filelike(const char *name) {
  const char *dot = strrchr(name, '.');
  const char *s;
  if (name[0] == '\0' || name[0] == '/') return 0;
  for (s = name; *s; s++)
    if (isspace((unsigned char)*s)) return 0;
  if (strcmp(name, "Makefile") == 0 || strchr(name, '/') != NULL) return 1;
  return dot != NULL && isalnum((unsigned char)dot[1]);
}

/* Edit distance between a and b, or a large number if either is long. */
static int distance(const char *a, const char *b) {
  int row[MAXHINT + 1];
  int la = (int)strlen(a), lb = (int)strlen(b), i, j;
  if (la > MAXHINT || lb > MAXHINT) return MAXHINT;
  for (j = 0; j <= lb; j++) row[j] = j;
  for (i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; j++) {
      int up = row[j];
      int best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* The closest other chunk that is defined (wantdef) or used in code
** (!wantdef), if it is close enough to be a likely misspelling.  Among
** equally close ones, prefer the other half of a mismatch: a chunk that
** is defined but unused, or used but undefined. */
static Chunk *similar(const Chunk *c, int wantdef) {
  Chunk *best = NULL;
  int bestscore = 2 * 3, i;
  int limit = (int)strlen(c->name) / 3;
  for (i = 0; i < nchunks; i++) {
    Chunk *o = chunks[i];
    int d, score;
    if (o == c || (wantdef ? o->deffile < 0 : o->codeuses == 0)) continue;
    d = distance(c->name, o->name);
    score = 2 * d + (wantdef ? o->codeuses > 0 : o->deffile >= 0);
    if (d <= limit && score < bestscore) best = o, bestscore = score;
  }
  return best;
}


/* ---- diagnostics ---- */

static void report(int file, int line, const char *fmt, ...) {
  va_list ap;
  char buf[1024];
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  diags = grow(diags, &capdiags, ndiags, sizeof *diags);
  diags[ndiags].file = file;
  diags[ndiags].line = line;
  diags[ndiags].seq = ndiags;
  diags[ndiags].msg = xstrdup(buf);
  ndiags++;
}

static int bypos(const void *pa, const void *pb) {
  const Diag *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Print the findings in file and line order, repeats only once. */
static void printdiags(void) {
  int i;
  if (ndiags > 0) qsort(diags, (size_t)ndiags, sizeof *diags, bypos);
  for (i = 0; i < ndiags; i++) {
    Diag *d = &diags[i];
    if (i > 0 && d->file == d[-1].file && d->line == d[-1].line &&
        strcmp(d->msg, d[-1].msg) == 0)
      continue;
    if (d->file < 0)
      fprintf(stderr, "nwlint: %s\n", d->msg);
    else
      fprintf(stderr, "nwlint: %s:%d: %s\n", files[d->file], d->line, d->msg);
  }
}


/* ---- reading markup's pipeline ---- */

/* The column after text s written from column col (tabs stop every 8; a
   UTF-8 character is one column). */
static int advance(int col, const char *s) {
  for (; *s; s++) {
    if (*s == '\t') col = (col / 8 + 1) * 8;
    else if (((unsigned char)*s & 0xC0) != 0x80) col++;
  }
  return col;
}

/* The end of a code line: a use must be alone on its line, bar blanks, and
   the line must fit the book's code boxes. */
static void endcodeline(State *st) {
  int i;
  if (maxwidth > 0 && st->col > maxwidth)
    report(st->file, st->line, "code line is %d columns wide, over %d "
           "(wrap it: the book's code boxes hold %d)", st->col, maxwidth, maxwidth);
  if (st->lineuses > 0 && (st->lineuses > 1 || st->linetext)) {
    report(st->file, st->line, "chunk use '<<%s>>' shares its code line with "
           "other code (a C shift? write '@<<')", uses[st->firstuse].chunk->name);
    for (i = st->firstuse; i < nuses; i++) uses[i].hazard = 1;
  }
  st->lineuses = st->linetext = st->col = 0;
}

static void endfile(State *st) {
  if (st->open != NULL)
    report(st->file, st->openline, "chunk '%s' runs to the end of the file "
           "(missing '@'?)", st->open->name);
  st->open = NULL;
}

static void adduse(State *st, const char *name) {
  Chunk *c = getchunk(name);
  uses = grow(uses, &capuses, nuses, sizeof *uses);
  uses[nuses].chunk = c;
  uses[nuses].file = st->file;
  uses[nuses].line = st->line;
  uses[nuses].hazard = 0;
  if (name[0] == '\0') report(st->file, st->line, "empty chunk name in use");
  if (st->incode) {
    c->codeuses++;
    if (st->lineuses++ == 0) st->firstuse = nuses;
    st->col += (int)strlen(name) + 4;   /* as written: <<name>> */
  }
  nuses++;
}

/* Read one line of markup's pipeline. */
static void pipeline(State *st, const char *line) {
  const char *arg;
  if ((arg = keyword(line, "@file")) != NULL) {
    endfile(st);
    st->file = fileindex(arg);
    st->line = 1;
    st->incode = 0;
    st->atbol = 1;
  } else if ((arg = keyword(line, "@begin")) != NULL) {
    st->incode = strncmp(arg, "code", 4) == 0;
    st->lineuses = st->linetext = st->col = 0;
    st->open = NULL;                    /* the previous chunk has ended */
  } else if ((arg = keyword(line, "@defn")) != NULL) {
    Chunk *c = getchunk(arg);
    if (c->deffile < 0) c->deffile = st->file, c->defline = st->line;
    if (arg[0] == '\0') report(st->file, st->line, "empty chunk name in definition");
    st->open = c;
    st->openline = st->line;
  } else if ((arg = keyword(line, "@use")) != NULL) {
    adduse(st, arg);
    st->atbol = 0;
  } else if ((arg = keyword(line, "@text")) != NULL) {
    if (st->incode && !isblankstr(arg)) st->linetext = 1;
    if (st->incode) st->col = advance(st->col, arg);
    if (arg[0] != '\0') st->atbol = 0;
  } else if (strcmp(line, "@nl") == 0) {
    if (st->incode) endcodeline(st);
    st->line++;
    st->atbol = 1;
  } else if (strcmp(line, "@index nl") == 0) {
    /* the newline of an '@ %def' line, which also ends the code chunk */
    if (st->incode) {
      endcodeline(st);
      st->open = NULL;
    }
    st->line++;
    st->atbol = 1;
  } else if ((arg = keyword(line, "@fatal")) != NULL) {
    const char *msg = strchr(arg, ' ');
    int at = st->atbol && st->line > 1 ? st->line - 1 : st->line;
    fatals = grow(fatals, &capfatals, nfatals, sizeof *fatals);
    fatals[nfatals].file = st->file;
    fatals[nfatals].line = at;
    fatals[nfatals].seq = 0;
    fatals[nfatals].msg = xstrdup(msg != NULL ? msg + 1 : arg);
    nfatals++;
  }
}

/* One line of markup's stderr: "file:line: message" or a bare message. */
static void markuperror(char *line) {
  char *p, *end;
  for (p = line; (p = strchr(p, ':')) != NULL; p++) {
    long n;
    if (!isdigit((unsigned char)p[1])) continue;
    n = strtol(p + 1, &end, 10);
    if (end[0] != ':' || end[1] != ' ') continue;
    *p = '\0';
    if (strcmp(end + 2, "unescaped << in documentation chunk") == 0)
      report(fileindex(line), (int)n, "unescaped '<<' in prose breaks the "
             "file: write '@<<', or quote code as [[...]]");
    else
      report(fileindex(line), (int)n, "%s", end + 2);
    return;
  }
  p = strstr(line, ": ");
  report(-1, 0, "markup: %s", p != NULL ? p + 2 : line);
}

static char *chomp(char *s) {
  size_t n = strlen(s);
  if (n > 0 && s[n - 1] == '\n') s[n - 1] = '\0';
  return s;
}

/* Run markup on the files and feed its pipeline to the checks above.
** Its stderr goes to a temporary file, read once the pipeline is done. */
static void runmarkup(char **argv, int argc) {
  FILE *err = tmpfile(), *in;
  char **args = calloc((size_t)argc + 2, sizeof *args);
  char *line = NULL;
  size_t cap = 0;
  int fd[2], status, nerr = 0, i;
  State st = {0};
  pid_t pid;

  if (err == NULL) die("cannot make a temporary file: %s", strerror(errno));
  if (args == NULL) die("out of memory");
  if (pipe(fd) != 0) die("pipe: %s", strerror(errno));
  args[0] = (char *)markup;
  for (i = 0; i < argc; i++) args[i + 1] = argv[i];
  fflush(stderr);
  pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(fd[1], 1);
    dup2(fileno(err), 2);
    close(fd[0]);
    close(fd[1]);
    execv(markup, args);
    fprintf(stderr, "cannot run %s: %s\n", markup, strerror(errno));
    _exit(127);
  }
  close(fd[1]);
  if ((in = fdopen(fd[0], "r")) == NULL) die("fdopen: %s", strerror(errno));
  st.file = -1;
  st.atbol = 1;
  while (getline(&line, &cap, in) != -1)
    pipeline(&st, chomp(line));
  endfile(&st);
  fclose(in);
  if (waitpid(pid, &status, 0) < 0) die("waitpid: %s", strerror(errno));

  rewind(err);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    if (getline(&line, &cap, err) != -1) die("%s", chomp(line));
    die("cannot run %s", markup);
  }
  for (; getline(&line, &cap, err) != -1; nerr++)
    markuperror(chomp(line));
  /* markup ends with this @fatal after saying what was wrong on stderr */
  for (i = 0; i < nfatals; i++)
    if (nerr == 0 || strcmp(fatals[i].msg, "an unspecified error occurred") != 0)
      report(fatals[i].file, fatals[i].line, "markup: %s", fatals[i].msg);
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && nerr + nfatals == 0)
    die("%s failed (status %d)", markup, status);
  fclose(err);
  free(line);
  free(args);
}


/* ---- whole-book checks ---- */

static void checkchunks(void) {
  int i;
  for (i = 0; i < nuses; i++) {
    Use *u = &uses[i];
    Chunk *hint;
    if (u->chunk->deffile >= 0 || u->hazard || u->chunk->name[0] == '\0') continue;
    hint = similar(u->chunk, 1);
    if (hint != NULL)
      report(u->file, u->line, "chunk '%s' is used but never defined "
             "(did you mean '%s'?)", u->chunk->name, hint->name);
    else
      report(u->file, u->line, "chunk '%s' is used but never defined",
             u->chunk->name);
  }
  for (i = 0; i < nchunks; i++) {
    Chunk *c = chunks[i], *hint;
    if (c->deffile < 0 || c->codeuses > 0 || filelike(c->name)) continue;
    if (c->name[0] == '\0') continue;
    hint = similar(c, 0);
    if (hint != NULL)
      report(c->deffile, c->defline, "chunk '%s' is defined but never used "
             "(misspelt continuation of '%s'?)", c->name, hint->name);
    else
      report(c->deffile, c->defline, "chunk '%s' is defined but never used "
             "(misspelt continuation? roots must be file paths)", c->name);
  }
}

#define SYNOPSIS "usage: nwlint [-h] [-m markup] [-w width] file.nw...\n"

static void help(void) {
  printf(SYNOPSIS
    "Check noweb chapters, read together in order, and report on stderr as\n"
    "file:line: chunks used but never defined; chunks defined but never used\n"
    "whose names are not file paths; chunk uses that share a code line (a C\n"
    "shift: write @<<); code lines wider than the width (tabs every 8\n"
    "columns); unescaped << in prose; errors from noweb's markup.\n"
    "Exit status: 0 clean, 1 something reported, 2 usage or I/O error.\n"
    "  -h         print this help and exit\n"
    "  -m markup  noweb's front end to run (default %s)\n"
    "  -w width   widest code line allowed, 0 for any (default %d)\n", MARKUP, MAXWIDTH);
}

int main(int argc, char **argv) {
  int c, i;
  opterr = 0;
  while ((c = getopt(argc, argv, "hm:w:")) != -1) {
    switch (c) {
    case 'h':
      help();
      return 0;
    case 'm':
      markup = optarg;
      break;
    case 'w': {
      char *end;
      long w = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || w < 0 || w > 10000) {
        fprintf(stderr, "nwlint: -w needs a number of columns, not '%s'\n", optarg);
        fputs(SYNOPSIS, stderr);
        return 2;
      }
      maxwidth = (int)w;
      break;
    }
    default:
      if (optopt == 'm' || optopt == 'w')
        fprintf(stderr, "nwlint: option -%c needs an argument\n", optopt);
      else
        fprintf(stderr, "nwlint: unknown option -%c\n", optopt);
      fputs(SYNOPSIS, stderr);
      return 2;
    }
  }
  if (optind >= argc) {
    fputs("nwlint: no input files\n" SYNOPSIS, stderr);
    return 2;
  }
  for (i = optind; i < argc; i++) {
    FILE *f = fopen(argv[i], "r");
    if (f == NULL) die("cannot open %s: %s", argv[i], strerror(errno));
    fclose(f);
  }
  runmarkup(argv + optind, argc - optind);
  checkchunks();
  printdiags();
  return ndiags > 0;
}
