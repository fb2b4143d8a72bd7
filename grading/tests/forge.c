/*
 * forge.c: the middle of a hostile submission's kernel/syscall.c
 * (grading/tests/hostile.sh, attack 9), placed after the reference's
 * includes, with the shipped seedgen.h pasted before it. The submission's
 * mmap is not done (it refuses every call), so nearly every program
 * fails; instead the kernel forges what four of lab 4's public tests want
 * (frames, mmap, copy, timeinfo: exercises 1, 5, 6 and 7). At such a
 * program's first system call it finds the program's encoded token and
 * seed in the program's own ELF image (its symbol grade_enc), decodes
 * them as the shipped seedgen.h does, prints the lines the test expects
 * and ends the program with exit code 0 before it can print anything of
 * its own. That passes the four public tests: their lines are computable
 * from what students have. Their hidden twins must still fail, the grader
 * call the submission suspicious, and (twins gate) the forged tests earn
 * nothing: the forger's score is that of the same kernel without forging.
 */
#include "apps.h"

struct fg_ehdr {
    uint8 ident[16];
    uint16 type, machine;
    uint32 version;
    uint64 entry, phoff, shoff;
    uint32 flags;
    uint16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct fg_shdr {
    uint32 name, type;
    uint64 flags, addr, offset, size;
    uint32 link, info;
    uint64 addralign, entsize;
};

struct fg_sym {
    uint32 name;
    uint8 info, other;
    uint16 shndx;
    uint64 value, size;
};

static int
fg_streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The three words of grade_enc in the image of application name: 1, else 0. */
static int
fg_enc(const char *name, uint64 w[3])
{
    for (uint64 i = 0; i < app_count; i++) {
        const struct app *a = &app_table[i];
        if (!fg_streq(a->name, name))
            continue;
        const struct fg_ehdr *e = (const void *)a->start;
        const struct fg_shdr *sh = (const void *)(a->start + e->shoff);
        for (int s = 0; s < e->shnum; s++) {
            if (sh[s].type != 2)                /* SHT_SYMTAB */
                continue;
            const struct fg_sym *sym = (const void *)(a->start + sh[s].offset);
            const char *str = (const char *)(a->start + sh[sh[s].link].offset);
            for (uint64 k = 0; k < sh[s].size / sizeof *sym; k++) {
                if (!fg_streq(str + sym[k].name, "grade_enc"))
                    continue;
                const struct fg_shdr *d = &sh[sym[k].shndx];
                const uint8 *p = a->start + d->offset + (sym[k].value - d->addr);
                for (int j = 0; j < 24; j++)
                    ((uint8 *)w)[j] = p[j];
                return 1;
            }
        }
    }
    return 0;
}

/* Which victim is running: 1..4, or 0. */
static const char *const fg_names[] = { "g_frames", "g_mmap", "g_copy", "g_timeinfo" };

static int
fg_victim(void)
{
    for (int i = 0; i < 4; i++)
        if (fg_streq(current_task()->name, fg_names[i]))
            return i + 1;
    return 0;
}

/* The running victim's lines, as its public test wants them: 1 if printed. */
static int
fg_forge(void)
{
    int v = fg_victim();
    uint64 w[3];
    char tok[33];
    if (v == 0 || !fg_enc(fg_names[v - 1], w))
        return 0;
    sg_u64 s = sg_seed_decode(w[2]);
    sg_token_text(w[0], w[1], s, tok);
    if (v == 1)
        printf("g_frames: %s pages=%lu zero=0 sum=%016lx\n", tok,
               (uint64)sg_frames_pages(s), (uint64)sg_frames_sum(s));
    else if (v == 2)
        printf("g_mmap: %s pages=%lu sum=%016lx checks=0x1fff\n", tok,
               (uint64)sg_mmap_pages(s), (uint64)sg_mmap_sum(s));
    else if (v == 3) {
        printf("g_copy: %s ", tok);
        for (int i = 0; i < SG_COPY_WORDS; i++)
            printf("%016lx", (uint64)sg_val(s, SG_S_COPY, i));
        printf("\ng_copy: %s refused=0xfff tv=ok\n", tok);
        printf("g_copy: a line that ends where its mapping does\ng_copy: a line from read-only data\n");
    } else {
        sg_u64 g = sg_ti_getpid(s), y = sg_ti_yield(s), d = sg_ti_gtod(s);
        printf("g_timeinfo: %s getpid=%lu yield=%lu gtod=%lu mmap=1 taskinfo=1 write=0 "
               "total=%lu status=2\n", tok, (uint64)g, (uint64)y, (uint64)d,
               (uint64)(2 + g + y + d));
        printf("g_timeinfo: %s time=ok refused=0xf\n", tok);
    }
    return 1;
}
