/* vm.h: Sv39 virtual memory: addresses, frames, heap, page tables,
 * address spaces. */
#ifndef VM_H
#define VM_H

#include "types.h"

#define PAGE_SIZE    4096UL
#define PAGE_SHIFT   12
#define PTES_PER_PAGE 512                  /* 8-byte entries in a 4 KiB table */
#define USER_TOP     0x4000000000UL        /* end of the lower (user) half */
#define TRAMPOLINE   0xFFFFFFFFFFFFF000UL  /* the address space's last page */
#define TRAP_CONTEXT 0xFFFFFFFFFFFFE000UL  /* the page below, in user spaces */
#define USER_STACK_SIZE (4 * PAGE_SIZE)    /* 16 KiB, above a guard page */
#define KSTACK_PAGES 4                     /* a task's kernel stack: 16 KiB */
typedef struct { uint64 n; } ppn_t;     /* physical page number (44 bits) */
typedef struct { uint64 n; } vpn_t;     /* virtual page number (27 bits) */

static inline ppn_t  pa2ppn(uint64 pa)  { return (ppn_t){ pa >> PAGE_SHIFT }; }
static inline uint64 ppn2pa(ppn_t p)    { return p.n << PAGE_SHIFT; }
static inline uint64 page_down(uint64 a) { return a & ~(PAGE_SIZE - 1); }
static inline uint64 page_up(uint64 a)
{
    return page_down(a + PAGE_SIZE - 1);
}
/* The bytes from a to the end of its page, but at most n: one page's share
 * of a copy. */
static inline uint64 page_rest(uint64 a, uint64 n)
{
    uint64 rest = PAGE_SIZE - (a & (PAGE_SIZE - 1));
    return rest < n ? rest : n;
}

/* Is va canonical: do bits 63..39 all equal bit 38? */
static inline int
va_canonical(uint64 va)
{
    int64 top = (int64)va >> 38;
    return top == 0 || top == -1;
}

/* The page number of a canonical va, and back (sign-extending bit 38). */
static inline vpn_t va2vpn(uint64 va)
{
    return (vpn_t){ (va >> PAGE_SHIFT) & ((1UL << 27) - 1) };
}
static inline uint64 vpn2va(vpn_t v)
{
    return (uint64)((int64)(v.n << 37) >> 25);
}

/* The 9-bit index into the table at level (2 = root, 0 = last). */
static inline uint64 vpn_index(vpn_t v, int level)
{
    return (v.n >> (9 * level)) & 511;
}
#ifndef PHYS_OFFSET
#define PHYS_OFFSET 0UL     /* kernel pointer = physical address + this */
#endif
static inline void *pa2kva(uint64 pa)
{
    return (void *)(uintptr)(pa + PHYS_OFFSET);
}
static inline uint64 kva2pa(const void *p)
{
    return (uint64)(uintptr)p - PHYS_OFFSET;
}
typedef uint64 pte_t;
typedef pte_t *pagetable_t;     /* a table page, as a kernel pointer */

#define PTE_V (1UL << 0)        /* valid */
#define PTE_R (1UL << 1)        /* readable */
#define PTE_W (1UL << 2)        /* writable */
#define PTE_X (1UL << 3)        /* executable */
#define PTE_U (1UL << 4)        /* user-accessible */
#define PTE_G (1UL << 5)        /* global: in every address space */
#define PTE_A (1UL << 6)        /* accessed */
#define PTE_D (1UL << 7)        /* dirty */
#define PTE_FLAGS 0x3FFUL       /* the ten low bits */

static inline ppn_t  pte_ppn(pte_t e)
{
    return (ppn_t){ (e >> 10) & ((1UL << 44) - 1) };
}
static inline uint64 pte_pa(pte_t e)   { return ppn2pa(pte_ppn(e)); }
static inline pte_t  make_pte(ppn_t p, uint64 flags)
{
    return (p.n << 10) | flags;
}
static inline int    pte_leaf(pte_t e)
{
    return (e & (PTE_R | PTE_W | PTE_X)) != 0;
}

/* satp for Sv39 (MODE 8) with the given root table, ASID 0. */
static inline uint64 make_satp(pagetable_t root)
{
    return (8UL << 60) | (kva2pa(root) >> PAGE_SHIFT);
}
/* frame.c */
void frame_init(uint64 start, uint64 end);
ppn_t frame_alloc(void);
void frame_free(ppn_t p);
void frame_get(ppn_t p);
uint32 frame_refs(ppn_t p);
uint64 frame_free_count(void);
/* heap.c */
#define KERNEL_HEAP_SIZE (256 * 1024)       /* the kernel's heap, in .bss */
#define HEAP_MAX_SIZE    (1UL << 20)        /* the largest heap_init accepts */
extern uint8 kernel_heap[KERNEL_HEAP_SIZE];
void heap_init(void *base, uint64 size);
void *kmalloc(uint64 n);
void kfree(void *p);
uint64 heap_in_use(void);
/* slab.c */
struct kcache {
    const char *name;
    uint64 size;                /* bytes per object, a nonzero multiple of 8 */
    struct slab *partial;       /* slabs with a free object */
    uint64 slabs, objects;      /* frames held, objects handed out */
};
#define KCACHE_INIT(name, type) { name, (sizeof(type) + 7) & ~7UL, NULL, 0, 0 }
#define KCACHE_HEADER 40        /* a slab's header bytes, before its objects */
static inline uint64 kcache_per_slab(const struct kcache *c)
{
    return (PAGE_SIZE - KCACHE_HEADER) / c->size;
}
void *kcache_alloc(struct kcache *c);
void kcache_free(struct kcache *c, void *p);
/* vm.c */
pte_t *walk(pagetable_t pt, uint64 va, int alloc);
int map_pages(pagetable_t pt, uint64 va, uint64 pa, uint64 npages, uint64 perm);
void unmap_pages(pagetable_t pt, uint64 va, uint64 npages, int free_frames);
uint64 translate(pagetable_t pt, uint64 va, uint64 need);
void pagetable_free(pagetable_t pt);
void pagetable_prune(pagetable_t root, uint64 start, uint64 end);
void pagetable_dump(pagetable_t pt, const char *name);
/* mm.c */
enum area_kind { AREA_IDENTITY, AREA_FRAMED };
enum area_use  { USE_KERNEL, USE_ELF, USE_STACK, USE_HEAP, USE_MMAP,
                 USE_TRAP_CONTEXT };

struct map_area {
    struct map_area *left, *right;  /* lower and higher areas, in mm's tree */
    int height;                     /* of the subtree it roots: 1 for a leaf */
    vpn_t start, end;               /* pages [start, end) */
    uint64 perm;                    /* PTE_R | PTE_W | PTE_X | PTE_U */
    enum area_kind kind;
    enum area_use use;              /* which code made it; munmap checks it */
};

struct mm {
    pagetable_t pt;             /* root table */
    struct map_area *areas;     /* root of an AVL tree, ordered by address */
    uint64 nareas;              /* how many */
    struct map_area *heap;      /* the program break's area (sbrk) */
    uint64 heap_start, brk;     /* the program break */
    int cow;                    /* a page may be shared copy-on-write (chapter 5) */
};
struct mm *mm_new(void);
uint64 mm_satp(struct mm *mm);
struct map_area *mm_map(struct mm *mm, uint64 start, uint64 end, uint64 perm,
                        enum area_kind kind, enum area_use use);
void mm_unmap_area(struct mm *mm, struct map_area *a);
void mm_free(struct mm *mm);
extern struct kcache area_cache;
struct map_area *mm_area_from(struct mm *mm, uint64 v);
struct map_area *mm_find(struct mm *mm, uint64 va);
int mm_range_free(struct mm *mm, uint64 start, uint64 end);
int mm_resize(struct mm *mm, struct map_area *a, uint64 new_end);
int mm_unmap_range(struct mm *mm, uint64 start, uint64 end, enum area_use use);
#define MEGAPAGE_SIZE (1UL << 21)                /* a leaf at level 1: 2 MiB */
#define GIGAPAGE_SIZE (1UL << 30)                /* a leaf at level 2: 1 GiB */
#define LEAF_SIZE(level) (PAGE_SIZE << (9 * (level)))
#define MAX_KSTACKS 64                       /* = MAX_TASKS */
struct fdt_info;
void kvm_init(struct fdt_info *m);
uint64 kvm_map_kstack(int slot);
void kvm_unmap_kstack(int slot);
void kvm_selftest(void);
void kvm_enable(void);
uint64 kvm_satp(void);
/* elf.c */
int elf_check(const uint8 *elf, uint64 size, const char **err);
struct mm *mm_from_elf(const uint8 *elf, uint64 size, uint64 *entry,
                       uint64 *user_sp, const char **err);
int user_range_ok(pagetable_t pt, uint64 va, uint64 len, uint64 need);
int copyin(pagetable_t pt, void *dst, uint64 src, uint64 len);
int copyout(pagetable_t pt, uint64 dst, const void *src, uint64 len);
/* frame.c, chapter 5: frames promised for copy-on-write copies */
int frame_reserve(uint64 n);
void frame_unreserve(uint64 n);
ppn_t frame_take_reserved(void);
uint64 frame_reserved_count(void);
/* mm.c, chapter 5 */
struct mm *mm_share(struct mm *mm);
/* vm.c, chapter 5: copy-on-write */
#define PTE_COW (1UL << 8)      /* RSW bit: writable once private */
int cow_fault(pagetable_t pt, uint64 va);
void cow_release(pagetable_t pt, uint64 va, uint64 npages);
void cow_break_range(pagetable_t pt, uint64 va, uint64 len);
/* vm.c and mm.c, chapter 5: demand paging */
#define PTE_LAZY (1UL << 9)     /* RSW bit, with V clear: promised, not made */
extern const uint64 lazy_wanted;    /* apps.S: 0 if linked with LAZY=0 */
int lazy_fault(pagetable_t pt, uint64 va);
void lazy_populate(pagetable_t pt, uint64 va, uint64 len);
int mm_area_lazy(const struct map_area *a);
int mm_promise(struct mm *mm, struct map_area *a, vpn_t from, vpn_t to);
void mm_unpromise(struct mm *mm, vpn_t from, vpn_t to);

#endif
