/* nw2md: noweb pipeline (markup | finduses | noidx) -> Pandoc Markdown pages and one whole-book file. */

#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *progname = "nw2md";
static const char *inname = "<stdin>";
static long inlineno;           /* line of the pipeline being read */
static int quiet;
static int strict;              /* -W: warnings make the exit status 1 */
static int nwarnings;

/* ---------------------------------------------------------------- utilities */

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* An error in the pipeline text itself: reported at its line. */
static void
die_in(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:%ld: ", progname, inname, inlineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A problem in a chapter: reported at its .nw file and line. */
static void
warn_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	nwarnings++;
	if (quiet)
		return;
	fprintf(stderr, "%s: %s:%d: warning: ", progname, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

/* Grow a dynamic array *pp of *cap elements of size sz so it holds n+1. */
static void
grow(void *pp, int *cap, int n, size_t sz)
{
	void **p = pp;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 8;
	*p = xrealloc(*p, (size_t)*cap * sz);
}

#define PUSH(arr, n, cap, val) \
	do { grow(&(arr), &(cap), (n), sizeof *(arr)); (arr)[(n)++] = (val); } while (0)

typedef struct {
	char *s;
	size_t len, cap;
} Buf;

static void
bputn(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void bputs(Buf *b, const char *s) { bputn(b, s, strlen(s)); }
static void bputc(Buf *b, int c) { char ch = (char)c; bputn(b, &ch, 1); }

static void
bprintf(Buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("internal error: formatted text too long");
	bputn(b, tmp, (size_t)n);
}

static const char *bstr(Buf *b) { return b->s ? b->s : ""; }

/* String -> int map (open addressing); keys are owned by the map. */
typedef struct {
	char **keys;
	int *vals;
	int cap, n;
} Map;

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int
map_get(Map *m, const char *k)
{
	unsigned i;

	if (m->cap == 0)
		return -1;
	for (i = hash(k) & (unsigned)(m->cap - 1); m->keys[i]; i = (i + 1) & (unsigned)(m->cap - 1))
		if (strcmp(m->keys[i], k) == 0)
			return m->vals[i];
	return -1;
}

static void
map_put(Map *m, const char *k, int v)
{
	unsigned i;

	if (2 * (m->n + 1) > m->cap) {
		Map old = *m;
		int j;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xrealloc(NULL, (size_t)m->cap * sizeof *m->keys);
		m->vals = xrealloc(NULL, (size_t)m->cap * sizeof *m->vals);
		memset(m->keys, 0, (size_t)m->cap * sizeof *m->keys);
		m->n = 0;
		for (j = 0; j < old.cap; j++)
			if (old.keys[j]) {
				map_put(m, old.keys[j], old.vals[j]);
				free(old.keys[j]);
			}
		free(old.keys);
		free(old.vals);
	}
	for (i = hash(k) & (unsigned)(m->cap - 1); m->keys[i]; i = (i + 1) & (unsigned)(m->cap - 1))
		if (strcmp(m->keys[i], k) == 0) {
			m->vals[i] = v;
			return;
		}
	m->keys[i] = xstrdup(k);
	m->vals[i] = v;
	m->n++;
}

static void
map_free(Map *m)
{
	int i;
	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ----------------------------------------------------------------- the model */

enum { P_TEXT, P_NL, P_USE, P_IDUSE, P_QUOTE, P_ENDQUOTE };

typedef struct {
	int kind;
	char *s;        /* text, chunk name or identifier */
	int srcline;    /* .nw line it came from */
} Piece;

/* Code, after lexing: links to place on the text of the block. */
typedef struct {
	int line, col, len;   /* 1-based line, byte column and length */
	int target;           /* chunk-name index (refs) or identifier index */
	int def;              /* identifiers: which of its definitions (index into defs) */
} Mark;

/* Code: a lab's solution region (labs/strip.c), its marker lines dropped. */
typedef struct {
	int first, last;      /* 1-based displayed lines, inclusive */
	char label[40];       /* "lab4 ex3" */
} Region;

typedef struct {
	int code;             /* 1 = code chunk, 0 = documentation */
	int chapter;
	int page;             /* the page it is on (its first line's, for documentation) */
	int name;             /* code: index into names[] */
	int defno;            /* code: 0 for a first definition, 1, 2, ... */
	char tag[24];         /* code: "1a" */
	char *anchor;         /* code: "chunk-kernel-x-c", "-2", ... */
	int srcline;
	Piece *p;
	int np, pcap;
	int *iddefs, niddefs, iddcap;   /* identifiers this chunk defines */
	int *iduses, niduses, iducap;   /* identifiers it uses (defined elsewhere) */
	Buf text;                       /* code: the displayed text */
	Mark *refs; int nrefs, refcap;  /* code: chunk references */
	Mark *ids; int nids, idcap;     /* code: identifier links */
	Region *sols; int nsols, solcap; /* code: solution regions */
} Chunk;

enum { L_UNSET, L_C, L_ASM, L_MAKE, L_PLAIN };

typedef struct {
	char *name;
	int *defs, ndefs, dcap;     /* chunks defining it, in book order */
	int *users, nusers, ucap;   /* code chunks that refer to it */
	int lang;
	const char *langclass;      /* Pandoc highlighting class, "" for none */
	int visiting;
} Name;

typedef struct {
	char *name;
	char *anchor;               /* its first definition's */
	char **anchors;             /* each definition's ("id-x", "id-x-2", ...) */
	int *defs, ndefs, dcap;
	int *uses, nuses, ucap;
} Ident;

typedef struct {
	char *file;       /* as given to markup */
	char *page;       /* "01-boot" */
	char *shortslug;  /* "boot" */
	int number;
	char *title;      /* Markdown of its level-1 heading */
	char *titleid;
	int first, last;  /* chunk index range [first, last) */
	int nlines;
	int firstpage, lastpage;   /* its pages [firstpage, lastpage): the opening, then sections */
} Chapter;

typedef struct {
	int chapter, level;
	int page;
	char *id;
	char *md;         /* rendered heading text, for tables of contents */
} Heading;

/* A page of the HTML book: a chapter's opening (its title and the prose before its first
   level-2 heading), or one level-2 section of it. */
typedef struct {
	int chapter;
	int hid;          /* its level-2 heading (index into headings[]), -1 for the opening */
	char *name;       /* "01-boot", "01-boot-memory-map" */
	char **figs;      /* files named by file="..." on fenced blocks */
	int nfigs, figcap;
} Page;

static Chunk *chunks; static int nchunks, chunkcap;
static Name *names; static int nnames, namecap;
static Ident *idents; static int nidents, identcap;
static Chapter *chapters; static int nchapters, chaptercap;
static Heading *headings; static int nheadings, headingcap;
static Page *pages; static int npages, pagecap;
static Map namemap, identmap;
static Map anchors;     /* every anchor in the book -> its page (index into pages[], or INDEXPAGE) */

#define INDEXPAGE 999999   /* the page holding the indexes */

/* ---------------------------------------------------------- reading the pipe */

static int
name_index(const char *s)
{
	int i = map_get(&namemap, s);
	Name n;

	if (i >= 0)
		return i;
	memset(&n, 0, sizeof n);
	n.name = xstrdup(s);
	PUSH(names, nnames, namecap, n);
	map_put(&namemap, s, nnames - 1);
	return nnames - 1;
}

static int
ident_index(const char *s)
{
	int i = map_get(&identmap, s);
	Ident d;

	if (i >= 0)
		return i;
	memset(&d, 0, sizeof d);
	d.name = xstrdup(s);
	PUSH(idents, nidents, identcap, d);
	map_put(&identmap, s, nidents - 1);
	return nidents - 1;
}

static void
add_unique(int **arr, int *n, int *cap, int v)
{
	int i;
	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return;
	grow(arr, cap, *n, sizeof **arr);
	(*arr)[(*n)++] = v;
}

/* Bijective base 26: 0 -> a, 25 -> z, 26 -> aa. */
static void
tag_letters(char *out, int k)
{
	char tmp[16];
	int n = 0, i;

	k++;
	while (k > 0) {
		k--;
		tmp[n++] = (char)('a' + k % 26);
		k /= 26;
	}
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* Lower-case slug: letters and digits kept, runs of anything else -> '-'. */
static char *
slugify(const char *s, int keepcase)
{
	Buf b = {0};
	int dash = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || (keepcase && c == '_')) {
			if (dash && b.len)
				bputc(&b, '-');
			dash = 0;
			bputc(&b, keepcase ? c : tolower(c));
		} else
			dash = 1;
	}
	if (b.len == 0)
		bputs(&b, "x");
	return b.s;
}

static void
new_chapter(const char *file)
{
	Chapter c;
	const char *base = strrchr(file, '/');
	char *p;

	memset(&c, 0, sizeof c);
	base = base ? base + 1 : file;
	c.file = xstrdup(file);
	c.page = xstrdup(base);
	if ((p = strrchr(c.page, '.')) != NULL && p != c.page)
		*p = '\0';
	for (p = c.page; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			*p = '-';
	if (isdigit((unsigned char)c.page[0])) {
		c.number = atoi(c.page);
		p = c.page;
		while (isdigit((unsigned char)*p))
			p++;
		while (*p == '-' || *p == '_')
			p++;
		c.shortslug = slugify(*p ? p : c.page, 0);
	} else {
		c.number = nchapters + 1;
		c.shortslug = slugify(c.page, 0);
	}
	c.first = c.last = nchunks;
	c.nlines = 1;
	PUSH(chapters, nchapters, chaptercap, c);
}

static void
read_pipeline(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	Chunk *cur = NULL;
	int inquote = 0, skipnl = 0, ntags = 0;

	while ((n = getline(&line, &cap, in)) > 0) {
		char *kw, *arg;
		Chapter *ch = nchapters ? &chapters[nchapters - 1] : NULL;
		Piece pc;

		inlineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] != '@')
			die_in("not a noweb pipeline line: '%s'", line);
		kw = line + 1;
		arg = strchr(kw, ' ');
		if (arg)
			*arg++ = '\0';
		else
			arg = kw + strlen(kw);
		memset(&pc, 0, sizeof pc);
		pc.srcline = ch ? ch->nlines : 0;

		if (strcmp(kw, "fatal") == 0)
			die_in("noweb stage failed: %s", arg);
		else if (strcmp(kw, "file") == 0) {
			if (cur)
				die_in("@file inside a chunk");
			new_chapter(arg);
			ntags = 0;
		} else if (strcmp(kw, "begin") == 0) {
			Chunk c;
			if (cur)
				die_in("@begin inside a chunk");
			if (!ch)
				die_in("@begin before any @file");
			memset(&c, 0, sizeof c);
			c.chapter = nchapters - 1;
			c.srcline = ch->nlines;
			c.name = -1;
			if (strncmp(arg, "code", 4) == 0) {
				c.code = 1;
				snprintf(c.tag, sizeof c.tag, "%d", ch->number);
				tag_letters(c.tag + strlen(c.tag), ntags++);
				skipnl = 1;
			} else if (strncmp(arg, "docs", 4) != 0)
				die_in("unknown chunk kind '%s'", arg);
			PUSH(chunks, nchunks, chunkcap, c);
			cur = &chunks[nchunks - 1];
			ch->last = nchunks;
			inquote = 0;
		} else if (strcmp(kw, "end") == 0) {
			if (!cur)
				die_in("@end outside a chunk");
			if (cur->code && cur->name < 0)
				die_in("code chunk without @defn");
			if (inquote)
				die_in("@end inside a quote");
			cur = NULL;
		} else if (strcmp(kw, "defn") == 0) {
			Name *nm;
			if (!cur || !cur->code)
				die_in("@defn outside a code chunk");
			cur->name = name_index(arg);
			nm = &names[cur->name];
			cur->defno = nm->ndefs;
			PUSH(nm->defs, nm->ndefs, nm->dcap, nchunks - 1);
		} else if (strcmp(kw, "nl") == 0 || strcmp(kw, "text") == 0 ||
		    strcmp(kw, "use") == 0 || strcmp(kw, "quote") == 0 ||
		    strcmp(kw, "endquote") == 0) {
			if (!cur && (kw[0] == 'n' || kw[0] == 't'))
				continue;   /* noidx puts newlines between the last chunk and its lists */
			if (!cur)
				die_in("@%s outside a chunk", kw);
			if (kw[0] == 'n') {
				ch->nlines++;
				if (skipnl) {   /* the newline ending "<<name>>=" */
					skipnl = 0;
					continue;
				}
				pc.kind = P_NL;
			} else if (kw[0] == 't') {
				pc.kind = P_TEXT;
				pc.s = xstrdup(arg);
			} else if (kw[0] == 'u') {
				pc.kind = P_USE;
				pc.s = xstrdup(arg);
				if (cur->code && !inquote) {
					int k = name_index(arg);   /* may move names[] */
					Name *nm = &names[k];
					add_unique(&nm->users, &nm->nusers, &nm->ucap, nchunks - 1);
				}
			} else if (kw[0] == 'q') {
				pc.kind = P_QUOTE;
				inquote = 1;
			} else {
				pc.kind = P_ENDQUOTE;
				inquote = 0;
			}
			skipnl = skipnl && pc.kind == P_NL;
			PUSH(cur->p, cur->np, cur->pcap, pc);
		} else if (strcmp(kw, "index") == 0) {
			if (strncmp(arg, "defn ", 5) == 0 || strncmp(arg, "localdefn ", 10) == 0) {
				int d = ident_index(strchr(arg, ' ') + 1);
				if (!cur || !cur->code)
					die_in("@index defn outside a code chunk");
				add_unique(&cur->iddefs, &cur->niddefs, &cur->iddcap, d);
				add_unique(&idents[d].defs, &idents[d].ndefs, &idents[d].dcap, nchunks - 1);
			} else if (strncmp(arg, "use ", 4) == 0) {
				if (!cur)
					die_in("@index use outside a chunk");
				pc.kind = P_IDUSE;
				pc.s = xstrdup(arg + 4);
				PUSH(cur->p, cur->np, cur->pcap, pc);
			} else if (strcmp(arg, "nl") == 0 && ch)
				ch->nlines++;
			/* noidx's lists: we compute our own */
		} else if (strcmp(kw, "xref") == 0 || strcmp(kw, "line") == 0 ||
		    strcmp(kw, "language") == 0 || strcmp(kw, "header") == 0 ||
		    strcmp(kw, "trailer") == 0 || strcmp(kw, "literal") == 0) {
			/* nothing to do: we make our own cross-references */
		} else
			die_in("unknown keyword '@%s'", kw);
	}
	if (ferror(in))
		die("%s: read error: %s", inname, strerror(errno));
	free(line);
	if (cur)
		die_in("input ends inside a chunk (a noweb stage died?)");
	if (nchapters == 0)
		die_in("no @file in input: no chapters");
}

/* ------------------------------------------------------------------ analysis */

static const char *
page_of(int page)
{
	return page == INDEXPAGE ? "indexes" : pages[page].name;
}

/* Register an anchor; if taken, add "-b", "-c"... until unique. */
static char *
claim_anchor(const char *want, int page)
{
	Buf b = {0};
	int k = 1;

	bputs(&b, want);
	while (map_get(&anchors, b.s) >= 0) {
		b.len = 0;
		bprintf(&b, "%s-v%d", want, ++k);
	}
	map_put(&anchors, b.s, page);
	return b.s;
}

/* The language of a root, from its file name. */
static void
root_language(const char *name, int *lang, const char **cls)
{
	const char *base = strrchr(name, '/'), *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	*lang = L_C;    /* unknown: lex as C (this is a C book), do not highlight */
	*cls = "";
	if (strcmp(base, "Makefile") == 0 || strcmp(base, "makefile") == 0 ||
	    strcmp(base, "GNUmakefile") == 0 || (dot && strcmp(dot, ".mk") == 0)) {
		*lang = L_MAKE;
		*cls = "makefile";
	} else if (!dot)
		return;
	else if (strcmp(dot, ".c") == 0 || strcmp(dot, ".h") == 0) {
		*lang = L_C;
		*cls = "c";
	} else if (strcmp(dot, ".S") == 0 || strcmp(dot, ".s") == 0) {
		*lang = L_ASM;
		*cls = "gnuassembler";
	} else if (strcmp(dot, ".ld") == 0 || strcmp(dot, ".lds") == 0) {
		*lang = L_C;    /* C comments and strings; no highlighter for ld */
	} else if (strcmp(dot, ".sh") == 0) {
		*lang = L_MAKE; /* '#' comments */
		*cls = "bash";
	} else if (strcmp(dot, ".lua") == 0) {
		*cls = "lua";
	} else if (strcmp(dot, ".dot") == 0 || strcmp(dot, ".gv") == 0) {
		*cls = "dot";
	} else if (strcmp(dot, ".txt") == 0 || strcmp(dot, ".md") == 0) {
		*lang = L_PLAIN;
	}
}

static void
propagate_language(int n, int lang, const char *cls)
{
	Name *nm = &names[n];
	int i, j;

	if (nm->lang != L_UNSET || nm->visiting)
		return;
	nm->lang = lang;
	nm->langclass = cls;
	nm->visiting = 1;
	for (i = 0; i < nm->ndefs; i++) {
		Chunk *c = &chunks[nm->defs[i]];
		for (j = 0; j < c->np; j++)
			if (c->p[j].kind == P_USE)
				propagate_language(name_index(c->p[j].s), lang, cls);
	}
	nm->visiting = 0;
}

static void
assign_languages(void)
{
	int pass, i, lang;
	const char *cls;

	/* C roots first, so a chunk shared by a C file and anything else is C */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nnames; i++) {
			if (names[i].nusers || names[i].ndefs == 0)
				continue;
			root_language(names[i].name, &lang, &cls);
			if ((lang == L_C && *cls) == (pass == 0))
				propagate_language(i, lang, cls);
		}
	for (i = 0; i < nnames; i++)
		if (names[i].lang == L_UNSET) {   /* only reachable through a cycle */
			names[i].lang = L_C;
			names[i].langclass = "";
		}
}

/* A small lexer, enough to know whether a point is inside a comment or string. */
enum { LX_CODE, LX_LINECOMMENT, LX_BLOCKCOMMENT, LX_STRING, LX_CHAR, LX_HASH };

typedef struct {
	int lang, st, prev, esc, bol;
} Lexer;

static void
lex(Lexer *l, int c)
{
	int prev = l->prev;

	l->prev = c;
	if (c == '\n') {
		if (l->st != LX_BLOCKCOMMENT && !(l->st == LX_STRING && l->esc))
			l->st = LX_CODE;
		l->esc = 0;
		l->bol = 1;
		return;
	}
	if (l->lang == L_PLAIN)
		return;
	switch (l->st) {
	case LX_HASH:   /* asm: "#" first on a line: a directive if a word follows */
		l->st = isalpha(c) ? LX_CODE : LX_LINECOMMENT;
		break;
	case LX_CODE:
		if (l->lang == L_MAKE) {
			if (c == '#' && prev != '\\')
				l->st = LX_LINECOMMENT;
		} else if (prev == '/' && c == '*') {
			l->st = LX_BLOCKCOMMENT;
			l->prev = 0;
		} else if (prev == '/' && c == '/')
			l->st = LX_LINECOMMENT;
		else if (c == '"')
			l->st = LX_STRING;
		else if (c == '\'')
			l->st = LX_CHAR;
		else if (c == '#' && l->lang == L_ASM)
			l->st = l->bol ? LX_HASH : LX_LINECOMMENT;
		break;
	case LX_BLOCKCOMMENT:
		if (prev == '*' && c == '/')
			l->st = LX_CODE;
		break;
	case LX_STRING:
	case LX_CHAR:
		if (l->esc)
			l->esc = 0;
		else if (c == '\\')
			l->esc = 1;
		else if (c == (l->st == LX_STRING ? '"' : '\''))
			l->st = LX_CODE;
		break;
	default:
		break;
	}
	if (c != ' ' && c != '\t')
		l->bol = 0;
}

static int
defines(Chunk *c, int ident)
{
	int i;
	for (i = 0; i < c->niddefs; i++)
		if (c->iddefs[i] == ident)
			return 1;
	return 0;
}

/* Append text to a code block, expanding tabs; track the byte column. */
static void
code_text(Chunk *c, Lexer *lx, int *col, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t') {
			do {
				bputc(&c->text, ' ');
				++*col;
			} while (*col % 8);
			lex(lx, ' ');
		} else {
			bputc(&c->text, *s);
			++*col;
			lex(lx, (unsigned char)*s);
		}
	}
}

static void
ref_text(Buf *b, int name)
{
	const char *s;

	bputs(b, "\xe2\x9f\xa8");   /* U+27E8 ⟨ */
	for (s = names[name].name; *s; s++) {   /* [[code]] in a name: just the code */
		if ((s[0] == '[' && s[1] == '[') || (s[0] == ']' && s[1] == ']' && s[2] != ']'))
			s++;
		else
			bputc(b, *s);
	}
	if (names[name].ndefs) {
		bputc(b, ' ');
		bputs(b, chunks[names[name].defs[0]].tag);
	}
	bputs(b, "\xe2\x9f\xa9");   /* U+27E9 ⟩ */
}

static int next_line(Chunk *c, int start, int *end);
static void line_plain(Chunk *c, int a, int b, Buf *out);

/*
 * Solution markers (labs/strip.c): "/\* BEGIN SOLUTION LAB exN", the stub
 * lines, the line that closes the comment, the solution, "/\* END SOLUTION *\/".
 * The book shows the solution without its markers, as a region of the block
 * (the student edition has the stub instead, and never gets here). Marks the
 * pieces of the marker lines in drop[] and records each region by the
 * displayed lines it will take.
 */
static void
find_solutions(Chunk *c, char *drop)
{
	int a, b, next, shown = 0, inmarker = 0, open = 0, openline = 0;
	Region r = {0};

	for (a = 0; a < c->np; a = next) {
		Buf t = {0};
		const char *s;
		int skip = 0;

		next = next_line(c, a, &b);
		line_plain(c, a, b, &t);
		s = bstr(&t);
		while (*s == ' ' || *s == '\t')
			s++;
		if (inmarker) {
			skip = 1;
			if (strstr(s, "*/"))
				inmarker = 0;
		} else if (strncmp(s, "/* BEGIN SOLUTION ", 18) == 0) {
			char lab[16] = "", ex[16] = "";
			if (open)
				warn_at(chapters[c->chapter].file, c->p[a].srcline,
				    "BEGIN SOLUTION inside the region begun on line %d", openline);
			sscanf(s + 18, "%15s %15s", lab, ex);
			snprintf(r.label, sizeof r.label, "%s:%s", lab, ex);
			r.first = shown + 1;
			open = 1;
			openline = c->p[a].srcline;
			skip = 1;
			inmarker = strstr(s + 2, "*/") == NULL;
		} else if (strncmp(s, "/* END SOLUTION */", 18) == 0) {
			if (!open)
				warn_at(chapters[c->chapter].file, c->p[a].srcline, "END SOLUTION without a BEGIN");
			else if (shown >= r.first) {
				r.last = shown;
				PUSH(c->sols, c->nsols, c->solcap, r);
			}
			open = 0;
			skip = 1;
		}
		if (skip)
			memset(drop + a, 1, (size_t)(next - a));
		else
			shown++;
		free(t.s);
	}
	if (open)
		warn_at(chapters[c->chapter].file, openline, "BEGIN SOLUTION never ends in its chunk");
}

/* Is displayed line n (1-based) of the text blank, or past its end? */
static int
blank_text_line(const char *s, int n)
{
	for (; n > 1 && *s; s++)
		if (*s == '\n')
			n--;
	while (*s == ' ')
		s++;
	return *s == '\n' || *s == '\0';
}

/* A solution region neither starts nor ends with blank lines. */
static void
trim_solutions(Chunk *c)
{
	int i, k = 0;

	for (i = 0; i < c->nsols; i++) {
		Region r = c->sols[i];
		while (r.first <= r.last && blank_text_line(bstr(&c->text), r.first))
			r.first++;
		while (r.last >= r.first && blank_text_line(bstr(&c->text), r.last))
			r.last--;
		if (r.first <= r.last)
			c->sols[k++] = r;
	}
	c->nsols = k;
}

/*
 * Programs. An identifier used in a chunk links to a definition in the same
 * program: the kernel's printf is not a user program's, nor is a tool's main
 * the kernel's. A chunk's programs are those of the files (root chunks) that
 * include it, directly or through other chunks: kernel/... is the kernel,
 * user/... the user library and programs, any other file a program of its own
 * kind (tools, tests, build); a header belongs to every program whose files
 * #include it (the user library includes the kernel's types.h). A chunk no
 * file includes belongs to none, and links as before, to the first
 * definition.
 */
enum { PROG_KERNEL = 1, PROG_USER = 2, PROG_OTHER = 4 };
static int *name_prog;       /* per name: its programs (PROG_ bits), 0 if none */

static void
mark_program(int ni, int prog)
{
	int j, k;

	if (name_prog[ni] & prog)
		return;
	name_prog[ni] |= prog;
	for (j = 0; j < names[ni].ndefs; j++) {
		Chunk *c = &chunks[names[ni].defs[j]];
		for (k = 0; k < c->np; k++)
			if (c->p[k].kind == P_USE) {
				int u = map_get(&namemap, c->p[k].s);
				if (u >= 0)
					mark_program(u, prog);
			}
	}
}

static int
is_file_root(int i)
{
	const char *n = names[i].name;
	return names[i].nusers == 0 && names[i].ndefs > 0 && *n && !strchr(n, ' ');
}

/* Give the headers name ni's chunks #include the programs of ni; 1 if one gained any. */
static int
include_headers(int ni)
{
	int j, k, r, changed = 0;

	for (j = 0; j < names[ni].ndefs; j++) {
		Chunk *c = &chunks[names[ni].defs[j]];
		Buf t = {0};
		const char *q;
		for (k = 0; k < c->np; k++)
			if (c->p[k].kind == P_TEXT)
				bputs(&t, c->p[k].s);
			else if (c->p[k].kind == P_NL)
				bputc(&t, '\n');
		for (q = t.s; q && (q = strstr(q, "#include \"")) != NULL; q++) {
			const char *h = q + 10, *e = strchr(h, '"');
			if (e == NULL || memchr(h, '\n', (size_t)(e - h)))
				continue;
			for (r = 0; r < nnames; r++) {
				const char *n = names[r].name;
				size_t nl = strlen(n), hl = (size_t)(e - h);
				if (!is_file_root(r) || nl < hl || strncmp(n + nl - hl, h, hl) != 0 ||
				    (nl > hl && n[nl - hl - 1] != '/'))
					continue;
				if ((name_prog[r] | name_prog[ni]) != name_prog[r]) {
					mark_program(r, name_prog[ni]);
					changed = 1;
				}
			}
		}
		free(t.s);
	}
	return changed;
}

static void
find_programs(void)
{
	int i, changed;

	name_prog = calloc((size_t)nnames + 1, sizeof *name_prog);
	if (name_prog == NULL)
		die("out of memory");
	for (i = 0; i < nnames; i++) {
		const char *n = names[i].name;
		if (!is_file_root(i) || (strlen(n) > 2 && strcmp(n + strlen(n) - 2, ".h") == 0))
			continue;       /* headers: by the files that include them, below */
		mark_program(i, strncmp(n, "kernel/", 7) == 0 ? PROG_KERNEL :
		    strncmp(n, "user/", 5) == 0 ? PROG_USER : PROG_OTHER);
	}
	do {
		changed = 0;
		for (i = 0; i < nnames; i++)
			if (name_prog[i])
				changed |= include_headers(i);
	} while (changed);
}

/* The programs of code chunk ci (0: none known). */
static int
chunk_prog(int ci)
{
	return chunks[ci].code ? name_prog[chunks[ci].name] : 0;
}

/* Does text end with a member access or a tag keyword: ".", "->", "struct "? */
static int
after_member(const Buf *t)
{
	int n = (int)t->len;
	while (n > 0 && (t->s[n - 1] == ' ' || t->s[n - 1] == '\t'))
		n--;
	return (n >= 1 && t->s[n - 1] == '.') || (n >= 2 && t->s[n - 1] == '>' && t->s[n - 2] == '-');
}

static const char *
tag_keyword(const Buf *t)
{
	static const char *const kw[] = { "struct", "union", "enum" };
	int n = (int)t->len, k;
	if (n == 0 || (t->s[n - 1] != ' ' && t->s[n - 1] != '\t'))
		return NULL;
	while (n > 0 && (t->s[n - 1] == ' ' || t->s[n - 1] == '\t'))
		n--;
	for (k = 0; k < 3; k++) {
		int l = (int)strlen(kw[k]);
		if (n >= l && strncmp(t->s + n - l, kw[k], (size_t)l) == 0 &&
		    (n == l || !(isalnum((unsigned char)t->s[n - l - 1]) || t->s[n - l - 1] == '_')))
			return kw[k];
	}
	return NULL;
}

/* Does chunk ci's own text hold "KW NAME" (a struct, union or enum of that tag)? */
static int
defines_tag(int ci, const char *kw, const char *name)
{
	Buf b = {0};
	int k, found = 0;
	size_t l = strlen(kw) + 1 + strlen(name);
	char *want = malloc(l + 1);

	if (want == NULL)
		die("out of memory");
	snprintf(want, l + 1, "%s %s", kw, name);
	for (k = 0; k < chunks[ci].np; k++)
		if (chunks[ci].p[k].kind == P_TEXT)
			bputs(&b, chunks[ci].p[k].s);
	for (const char *q = b.s; q && (q = strstr(q, want)) != NULL; q++) {
		char after = q[l];
		if (!(isalnum((unsigned char)after) || after == '_')) {
			found = 1;
			break;
		}
	}
	free(b.s);
	free(want);
	return found;
}

/*
 * Is the end of text t inside the braces of a struct or union (its member
 * list, not a function's body)? The innermost open brace decides: the
 * text before it must end with "struct", "union", or either and a tag.
 */
static int
in_member_list(const Buf *t)
{
	int depth = 0, k, e;

	for (k = (int)t->len - 1; k >= 0; k--) {
		if (t->s[k] == '}')
			depth++;
		else if (t->s[k] == '{' && depth-- == 0)
			break;
	}
	if (k < 0)
		return 0;
	e = k;
	while (e > 0 && isspace((unsigned char)t->s[e - 1]))
		e--;
	for (int pass = 0; pass < 2; pass++) {
		static const char *const kw[] = { "struct", "union" };
		for (int w = 0; w < 2; w++) {
			int l = (int)strlen(kw[w]);
			if (e >= l && strncmp(t->s + e - l, kw[w], (size_t)l) == 0 &&
			    (e == l || !(isalnum((unsigned char)t->s[e - l - 1]) || t->s[e - l - 1] == '_')))
				return 1;
		}
		/* a tag: step over it and the blanks before it, then look again */
		if (pass == 0) {
			int f = e;
			while (f > 0 && (isalnum((unsigned char)t->s[f - 1]) || t->s[f - 1] == '_'))
				f--;
			if (f == e || f == 0 || !isspace((unsigned char)t->s[f - 1]))
				return 0;
			e = f;
			while (e > 0 && isspace((unsigned char)t->s[e - 1]))
				e--;
		}
	}
	return 0;
}

/*
 * Is the name that starts text rest (len bytes of it), after text before,
 * a member being declared: in a struct's or union's member list, after a
 * type, '*' or ',' and followed by ';', ',', '[' or ':' (a bit field), or
 * "(*name)" (a function pointer)? It names no definition elsewhere.
 */
static int
declares_member(const Buf *before, const char *rest, size_t len)
{
	int n = (int)before->len;
	const char *a = rest + len;
	char prev;

	while (*a == ' ' || *a == '\t')
		a++;
	if (*a == '\0')
		return 0;
	while (n > 0 && (before->s[n - 1] == ' ' || before->s[n - 1] == '\t'))
		n--;
	if (n == 0 || !in_member_list(before))
		return 0;
	prev = before->s[n - 1];
	if (prev == '*' && n >= 2 && before->s[n - 2] == '(' && *a == ')')
		return 1;
	return (isalnum((unsigned char)prev) || prev == '_' || prev == '*' || prev == ',') &&
	    strchr(";,[:", *a) != NULL;
}

/*
 * The definition of identifier d that a use in chunk ci links to (an index
 * into its defs), or -1 for none: the first in the same program; after
 * "struct", "union" or "enum", only one that defines that tag; after "." or
 * "->" (a member), none; nor for a member's name where a struct or union
 * declares it.
 */
static int
link_def(int d, int ci, const Buf *before, const char *rest)
{
	const char *kw = tag_keyword(before);
	int j, prog = chunk_prog(ci);

	if (after_member(before) || declares_member(before, rest, strlen(idents[d].name)))
		return -1;
	for (j = 0; j < idents[d].ndefs; j++) {
		int dc = idents[d].defs[j], dp = chunk_prog(dc);
		if (prog && dp && !(prog & dp))
			continue;
		if (kw && !defines_tag(dc, kw, idents[d].name))
			continue;
		return j;
	}
	return -1;
}

/* The text of piece i of c and of the text pieces after it, to the line's
 * end or the next chunk use, into b (emptied first). */
static void
text_ahead(const Chunk *c, int i, const char *drop, Buf *b)
{
	b->len = 0;
	bputs(b, "");
	for (; i < c->np && c->p[i].kind != P_NL && c->p[i].kind != P_USE; i++)
		if (c->p[i].kind == P_TEXT && !drop[i])
			bputs(b, c->p[i].s);
}

/* Build a code chunk's displayed text, its reference marks and identifier links. */
static void
lay_out_code(int ci)
{
	Chunk *c = &chunks[ci];
	Buf ahead = {0};
	Lexer lx = {0};
	int i, line = 1, col = 0, pending = -1;
	char *drop = calloc((size_t)c->np + 1, 1);

	if (drop == NULL)
		die("out of memory");
	find_solutions(c, drop);

	lx.lang = names[c->name].lang;
	lx.bol = 1;
	for (i = 0; i < c->np; i++) {
		Piece *p = &c->p[i];
		Mark m;
		if (drop[i])
			continue;
		switch (p->kind) {
		case P_IDUSE:
			pending = ident_index(p->s);
			break;
		case P_TEXT:
			if (pending >= 0)
				text_ahead(c, i, drop, &ahead);
			if (pending >= 0 && (lx.st == LX_CODE || lx.st == LX_HASH) &&
			    idents[pending].ndefs && !defines(c, pending) &&
			    strncmp(p->s, idents[pending].name, strlen(idents[pending].name)) == 0 &&
			    (m.def = link_def(pending, ci, &c->text, ahead.s)) >= 0) {
				m.line = line;
				m.col = col;
				m.len = (int)strlen(idents[pending].name);
				m.target = pending;
				PUSH(c->ids, c->nids, c->idcap, m);
				add_unique(&c->iduses, &c->niduses, &c->iducap, pending);
				add_unique(&idents[pending].uses, &idents[pending].nuses,
				    &idents[pending].ucap, ci);
			}
			pending = -1;
			code_text(c, &lx, &col, p->s);
			break;
		case P_NL:
			bputc(&c->text, '\n');
			lex(&lx, '\n');
			line++;
			col = 0;
			pending = -1;
			break;
		case P_USE: {
			Buf r = {0};
			int n = name_index(p->s);
			ref_text(&r, n);
			if (names[n].ndefs) {
				m.line = line;
				m.col = col;
				m.len = (int)r.len;
				m.target = n;
				PUSH(c->refs, c->nrefs, c->refcap, m);
			} else
				warn_at(chapters[c->chapter].file, p->srcline,
				    "chunk <<%s>> is used but never defined", p->s);
			bputs(&c->text, r.s);
			col += (int)r.len;
			free(r.s);
			pending = -1;
			break;
		}
		default:
			break;
		}
	}
	free(drop);
	free(ahead.s);
	/* drop trailing blank lines */
	while (c->text.len) {
		size_t k = c->text.len;
		while (k > 0 && c->text.s[k - 1] == ' ')
			k--;
		if (k == 0 || c->text.s[k - 1] == '\n') {
			c->text.len = k ? k - 1 : 0;
			c->text.s[c->text.len] = '\0';
		} else
			break;
	}
	trim_solutions(c);
}

/* -------------------------------------------------- documentation lines */

typedef struct {
	int heading;      /* ATX level, or 0 */
	int infence;      /* inside a fenced code block of the prose */
	int chaptertitle;
	int hid;          /* index into headings[] */
	int page;         /* the page it is on */
} LineInfo;

/* Split a docs chunk into lines: [first, end) piece ranges separated by P_NL. */
static int
next_line(Chunk *c, int start, int *end)
{
	int i = start;
	while (i < c->np && c->p[i].kind != P_NL)
		i++;
	*end = i;
	return i < c->np ? i + 1 : i;
}

/* The raw text of a line (quotes rendered as their text). */
static void
line_plain(Chunk *c, int a, int b, Buf *out)
{
	int i;
	for (i = a; i < b; i++)
		if (c->p[i].kind == P_TEXT)
			bputs(out, c->p[i].s);
		else if (c->p[i].kind == P_USE)
			ref_text(out, name_index(c->p[i].s));
}

static int
fence_open(const char *s, char *fc, int *flen)
{
	int ind = 0, n = 0;
	while (s[ind] == ' ' && ind < 4)
		ind++;
	if (ind > 3 || (s[ind] != '`' && s[ind] != '~'))
		return 0;
	while (s[ind + n] == s[ind])
		n++;
	if (n < 3)
		return 0;
	*fc = s[ind];
	*flen = n;
	return 1;
}

static int
fence_close(const char *s, char fc, int flen)
{
	int ind = 0, n = 0;
	while (s[ind] == ' ' && ind < 4)
		ind++;
	while (s[ind + n] == fc)
		n++;
	if (ind > 3 || n < flen)
		return 0;
	for (s += ind + n; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int
heading_level(const char *s)
{
	int n = 0;
	while (s[n] == '#')
		n++;
	return n >= 1 && n <= 6 && (s[n] == ' ' || s[n] == '\0') ? n : 0;
}

/* If text ends with an attribute block "{...}", return where it starts. */
static const char *
attr_block(const char *s)
{
	size_t n = strlen(s);
	const char *o;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || s[n - 1] != '}')
		return NULL;
	o = memchr(s, '{', n);
	while (o) {
		const char *nx = memchr(o + 1, '{', (size_t)(s + n - o - 1));
		if (!nx)
			break;
		o = nx;
	}
	return o && o > s && o[-1] == ' ' ? o : NULL;
}

static char *
attr_id(const char *blk)
{
	const char *p = blk;
	while ((p = strchr(p, '#')) != NULL) {
		if (p[-1] == '{' || p[-1] == ' ') {
			size_t n = strcspn(p + 1, " }");
			char *id = xrealloc(NULL, n + 1);
			memcpy(id, p + 1, n);
			id[n] = '\0';
			return id;
		}
		p++;
	}
	return NULL;
}

/* The value of KEY="..." (file, walk) in an attribute block, or NULL. */
static char *
attr_value(const char *blk, const char *key)
{
	size_t k = strlen(key), n;
	const char *p = blk;
	char *v;

	while ((p = strstr(p, key)) != NULL) {
		if (p[k] == '=' && p > blk && (p[-1] == ' ' || p[-1] == '{'))
			break;
		p += k;
	}
	if (!p)
		return NULL;
	p += k + 1;
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		n = strcspn(p, q == '"' ? "\"" : "'");
	} else
		n = strcspn(p, " }");
	v = xrealloc(NULL, n + 1);
	memcpy(v, p, n);
	v[n] = '\0';
	return v;
}

/* Heading text without #s and attributes, for slugs. */
static char *
heading_text(const char *line)
{
	Buf b = {0};
	const char *s = line, *e;

	while (*s == '#')
		s++;
	while (*s == ' ')
		s++;
	e = attr_block(s);
	if (!e)
		e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '#'))
		e--;
	bputn(&b, s, (size_t)(e - s));
	if (!b.s)
		bputs(&b, "");
	return b.s;
}

static LineInfo **lineinfo;    /* per chunk, per line */

static int
new_page(int ch)
{
	Page pg;

	memset(&pg, 0, sizeof pg);
	pg.chapter = ch;
	pg.hid = -1;
	PUSH(pages, npages, pagecap, pg);
	chapters[ch].lastpage = npages;
	return npages - 1;
}

/*
 * Find headings, give each a stable unique id, record chapter titles. Pass 0 (before
 * any anchor is claimed) counts the heading slugs and cuts the chapters into pages:
 * the opening, then one page per level-2 heading; pass 1 gives the ids and records
 * every anchor of the prose on its page.
 */
static void
scan_docs(int pass)
{
	static Map count;
	int ci, ch;

	if (pass == 0)
		lineinfo = xrealloc(NULL, (size_t)(nchunks + 1) * sizeof *lineinfo);
	for (ch = 0; ch < nchapters; ch++) {
		int infence = 0, flen = 0, seentitle = 0, curpg;
		char fc = 0;
		if (pass == 0) {
			chapters[ch].firstpage = npages;
			curpg = new_page(ch);
		} else
			curpg = chapters[ch].firstpage;
		for (ci = chapters[ch].first; ci < chapters[ch].last; ci++) {
			Chunk *c = &chunks[ci];
			int a = 0, b, nl = 0, li = 0;
			c->page = curpg;
			if (c->code)
				continue;
			for (a = 0; a < c->np; a = next_line(c, a, &b))
				nl++;
			if (pass == 0)
				lineinfo[ci] = xrealloc(NULL, (size_t)(nl + 1) * sizeof **lineinfo);
			for (a = 0; a < c->np; a = next_line(c, a, &b), li++) {
				Buf t = {0};
				LineInfo *L = &lineinfo[ci][li];
				char *text, *slug, *given;
				next_line(c, a, &b);
				line_plain(c, a, b, &t);
				if (pass == 1)
					curpg = L->page;   /* as pass 0 found */
				memset(L, 0, sizeof *L);
				L->infence = infence;
				if (infence) {
					if (fence_close(bstr(&t), fc, flen))
						infence = 0;
				} else if (fence_open(bstr(&t), &fc, &flen)) {
					const char *blk = strchr(bstr(&t), '{');
					infence = 1;
					L->infence = 1;
					/* files the block reads: its figure, its walk's data */
					for (int k = 0; blk && pass == 1 && k < 2; k++) {
						char *fig = attr_value(blk, k ? "walk" : "file");
						if (fig)
							PUSH(pages[curpg].figs, pages[curpg].nfigs, pages[curpg].figcap, fig);
					}
					if (pass == 1 && blk && (given = attr_id(blk)) != NULL) {
						if (map_get(&anchors, given) >= 0)
							warn_at(chapters[ch].file, c->p[a].srcline,
							    "block id '%s' is used twice", given);
						map_put(&anchors, given, curpg);
						free(given);
					}
				} else if (pass == 1 && !heading_level(bstr(&t)) && strstr(bstr(&t), "{#")) {
					/* spans and divs with ids: [text]{#id}, ::: {#id} */
					const char *q = bstr(&t);
					while ((q = strstr(q, "{#")) != NULL) {
						size_t n = strcspn(q + 2, " }");
						char *id = xrealloc(NULL, n + 1);
						memcpy(id, q + 2, n);
						id[n] = '\0';
						if (n && map_get(&anchors, id) < 0)
							map_put(&anchors, id, curpg);
						free(id);
						q += 2;
					}
				} else if ((L->heading = heading_level(bstr(&t))) != 0) {
					L->chaptertitle = L->heading == 1 && !seentitle;
					if (L->heading == 1 && seentitle && pass == 0)
						warn_at(chapters[ch].file, c->p[a].srcline,
						    "second level-1 heading: one chapter per file");
					seentitle |= L->heading == 1;
					if (L->heading == 2 && pass == 0)
						curpg = new_page(ch);
					text = heading_text(bstr(&t));
					const char *blk = attr_block(bstr(&t));
					given = blk ? attr_id(blk) : NULL;
					slug = given ? xstrdup(given) : slugify(text, 0);
					if (pass == 0) {
						int v = map_get(&count, slug);
						map_put(&count, slug, v < 0 ? 1 : v + 1);
					} else {
						Heading h;
						Buf id = {0};
						memset(&h, 0, sizeof h);
						h.chapter = ch;
						h.level = L->heading;
						h.page = curpg;
						if (given) {
							if (map_get(&anchors, given) >= 0)
								warn_at(chapters[ch].file, c->p[a].srcline,
								    "heading id '%s' is used twice", given);
							map_put(&anchors, given, curpg);
							h.id = xstrdup(given);
						} else {
							if (map_get(&count, slug) > 1 || map_get(&anchors, slug) >= 0)
								bprintf(&id, "%s-%s", chapters[ch].shortslug, slug);
							else
								bputs(&id, slug);
							h.id = claim_anchor(id.s, curpg);
							free(id.s);
						}
						L->hid = nheadings;
						if (L->heading == 2)
							pages[curpg].hid = nheadings;
						PUSH(headings, nheadings, headingcap, h);
						if (L->chaptertitle) {
							chapters[ch].titleid = h.id;
						}
					}
					free(given);
					free(slug);
					free(text);
				}
				L->page = curpg;
				free(t.s);
			}
		}
	}
	if (pass == 1)
		map_free(&count);
}

/* Does the chapter have a code chunk (and so chunk tags)? */
static int
has_code(const Chapter *ch)
{
	int ci;
	for (ci = ch->first; ci < ch->last; ci++)
		if (chunks[ci].code)
			return 1;
	return 0;
}

/* A page's file name: the chapter's for its opening, with the heading's id for a section. */
static void
name_pages(void)
{
	int i;

	for (i = 0; i < npages; i++) {
		Page *pg = &pages[i];
		Buf b = {0};
		bputs(&b, chapters[pg->chapter].page);
		if (pg->hid >= 0)
			bprintf(&b, "-%s", headings[pg->hid].id);
		pg->name = b.s;
	}
}

static void
analyse(void)
{
	int i, j;

	scan_docs(0);
	for (i = 0; i < nnames; i++) {
		Buf a = {0};
		char *s = slugify(names[i].name, 0);
		for (j = 0; j < names[i].ndefs; j++) {
			Chunk *c = &chunks[names[i].defs[j]];
			a.len = 0;
			if (j == 0)
				bprintf(&a, "chunk-%s", s);
			else
				bprintf(&a, "chunk-%s-%d", s, j + 1);
			c->anchor = claim_anchor(a.s, c->page);
		}
		free(a.s);
		free(s);
	}
	for (i = 0; i < nidents; i++) {
		Buf a = {0};
		char *s = slugify(idents[i].name, 1);
		idents[i].anchors = calloc((size_t)idents[i].ndefs + 1, sizeof *idents[i].anchors);
		if (idents[i].anchors == NULL)
			die("out of memory");
		for (j = 0; j < idents[i].ndefs; j++) {
			a.len = 0;
			if (j == 0)
				bprintf(&a, "id-%s", s);
			else
				bprintf(&a, "id-%s-%d", s, j + 1);
			idents[i].anchors[j] = claim_anchor(a.s, chunks[idents[i].defs[j]].page);
		}
		if (idents[i].ndefs)
			idents[i].anchor = idents[i].anchors[0];
		free(a.s);
		free(s);
	}
	for (i = 0; i < nchapters; i++)
		for (j = 0; j < i; j++)
			if (chapters[i].number == chapters[j].number &&
			    has_code(&chapters[i]) && has_code(&chapters[j]))
				warn_at(chapters[i].file, 1, "chapter number %d is also %s's: chunk tags will clash",
				    chapters[i].number, chapters[j].file);
	map_put(&anchors, "index-chunks", INDEXPAGE);
	map_put(&anchors, "index-identifiers", INDEXPAGE);
	map_put(&anchors, "index", INDEXPAGE);
	assign_languages();
	find_programs();
	for (i = 0; i < nchunks; i++)
		if (chunks[i].code)
			lay_out_code(i);
	scan_docs(1);
	name_pages();
	for (i = 0; i < nchapters; i++)
		if (!chapters[i].titleid)
			warn_at(chapters[i].file, 1, "no '# Title' line: a chapter starts with a level-1 heading");
}

/* --------------------------------------------------------------- emission */

enum { M_PAGE, M_BOOK };
static int mode;
static int curpage;

/* A link target for an anchor that lives on page 'page'. */
static void
href(Buf *b, int page, const char *anchor)
{
	if (mode == M_PAGE && page != curpage)
		bprintf(b, "%s.html", page_of(page));
	bputc(b, '#');
	bputs(b, anchor);
}

static void
chunk_href(Buf *b, int ci)
{
	href(b, chunks[ci].page, chunks[ci].anchor);
}

/* Markdown-escape text (every ASCII punctuation character). */
static void
md_escape(Buf *b, const char *s)
{
	for (; *s; s++) {
		if (ispunct((unsigned char)*s))
			bputc(b, '\\');
		bputc(b, *s);
	}
}

static void code_span(Buf *b, const char *s);

/* A chunk name as Markdown: [[quoted]] parts become code, the rest is escaped. */
static void
name_md(Buf *b, const char *s)
{
	const char *q, *e;
	Buf t = {0};

	while ((q = strstr(s, "[[")) != NULL && (e = strstr(q + 2, "]]")) != NULL) {
		while (e[2] == ']')
			e++;
		t.len = 0;
		bputn(&t, s, (size_t)(q - s));
		md_escape(b, bstr(&t));
		t.len = 0;
		bputn(&t, q + 2, (size_t)(e - q - 2));
		code_span(b, bstr(&t));
		s = e + 2;
	}
	md_escape(b, s);
	free(t.s);
}

/* An inline code span that survives any backticks in s. */
static void
code_span(Buf *b, const char *s)
{
	int run = 0, best = 0, i;
	const char *p;

	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	for (i = 0; i <= best; i++)
		bputc(b, '`');
	if (s[0] == '`' || (*s && s[strlen(s) - 1] == '`'))
		bputc(b, ' ');
	bputs(b, s);
	if (s[0] == '`' || (*s && s[strlen(s) - 1] == '`'))
		bputc(b, ' ');
	for (i = 0; i <= best; i++)
		bputc(b, '`');
}

static void
tag_link(Buf *b, int ci)
{
	bprintf(b, "[%s](", chunks[ci].tag);
	chunk_href(b, ci);
	bputc(b, ')');
}

static void
tag_list(Buf *b, const int *list, int n, const char *sep)
{
	int i;
	for (i = 0; i < n; i++) {
		if (i)
			bputs(b, sep);
		tag_link(b, list[i]);
	}
}

/*
 * A footer's list of chunk tags, at most FOOT_MAX of them: past that, the
 * first FOOT_MAX - 2 and a link to the index, where the whole list is (a
 * footer of hundreds of tags is read by nobody).
 */
#define FOOT_MAX 12
static void
tag_list_capped(Buf *b, const int *list, int n, const char *sep)
{
	if (n <= FOOT_MAX) {
		tag_list(b, list, n, sep);
		return;
	}
	tag_list(b, list, FOOT_MAX - 2, sep);
	bprintf(b, "%sand %d more (", sep, n - (FOOT_MAX - 2));
	bputs(b, "[index](");
	href(b, INDEXPAGE, "index-identifiers");
	bputs(b, "))");
}

static void
ident_link(Buf *b, int d)
{
	if (!idents[d].ndefs) {
		code_span(b, idents[d].name);
		return;
	}
	bputc(b, '[');
	code_span(b, idents[d].name);
	bputs(b, "](");
	href(b, chunks[idents[d].defs[0]].page, idents[d].anchor);
	bputs(b, "){.id}");
}

/* Is s[0..n) "PAGE.html" for one of our pages? Returns its index+1 (npages+1 for the indexes), or 0. */
static int
our_page(const char *s, size_t n)
{
	int i;

	if (n == 12 && strncmp(s, "indexes.html", 12) == 0)
		return npages + 1;
	for (i = 0; i < npages; i++)
		if (strlen(pages[i].name) + 5 == n && strncmp(s, pages[i].name, n - 5) == 0 &&
		    strncmp(s + n - 5, ".html", 5) == 0)
			return i + 1;
	return 0;
}

/* The id of a page's first heading: the chapter title's or the section's. */
static const char *
page_id(int i)
{
	return pages[i].hid >= 0 ? headings[pages[i].hid].id : chapters[pages[i].chapter].titleid;
}

/* Rewrite prose link targets so they work on this page: "](#x)" -> "](page.html#x)". */
static void
prose_text(Buf *b, const char *s)
{
	const char *p;

	while ((p = strstr(s, "](")) != NULL) {
		const char *t = p + 2, *e, *hash;
		Buf tgt = {0};
		int pg;
		bputn(b, s, (size_t)(t - s));
		e = t + strcspn(t, " )");
		bputn(&tgt, t, (size_t)(e - t));
		hash = strchr(bstr(&tgt), '#');
		pg = hash ? map_get(&anchors, hash + 1) : -1;
		if (hash && pg != -1 && (hash == tgt.s || our_page(tgt.s, (size_t)(hash - tgt.s)))) {
			href(b, pg, hash + 1);
		} else if (!hash && mode == M_BOOK && (pg = our_page(bstr(&tgt), tgt.len)) != 0 &&
		    pg - 1 < npages && page_id(pg - 1)) {
			bprintf(b, "#%s", page_id(pg - 1));
		} else
			bputs(b, bstr(&tgt));
		free(tgt.s);
		s = e;
	}
	bputs(b, s);
}

/* Does s start a file name's extension (".h", ".c"): the name before it is a file's, not an identifier? */
static int
file_name_after(const char *s)
{
	return s[0] == '.' && isalpha((unsigned char)s[1]);
}

/* Render noweb-quoted code [[...]] from pieces [a, b) (after the P_QUOTE). */
static int
quote_md(Buf *b, Chunk *c, int a, int plainonly)
{
	Buf seg = {0};
	int i, pending = -1;

	for (i = a; i < c->np && c->p[i].kind != P_ENDQUOTE; i++) {
		Piece *p = &c->p[i];
		int d;
		switch (p->kind) {
		case P_IDUSE:
			pending = ident_index(p->s);
			break;
		case P_NL:
			bputc(&seg, ' ');
			break;
		case P_TEXT:
			d = pending;
			pending = -1;
			if (!plainonly && d >= 0 && idents[d].ndefs &&
			    strncmp(p->s, idents[d].name, strlen(idents[d].name)) == 0 &&
			    !file_name_after(p->s[strlen(idents[d].name)] || i + 1 >= c->np ||
			        c->p[i + 1].kind != P_TEXT ? p->s + strlen(idents[d].name) : c->p[i + 1].s)) {
				if (seg.len)
					code_span(b, seg.s);
				seg.len = 0;
				ident_link(b, d);
				bputs(&seg, p->s + strlen(idents[d].name));
			} else
				bputs(&seg, p->s);
			break;
		case P_USE: {
			int n = name_index(p->s);
			if (seg.len)
				code_span(b, seg.s);
			seg.len = 0;
			if (plainonly || names[n].ndefs == 0) {
				Buf r = {0};
				ref_text(&r, n);
				md_escape(b, r.s);
				free(r.s);
			} else {
				bputs(b, "[\xe2\x9f\xa8");
				name_md(b, names[n].name);
				bprintf(b, " %s\xe2\x9f\xa9](", chunks[names[n].defs[0]].tag);
				chunk_href(b, names[n].defs[0]);
				bputs(b, "){.chunkref}");
			}
			break;
		}
		default:
			break;
		}
	}
	if (seg.len)
		code_span(b, seg.s);
	free(seg.s);
	return i;
}

/* Render the pieces of one prose line to Markdown. */
static void
line_md(Buf *out, Chunk *c, int a, int b, int infence, int heading)
{
	int i;
	for (i = a; i < b; i++) {
		Piece *p = &c->p[i];
		if (p->kind == P_TEXT) {
			if (infence)
				bputs(out, p->s);
			else
				prose_text(out, p->s);
		} else if (p->kind == P_QUOTE) {
			if (infence) {
				Buf t = {0};
				int j;
				for (j = i + 1; j < b && c->p[j].kind != P_ENDQUOTE; j++)
					if (c->p[j].kind == P_TEXT)
						bputs(&t, c->p[j].s);
				bputs(out, bstr(&t));
				free(t.s);
				i = j;
			} else
				i = quote_md(out, c, i + 1, heading);
		}
	}
}

static void
chapter_number_span(Buf *b, int ch)
{
	if (chapters[ch].number > 0)
		bprintf(b, "[%d]{.chapnum} ", chapters[ch].number);
}

/* A heading line: text, then our attributes merged into any the author gave. */
static void
heading_md(Buf *out, Chunk *c, int a, int b, LineInfo *L, int ch)
{
	Buf t = {0}, extra = {0};
	const char *s, *blk;
	Heading *h = &headings[L->hid];
	size_t n;

	line_md(&t, c, a, b, 0, 1);
	s = bstr(&t);
	n = strspn(s, "#");
	bputn(out, s, n);
	s += n;
	while (*s == ' ')
		s++;
	bputc(out, ' ');
	if (L->chaptertitle)
		chapter_number_span(out, ch);
	blk = attr_block(s);
	bputn(out, s, blk ? (size_t)(blk - s) : strlen(s));
	/* the rendered title, for contents pages */
	{
		Buf md = {0};
		const char *e = blk ? blk : s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '#'))
			e--;
		bputn(&md, s, (size_t)(e - s));
		free(h->md);
		h->md = md.s ? md.s : xstrdup("");
	}
	if (!blk || !strchr(blk, '#'))
		bprintf(&extra, "#%s", h->id);
	if (L->chaptertitle) {
		bprintf(&extra, "%s.chapter chapter=\"%d\"", extra.len ? " " : "", chapters[ch].number);
		if (chapters[ch].number == 0)
			bputs(&extra, " .unnumbered");
	} else if (chapters[ch].number == 0)
		bprintf(&extra, "%s.unnumbered", extra.len ? " " : "");
	if (L->chaptertitle && !chapters[ch].title)
		chapters[ch].title = xstrdup(h->md);
	if (blk) {
		if (extra.len) {
			bputc(out, '{');
			bputs(out, bstr(&extra));
			bputc(out, ' ');
			bputs(out, blk + 1);
		} else
			bputs(out, blk);
	} else if (extra.len) {
		if (out->len && out->s[out->len - 1] != ' ')
			bputc(out, ' ');
		bprintf(out, "{%s}", extra.s);
	}
	bputc(out, '\n');
	free(t.s);
	free(extra.s);
}

static void
blank_line(Buf *b)
{
	if (b->len == 0 || (b->len >= 2 && b->s[b->len - 1] == '\n' && b->s[b->len - 2] == '\n'))
		return;
	if (b->s[b->len - 1] != '\n')
		bputc(b, '\n');
	bputc(b, '\n');
}

/* The lines of a documentation chunk on page pg (all of them if pg < 0). */
static void
docs_md(Buf *out, int ci, int pg)
{
	Chunk *c = &chunks[ci];
	int a, b, li = 0;

	for (a = 0; a < c->np; a = next_line(c, a, &b), li++) {
		LineInfo *L = &lineinfo[ci][li];
		next_line(c, a, &b);
		if (pg >= 0 && L->page != pg)
			continue;
		if (L->heading) {
			heading_md(out, c, a, b, L, c->chapter);
			continue;
		}
		line_md(out, c, a, b, L->infence, 0);
		if (b < c->np)
			bputc(out, '\n');
	}
}

static void
marks_attr(Buf *b, const char *key, Mark *m, int n, int refs)
{
	int i;

	if (n == 0)
		return;
	bprintf(b, " %s=\"", key);
	for (i = 0; i < n; i++) {
		if (i)
			bputc(b, ' ');
		bprintf(b, "%d:%d:%d:", m[i].line, m[i].col, m[i].len);
		if (refs)
			chunk_href(b, names[m[i].target].defs[0]);
		else
			href(b, chunks[idents[m[i].target].defs[m[i].def]].page,
			    idents[m[i].target].anchors[m[i].def]);
	}
	bputc(b, '"');
}

static void
code_md(Buf *out, int ci)
{
	Chunk *c = &chunks[ci];
	Name *nm = &names[c->name];
	int i, fence = 3, run = 0;
	const char *s;

	blank_line(out);
	bprintf(out, "::::: {#%s .chunk}\n", c->anchor);
	bputs(out, "::: chunkhead\n");
	for (i = 0; i < c->niddefs; i++) {
		Ident *d = &idents[c->iddefs[i]];
		int j;
		for (j = 0; j < d->ndefs; j++)
			if (d->defs[j] == ci) {
				bprintf(out, "[]{#%s}", d->anchors[j]);
				break;
			}
	}
	bprintf(out, "[%s](#%s){.chunktag} [\xe2\x9f\xa8", c->tag, c->anchor);
	name_md(out, nm->name);
	bprintf(out, "\xe2\x9f\xa9]{.chunkname} [%s\xe2\x89\xa1]{.chunkdef}", c->defno ? "+" : "");
	if (c->defno > 0) {
		bputs(out, " [\xe2\x97\x81\\ ");
		bputs(out, chunks[nm->defs[c->defno - 1]].tag);
		bputs(out, "](");
		chunk_href(out, nm->defs[c->defno - 1]);
		bputs(out, "){.chunkprev title=\"previous definition\"}");
	}
	if (c->defno + 1 < nm->ndefs) {
		bprintf(out, " [%s\\ \xe2\x96\xb7](", chunks[nm->defs[c->defno + 1]].tag);
		chunk_href(out, nm->defs[c->defno + 1]);
		bputs(out, "){.chunknext title=\"next definition\"}");
	}
	bputs(out, "\n:::\n\n");

	for (s = bstr(&c->text); *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run >= fence)
			fence = run + 1;
	}
	for (i = 0; i < fence; i++)
		bputc(out, '`');
	bputs(out, " {");
	if (*nm->langclass)
		bprintf(out, ".%s ", nm->langclass);
	bputs(out, ".chunkcode");
	marks_attr(out, "refs", c->refs, c->nrefs, 1);
	marks_attr(out, "ids", c->ids, c->nids, 0);
	if (c->nsols) {
		bputs(out, " solutions=\"");
		for (i = 0; i < c->nsols; i++)
			bprintf(out, "%s%d:%d:%s", i ? " " : "", c->sols[i].first, c->sols[i].last,
			    c->sols[i].label);
		bputc(out, '"');
	}
	bputs(out, "}\n");
	if (c->text.len) {
		bputs(out, c->text.s);
		bputc(out, '\n');
	}
	for (i = 0; i < fence; i++)
		bputc(out, '`');
	bputs(out, "\n\n::: chunkfoot\n");
	if (nm->nusers == 0)
		bputs(out, "Root chunk.");
	else {
		bputs(out, "Used in ");
		tag_list(out, nm->users, nm->nusers, ", ");
		bputc(out, '.');
	}
	if (c->defno == 0 && nm->ndefs > 1) {
		bputs(out, " Continued in ");
		tag_list(out, nm->defs + 1, nm->ndefs - 1, ", ");
		bputc(out, '.');
	}
	for (i = 0; i < c->niddefs; i++) {
		Ident *d = &idents[c->iddefs[i]];
		bputs(out, i ? "; " : " Defines ");
		code_span(out, d->name);
		if (d->defs[0] != ci) {
			bputs(out, " (also ");
			tag_link(out, d->defs[0]);
			bputc(out, ')');
		}
		if (d->nuses) {
			bputs(out, ", used in ");
			tag_list_capped(out, d->uses, d->nuses, ", ");
		}
	}
	if (c->niddefs)
		bputc(out, '.');
	for (i = 0; i < c->niduses && i < FOOT_MAX; i++) {
		bputs(out, i ? ", " : " Uses ");
		ident_link(out, c->iduses[i]);
	}
	if (c->niduses > FOOT_MAX)
		bprintf(out, " and %d more", c->niduses - FOOT_MAX);
	if (c->niduses)
		bputc(out, '.');
	bputs(out, "\n:::\n:::::\n\n");
}

/* A chapter's text, or only what is on its page pg (pg >= 0). */
static void
chapter_md(Buf *out, int ch, int pg)
{
	int ci;
	for (ci = chapters[ch].first; ci < chapters[ch].last; ci++)
		if (chunks[ci].code) {
			if (pg < 0 || chunks[ci].page == pg)
				code_md(out, ci);
		} else
			docs_md(out, ci, pg);
	blank_line(out);
}

static int
cmp_names(const void *a, const void *b)
{
	const char *x = names[*(const int *)a].name, *y = names[*(const int *)b].name;
	int r = strcasecmp(x, y);
	return r ? r : strcmp(x, y);
}

static int
cmp_idents(const void *a, const void *b)
{
	const char *x = idents[*(const int *)a].name, *y = idents[*(const int *)b].name;
	int r;
	while (*x == '_')
		x++;
	while (*y == '_')
		y++;
	r = strcasecmp(x, y);
	return r ? r : strcmp(idents[*(const int *)a].name, idents[*(const int *)b].name);
}

static void
index_md(Buf *out)
{
	int *ord = xrealloc(NULL, (size_t)(nnames + nidents + 1) * sizeof *ord);
	int i, n = 0;

	bputs(out, "## Code chunks {#index-chunks .unnumbered}\n\n");
	for (i = 0; i < nnames; i++)
		if (names[i].ndefs)
			ord[n++] = i;
	qsort(ord, (size_t)n, sizeof *ord, cmp_names);
	for (i = 0; i < n; i++) {
		Name *nm = &names[ord[i]];
		bputs(out, "- [\xe2\x9f\xa8");
		name_md(out, nm->name);
		bputs(out, "\xe2\x9f\xa9]{.chunkname} ");
		tag_list(out, nm->defs, nm->ndefs, ", ");
		if (nm->nusers) {
			bputs(out, "; used in ");
			tag_list(out, nm->users, nm->nusers, ", ");
		} else
			bputs(out, "; root");
		bputc(out, '\n');
	}
	if (n == 0)
		bputs(out, "(none)\n");
	bputs(out, "\n## Identifiers {#index-identifiers .unnumbered}\n\n");
	n = 0;
	for (i = 0; i < nidents; i++)
		if (idents[i].ndefs)
			ord[n++] = i;
	qsort(ord, (size_t)n, sizeof *ord, cmp_idents);
	for (i = 0; i < n; i++) {
		Ident *d = &idents[ord[i]];
		int j;
		bputs(out, "- ");
		code_span(out, d->name);
		bputs(out, ": defined in ");
		for (j = 0; j < d->ndefs; j++) {
			if (j)
				bputs(out, ", ");
			bputs(out, "**");
			tag_link(out, d->defs[j]);
			bputs(out, "**");
		}
		if (d->nuses) {
			bputs(out, "; used in ");
			tag_list(out, d->uses, d->nuses, ", ");
		}
		bputc(out, '\n');
	}
	if (n == 0)
		bputs(out, "(none)\n");
	free(ord);
}

/* YAML single-quoted scalar. */
static void
yaml_str(Buf *b, const char *s)
{
	bputc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			bputc(b, '\'');
		bputc(b, *s == '\n' ? ' ' : *s);
	}
	bputc(b, '\'');
}

static char *
plain_title(const char *md)
{
	Buf b = {0};
	for (; *md; md++)
		if (*md != '`' && *md != '\\' && *md != '*' && *md != '_')
			bputc(&b, *md);
	if (!b.s)
		bputs(&b, "");
	return b.s;
}

static void
write_if_changed(const char *path, Buf *b)
{
	FILE *f = fopen(path, "rb");
	Buf old = {0};
	char tmp[4096];
	size_t n;
	Buf tmpname = {0};

	if (f) {
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			bputn(&old, tmp, n);
		fclose(f);
		if (old.len == b->len && (b->len == 0 || memcmp(old.s, b->s, b->len) == 0)) {
			free(old.s);
			return;
		}
		free(old.s);
	}
	bprintf(&tmpname, "%s.tmp", path);
	if ((f = fopen(tmpname.s, "wb")) == NULL)
		die("%s: %s", tmpname.s, strerror(errno));
	if ((b->len && fwrite(b->s, 1, b->len, f) != b->len) || fclose(f) != 0)
		die("%s: write error: %s", tmpname.s, strerror(errno));
	if (rename(tmpname.s, path) != 0)
		die("%s: %s", path, strerror(errno));
	free(tmpname.s);
}

/* The title of a page, as Markdown: its chapter's, or its section heading's. */
static const char *
page_title(int i)
{
	const Page *pg = &pages[i];

	if (pg->hid >= 0)
		return headings[pg->hid].md ? headings[pg->hid].md : headings[pg->hid].id;
	return chapters[pg->chapter].title ? chapters[pg->chapter].title : chapters[pg->chapter].page;
}

/* prev: or next: in a page's YAML front matter; page -1 is the contents, INDEXPAGE the index. */
static void
nav_entry(Buf *b, const char *key, int i)
{
	bprintf(b, "%s:\n  url: ", key);
	if (i < 0) {
		bputs(b, "index.html\n  title: Contents\n");
		return;
	}
	if (i == INDEXPAGE) {
		bputs(b, "indexes.html\n  title: Index\n");
		return;
	}
	bprintf(b, "%s.html\n  title: ", pages[i].name);
	yaml_str(b, page_title(i));
	if (pages[i].hid < 0 && chapters[pages[i].chapter].number > 0)
		bprintf(b, "\n  number: '%d'", chapters[pages[i].chapter].number);
	bputc(b, '\n');
}

/* One link of the sidebar: the current page's gets a class and aria-current. */
static void
side_link(Buf *b, const char *indent, const char *md, const char *url, const char *cls, int current)
{
	bprintf(b, "  %s- [", indent);
	bputs(b, md);
	bputs(b, "](");
	bputs(b, url);
	bputc(b, ')');
	if (*cls || current) {
		bputc(b, '{');
		bputs(b, cls);
		if (current)
			bprintf(b, "%s.current aria-current=\"page\"", *cls ? " " : "");
		bputc(b, '}');
	}
	bputc(b, '\n');
}

/*
 * The whole-book sidebar, as a YAML block of Markdown (the template puts it beside the
 * text): the contents, every chapter, under the current page's chapter its section
 * pages, under the current page its level-3 headings, and the index. cur is a page,
 * -1 for the contents, INDEXPAGE for the index.
 */
static void
sidebar_md(Buf *b, int cur)
{
	int ch, i, h;
	int curch = cur >= 0 && cur != INDEXPAGE ? pages[cur].chapter : -1;
	Buf t = {0}, u = {0};

	bputs(b, "sidebar: |\n");
	side_link(b, "", "Contents", "index.html", ".front", cur == -1);
	for (ch = 0; ch < nchapters; ch++) {
		t.len = 0;
		chapter_number_span(&t, ch);
		bputs(&t, chapters[ch].title ? chapters[ch].title : chapters[ch].page);
		u.len = 0;
		bprintf(&u, "%s.html", pages[chapters[ch].firstpage].name);
		side_link(b, "", bstr(&t), bstr(&u), ".chapter", cur == chapters[ch].firstpage);
		if (ch != curch)
			continue;
		for (i = chapters[ch].firstpage; i < chapters[ch].lastpage; i++) {
			if (i > chapters[ch].firstpage) {
				u.len = 0;
				bprintf(&u, "%s.html", pages[i].name);
				side_link(b, "    ", page_title(i), bstr(&u), "", i == cur);
			}
			if (i != cur)
				continue;
			for (h = 0; h < nheadings; h++)
				if (headings[h].page == cur && headings[h].level == 3) {
					u.len = 0;
					bprintf(&u, "#%s", headings[h].id);
					side_link(b, i > chapters[ch].firstpage ? "        " : "    ",
					    headings[h].md ? headings[h].md : headings[h].id, bstr(&u), ".onpage", 0);
				}
		}
	}
	side_link(b, "", "Index", "indexes.html", ".back", cur == INDEXPAGE);
	free(t.s);
	free(u.s);
}

static void
write_pages(const char *dir)
{
	Buf path = {0}, out = {0}, list = {0};
	int ch, i;

	/* titles first: a page's "next" link and the sidebar need the other pages' titles */
	mode = M_PAGE;
	for (i = 0; i < npages; i++) {
		curpage = i;
		out.len = 0;
		chapter_md(&out, pages[i].chapter, i);
	}
	for (i = 0; i < npages; i++) {
		Buf body = {0};
		char *pt;
		Page *pg = &pages[i];
		curpage = i;
		chapter_md(&body, pg->chapter, i);
		out.len = 0;
		bputs(&out, "---\npagetitle: ");
		if (pg->hid >= 0) {
			Buf t = {0};
			bputs(&t, page_title(i));
			bputs(&t, " - ");
			bputs(&t, page_title(chapters[pg->chapter].firstpage));
			pt = plain_title(bstr(&t));
			free(t.s);
		} else
			pt = plain_title(page_title(i));
		yaml_str(&out, pt);
		free(pt);
		bputc(&out, '\n');
		nav_entry(&out, "prev", i - 1);
		nav_entry(&out, "next", i + 1 < npages ? i + 1 : INDEXPAGE);
		if (pg->hid >= 0)   /* a section: the chapter it is part of, above its text */
			nav_entry(&out, "chapter", chapters[pg->chapter].firstpage);
		sidebar_md(&out, i);
		bputs(&out, "---\n\n");
		bputs(&out, bstr(&body));
		free(body.s);
		path.len = 0;
		bprintf(&path, "%s/%s.md", dir, pg->name);
		write_if_changed(path.s, &out);
		bprintf(&list, " %s", pg->name);
	}

	/* contents */
	out.len = 0;
	bputs(&out, "---\npagetitle: Contents\ncontents: true\n");
	nav_entry(&out, "next", npages ? 0 : INDEXPAGE);
	sidebar_md(&out, -1);
	bputs(&out, "---\n\n");
	for (ch = 0; ch < nchapters; ch++) {
		bprintf(&out, "- [");
		chapter_number_span(&out, ch);
		bprintf(&out, "%s](%s.html){.chapter}\n",
		    chapters[ch].title ? chapters[ch].title : chapters[ch].page,
		    pages[chapters[ch].firstpage].name);
		for (i = chapters[ch].firstpage + 1; i < chapters[ch].lastpage; i++) {
			bputs(&out, "    - [");
			bputs(&out, page_title(i));
			bprintf(&out, "](%s.html)\n", pages[i].name);
		}
	}
	bputs(&out, "- [Index of chunks and identifiers](indexes.html){.chapter}\n");
	path.len = 0;
	bprintf(&path, "%s/index.md", dir);
	write_if_changed(path.s, &out);

	/* indexes */
	curpage = INDEXPAGE;
	out.len = 0;
	bputs(&out, "---\npagetitle: Index\n");
	nav_entry(&out, "prev", npages - 1);
	sidebar_md(&out, INDEXPAGE);
	bputs(&out, "---\n\n# Index {#index .unnumbered}\n\n");
	index_md(&out);
	path.len = 0;
	bprintf(&path, "%s/indexes.md", dir);
	write_if_changed(path.s, &out);

	/* the pages, in reading order, for make */
	out.len = 0;
	bputs(&out, "# generated by nw2md -p: the HTML book's pages in reading order\nBOOK_PAGES := index");
	bputs(&out, bstr(&list));
	bputs(&out, " indexes\n");
	path.len = 0;
	bprintf(&path, "%s/pages.mk", dir);
	write_if_changed(path.s, &out);
	free(list.s);
	free(out.s);
	free(path.s);
}

static void
write_book(const char *file)
{
	Buf out = {0};
	int ch;

	mode = M_BOOK;
	for (ch = 0; ch < nchapters; ch++) {
		curpage = chapters[ch].firstpage;
		chapter_md(&out, ch, -1);
	}
	curpage = INDEXPAGE;
	bputs(&out, "# Index {#index .unnumbered}\n\n");
	index_md(&out);
	write_if_changed(file, &out);
	free(out.s);
}

/* A figure file for make: one made by the build (build/...) is where filters/graphviz.lua
   reads it, in $(BOOK_BUILD), whatever the build directory is. */
static void
dep_file(Buf *b, const char *fig)
{
	if (strncmp(fig, "build/", 6) == 0) {
		bputs(b, "$(BOOK_BUILD)/");
		fig += 6;
	}
	bputs(b, fig);
}

/* Make rules: pages depend on the figure files their dot blocks read. */
static void
write_deps(const char *file)
{
	Buf out = {0};
	int i, j;

	bputs(&out, "# generated by nw2md -d: figure files read by ```{.dot file=...} blocks\n");
	for (i = 0; i < npages; i++) {
		if (pages[i].nfigs == 0)
			continue;
		bprintf(&out, "$(BOOK_HTML)/%s.html $(BOOK_EPUB) $(BOOK_PDF):", pages[i].name);
		for (j = 0; j < pages[i].nfigs; j++) {
			bputc(&out, ' ');
			dep_file(&out, pages[i].figs[j]);
		}
		bputc(&out, '\n');
	}
	for (i = 0; i < npages; i++)   /* a deleted figure must not stop make */
		for (j = 0; j < pages[i].nfigs; j++) {
			dep_file(&out, pages[i].figs[j]);
			bputs(&out, ":\n");
		}
	write_if_changed(file, &out);
	free(out.s);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-q] [-W] [-p DIR] [-b FILE] [-d FILE] [PIPELINE]\n"
	    "Reads noweb's pipeline (markup | finduses | noidx) from PIPELINE or stdin\n"
	    "and writes Pandoc Markdown.\n"
	    "  -p DIR   one page per chapter opening and per level-2 section: DIR/NN-slug.md,\n"
	    "           DIR/NN-slug-SECTIONID.md, DIR/index.md (contents), DIR/indexes.md (chunk\n"
	    "           and identifier index), DIR/pages.mk (BOOK_PAGES, in reading order);\n"
	    "           links as page.html#id; each page's front matter has prev, next, sidebar\n"
	    "  -b FILE  the whole book in one file, index last; links as #id\n"
	    "  -d FILE  make rules: pages depend on the files of ```{.dot file=... walk=...} blocks\n"
	    "  -q       no warnings\n"
	    "  -W       exit with status 1 if there were warnings (files are still written)\n"
	    "  -h       this help\n"
	    "Files are rewritten only when their contents change.\n", progname);
}

int
main(int argc, char **argv)
{
	const char *pagedir = NULL, *bookfile = NULL, *depfile = NULL;
	FILE *in = stdin;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		} else if (strcmp(o, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(o, "-q") == 0)
			quiet = 1;
		else if (strcmp(o, "-W") == 0)
			strict = 1;
		else if ((strcmp(o, "-p") == 0 || strcmp(o, "-b") == 0 || strcmp(o, "-d") == 0) &&
		    i + 1 < argc) {
			if (o[1] == 'p')
				pagedir = argv[++i];
			else if (o[1] == 'b')
				bookfile = argv[++i];
			else
				depfile = argv[++i];
		} else {
			fprintf(stderr, "%s: bad option '%s'\n", progname, o);
			usage(stderr);
			return 2;
		}
	}
	if (argc - i > 1) {
		usage(stderr);
		return 2;
	}
	if (!pagedir && !bookfile && !depfile) {
		fprintf(stderr, "%s: nothing to do: give -p DIR, -b FILE or -d FILE\n", progname);
		usage(stderr);
		return 2;
	}
	if (i < argc && strcmp(argv[i], "-") != 0) {
		inname = argv[i];
		if ((in = fopen(inname, "r")) == NULL)
			die("%s: %s", inname, strerror(errno));
	}
	read_pipeline(in);
	if (in != stdin)
		fclose(in);
	analyse();
	if (pagedir) {
		struct stat st;
		if (stat(pagedir, &st) != 0 || !S_ISDIR(st.st_mode))
			die("%s: not a directory", pagedir);
		write_pages(pagedir);
	}
	if (bookfile)
		write_book(bookfile);
	if (depfile)
		write_deps(depfile);
	return strict && nwarnings ? 1 : 0;
}
