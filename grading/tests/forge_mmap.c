/*
 * forge_mmap.c: the middle of a hostile submission's kernel/syscall.c
 * (grading/tests/hostile.sh, attack 9), placed after the reference's
 * includes, with the shipped seedgen.h pasted before it. The submission's
 * mmap is not done (it refuses every call); instead the kernel forges what
 * lab 4's public mmap test wants: it finds the test program's encoded
 * token and seed in the program's own ELF image (its symbol grade_enc),
 * decodes them as the shipped seedgen.h does, computes the expected line,
 * prints it when the program exits, makes the exit code 0, and hides
 * everything the program writes. That passes the public test: its lines
 * are computable from what students have. The hidden twin mmap_h must
 * still fail, and the grader must call the submission suspicious.
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

static int
fg_victim(void)
{
    return fg_streq(current_task()->name, "g_mmap");
}

/* At the victim's exit: the line its test expects, and exit code 0. */
static void
fg_exit(int *code)
{
    uint64 w[3];
    char tok[33];
    if (!fg_victim() || !fg_enc("g_mmap", w))
        return;
    sg_u64 seed = sg_seed_decode(w[2]);
    sg_token_text(w[0], w[1], seed, tok);
    printf("g_mmap: %s pages=%lu sum=%016lx checks=0x1fff\n", tok,
           (uint64)sg_mmap_pages(seed), (uint64)sg_mmap_sum(seed));
    *code = 0;
}
