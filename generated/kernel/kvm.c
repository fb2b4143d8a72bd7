/* kvm.c: the kernel's own address space, its stacks, and turning paging on. */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "vm.h"
#include "fdt.h"

static struct mm *kernel_mm;
static uint64 ram_end;                  /* the end of RAM, for the self-test */
static void kvm_map_ram(uint64 start, uint64 end);

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
    ram_end = m->mem_base + m->mem_size;
    kvm_map_ram((uint64)ekernel, ram_end);
    if (m->finisher)
        kvm_identity(page_down(m->finisher), page_down(m->finisher) + PAGE_SIZE,
                     PTE_R | PTE_W, "the test finisher");
    for (int slot = 0; slot < MAX_KSTACKS; slot++)
        for (int i = 1; i <= KSTACK_PAGES; i++)
            if (walk(kernel_mm->pt, kstack_top(slot) - i * PAGE_SIZE, 1) == NULL)
                panic("kvm_init: out of memory for kernel-stack tables");
}
extern const uint64 megapages_wanted; /* apps.S: 0 if linked with MEGAPAGES=0 */
extern const uint64 kernel_pt_dump_wanted; /* apps.S: 1 with DUMP_KERNEL_PT=1 */

/*
 * The entry for va at level 2 or 1 of the kernel's table, for a leaf of
 * that level; makes the level-1 table if needed. NULL if memory runs out.
 */
static pte_t *
kvm_entry(uint64 va, int level)
{
    pte_t *e = &kernel_mm->pt[vpn_index(va2vpn(va), 2)];
    if (level == 2)
        return e;
    if (!(*e & PTE_V)) {
        ppn_t p = frame_alloc();
        if (p.n == 0)
            return NULL;
        *e = make_pte(p, PTE_V);
    } else if (pte_leaf(*e)) {
        panic("kvm_entry: %p is inside a gigapage", (void *)va);
    }
    pagetable_t l1 = pa2kva(pte_pa(*e));
    return &l1[vpn_index(va2vpn(va), 1)];
}

/*
 * Map RAM [start, end) (page-aligned) at its own addresses, readable and
 * writable, with the largest leaves alignment allows: a gigapage or a
 * megapage where the region is aligned and whole, else 4 KiB pages up to
 * the next 2 MiB boundary (or to end).
 */
static void
kvm_map_ram(uint64 start, uint64 end)
{
    uint64 a = start;
    while (a < end) {
        int level = 0;
        for (int l = 2; l >= 1 && level == 0; l--)
            if (megapages_wanted && a % LEAF_SIZE(l) == 0
                && end - a >= LEAF_SIZE(l))
                level = l;
        if (level == 0) {
            uint64 next = (a | (MEGAPAGE_SIZE - 1)) + 1;
            if (!megapages_wanted || next > end)
                next = end;
            kvm_identity(a, next, PTE_R | PTE_W, "RAM");
            a = next;
            continue;
        }
        pte_t *e = kvm_entry(a, level);
        if (e == NULL)
            panic("kvm_init: out of memory mapping RAM");
        if (*e & PTE_V)
            panic("kvm_map_ram: %p is mapped already", (void *)a);
        *e = make_pte(pa2ppn(a), PTE_R | PTE_W | PTE_V | PTE_A | PTE_D);
        a += LEAF_SIZE(level);
    }
}

/*
 * The leaf that maps va in the kernel's table, at whatever level it is
 * (the level in *level), or NULL if nothing maps va.
 */
static pte_t *
kvm_leaf(uint64 va, int *level)
{
    pagetable_t pt = kernel_mm->pt;
    for (int l = 2; l >= 0; l--) {
        pte_t *e = &pt[vpn_index(va2vpn(va), l)];
        if (!(*e & PTE_V))
            return NULL;
        if (pte_leaf(*e)) {
            *level = l;
            return e;
        }
        pt = pa2kva(pte_pa(*e));
    }
    return NULL;                /* a pointer at level 0: not a mapping */
}
static void
expect(uint64 va, uint64 want, const char *what)
{
    int level;
    pte_t *e = kvm_leaf(va, &level);
    uint64 got = e ? *e & (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U) : 0;
    if (got != want)
        panic("kvm_selftest: %s at %p has flags %lx, want %lx",
              what, (void *)va, got, want);
}

/* Check that va is mapped by a leaf at level want_level (0: a 4 KiB page). */
static void
expect_level(uint64 va, int want_level, const char *what)
{
    int level = -1;
    if (kvm_leaf(va, &level) == NULL || level != want_level)
        panic("kvm_selftest: %s at %p is mapped at level %d, want %d",
              what, (void *)va, level, want_level);
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
    expect(ram_end - PAGE_SIZE, PTE_V | PTE_R | PTE_W, "the last page of RAM");
    expect(ram_end, 0, "the first byte past RAM");
    expect(TRAMPOLINE, PTE_V | PTE_R | PTE_X, "the trampoline");
    expect(kstack_top(0) - (KSTACK_PAGES + 1) * PAGE_SIZE, 0,
           "a stack guard page");
    expect(0, 0, "page 0");
    expect_level((uint64)stext, 0, ".text");
    expect_level((uint64)sbss, 0, ".bss");
    expect_level(page_up((uint64)ekernel) - PAGE_SIZE, 0, "the image's last page");
    uint64 big = (page_up((uint64)ekernel) + MEGAPAGE_SIZE - 1)
                 & ~(MEGAPAGE_SIZE - 1);
    uint64 last = ram_end & ~(MEGAPAGE_SIZE - 1);
    if (megapages_wanted && big < last) {
        expect_level(big, 1, "the first whole 2 MiB of free RAM");
        expect_level(last - PAGE_SIZE, 1, "the last whole 2 MiB of RAM");
    }
    KLOG("kernel address space: %lu page-table pages, permissions checked\n",
         count_tables(kernel_mm->pt, 2));
    if (kernel_pt_dump_wanted)
        pagetable_dump(kernel_mm->pt, "kernel");
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
