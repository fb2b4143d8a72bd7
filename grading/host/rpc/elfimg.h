/*
 * elfimg.h: the headers of a test's ELF file, from the host's <elf.h>: a
 * RISC-V executable (64-bit, little-endian) with n program headers right
 * after the file header. Shared by test_elf.c and mmcases.c.
 */
#ifndef ELFIMG_H
#define ELFIMG_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

static inline Elf64_Ehdr
elf_exec_header(uint64_t entry, int n)
{
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (uint16_t)n;
    return eh;
}

#endif
