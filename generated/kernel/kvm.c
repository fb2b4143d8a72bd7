/* kvm.c: the kernel's own address space, its stacks, and turning paging on. */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "vm.h"
#include "fdt.h"

static struct mm *kernel_mm;

static uint64
kstack_top(int slot)
{
    return TRAMPOLINE - (uint64)slot * (KSTACK_PAGES + 1) * PAGE_SIZE;
}

/* Map slot's kernel stack from fresh frames; its top, or 0 if out of memory. */
uint64
kvm_map_kstack(int slot)
{
    uint64 top = kstack_top(slot);
    if (mm_map(kernel_mm, top - KSTACK_PAGES * PAGE_SIZE, top, PTE_R | PTE_W,
               AREA_FRAMED, USE_STACK) == NULL)
        return 0;
    sfence_vma();
    return top;
}

/* Unmap slot's kernel stack and return its frames. */
void
kvm_unmap_kstack(int slot)
{
    struct map_area *a = mm_find(kernel_mm, kstack_top(slot) - PAGE_SIZE);
    if (a == NULL)
        panic("kvm_unmap_kstack: slot %d has no stack", slot);
    mm_unmap_area(kernel_mm, a);
    sfence_vma();
}
static void
kvm_identity(uint64 start, uint64 end, uint64 perm, const char *what)
{
    if (start < end && mm_map(kernel_mm, start, end, perm, AREA_IDENTITY,
                              USE_KERNEL) == NULL)
        panic("kvm_init: out of memory mapping %s", what);
}

/* Build the kernel's address space (paging still off). */
void
kvm_init(struct fdt_info *m)
{
    kernel_mm = mm_new();
    if (kernel_mm == NULL)
        panic("kvm_init: out of memory");
    kvm_identity((uint64)stext, (uint64)etext, PTE_R | PTE_X, ".text");
    kvm_identity((uint64)srodata, (uint64)erodata, PTE_R, ".rodata");
    kvm_identity((uint64)sdata, (uint64)ekernel, PTE_R | PTE_W, ".data/.bss");
    kvm_identity((uint64)ekernel, m->mem_base + m->mem_size, PTE_R | PTE_W, "RAM");
    if (m->finisher)
        kvm_identity(page_down(m->finisher), page_down(m->finisher) + PAGE_SIZE,
                     PTE_R | PTE_W, "the test finisher");
    for (int slot = 0; slot < MAX_KSTACKS; slot++)
        for (int i = 1; i <= KSTACK_PAGES; i++)
            if (walk(kernel_mm->pt, kstack_top(slot) - i * PAGE_SIZE, 1) == NULL)
                panic("kvm_init: out of memory for kernel-stack tables");
}
static void
expect(uint64 va, uint64 want, const char *what)
{
    pte_t *e = walk(kernel_mm->pt, va, 0);
    uint64 got = e ? *e & (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U) : 0;
    if (got != want)
        panic("kvm_selftest: %s at %p has flags %lx, want %lx",
              what, (void *)va, got, want);
}

static uint64
count_tables(pagetable_t pt, int level)
{
    uint64 n = 1;
    for (int i = 0; level > 0 && i < PTES_PER_PAGE; i++)
        if ((pt[i] & PTE_V) && !pte_leaf(pt[i]))
            n += count_tables(pa2kva(pte_pa(pt[i])), level - 1);
    return n;
}

/* Check the kernel's own permissions by walking its table; panic if wrong. */
void
kvm_selftest(void)
{
    expect((uint64)stext, PTE_V | PTE_R | PTE_X, ".text");
    if ((uint64)srodata < (uint64)erodata)
        expect((uint64)srodata, PTE_V | PTE_R, ".rodata");
    expect((uint64)boot_stack, PTE_V | PTE_R | PTE_W, "the boot stack");
    expect((uint64)sbss, PTE_V | PTE_R | PTE_W, ".bss");
    expect((uint64)ekernel, PTE_V | PTE_R | PTE_W, "free RAM");
    expect(TRAMPOLINE, PTE_V | PTE_R | PTE_X, "the trampoline");
    expect(kstack_top(0) - (KSTACK_PAGES + 1) * PAGE_SIZE, 0, "a stack guard page");
    expect(0, 0, "page 0");
    KLOG("kernel address space: %lu page-table pages, permissions checked\n",
         count_tables(kernel_mm->pt, 2));
}
/* Switch this hart to the kernel's page table. */
void
kvm_enable(void)
{
    csr_write(satp, mm_satp(kernel_mm));
    sfence_vma();
}

/* The satp value of the kernel's page table (kept in every trap context). */
uint64
kvm_satp(void)
{
    return mm_satp(kernel_mm);
}
