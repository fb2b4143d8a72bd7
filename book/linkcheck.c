/* linkcheck: report internal links of an HTML site or an EPUB that lead to no file or no id. */

#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *progname = "linkcheck";
static int opt_quiet, opt_dupes, opt_verbose;
static long nfiles, nlinks, nbroken, ndupes;

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *
join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = xrealloc(NULL, na + nb + 2);
	memcpy(s, a, na);
	s[na] = '/';
	memcpy(s + na + 1, b, nb + 1);
	return s;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t n = 0, cap = 0, k;

	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			s = xrealloc(s, cap);
		}
		k = fread(s + n, 1, 65536, f);
		n += k;
	} while (k > 0);
	if (ferror(f))
		die("%s: read error: %s", path, strerror(errno));
	fclose(f);
	s = xrealloc(s, n + 1);
	s[n] = '\0';
	*len = n;
	return s;
}

/* ------------------------------------------------------------- parsed pages */

typedef struct {
	char *attr;   /* "href", "src", ... */
	char *value;  /* entity-decoded */
} Ref;

typedef struct {
	char *path;       /* on disk */
	char *shown;      /* in messages */
	char **ids;       /* id and xml:id values, sorted */
	int nids;
	char **names;     /* name values (old-style anchors), sorted */
	int nnames;
	Ref *refs;
	int nrefs;
	int parsed;
} Page;

static Page **pages;
static int npages, pagecap;

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Decode &amp; &lt; &gt; &quot; &apos; &#N; &#xN; (enough for attribute values). */
static char *
decode_entities(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n * 4 + 1), *o = d;
	size_t i = 0;

	while (i < n) {
		if (s[i] == '&') {
			size_t j = i + 1;
			unsigned long cp = 0;
			int ok = 0;
			while (j < n && j - i < 12 && s[j] != ';')
				j++;
			if (j < n && s[j] == ';') {
				const char *e = s + i + 1;
				size_t el = j - i - 1;
				ok = 1;
				if (el == 3 && strncmp(e, "amp", 3) == 0) cp = '&';
				else if (el == 2 && strncmp(e, "lt", 2) == 0) cp = '<';
				else if (el == 2 && strncmp(e, "gt", 2) == 0) cp = '>';
				else if (el == 4 && strncmp(e, "quot", 4) == 0) cp = '"';
				else if (el == 4 && strncmp(e, "apos", 4) == 0) cp = '\'';
				else if (el > 1 && e[0] == '#' && (e[1] == 'x' || e[1] == 'X'))
					cp = strtoul(e + 2, NULL, 16);
				else if (el > 1 && e[0] == '#')
					cp = strtoul(e + 1, NULL, 10);
				else
					ok = 0;
			}
			if (ok && cp > 0 && cp < 0x110000) {
				if (cp < 0x80)
					*o++ = (char)cp;
				else if (cp < 0x800) {
					*o++ = (char)(0xC0 | (cp >> 6));
					*o++ = (char)(0x80 | (cp & 0x3F));
				} else if (cp < 0x10000) {
					*o++ = (char)(0xE0 | (cp >> 12));
					*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
					*o++ = (char)(0x80 | (cp & 0x3F));
				} else {
					*o++ = (char)(0xF0 | (cp >> 18));
					*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
					*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
					*o++ = (char)(0x80 | (cp & 0x3F));
				}
				i = j + 1;
				continue;
			}
		}
		*o++ = s[i++];
	}
	*o = '\0';
	return d;
}

static int
is_link_attr(const char *a, size_t n)
{
	return (n == 4 && strncasecmp(a, "href", 4) == 0) ||
	    (n == 3 && strncasecmp(a, "src", 3) == 0) ||
	    (n == 10 && strncasecmp(a, "xlink:href", 10) == 0);
}

/* Scan one tag's attributes, recording ids and links. */
static void
push_str(char ***arr, int *n, int *cap, char *s)
{
	if (*n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*arr = xrealloc(*arr, (size_t)*cap * sizeof **arr);
	}
	(*arr)[(*n)++] = s;
}

static void
scan_tag(Page *pg, const char *s, const char *end, int *idcap, int *namecap, int *refcap)
{
	while (s < end && !isspace((unsigned char)*s) && *s != '>' && *s != '/')
		s++;   /* the element name */
	while (s < end) {
		const char *an, *v = NULL;
		size_t anl, vl = 0;
		while (s < end && (isspace((unsigned char)*s) || *s == '/'))
			s++;
		if (s >= end || *s == '>')
			break;
		an = s;
		while (s < end && !isspace((unsigned char)*s) && *s != '=' && *s != '>' && *s != '/')
			s++;
		anl = (size_t)(s - an);
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (s < end && *s == '=') {
			s++;
			while (s < end && isspace((unsigned char)*s))
				s++;
			if (s < end && (*s == '"' || *s == '\'')) {
				char q = *s++;
				v = s;
				while (s < end && *s != q)
					s++;
				vl = (size_t)(s - v);
				if (s < end)
					s++;
			} else {
				v = s;
				while (s < end && !isspace((unsigned char)*s) && *s != '>')
					s++;
				vl = (size_t)(s - v);
			}
		}
		if (anl == 0) {
			s++;
			continue;
		}
		if (!v)
			continue;
		if ((anl == 2 && strncasecmp(an, "id", 2) == 0) || (anl == 6 && strncmp(an, "xml:id", 6) == 0))
			push_str(&pg->ids, &pg->nids, idcap, decode_entities(v, vl));
		else if (anl == 4 && strncasecmp(an, "name", 4) == 0)
			push_str(&pg->names, &pg->nnames, namecap, decode_entities(v, vl));
		else if (is_link_attr(an, anl)) {
			if (pg->nrefs + 1 > *refcap) {
				*refcap = *refcap ? *refcap * 2 : 64;
				pg->refs = xrealloc(pg->refs, (size_t)*refcap * sizeof *pg->refs);
			}
			pg->refs[pg->nrefs].attr = xstrndup(an, anl);
			pg->refs[pg->nrefs].value = decode_entities(v, vl);
			pg->nrefs++;
		}
	}
}

static void
parse_page(Page *pg)
{
	size_t len;
	char *s = read_file(pg->path, &len), *p, *end;
	int idcap = 0, namecap = 0, refcap = 0;

	pg->parsed = 1;
	if (!s)
		die("%s: %s", pg->shown, strerror(errno));
	end = s + len;
	for (p = s; p < end; ) {
		char *t;
		if (*p != '<') {
			p++;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			t = strstr(p + 4, "-->");
			p = t ? t + 3 : end;
			continue;
		}
		if (strncmp(p, "<![CDATA[", 9) == 0) {
			t = strstr(p + 9, "]]>");
			p = t ? t + 3 : end;
			continue;
		}
		if (p[1] == '!' || p[1] == '?' || p[1] == '/') {
			t = strchr(p, '>');
			p = t ? t + 1 : end;
			continue;
		}
		/* a start tag: find its end, minding quotes */
		{
			char q = 0;
			for (t = p + 1; t < end; t++) {
				if (q) {
					if (*t == q)
						q = 0;
				} else if (*t == '"' || *t == '\'')
					q = *t;
				else if (*t == '>')
					break;
			}
			scan_tag(pg, p + 1, t, &idcap, &namecap, &refcap);
			/* skip the text of script and style elements */
			if ((strncasecmp(p, "<script", 7) == 0 && !isalnum((unsigned char)p[7])) ||
			    (strncasecmp(p, "<style", 6) == 0 && !isalnum((unsigned char)p[6]))) {
				const char *close = tolower((unsigned char)p[2]) == 'c' ? "</script" : "</style";
				char *c = t;
				while (c < end && strncasecmp(c, close, strlen(close)) != 0)
					c++;
				t = c;
			}
			p = t < end ? t + 1 : end;
		}
	}
	free(s);
	if (pg->nids)
		qsort(pg->ids, (size_t)pg->nids, sizeof *pg->ids, cmpstr);
	if (pg->nnames)
		qsort(pg->names, (size_t)pg->nnames, sizeof *pg->names, cmpstr);
}

static int
has_id(Page *pg, const char *id)
{
	if (!pg->parsed)
		parse_page(pg);
	return (pg->nids && bsearch(&id, pg->ids, (size_t)pg->nids, sizeof *pg->ids, cmpstr)) ||
	    (pg->nnames && bsearch(&id, pg->names, (size_t)pg->nnames, sizeof *pg->names, cmpstr));
}

/* ------------------------------------------------------------ the file list */

static int
markup_file(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0 ||
	    strcmp(dot, ".xhtml") == 0 || strcmp(dot, ".opf") == 0 ||
	    strcmp(dot, ".ncx") == 0 || strcmp(dot, ".svg") == 0);
}

static Page *
add_page(const char *path, const char *shown)
{
	Page *pg = xrealloc(NULL, sizeof *pg);

	memset(pg, 0, sizeof *pg);
	pg->path = realpath(path, NULL);
	if (!pg->path)
		die("%s: %s", shown, strerror(errno));
	pg->shown = xstrndup(shown, strlen(shown));
	if (npages + 1 > pagecap) {
		pagecap = pagecap ? pagecap * 2 : 64;
		pages = xrealloc(pages, (size_t)pagecap * sizeof *pages);
	}
	pages[npages] = pg;
	return pages[npages++];
}

static Page *
find_page(const char *realp)
{
	int i;
	for (i = 0; i < npages; i++)
		if (strcmp(pages[i]->path, realp) == 0)
			return pages[i];
	return NULL;
}

static int
cmp_dirent(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the markup files under dir (sorted, so output is stable). */
static void
walk(const char *dir, const char *shown)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	int n = 0, cap = 0, i;

	if (!d)
		die("%s: %s", shown, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n + 1 > cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, (size_t)cap * sizeof *names);
		}
		names[n++] = xstrndup(e->d_name, strlen(e->d_name));
	}
	closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof *names, cmp_dirent);
	for (i = 0; i < n; i++) {
		char *p = join(dir, names[i]), *sh = join(shown, names[i]);
		struct stat st;
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(p, sh);
			else if (S_ISREG(st.st_mode) && markup_file(names[i]))
				add_page(p, sh);
		}
		free(p);
		free(sh);
		free(names[i]);
	}
	free(names);
}

/* ------------------------------------------------------------- the checking */

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

static void
percent_decode(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			*o++ = (char)(hexval((unsigned char)s[1]) * 16 + hexval((unsigned char)s[2]));
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static int
external(const char *v)
{
	const char *p = v;
	if (v[0] == '/' && v[1] == '/')
		return 1;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

static void
broken(Page *pg, const Ref *r)
{
	nbroken++;
	printf("%s: broken link '%s'\n", pg->shown, r->value);
}

static void
check_ref(Page *pg, const Ref *r)
{
	char *v = xstrndup(r->value, strlen(r->value)), *frag, *q, *dir, *target, *real;
	Page *tp;
	struct stat st;

	if (v[0] == '\0' || external(v)) {
		free(v);
		return;
	}
	nlinks++;
	frag = strchr(v, '#');
	if (frag)
		*frag++ = '\0';
	if ((q = strchr(v, '?')) != NULL)
		*q = '\0';
	percent_decode(v);
	if (frag)
		percent_decode(frag);
	if (v[0] == '/') {   /* site-absolute: unknowable here, so broken */
		broken(pg, r);
		free(v);
		return;
	}
	if (v[0] == '\0')
		tp = pg;
	else {
		dir = xstrndup(pg->path, (size_t)(strrchr(pg->path, '/') - pg->path));
		target = join(dir, v);
		free(dir);
		real = realpath(target, NULL);
		free(target);
		if (!real || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
			broken(pg, r);
			free(real);
			free(v);
			return;
		}
		tp = find_page(real);
		if (!tp && frag && *frag && markup_file(real))
			tp = add_page(real, real);   /* a page outside the trees given: read, not checked */
		free(real);
	}
	if (frag && *frag && (!tp || !has_id(tp, frag)))
		broken(pg, r);
	free(v);
}

static void
check_dupes(Page *pg)
{
	int i;
	for (i = 1; i < pg->nids; i++)
		if (strcmp(pg->ids[i], pg->ids[i - 1]) == 0 &&
		    (i < 2 || strcmp(pg->ids[i], pg->ids[i - 2]) != 0)) {
			ndupes++;
			printf("%s: duplicate id '%s'\n", pg->shown, pg->ids[i]);
		}
}

static void
check_tree(int first)
{
	int i, j, n = npages;

	for (i = first; i < n; i++) {
		Page *pg = pages[i];
		if (!pg->parsed)
			parse_page(pg);
		nfiles++;
		if (opt_verbose)
			fprintf(stderr, "%s: checking %s\n", progname, pg->shown);
		for (j = 0; j < pg->nrefs; j++)
			check_ref(pg, &pg->refs[j]);
		if (opt_dupes)
			check_dupes(pg);
	}
}

static char tmpdir[4096];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

/* Unpack an EPUB (a zip) with unzip into a fresh temporary directory. */
static void
unpack(const char *epub, char *dir, size_t dirsize)
{
	const char *t = getenv("TMPDIR");
	pid_t pid;
	int status;

	snprintf(dir, dirsize, "%s/linkcheck.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp %s: %s", dir, strerror(errno));
	atexit(cleanup);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execlp("unzip", "unzip", "-qq", "-o", epub, "-d", dir, (char *)NULL);
		fprintf(stderr, "%s: cannot run unzip: %s\n", progname, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("%s: unzip failed (status %d): not an EPUB?", epub,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-q] [-u] [-v] PATH...\n"
	    "Checks that every internal link (href, src, xlink:href) in the HTML, XHTML,\n"
	    "SVG, OPF and NCX files under each PATH names an existing file and, when it\n"
	    "has a #fragment, an existing id or name there. External links are skipped.\n"
	    "  PATH  a directory (searched recursively) or an .epub file (unpacked with unzip)\n"
	    "  -q    no summary line\n"
	    "  -u    also report ids defined twice in one file\n"
	    "  -v    name each file as it is checked (on stderr)\n"
	    "  -h    this help\n"
	    "Prints \"FILE: broken link 'HREF'\" for each broken link, then a summary;\n"
	    "exits 1 if any link is broken (or, with -u, any id repeated), 2 on errors.\n",
	    progname);
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (o = argv[i] + 1; *o; o++) {
			if (*o == 'q')
				opt_quiet = 1;
			else if (*o == 'u')
				opt_dupes = 1;
			else if (*o == 'v')
				opt_verbose = 1;
			else if (*o == 'h') {
				usage(stdout);
				return 0;
			} else {
				fprintf(stderr, "%s: unknown option '-%c'\n", progname, *o);
				usage(stderr);
				return 2;
			}
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (; i < argc; i++) {
		struct stat st;
		const char *path = argv[i];
		int first = npages;
		size_t n = strlen(path);

		if (stat(path, &st) != 0)
			die("%s: %s", path, strerror(errno));
		if (S_ISDIR(st.st_mode))
			walk(path, path);
		else if (n > 5 && strcmp(path + n - 5, ".epub") == 0) {
			cleanup();
			unpack(path, tmpdir, sizeof tmpdir);
			walk(tmpdir, path);
		} else if (S_ISREG(st.st_mode) && markup_file(path))
			add_page(path, path);
		else
			die("%s: not a directory, an .epub or an HTML file", path);
		if (npages == first)
			die("%s: no HTML, XHTML, SVG, OPF or NCX files in it", path);
		check_tree(first);
		cleanup();
	}
	if (!opt_quiet)
		printf("%s: %ld files, %ld internal links, %ld broken%s\n", progname, nfiles, nlinks,
		    nbroken, opt_dupes ? (ndupes ? ", duplicate ids found" : ", no duplicate ids") : "");
	return nbroken || ndupes ? 1 : 0;
}
