/*
 * hang.c: where a kernel was when its test ran out of time.
 *
 * "timeout after 10s" alone does not tell a student which of their
 * functions loops. So every QEMU a test boots has its monitor on two FIFOs
 * in the test's directory (made here, before the boot, by the grader), and
 * when the time is up the grader, before it kills QEMU, asks the monitor
 * for the hart's registers ("info registers"). The program counter and
 * the return address are then named from the kernel's own symbol table,
 * and each name is matched against the lab's exercises (the specification's
 * `functions N NAME...` lines):
 *
 *     timeout after 5s: the kernel was in walk (exercise 2), called from
 *     map_pages (exercise 3)
 *
 * The kernel's ELF was built from a submission, so it is read here as
 * hostile input: a bounded read, every offset and size checked, and a file
 * that does not parse names nothing. Nothing a kernel prints reaches this
 * code: the registers come from QEMU's monitor, not from the console.
 *
 * A kernel that traps on its own bug is named the same way, from the
 * sepc its panic line prints (chapter 2's kernel_trap), so a page fault
 * in a student's walk reads
 *
 *     the kernel trapped (PageFault, stval 0x0) in walk (exercise 2)
 *
 * That line is the console's: a kernel could print a false one, but only
 * to mislead its own failure report (the panic line fails the test).
 *
 * Two hangs are named from more of the monitor's registers: a hart that
 * traps for ever on its trap handler's first instruction (pc = stvec =
 * sepc: the page table in satp maps the kernel wrong; the spec's
 * `tablefuncs` are named as its builders), and one stopped in the firmware
 * below the kernel's entry point.
 */
#include "grade.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MONITOR_WAIT_MS 3000            /* for the monitor's answer (a loaded machine) */
#define ELF_MAX (64LL << 20)            /* a kernel larger than this names nothing */

/* Make BASE.in and BASE.out, the FIFOs QEMU's pipe chardev opens. */
int
monitor_make(const char *base)
{
    char path[4096];
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s.%s", base, i ? "out" : "in");
        if (unlink(path) < 0 && errno != ENOENT)
            return -1;
        if (mkfifo(path, 0600) < 0)
            return -1;
    }
    return 0;
}

static int
open_fifo(const char *base, const char *ext, int flags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.%s", base, ext);
    int fd = open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* A register's value in the monitor's "info registers" text, where each
   is " NAME   HEX", several to a line ("x1/ra    0000000080200a1c"). */
static int
reg_value(const char *text, const char *name, unsigned long long *v)
{
    size_t n = strlen(name);
    for (const char *l = strstr(text, name); l; l = strstr(l + 1, name)) {
        if (l == text || (l[-1] != ' ' && l[-1] != '\n') || l[n] != ' ')
            continue;
        char *end;
        errno = 0;
        *v = strtoull(l + n, &end, 16);
        return errno == 0 && end != l + n;
    }
    return 0;
}

/* Ask QEMU's monitor (FIFOs BASE.in, BASE.out) for pc and ra; sets o->regs. */
void
monitor_regs(const char *base, struct outcome *o)
{
    int out = open_fifo(base, "out", O_RDONLY), in = open_fifo(base, "in", O_WRONLY);
    if (out < 0 || in < 0) {
        if (out >= 0)
            close(out);
        if (in >= 0)
            close(in);
        return;
    }
    /* The banner QEMU wrote at boot comes first: skip to the answer. */
    static const char cmd[] = "info registers\n";
    ssize_t w = write(in, cmd, sizeof cmd - 1);
    close(in);
    size_t cap = 1 << 16, len = 0;
    char *text = xmalloc(cap + 1);
    text[0] = '\0';
    unsigned long long pc, ra;
    for (int waited = 0; w > 0 && waited < MONITOR_WAIT_MS; ) {
        struct pollfd p = { out, POLLIN, 0 };
        int r = poll(&p, 1, 50);
        waited += 50;
        if (r <= 0)
            continue;
        ssize_t n = read(out, text + len, cap - len);
        if (n <= 0)
            continue;
        len += (size_t)n;
        text[len] = '\0';
        const char *answer = strstr(text, "CPU#0");
        if (answer && reg_value(answer, "pc", &pc) && reg_value(answer, "x1/ra", &ra)) {
            o->regs = 1;
            o->pc = pc;
            o->ra = ra;
            /* The CSRs come before the x registers: all there, or none used. */
            o->csrs = reg_value(answer, "stvec", &o->stvec) && reg_value(answer, "sepc", &o->sepc)
                   && reg_value(answer, "scause", &o->scause) && reg_value(answer, "stval", &o->stval)
                   && reg_value(answer, "satp", &o->satp);
            break;
        }
        if (len == cap)
            break;
    }
    free(text);
    close(out);
}

/* The function of kernel.elf's symbol table that holds addr, or NULL. */
static char *
symbol_at(const char *elf, unsigned long long addr)
{
    int fd = open(elf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)
        || st.st_size > ELF_MAX) {
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size, got = 0;
    unsigned char *f = xmalloc(size);
    while (got < size) {
        ssize_t n = read(fd, f + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    char *found = NULL;
    Elf64_Ehdr eh;
    memcpy(&eh, f, sizeof eh);
    if (got != size || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64
        || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > size
        || (size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
        goto out;
    unsigned long long best = 0;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh, link;
        memcpy(&sh, f + eh.e_shoff + i * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_link >= eh.e_shnum
            || sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
            continue;
        memcpy(&link, f + eh.e_shoff + sh.sh_link * sizeof link, sizeof link);
        if (link.sh_offset > size || link.sh_size > size - link.sh_offset || link.sh_size == 0)
            continue;
        const char *strs = (const char *)f + link.sh_offset;
        for (size_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            memcpy(&sym, f + sh.sh_offset + k * sizeof sym, sizeof sym);
            if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_name >= link.sh_size
                || sym.st_value > addr || sym.st_value < best)
                continue;
            if (sym.st_size ? addr - sym.st_value >= sym.st_size : addr != sym.st_value)
                continue;
            const char *name = strs + sym.st_name;
            size_t n = strnlen(name, link.sh_size - sym.st_name);
            if (n == 0 || n == link.sh_size - sym.st_name || n > 64)
                continue;
            best = sym.st_value;
            free(found);
            found = xstrdup(name);
        }
    }
out:
    free(f);
    return found;
}

/* The kernel's entry point (its lowest code: the firmware is below it), or 0. */
static unsigned long long
kernel_entry(const char *elf)
{
    Elf64_Ehdr eh;
    int fd = open(elf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, &eh, sizeof eh);
    close(fd);
    if (n != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0
        || eh.e_ident[EI_CLASS] != ELFCLASS64)
        return 0;
    return eh.e_entry;
}

/* "walk (exercise 2)", "scheduler", "0x80000496 (the firmware)", or "0x10234 (user code)". */
static void
describe(const struct spec *sp, const char *elf, unsigned long long addr, struct buf *b)
{
    char *name = addr >= 0x80000000ULL ? symbol_at(elf, addr) : NULL;
    if (name == NULL) {
        if (addr < 0x80000000ULL)
            buf_printf(b, "0x%llx (user code)", addr);
        else if (addr < kernel_entry(elf))
            buf_printf(b, "0x%llx (the firmware)", addr);
        else
            buf_printf(b, "0x%llx", addr);
        return;
    }
    buf_printf(b, "%s", name);
    for (int i = 0; i < sp->nfuncs; i++)
        if (strcmp(sp->funcs[i].name, name) == 0) {
            buf_printf(b, " (exercise %d)", sp->funcs[i].exercise);
            break;
        }
    free(name);
}

/*
 * A hart that cannot run its own trap handler: the handler's first
 * instruction traps (its fetch faults, or it fetches something that is not
 * the handler, or its first store faults), which traps to stvec again, for
 * ever. The registers show it as pc == stvec == sepc, scause an exception.
 * What came before is lost but ra: the last call. On the kernel's side this
 * is nearly always a page table (in satp) that maps the kernel's own code
 * or data wrong.
 */
static int
trap_loop(struct outcome o)
{
    return o.csrs && !(o.scause >> 63) && o.pc == o.stvec && o.sepc == o.stvec;
}

static const char *
cause_name(unsigned long long c)
{
    switch (c) {
    case 1: return "instruction access fault";
    case 2: return "illegal instruction";
    case 5: return "load access fault";
    case 7: return "store access fault";
    case 12: return "instruction page fault";
    case 13: return "load page fault";
    case 15: return "store page fault";
    default: return NULL;
    }
}

static void
trap_loop_text(const struct spec *sp, const char *elf, struct outcome o, struct buf *b)
{
    struct buf at = { 0 }, from = { 0 };
    const char *cause = cause_name(o.scause);
    /* What names the exercises first: a report's one-line reason is cut at 100. */
    buf_printf(b, "the kernel cannot run its own trap handler: its page table");
    for (int i = 0; i < sp->ntablefuncs; i++) {
        buf_printf(b, "%s%s", i == 0 ? ", from " : i == sp->ntablefuncs - 1 ? " and " : ", ",
                   sp->tablefuncs[i]);
        for (int k = 0; k < sp->nfuncs; k++)
            if (strcmp(sp->funcs[k].name, sp->tablefuncs[i]) == 0)
                buf_printf(b, " (exercise %d)", sp->funcs[k].exercise);
    }
    describe(sp, elf, o.stvec, &at);
    buf_printf(b, "%s maps it wrong: the hart traps for ever at the handler's first "
               "instruction, %s (", sp->ntablefuncs > 0 ? "," : "", buf_str(&at));
    if (cause)
        buf_printf(b, "%s", cause);
    else
        buf_printf(b, "exception %llu", o.scause);
    buf_printf(b, ", stval 0x%llx; satp 0x%llx)", o.stval, o.satp);
    if (o.ra >= 0x80000000ULL) {
        describe(sp, elf, o.ra, &from);
        buf_printf(b, ", last called from %s", buf_str(&from));
    }
    free(at.s);
    free(from.s);
}

/* What a test's detail says of a hang: where the hart was; NULL if unknown. */
char *
hang_text(const struct spec *sp, const char *elf, struct outcome o)
{
    if (!o.regs)
        return NULL;
    struct buf b = { 0 }, at = { 0 }, from = { 0 };
    if (trap_loop(o)) {
        trap_loop_text(sp, elf, o, &b);
        return b.s;
    }
    unsigned long long entry = kernel_entry(elf);
    if (o.pc >= 0x80000000ULL && o.pc < entry) {
        /* below the kernel: the firmware, where a hart that trapped into it stays */
        buf_printf(&b, "the hart was in the firmware (OpenSBI), at 0x%llx", o.pc);
        if (o.ra >= entry) {
            describe(sp, elf, o.ra, &from);
            buf_printf(&b, ", the kernel's last call from %s", buf_str(&from));
        }
        free(from.s);
        return b.s;
    }
    describe(sp, elf, o.pc, &at);
    buf_printf(&b, "the %s was in %s", o.pc >= 0x80000000ULL ? "kernel" : "hart", buf_str(&at));
    if (o.pc >= 0x80000000ULL && o.ra >= 0x80000000ULL) {
        describe(sp, elf, o.ra, &from);
        if (strcmp(buf_str(&at), buf_str(&from)) != 0)      /* ra elsewhere: the caller */
            buf_printf(&b, ", called from %s", buf_str(&from));
    }
    free(at.s);
    free(from.s);
    return b.s;
}

/*
 * What a test's reason says of a kernel trap: the first line of the log
 * (at most TRAP_SCAN bytes read) of the form "[kernel] panic at FILE:LINE:
 * kernel trap: CAUSE (scause X), sepc PC, stval V", as "the kernel trapped
 * (CAUSE, stval V) in FUNCTION (exercise N)"; NULL if there is none.
 */
#define TRAP_SCAN (1 << 20)
char *
trap_text(const struct spec *sp, const char *elf, const char *log)
{
    int fd = open(log, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *text = xmalloc(TRAP_SCAN + 1);
    size_t got = 0;
    while (got < TRAP_SCAN) {
        ssize_t n = read(fd, text + got, TRAP_SCAN - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    text[got] = '\0';
    char *found = NULL;
    for (char *line = text; line && *line && !found; ) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char cause[32];
        unsigned long long scause, pc, val;
        const char *k = strncmp(line, "[kernel] panic at ", 18) == 0 ? strstr(line, ": kernel trap: ") : NULL;
        if (k && sscanf(k, ": kernel trap: %31[A-Za-z] (scause %llx), sepc %llx, stval %llx",
                        cause, &scause, &pc, &val) == 4) {
            struct buf at = { 0 }, b = { 0 };
            describe(sp, elf, pc, &at);
            buf_printf(&b, "the kernel trapped (%s, stval 0x%llx) in %s", cause, val, buf_str(&at));
            free(at.s);
            found = b.s;
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    return found;
}
