/*
 * values.c: the named values lab 4's tests.spec may use as ${NAME},
 * computed from the run's seed with the same generator the test programs
 * use (progs/seedgen.h). The grader builds it (the spec's `values`
 * directive) and runs it with the seed as its argument; it prints one
 * "NAME VALUE" line per value. (TOKEN the grader sets itself.)
 */
#include "progs/seedgen.h"
#include "values.h"              /* defval, the token's values, main */

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
