/*
 * kelf.h: an in-kernel test of the ELF loader (chapter 4's mm_from_elf)
 * on a file it builds itself, in shapes no linker script of ours makes:
 * segments at addresses that are not page-aligned, whose bytes in the
 * file are shorter than in memory across a page boundary; program headers
 * out of address order; a loadable segment with no bytes at all, inside
 * another one's page; a PT_NOTE with contents at an address nothing else
 * uses. A kernel test (ktest.h) includes it, then calls
 *
 *     kelf_run(name, token, r)     r: three random words
 *
 * which prints `NAME: FAIL what` for each failed check and then
 * `NAME: TOKEN ok` (or `bad`). It checks every byte of both loaded
 * segments' pages (the file's bytes at p_vaddr, zeros before and after
 * them), that the last page of each is mapped, each page's permissions,
 * that the note and the gap between the segments are not mapped, the
 * entry and the stack's top (ABI.md: a guard page above the highest
 * segment, then the stack); that mm_free gives back every frame; and,
 * with fewer free frames than the file needs (taken away and given back
 * after), that mm_from_elf says "out of memory" and keeps no frame.
 *
 * Nothing here depends on choices the handout leaves open: only on what
 * an address space built from this file must hold.
 */
#ifndef KELF_H
#define KELF_H

struct kelf_ehdr {
    uint8 ident[16];
    uint16 type, machine;
    uint32 version;
    uint64 entry, phoff, shoff;
    uint32 flags;
    uint16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct kelf_phdr {
    uint32 type, flags;
    uint64 offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct kelf_ehdr) == 64 && sizeof(struct kelf_phdr) == 56, "ELF64 sizes");

#define KELF_LOAD 1
#define KELF_NOTE 4
#define KELF_X 1
#define KELF_W 2
#define KELF_R 4
#define KELF_FILE 16384
#define KELF_NOTE_VA 0x30000ULL

static uint8 kelf_file[KELF_FILE] __attribute__((aligned(8)));
static uint64 kelf_failures;
static const char *kelf_name;

static void
kelf_check(const char *what, uint64 va, uint64 got, uint64 want)
{
    if (got != want && kelf_failures++ < 10)
        printf("%s: FAIL %s at %p: got 0x%lx, want 0x%lx\n", kelf_name, what, (void *)va, got, want);
}

/* The file's byte at offset i of segment s's bytes. */
static uint8
kelf_byte(int s, uint64 i)
{
    return (uint8)(0x5A ^ (s * 0x33) ^ (i * 7) ^ (i >> 8));
}

struct kelf_seg {
    uint64 va, filesz, memsz, off;
    uint32 flags;
};

/* Every byte of segment s's pages in mm, and its pages' permissions. */
static void
kelf_check_seg(struct mm *mm, int s, const struct kelf_seg *g)
{
    uint64 end = page_up(g->va + g->memsz);
    for (uint64 page = page_down(g->va); page < end; page += PAGE_SIZE) {
        uint64 pa = translate(mm->pt, page, PTE_U | PTE_R);
        kelf_check("a page of the segment mapped, U and R", page, pa != 0, 1);
        if (pa == 0)
            continue;
        kelf_check("writable", page, translate(mm->pt, page, PTE_W) != 0, (g->flags & KELF_W) != 0);
        kelf_check("executable", page, translate(mm->pt, page, PTE_X) != 0, (g->flags & KELF_X) != 0);
        const uint8 *k = pa2kva(pa);
        uint64 bad = 0, first = 0;
        for (uint64 i = 0; i < PAGE_SIZE; i++) {
            uint64 va = page + i;
            uint8 want = va >= g->va && va < g->va + g->filesz ? kelf_byte(s, va - g->va) : 0;
            if (k[i] != want && bad++ == 0)
                first = va;
        }
        kelf_check("bytes not the file's at p_vaddr, or not zero around them", first, bad, 0);
    }
}

/* Take free frames until only keep are left; they are linked through themselves. */
static uint64
kelf_hoard(uint64 keep)
{
    uint64 head = 0;
    while (frame_free_count() > keep) {
        ppn_t p = frame_alloc();
        if (p.n == 0)
            break;
        *(uint64 *)pa2kva(ppn2pa(p)) = head;
        head = ppn2pa(p);
    }
    return head;
}

static void
kelf_release(uint64 head)
{
    while (head) {
        uint64 next = *(uint64 *)pa2kva(head);
        frame_free(pa2ppn(head));
        head = next;
    }
}

static void
kelf_run(const char *name, const char *token, const uint64 r[3])
{
    kelf_name = name;
    kelf_failures = 0;
    /* A (R X) low, B (R W) above it with a gap page between; both start off
       a page boundary, and their bytes in memory run past a page more than
       their bytes in the file. */
    struct kelf_seg a = { 0x20000 + 8 * (2 + r[0] % 500), 0, 0, 0x200, KELF_R | KELF_X };
    /* A ends on its third page, before the offset it starts at in its first:
       its end is not its rounded-down start plus its size, rounded up. */
    uint64 oa = a.va % PAGE_SIZE;
    a.memsz = 2 * PAGE_SIZE - oa + 1 + r[1] % (oa - 1);
    a.filesz = a.memsz - 0x10;
    struct kelf_seg b = { 0x24000 + 16 * (1 + r[2] % 200), 0x300 + (r[0] >> 16) % 0x400, 0, 0, KELF_R | KELF_W };
    b.memsz = b.filesz + 0x1800 + (r[1] >> 16) % 0x800;
    b.off = a.off + a.filesz;
    uint64 note_off = b.off + b.filesz, note_len = 0x40;
    memset(kelf_file, 0, sizeof kelf_file);
    struct kelf_ehdr *eh = (struct kelf_ehdr *)kelf_file;
    static const uint8 ident[16] = { 0x7F, 'E', 'L', 'F', 2, 1, 1 };
    memcpy(eh->ident, ident, 16);
    eh->type = 2;                       /* ET_EXEC */
    eh->machine = 243;                  /* EM_RISCV */
    eh->version = 1;
    eh->entry = a.va;
    eh->phoff = 64;
    eh->ehsize = 64;
    eh->phentsize = 56;
    eh->phnum = 4;
    struct kelf_phdr *ph = (struct kelf_phdr *)(kelf_file + 64);
    /* Out of address order: B first, then the note, the empty one, A. */
    ph[0] = (struct kelf_phdr){ KELF_LOAD, b.flags, b.off, b.va, b.va, b.filesz, b.memsz, 0x1000 };
    ph[1] = (struct kelf_phdr){ KELF_NOTE, KELF_R, note_off, KELF_NOTE_VA, KELF_NOTE_VA, note_len, note_len, 4 };
    ph[2] = (struct kelf_phdr){ KELF_LOAD, KELF_R | KELF_W, a.off, a.va + 0x10, a.va + 0x10, 0, 0, 0x1000 };
    ph[3] = (struct kelf_phdr){ KELF_LOAD, a.flags, a.off, a.va, a.va, a.filesz, a.memsz, 0x1000 };
    for (uint64 i = 0; i < a.filesz; i++)
        kelf_file[a.off + i] = kelf_byte(0, i);
    for (uint64 i = 0; i < b.filesz; i++)
        kelf_file[b.off + i] = kelf_byte(1, i);
    memset(kelf_file + note_off, 0x77, note_len);
    uint64 size = note_off + note_len, entry = 0, sp = 0;
    const char *err = NULL;

    uint64 start = frame_free_count();
    struct mm *mm = mm_from_elf(kelf_file, size, &entry, &sp, &err);
    kelf_check("mm_from_elf's space (1: made)", 0, mm != NULL, 1);
    if (mm == NULL) {
        printf("%s: FAIL mm_from_elf refused the file: %s\n", name, err ? err : "(no reason)");
        printf("%s: %s bad\n", name, token);
        return;
    }
    uint64 needed = start - frame_free_count();
    kelf_check("the entry", 0, entry, a.va);
    uint64 top = page_up(b.va + b.memsz);
    kelf_check("the stack's top (a guard page above the highest segment, then the stack)", 0, sp,
               top + PAGE_SIZE + USER_STACK_SIZE);
    kelf_check_seg(mm, 0, &a);
    kelf_check_seg(mm, 1, &b);
    kelf_check("the note's page mapped (a PT_NOTE is not loaded)", KELF_NOTE_VA,
               translate(mm->pt, KELF_NOTE_VA, 0) != 0, 0);
    kelf_check("the page between the segments mapped", 0x23000, translate(mm->pt, 0x23000, 0) != 0, 0);
    kelf_check("the guard page above the segments mapped", top, translate(mm->pt, top, 0) != 0, 0);
    mm_free(mm);
    kelf_check("frames given back by mm_free", 0, frame_free_count(), start);

    /* Short of frames: a quarter, a half, all but one of what it needs. */
    uint64 shorts[3] = { needed / 4, needed / 2, needed - 1 };
    for (int k = 0; k < 3; k++) {
        uint64 hoard = kelf_hoard(shorts[k]);
        err = NULL;
        mm = mm_from_elf(kelf_file, size, &entry, &sp, &err);
        kelf_check("mm_from_elf's space with too few frames (0: refused)", shorts[k], mm != NULL, 0);
        kelf_check("a reason given when refused", shorts[k], err != NULL, 1);
        kelf_check("free frames after the refusal (none kept)", shorts[k], frame_free_count(), shorts[k]);
        if (mm)
            mm_free(mm);
        kelf_release(hoard);
    }
    kelf_check("free frames at the end", 0, frame_free_count(), start);
    if (kelf_failures > 10)
        printf("%s: FAIL %lu checks failed in all\n", name, kelf_failures);
    printf("%s: %s %s\n", name, token, kelf_failures ? "bad" : "ok");
}

#endif
