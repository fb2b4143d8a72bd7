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
** Each non-leaf entry has an edge to the table it points to. A legend under
** the tables spells out the colours and the flag letters.
**
** With -e PROGRAM.elf (the program whose table the dump is) or -k KERNEL.elf
** (the kernel, for the kernel's own table), leaf and gap rows also say what
** they map, from a principled source only: the ELF's loadable segments
** (text, read-only data, data and bss) or the kernel's section symbols
** (stext ... ekernel, which kvm_init maps), and chapter 4's layout constants
** for the rest (guard page, stack, trap context, trampoline; RAM, the test
** device, kernel stacks). A run of rows is split where the label changes; a
** huge leaf spanning two kinds of page, or one in part, is "mixed". The
** constants are copies of the kernel's (the tests compare them with
** generated/kernel/vm.h and memlayout.h). The dump must agree with
** that layout (each labelled page mapped with the permissions the kernel
** gives it, the guard pages unmapped), or it was not made from that ELF:
** that is reported as an error, not drawn with wrong labels.
**
** With -c K1,K2 it draws instead two dumps of the log side by side (the
** K1-th and the K2-th, counted from 1 in log order, whatever their names):
** one row per user (U) leaf page, by virtual address, each side's physical
** address and flags (a C for RSW bit 8, chapter 5's copy-on-write mark).
** A page both map to the same frame is yellow (shared), one mapped to a
** frame of its own green, one only a side maps grey on the other.
**
** Exit status: 0 drawn, 1 bad or missing dump or ELF, 2 usage or I/O trouble.
*/

#define _POSIX_C_SOURCE 200809L

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
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
  int line;                 /* where it is in the log */
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
  x.line = lineno;
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

/* ------------------------------------------------------------------ labels */

/*
** Where the row labels come from. The layout is chapter 4's: the chunk "page
** sizes and the address-space layout" (vm.h), the loader (mm_from_elf: one
** area per loadable segment, a guard page at the first page above the
** highest one, USER_STACK_SIZE of stack above it, the trap context), and
** the kernel's own space (kvm_init maps [stext, etext), [srodata, erodata),
** [sdata, ekernel) and the rest of RAM at their own addresses, and the test
** device; kstack_top puts slot i's stack under the trampoline, i times
** (stack + guard page) down). memlayout.h gives RAM and the test device.
*/
#define PAGE            4096ULL
#define USER_TOP        0x4000000000ULL
#define TRAMPOLINE      0xFFFFFFFFFFFFF000ULL
#define TRAP_CONTEXT    0xFFFFFFFFFFFFE000ULL
#define USER_STACK_SIZE (4 * PAGE)
#define KSTACK_PAGES    4
#define MAX_KSTACKS     64
#define RAM_BASE        0x80000000ULL
#define MAX_RAM         (1ULL << 30)
#define TEST_DEVICE     0x100000ULL       /* QEMU virt's test finisher */

/* ELF64, from the host's <elf.h>: sizes, and where each field is (read with get(),
   little-endian whatever the host); and what the loader's elf_check allows. */
#define EHDR_SIZE  ((int)sizeof(Elf64_Ehdr))
#define PHDR_SIZE  ((int)sizeof(Elf64_Phdr))
#define SHDR_SIZE  ((int)sizeof(Elf64_Shdr))
#define SYM_SIZE   ((int)sizeof(Elf64_Sym))
#define EH(f)      offsetof(Elf64_Ehdr, f), (int)sizeof(((Elf64_Ehdr *)0)->f)
#define PH(f)      offsetof(Elf64_Phdr, f), (int)sizeof(((Elf64_Phdr *)0)->f)
#define SH(f)      offsetof(Elf64_Shdr, f), (int)sizeof(((Elf64_Shdr *)0)->f)
#define ST(f)      offsetof(Elf64_Sym, f), (int)sizeof(((Elf64_Sym *)0)->f)
#define MAX_PHNUM  64
#define MAXELF     (256u << 20)           /* bytes: far more than a kernel or a program */

typedef struct Region {
  u64 lo, hi;               /* its first and last byte, page-aligned */
  const char *label;
  int perm;                 /* the R W X U bits its pages are mapped with; 0: never mapped */
  int identity;             /* mapped at its own physical address */
} Region;

static Region *regions;
static int nregions, capregions;
static const char *elffile;   /* the ELF the labels come from (-e or -k), or NULL */

typedef struct Elf {
  unsigned char *b;
  size_t n;
} Elf;

#define NOREGION (-1)
#define MIXED    (-2)

/* A problem with the ELF file: "ptdump2dot: FILE: message", exit status 1. */
static _Noreturn void elfbad(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: %s: ", progname, elffile);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static u64 pagedown(u64 a) { return a & ~(PAGE - 1); }

static void addregion(u64 lo, u64 hi, const char *label, int perm, int identity) {
  if (lo > hi) return;
  if (nregions == capregions) regions = grow(regions, &capregions, sizeof *regions);
  regions[nregions].lo = lo;
  regions[nregions].hi = hi;
  regions[nregions].label = label;
  regions[nregions].perm = perm;
  regions[nregions].identity = identity;
  nregions++;
}

/* The region holding all of [lo, hi]; NOREGION if none meets it, MIXED if several do or one only in part. */
static int regionof(u64 lo, u64 hi) {
  int i, found = NOREGION;
  for (i = 0; i < nregions; i++) {
    if (regions[i].hi < lo || regions[i].lo > hi) continue;
    if (found != NOREGION || regions[i].lo > lo || regions[i].hi < hi) return MIXED;
    found = i;
  }
  return found;
}

/* A little-endian field of the file; the caller has checked that it lies inside. */
static u64 get(const Elf *e, u64 off, int size) {
  u64 v = 0;
  while (size-- > 0) v = v << 8 | e->b[off + (u64)size];
  return v;
}

static void readelf(Elf *e, const char *file) {
  FILE *f;
  size_t cap = 0, k;
  elffile = file;
  if ((f = fopen(file, "rb")) == NULL) ioerror("cannot open %s: %s", file, strerror(errno));
  e->b = NULL;
  e->n = 0;
  for (;;) {
    if (e->n == cap) {
      if (cap >= MAXELF) elfbad("more than %u MiB: not a program's or a kernel's ELF", MAXELF >> 20);
      cap = cap ? 2 * cap : 65536;
      if ((e->b = realloc(e->b, cap)) == NULL) ioerror("out of memory");
    }
    k = fread(e->b + e->n, 1, cap - e->n, f);
    e->n += k;
    if (k == 0) break;
  }
  if (ferror(f)) ioerror("%s: %s", file, strerror(errno));
  fclose(f);
}

/* The checks of the kernel's elf_check on the header, in its order, with its words. */
static void checkheader(const Elf *e) {
  u64 phoff, phnum;
  if (e->n < EHDR_SIZE)
    elfbad("not an ELF file: %zu bytes, too small for an ELF header (%d)", e->n, EHDR_SIZE);
  if (memcmp(e->b, "\177ELF", 4) != 0) elfbad("bad magic number (not an ELF file)");
  if (e->b[EI_CLASS] != ELFCLASS64) elfbad("not a 64-bit ELF file");
  if (e->b[EI_DATA] != ELFDATA2LSB) elfbad("not little-endian");
  if (e->b[EI_VERSION] != EV_CURRENT || get(e, EH(e_version)) != EV_CURRENT) elfbad("unknown ELF version");
  if (get(e, EH(e_machine)) != EM_RISCV) elfbad("not a RISC-V file (e_machine %llu)", get(e, EH(e_machine)));
  if (get(e, EH(e_type)) != ET_EXEC) elfbad("not a static executable (ET_EXEC)");
  if (get(e, EH(e_phentsize)) != PHDR_SIZE)
    elfbad("unexpected program-header size %llu, expected %d", get(e, EH(e_phentsize)), PHDR_SIZE);
  phnum = get(e, EH(e_phnum));
  if (phnum == 0 || phnum > MAX_PHNUM)
    elfbad("%llu program headers: expected 1 to %d", phnum, MAX_PHNUM);
  phoff = get(e, EH(e_phoff));
  if (phoff % 8 || phoff > e->n || phnum * PHDR_SIZE > e->n - phoff)
    elfbad("program headers lie outside the file (%llu at offset %llu, the file has %zu bytes): "
           "truncated?", phnum, phoff, e->n);
}

static const char *segmentname(u64 flags) {
  if ((flags & PF_X) && (flags & PF_W)) return "text and data";
  if (flags & PF_X) return "text";
  if (flags & PF_W) return "data and bss";
  return "read-only data";
}

/* -e: a program's space, as mm_from_elf builds it from the ELF's loadable segments. */
static void programlayout(const Elf *e) {
  u64 phoff = get(e, EH(e_phoff)), phnum = get(e, EH(e_phnum)), top = 0, i;
  int j;
  for (i = 0; i < phnum; i++) {
    u64 p = phoff + i * PHDR_SIZE;
    u64 flags = get(e, p + PH(p_flags)), off = get(e, p + PH(p_offset));
    u64 va = get(e, p + PH(p_vaddr)), filesz = get(e, p + PH(p_filesz));
    u64 memsz = get(e, p + PH(p_memsz)), lo, hi;
    if (get(e, p + PH(p_type)) != PT_LOAD) continue;
    if (filesz > memsz) elfbad("program header %llu: segment with p_filesz > p_memsz", i);
    if (memsz == 0) continue;
    if (off > e->n || filesz > e->n - off)
      elfbad("program header %llu: segment bytes lie outside the file: truncated?", i);
    if (va < PAGE || va >= USER_TOP || memsz > USER_TOP - va)
      elfbad("program header %llu: segment outside the user half [0x1000, 0x4000000000)", i);
    if (!(flags & (PF_R | PF_W | PF_X)))
      elfbad("program header %llu: segment with no permissions", i);
    lo = pagedown(va);
    hi = pagedown(va + memsz + PAGE - 1) - 1;
    for (j = 0; j < nregions; j++)
      if (regions[j].lo <= hi && lo <= regions[j].hi)
        elfbad("program header %llu: overlapping segments", i);
    addregion(lo, hi, segmentname(flags), PTE_U | ((flags & PF_R) ? PTE_R : 0) |
              ((flags & PF_W) ? PTE_W : 0) | ((flags & PF_X) ? PTE_X : 0), 0);
    if (hi + 1 > top) top = hi + 1;
  }
  if (nregions == 0) elfbad("no loadable segment");
  if (top + PAGE + USER_STACK_SIZE > USER_TOP) elfbad("no room for the stack above the segments");
  addregion(top, top + PAGE - 1, "guard page", 0, 0);
  addregion(top + PAGE, top + PAGE + USER_STACK_SIZE - 1, "stack", PTE_R | PTE_W | PTE_U, 0);
  addregion(TRAP_CONTEXT, TRAP_CONTEXT + PAGE - 1, "trap context", PTE_R | PTE_W, 0);
  addregion(TRAMPOLINE, TRAMPOLINE + PAGE - 1, "trampoline", PTE_R | PTE_X, 0);
}

/* The value of the symbol called name in the symbol table at [symoff, +symsize), names at [stroff, +strsize). */
static u64 symbol(const Elf *e, u64 symoff, u64 symsize, u64 stroff, u64 strsize, const char *name) {
  u64 k, nm;
  for (k = 1; k < symsize / SYM_SIZE; k++) {
    nm = get(e, symoff + k * SYM_SIZE + ST(st_name));
    if (nm < strsize && strnlen((const char *)e->b + stroff + nm, strsize - nm) < strsize - nm &&
        strcmp((const char *)e->b + stroff + nm, name) == 0)
      return get(e, symoff + k * SYM_SIZE + ST(st_value));
  }
  elfbad("no symbol %s: a kernel's ELF has stext, etext, srodata, erodata, sdata and ekernel", name);
}

/* One of kvm_init's identity areas, [start, end) rounded out to pages. */
static void identity(u64 start, u64 end, const char *label, int perm) {
  if (start < end) addregion(pagedown(start), pagedown(end + PAGE - 1) - 1, label, perm, 1);
}

/* -k: the kernel's own space, as kvm_init builds it, from the section symbols it uses. */
static void kernellayout(const Elf *e) {
  u64 shoff = get(e, EH(e_shoff)), shnum = get(e, EH(e_shnum)), i, sym = 0, str, link;
  u64 symoff, symsize, stroff, strsize, stext, etext, srodata, erodata, sdata, ekernel, top;
  int slot;
  if (shoff == 0 || shnum == 0) elfbad("no section headers, so no symbol table (stripped?)");
  if (get(e, EH(e_shentsize)) != SHDR_SIZE)
    elfbad("unexpected section-header size %llu, expected %d", get(e, EH(e_shentsize)), SHDR_SIZE);
  if (shoff % 8 || shoff > e->n || shnum * SHDR_SIZE > e->n - shoff)
    elfbad("section headers lie outside the file (%llu at offset %llu, the file has %zu bytes): "
           "truncated?", shnum, shoff, e->n);
  for (i = 0; i < shnum && !sym; i++)
    if (get(e, shoff + i * SHDR_SIZE + SH(sh_type)) == SHT_SYMTAB) sym = shoff + i * SHDR_SIZE;
  if (!sym) elfbad("no symbol table (stripped?)");
  link = get(e, sym + SH(sh_link));
  if (link == 0 || link >= shnum) elfbad("the symbol table's string table %llu is not a section", link);
  str = shoff + link * SHDR_SIZE;
  symoff = get(e, sym + SH(sh_offset));
  symsize = get(e, sym + SH(sh_size));
  stroff = get(e, str + SH(sh_offset));
  strsize = get(e, str + SH(sh_size));
  if (symoff > e->n || symsize > e->n - symoff)
    elfbad("the symbol table lies outside the file: truncated?");
  if (stroff > e->n || strsize > e->n - stroff)
    elfbad("the symbol table's strings lie outside the file: truncated?");
#define SYM(name) symbol(e, symoff, symsize, stroff, strsize, name)
  stext = SYM("stext");
  etext = SYM("etext");
  srodata = SYM("srodata");
  erodata = SYM("erodata");
  sdata = SYM("sdata");
  ekernel = SYM("ekernel");
#undef SYM
  if (!(RAM_BASE <= stext && stext <= etext && etext <= srodata && srodata <= erodata &&
        erodata <= sdata && sdata <= ekernel && ekernel <= RAM_BASE + MAX_RAM))
    elfbad("the symbols stext 0x%llx, etext, srodata, erodata, sdata, ekernel 0x%llx are not "
           "in that order inside RAM", stext, ekernel);
  identity(stext, etext, "text", PTE_R | PTE_X);
  identity(srodata, erodata, "read-only data", PTE_R);
  identity(sdata, ekernel, "data and bss", PTE_R | PTE_W);
  identity(ekernel, RAM_BASE + MAX_RAM, "rest of RAM", PTE_R | PTE_W);
  identity(TEST_DEVICE, TEST_DEVICE + PAGE, "test device", PTE_R | PTE_W);
  addregion(TRAMPOLINE, TRAMPOLINE + PAGE - 1, "trampoline", PTE_R | PTE_X, 0);
  for (slot = 0; slot < MAX_KSTACKS; slot++) {
    top = TRAMPOLINE - (u64)slot * (KSTACK_PAGES + 1) * PAGE;
    addregion(top - KSTACK_PAGES * PAGE, top - 1, "kernel stack", PTE_R | PTE_W, 0);
    addregion(top - (KSTACK_PAGES + 1) * PAGE, top - KSTACK_PAGES * PAGE - 1, "guard page", 0, 0);
  }
}

static const char *permstr(int perm, char buf[5]) {
  buf[0] = (perm & PTE_R) ? 'R' : '-';
  buf[1] = (perm & PTE_W) ? 'W' : '-';
  buf[2] = (perm & PTE_X) ? 'X' : '-';
  buf[3] = (perm & PTE_U) ? 'U' : '-';
  buf[4] = '\0';
  return buf;
}

/*
** The dump must be the space the ELF's layout describes: every leaf in a
** labelled region mapped as the kernel maps it (R W X U; a copy-on-write
** page may lack its W), guard pages not at all, identity areas at their own
** addresses. Otherwise the ELF is not the one the dump was made from.
*/
static void checklayout(const Dump *d) {
  int i, r;
  char fb[9], pb[5];
  for (i = 0; i < d->ne; i++) {
    const Entry *x = &d->e[i];
    u64 hi = x->va + (pagesize(x->level) - 1);
    int got = (int)(x->pte & (PTE_R | PTE_W | PTE_X | PTE_U));
    if (!(x->pte & LEAFBITS)) continue;
    for (r = 0; r < nregions; r++) {
      const Region *g = &regions[r];
      if (g->hi < x->va || g->lo > hi) continue;
      if (g->perm == 0)
        fail(x->line, "0x%llx is mapped (%s), but by the layout of %s it is a %s, never mapped",
             x->va, flagstr(x->pte, fb), elffile, g->label);
      if (got != g->perm && !(got == (g->perm & ~PTE_W) && (x->pte & PTE_COW)))
        fail(x->line, "0x%llx is mapped %s, but by the layout of %s it is %s, mapped %s",
             x->va, flagstr(x->pte, fb), elffile, g->label, permstr(g->perm, pb));
      if (g->identity && x->pa != x->va)
        fail(x->line, "0x%llx maps 0x%llx, but by the layout of %s it is %s, mapped at its "
             "own address", x->va, x->pa, elffile, g->label);
    }
  }
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

/* The region of what entry e maps (NOREGION, MIXED, or an index in regions). */
static int entryregion(const Entry *e) {
  return regionof(e->va, e->va + (pagesize(e->level) - 1));
}

/* The region of the page at index i of level-0 table t. */
static int pageregion(const Table *t, int i) {
  u64 va = sext39(t->base + ((u64)i << 12));
  return regionof(va, va + (PAGE - 1));
}

/*
** How many entries, from e, form a run: consecutive indices, equal flags,
** consecutive PAs, and the same label (a run never spans two kinds of page).
*/
static int runlength(const Dump *d, const Entry *e) {
  const Entry *b = e;
  int n = 1, r = entryregion(e);
  if (!(e->pte & LEAFBITS)) return 1;
  while (b->next >= 0) {
    const Entry *c = &d->e[b->next];
    if (c->index != e->index + n || (c->pte & 0xff) != (e->pte & 0xff) ||
        c->pa != e->pa + (u64)n * pagesize(e->level) || entryregion(c) != r)
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

/* The text of a label cell for region r, in colour col (NULL: black). */
static void labeltext(FILE *out, int r, const char *col) {
  if (col) fprintf(out, "<font color=\"%s\">", col);
  if (r == MIXED) fputs("<i>mixed</i>", out);
  else if (r >= 0) putesc(out, regions[r].label);
  if (col) fputs("</font>", out);
}

/*
** One row for n entries from e (a run if n > 1); child: the table a non-leaf
** opens; labels: the table has a label column.
*/
static void row(FILE *out, const Entry *e, int n, int child, int labels) {
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
    if (labels) {
      fprintf(out, "</td><td%s align=\"left\">", bg);
      labeltext(out, entryregion(e), NULL);
    }
  } else {
    /* the port's cell ends the row, so that the edge leaves from the table's side */
    fprintf(out, "<td port=\"e%d\"%s align=\"left\">table 0x%llx", child,
            labels ? " colspan=\"2\"" : "", e->pa);
  }
  fputs("</td></tr>\n", out);
}

/* A row for unmapped pages between two entries of a level-0 table (a guard page, say), all of region r. */
static void gap(FILE *out, const Table *t, int from, int n, int r, int labels) {
  fputs("  <tr><td align=\"right\"><font color=\"" C_GAP "\">", out);
  span(out, from, n);
  fputs("</font></td><td align=\"left\"><font color=\"" C_GAP "\">", out);
  range(out, sext39(t->base + ((u64)from << 12)), n, (u64)n << 12);
  fprintf(out, "</font></td><td><font color=\"" C_GAP "\">%s</font></td><td></td>"
          "<td align=\"left\"><font color=\"" C_GAP "\"><i>not mapped</i></font></td>",
          sizestr(0, n));
  if (labels) {
    fputs("<td align=\"left\">", out);
    labeltext(out, r, C_GAP);
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

/* The unmapped pages [from, to) of level-0 table t, one gap row per region they are in. */
static void gaps(FILE *out, const Table *t, int from, int to, int labels) {
  while (from < to) {
    int r = pageregion(t, from), n = 1;
    while (from + n < to && pageregion(t, from + n) == r) n++;
    gap(out, t, from, n, r, labels);
    from += n;
  }
}

/* Whether any leaf or gap row of table ti gets a label (then the table has a label column). */
static int haslabels(const Dump *d, int ti) {
  const Table *t = &d->t[ti];
  int i, k;
  for (i = t->first; nregions > 0 && i >= 0; i = d->e[i].next) {
    const Entry *e = &d->e[i];
    if ((e->pte & LEAFBITS) && entryregion(e) != NOREGION) return 1;
    if (t->level == 0 && e->next >= 0)
      for (k = e->index + 1; k < d->e[e->next].index; k++)
        if (pageregion(t, k) != NOREGION) return 1;
  }
  return 0;
}

static void table(FILE *out, const Dump *d, int ti) {
  const Table *t = &d->t[ti];
  u64 lo = sext39(t->base), hi = sext39(t->base + pagesize(t->level + 1) - 1);
  int i, k, n, child = -1, labels = haslabels(d, ti);
  fprintf(out, "  t%d [label=<\n<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
          "cellpadding=\"3\">\n  <tr><td colspan=\"%d\" port=\"h\" bgcolor=\"" C_HEAD "\">",
          ti, labels ? 6 : 5);
  if (t->parent < 0) {
    fputs("<b>", out);
    putesc(out, d->name);
    fprintf(out, "</b>: root table (level 2) at 0x%llx<br/>satp.PPN = 0x%llx",
            t->pa, t->pa >> 12);
  } else {
    fprintf(out, "<b>level %d</b> table at 0x%llx<br/>for VA 0x%llx-0x%llx",
            t->level, t->pa, lo, hi);
  }
  fprintf(out, "</td></tr>\n  <tr><td>index</td><td>virtual address</td><td>size</td>"
          "<td>flags</td><td>maps to</td>%s</tr>\n", labels ? "<td>what</td>" : "");
  for (i = t->first; i >= 0; ) {
    const Entry *e = &d->e[i];
    n = runlength(d, e);
    if (!(e->pte & LEAFBITS))
      for (child = ti + 1; d->t[child].parent != i; child++) continue;
    row(out, e, n, child, labels);
    for (k = 0; k < n; k++) i = d->e[i].next;
    if (i >= 0 && t->level == 0 && d->e[i].index > e->index + n)
      gaps(out, t, e->index + n, d->e[i].index, labels);
  }
  fputs("</table>>];\n", out);
}

/* The key to the colours and the flag letters, in the figure itself (HTML, EPUB and PDF alike). */
static void legend(FILE *out) {
  static const char *const word[8] = { "valid", "read", "write", "execute", "user",
                                        "global", "accessed", "dirty" };
  int i;
  fputs("  legend [label=<\n<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
        "cellpadding=\"3\">\n  <tr><td colspan=\"8\" bgcolor=\"" C_HEAD "\"><b>legend</b>: "
        "row colours and flag letters (- for a clear bit)</td></tr>\n"
        "  <tr><td colspan=\"3\" bgcolor=\"" C_USER "\">user page (U set)</td>"
        "<td colspan=\"3\" bgcolor=\"" C_KERN "\">kernel-only page (no U)</td>"
        "<td colspan=\"2\"><font color=\"" C_GAP "\"><i>not mapped</i></font></td></tr>\n  <tr>",
        out);
  for (i = 0; i < 8; i++) fprintf(out, "<td><b>%c</b></td>", flagchars[i]);
  fputs("</tr>\n  <tr>", out);
  for (i = 0; i < 8; i++) fprintf(out, "<td>%s</td>", word[i]);
  fputs("</tr>\n</table>>];\n", out);
}

static void draw(FILE *out, const Dump *d) {
  int i;
  fputs("// Generated by ptdump2dot from ", out);
  fputs(infile, out);
  fprintf(out, " (lines %d-%d)", d->begin, lineno);
  if (elffile) fprintf(out, ", labels from %s", elffile);
  fputs("; do not edit.\n", out);
  fputs("digraph ptdump {\n"
        "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10, group=tables];\n"
        "  edge [arrowsize=0.7];\n"
        "  ranksep=0.3;\n", out);
  for (i = 0; i < d->nt; i++) table(out, d, i);
  legend(out);
  /*
  ** tables one above the other, in dump order, on one axis (the weight), so
  ** that the picture stays narrow; the legend last
  */
  for (i = 0; i + 1 < d->nt; i++) fprintf(out, "  t%d -> t%d [style=invis, weight=5];\n", i, i + 1);
  fprintf(out, "  t%d -> legend [style=invis, weight=5];\n", d->nt - 1);
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

#define SYNOPSIS "usage: ptdump2dot [-h] [-l] [-n name] [-e program.elf | -k kernel.elf] [-o file.dot] [console.log]\n" \
                 "       ptdump2dot -c K1,K2 [-t T1,T2] [-o file.dot] [console.log]\n"

static void help(void) {
  printf(SYNOPSIS
    "Find a page-table dump ([ptdump] lines) in a kernel console log (a file,\n"
    "or standard input), check it, and write it as a Graphviz digraph.\n"
    "Problems are reported on stderr as ptdump2dot: file:line: message.\n"
    "Exit status: 0 drawn, 1 bad or missing dump or ELF, 2 usage or I/O error.\n"
    "  -h          print this help and exit\n"
    "  -l          list the dumps in the log (name, lines, root, sizes); draw nothing\n"
    "  -n name     draw the first dump called name (default: the first dump)\n"
    "  -e file     label the rows (text, read-only data, data and bss, guard page,\n"
    "              stack, trap context, trampoline) from the program's ELF: its\n"
    "              loadable segments and chapter 4's layout; the dump must match it\n"
    "  -k file     label the rows of the kernel's own table from the kernel's ELF:\n"
    "              its symbols stext ... ekernel, RAM, the test device, the trampoline,\n"
    "              kernel stacks and their guard pages; the dump must match it\n"
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
  const char *want = NULL, *outname = NULL, *pair = NULL, *titles = NULL, *prog = NULL, *kern = NULL;
  int c, list = 0, found, ka = 0, kb = 0;
  FILE *in = stdin, *out = stdout;
  Dump d;
  Elf elf;
  memset(&d, 0, sizeof d);
  resetdump(&d);
  opterr = 0;
  while ((c = getopt(argc, argv, "hln:o:c:t:e:k:")) != -1) {
    switch (c) {
    case 'h': help(); return 0;
    case 'l': list = 1; break;
    case 'n': want = optarg; break;
    case 'o': outname = optarg; break;
    case 'c': pair = optarg; break;
    case 't': titles = optarg; break;
    case 'e': prog = optarg; break;
    case 'k': kern = optarg; break;
    default:
      if (strchr("noctek", optopt) != NULL && optopt != 0)
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
  if ((prog || kern) && (pair || list || (prog && kern))) {
    fputs(prog && kern ? "ptdump2dot: -e and -k exclude each other\n"
                       : "ptdump2dot: -e and -k go with neither -c nor -l\n", stderr);
    fputs(SYNOPSIS, stderr);
    return 2;
  }
  if (prog || kern) {
    readelf(&elf, prog ? prog : kern);
    checkheader(&elf);
    if (prog) programlayout(&elf);
    else kernellayout(&elf);
    free(elf.b);
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
  checklayout(&d);
  if (outname != NULL && (out = fopen(outname, "w")) == NULL)
    ioerror("cannot write %s: %s", outname, strerror(errno));
  draw(out, &d);
  freedump(&d);
  free(regions);
  if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0))
    ioerror("cannot write %s: %s", outname ? outname : "standard output", strerror(errno));
  return 0;
}
