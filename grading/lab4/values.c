/*
 * values.c: the named values lab 4's tests.spec may use as ${NAME},
 * computed from the run's seed with the same generator the test programs
 * use (progs/seedgen.h). The grader builds it (the spec's `values`
 * directive) and runs it with the seed as its argument; it prints one
 * "NAME VALUE" line per value. (TOKEN the grader sets itself.)
 *
 * usage: values SEED [TOKEN]
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "progs/seedgen.h"

static void
defval(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", name);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

static void
lab_values(sg_u64 s)
{
    char hex[4 * 16 + 1];
    defval("FRAMES_PAGES", "%llu", sg_frames_pages(s));
    defval("FRAMES_SUM", "%016llx", sg_frames_sum(s));
    defval("WALK_PAGES", "%d", SG_WALK_PAGES);
    defval("WALK_SUM", "%016llx", sg_walk_sum(s));
    defval("WALKP_PAGES", "%llu", sg_walkp_total(s));
    defval("WALKP_SUM", "%016llx", sg_walkp_sum(s));
    defval("UNMAP_PAGES", "%llu", sg_unmap_pages(s));
    defval("UNMAP_SUM", "%016llx", sg_unmap_sum(s));
    defval("UNMAP_FAULT", "0x%llx", sg_unmap_fault(s));
    for (int i = 0; i < SG_COPY_WORDS; i++)
        snprintf(hex + 16 * i, sizeof hex - 16 * i, "%016llx", sg_val(s, SG_S_COPY, i));
    defval("COPY_HEX", "%s", hex);
    defval("ELF_DATA", "%016llx", sg_elf_sum(s, SG_S_ELF_DATA, SG_ELF_DATA_WORDS));
    defval("ELF_RODATA", "%016llx", sg_elf_sum(s, SG_S_ELF_RODATA, SG_ELF_RODATA_WORDS));
    defval("TI_GETPID", "%llu", sg_ti_getpid(s));
    defval("TI_YIELD", "%llu", sg_ti_yield(s));
    defval("TI_GTOD", "%llu", sg_ti_gtod(s));
    defval("TI_TOTAL", "%llu", 2 + sg_ti_getpid(s) + sg_ti_yield(s) + sg_ti_gtod(s));
    defval("MMAP_PAGES", "%llu", sg_mmap_pages(s));
    defval("MMAP_SUM", "%016llx", sg_mmap_sum(s));

    /* ptdump: the leaf and its two parents as the dump prints them. */
    sg_u64 va = sg_pt_addr(s), prot = sg_pt_prot(s);
    defval("PT_PROT", "%llu", prot);
    defval("PT_VA", "0x%016llx", va);
    defval("PT_VA1", "0x%016llx", va & ~((1ULL << 21) - 1));
    defval("PT_VA2", "0x%016llx", va & ~((1ULL << 30) - 1));
    defval("PT_I0", "%llu", (va >> 12) & 511);
    defval("PT_I1", "%llu", (va >> 21) & 511);
    defval("PT_I2", "%llu", (va >> 30) & 511);
    defval("PT_FLAGS", "V%c%c%cU-", prot & 1 ? 'R' : '-', prot & 2 ? 'W' : '-',
           prot & 4 ? 'X' : '-');

    defval("FAULT_LOAD", "0x%llx", sg_fault_load(s));
    defval("FAULT_KERN", "0x%llx", sg_fault_kern(s));
    defval("FAULT_RO", "0x%llx", sg_fault_ro(s));
    defval("FAULT_NX", "0x%llx", sg_fault_nx(s));
    defval("ISO_A", "%016llx", sg_iso_sum(s, SG_S_ISO_A, SG_ISO_PAGES));
    defval("ISO_B", "%016llx", sg_iso_sum(s, SG_S_ISO_B, 2));

    /* k_vm, the in-kernel test (ktests/k_vm.c). */
    defval("KVM_PAGES", "%llu", sg_kvm_pages(s));
    defval("KVM_TABLES", "%llu", sg_kvm_tables(s));
    defval("KVM_SUM", "%016llx", sg_kvm_sum(s));
}

/* TOKEN_ENC and SEED_ENC: the test's token and seed as its programs get them. */
static void
token_values(sg_u64 s, const char *token)
{
    sg_u64 w[2] = { 0, 0 };
    for (int i = 0; i < 32; i++) {
        char c = token[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) {
            fprintf(stderr, "values: the token is not 32 lowercase hex digits: %s\n", token);
            exit(2);
        }
        w[i / 16] |= (sg_u64)v << (8 * (i % 16 / 2) + (i % 2 ? 0 : 4));
    }
    defval("TOKEN_ENC", "0x%016llxULL,0x%016llxULL", w[0] ^ sg_token_mask(s, 0),
           w[1] ^ sg_token_mask(s, 1));
    defval("SEED_ENC", "0x%016llxULL", sg_seed_encode(s));
}

int
main(int argc, char **argv)
{
    char *end;
    if (argc != 2 && argc != 3)
        return fprintf(stderr, "usage: values SEED [TOKEN]\n"), 2;
    sg_u64 s = strtoull(argv[1], &end, 0);
    if (end == argv[1] || *end)
        return fprintf(stderr, "values: not a number: %s\n", argv[1]), 2;
    lab_values(s);
    if (argc == 3)
        token_values(s, argv[2]);
    return fflush(stdout) == 0 ? 0 : 1;
}
