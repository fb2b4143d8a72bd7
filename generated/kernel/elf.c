/* elf.c: checking ELF executables and building address spaces from them. */
#include "types.h"
#include "defs.h"
#include "vm.h"

typedef struct {
    uint8  e_ident[16];         /* magic, class, data, version, ... */
    uint16 e_type, e_machine;
    uint32 e_version;
    uint64 e_entry, e_phoff, e_shoff;
    uint32 e_flags;
    uint16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
    uint32 p_type, p_flags;
    uint64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

#define ELFCLASS64   2
#define ELFDATA2LSB  1
#define EV_CURRENT   1
#define ET_EXEC      2
#define EM_RISCV     243
#define PT_LOAD      1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAX_PHNUM    64
_Static_assert(sizeof(Elf64_Ehdr) == 64 && sizeof(Elf64_Phdr) == 56,
               "ELF64 layout");
/*
 * Check that elf[0..size) is an executable this kernel can load (ABI.md).
 * Returns 0, or -1 with *err saying what is wrong.
 */
int
elf_check(const uint8 *elf, uint64 size, const char **err)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
    if (size < sizeof(Elf64_Ehdr))
        return *err = "file too small for an ELF header", -1;
    if (eh->e_ident[0] != 0x7F || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L'
        || eh->e_ident[3] != 'F')
        return *err = "bad magic number (not an ELF file)", -1;
    if (eh->e_ident[4] != ELFCLASS64)
        return *err = "not a 64-bit ELF file", -1;
    if (eh->e_ident[5] != ELFDATA2LSB)
        return *err = "not little-endian", -1;
    if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return *err = "unknown ELF version", -1;
    if (eh->e_machine != EM_RISCV)
        return *err = "not a RISC-V file", -1;
    if (eh->e_type != ET_EXEC)
        return *err = "not a static executable (ET_EXEC)", -1;
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return *err = "unexpected program-header size", -1;
    if (eh->e_phnum == 0 || eh->e_phnum > MAX_PHNUM)
        return *err = "no program headers, or too many", -1;
    if (eh->e_phoff % 8 || eh->e_phoff > size
        || (uint64)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
        return *err = "program headers lie outside the file", -1;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(elf + eh->e_phoff);
    int loads = 0, entry_ok = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz)
            return *err = "segment with p_filesz > p_memsz", -1;
        if (ph[i].p_memsz == 0)
            continue;
        loads++;
        const Elf64_Phdr *p = &ph[i];
        if (p->p_offset > size || p->p_filesz > size - p->p_offset)
            return *err = "segment bytes lie outside the file", -1;
        if (p->p_vaddr < PAGE_SIZE || p->p_vaddr >= USER_TOP
            || p->p_memsz > USER_TOP - p->p_vaddr)
            return *err = "segment outside the user half [0x1000, 0x4000000000)", -1;
        if (!(p->p_flags & (PF_R | PF_W | PF_X)))
            return *err = "segment with no permissions", -1;
        for (int j = 0; j < i; j++) {
            const Elf64_Phdr *q = &ph[j];
            if (q->p_type == PT_LOAD && q->p_memsz != 0
                && page_down(q->p_vaddr) < page_up(p->p_vaddr + p->p_memsz)
                && page_down(p->p_vaddr) < page_up(q->p_vaddr + q->p_memsz))
                return *err = "overlapping segments", -1;
        }
        if ((p->p_flags & PF_X) && p->p_vaddr <= eh->e_entry
            && eh->e_entry - p->p_vaddr < p->p_memsz)
            entry_ok = 1;
    }
    if (loads == 0)
        return *err = "no loadable segment", -1;
    if (!entry_ok)
        return *err = "entry point is not in an executable segment", -1;
    return 0;
}
/* Copy n bytes to va in mm, whatever the page permissions (kernel view). */
static void
copy_to_space(struct mm *mm, uint64 va, const uint8 *src, uint64 n)
{
    while (n > 0) {
        uint64 chunk = page_rest(va, n);
        memcpy(pa2kva(translate(mm->pt, va, 0)), src, chunk);
        va += chunk, src += chunk, n -= chunk;
    }
}

static uint64
segment_perm(uint32 flags)
{
    return PTE_U | (flags & PF_R ? PTE_R : 0) | (flags & PF_W ? PTE_W : 0)
         | (flags & PF_X ? PTE_X : 0);
}

/*
 * Build an address space for the ELF file elf[0..size). On success set
 * *entry and *user_sp and return the space; otherwise NULL, *err says why.
 */
struct mm *
mm_from_elf(const uint8 *elf, uint64 size, uint64 *entry, uint64 *user_sp,
            const char **err)
{
    if (elf_check(elf, size, err) < 0)
        return NULL;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(elf + eh->e_phoff);
    struct mm *mm = mm_new();
    if (mm == NULL)
        goto oom;
    uint64 top = 0;
    /* BEGIN SOLUTION lab4 ex4
       stub: (void)ph; (void)copy_to_space; (void)segment_perm;
       stub: panic("lab4 ex4: mm_from_elf not implemented");
     */
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        uint64 start = page_down(p->p_vaddr),
               end = page_up(p->p_vaddr + p->p_memsz);
        if (mm_map(mm, start, end,
                   segment_perm(p->p_flags), AREA_FRAMED, USE_ELF) == NULL)
            goto oom;
        copy_to_space(mm, p->p_vaddr, elf + p->p_offset, p->p_filesz);
        if (end > top)
            top = end;
    }
    /* END SOLUTION */
    uint64 stack_bottom = top + PAGE_SIZE;          /* top is the guard page */
    uint64 stack_top = stack_bottom + USER_STACK_SIZE;
    if (stack_top > USER_TOP) {
        mm_free(mm);
        *err = "no room for the stack above the segments";
        return NULL;
    }
    if (mm_map(mm, stack_bottom, stack_top, PTE_R | PTE_W | PTE_U, AREA_FRAMED,
               USE_STACK) == NULL
        || mm_map(mm, TRAP_CONTEXT, TRAP_CONTEXT + PAGE_SIZE, PTE_R | PTE_W,
                  AREA_FRAMED, USE_TRAP_CONTEXT) == NULL)
        goto oom;
    mm->heap_start = mm->brk = stack_top;
    *user_sp = stack_top;
    *entry = eh->e_entry;
    return mm;
oom:
    if (mm)
        mm_free(mm);
    *err = "out of memory";
    return NULL;
}
