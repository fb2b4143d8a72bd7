/* mm.c: address spaces: map areas and struct mm. */
#include "types.h"
#include "defs.h"
#include "vm.h"

extern char strampoline[];

/* A new address space holding only the trampoline; NULL if out of memory. */
struct mm *
mm_new(void)
{
    struct mm *mm = kmalloc(sizeof *mm);
    if (mm == NULL)
        return NULL;
    ppn_t root = frame_alloc();
    if (root.n == 0) {
        kfree(mm);
        return NULL;
    }
    mm->pt = pa2kva(ppn2pa(root));
    mm->areas = NULL;
    mm->heap_start = mm->brk = 0;
    if (map_pages(mm->pt, TRAMPOLINE, kva2pa(strampoline), 1, PTE_R | PTE_X) < 0) {
        pagetable_free(mm->pt);
        kfree(mm);
        return NULL;
    }
    return mm;
}

/* The satp value that selects mm's page table. */
uint64
mm_satp(struct mm *mm)
{
    return make_satp(mm->pt);
}
/* Map pages [from, to) of area a; 0, or -1 with none of them mapped. */
static int
area_map(struct mm *mm, struct map_area *a, vpn_t from, vpn_t to)
{
    uint64 va = vpn2va(from);
    if (a->kind == AREA_IDENTITY)
        return map_pages(mm->pt, va, va, to.n - from.n, a->perm);
    for (uint64 i = 0; i < to.n - from.n; i++) {
        ppn_t f = frame_alloc();
        if (f.n == 0 || map_pages(mm->pt, va + i * PAGE_SIZE, ppn2pa(f), 1, a->perm) < 0) {
            if (f.n)
                frame_free(f);
            unmap_pages(mm->pt, va, i, 1);
            return -1;
        }
    }
    return 0;
}

/* Unmap pages [from, to) of area a, returning the frames of a framed area. */
static void
area_unmap(struct mm *mm, struct map_area *a, vpn_t from, vpn_t to)
{
    unmap_pages(mm->pt, vpn2va(from), to.n - from.n, a->kind == AREA_FRAMED);
}
/*
 * Add an area [start, end) (page-aligned virtual addresses) to mm, with
 * permissions perm, and map it. The range must not overlap another area.
 * Returns the area, or NULL (with nothing changed) if memory runs out.
 */
struct map_area *
mm_map(struct mm *mm, uint64 start, uint64 end, uint64 perm,
       enum area_kind kind, enum area_use use)
{
    struct map_area *a = kmalloc(sizeof *a);
    if (a == NULL)
        return NULL;
    a->start = va2vpn(start);
    a->end = (vpn_t){ a->start.n + (end - start) / PAGE_SIZE };
    a->perm = perm;
    a->kind = kind;
    a->use = use;
    if (area_map(mm, a, a->start, a->end) < 0) {
        kfree(a);
        return NULL;
    }
    a->next = mm->areas;
    mm->areas = a;
    return a;
}
/* Unmap area a, return its frames, and remove it from mm. */
void
mm_unmap_area(struct mm *mm, struct map_area *a)
{
    struct map_area **pp = &mm->areas;
    while (*pp != a) {
        if (*pp == NULL)
            panic("mm_unmap_area: area not in this address space");
        pp = &(*pp)->next;
    }
    *pp = a->next;
    area_unmap(mm, a, a->start, a->end);
    kfree(a);
}

/* Free an address space and everything it owns. */
void
mm_free(struct mm *mm)
{
    /* BEGIN SOLUTION lab4 ex9
       stub: (void)mm;
       stub: printf("[kernel] lab4 ex9: mm_free not implemented; the space's memory leaks\n");
     */
    while (mm->areas)
        mm_unmap_area(mm, mm->areas);
    unmap_pages(mm->pt, TRAMPOLINE, 1, 0);
    pagetable_free(mm->pt);
    kfree(mm);
    /* END SOLUTION */
}
/* The area holding the page of va, or NULL. */
struct map_area *
mm_find(struct mm *mm, uint64 va)
{
    uint64 v = va2vpn(va).n;
    for (struct map_area *a = mm->areas; a; a = a->next)
        if (a->start.n <= v && v < a->end.n)
            return a;
    return NULL;
}

/* Does no area overlap [start, end) (page-aligned, start < end)? */
int
mm_range_free(struct mm *mm, uint64 start, uint64 end)
{
    uint64 s = va2vpn(start).n, e = s + (end - start) / PAGE_SIZE;
    for (struct map_area *a = mm->areas; a; a = a->next)
        if (a->start.n < e && s < a->end.n)
            return 0;
    return 1;
}
/* Move a's end to new_end (page-aligned, >= its start); 0, or -1 if out of memory. */
int
mm_resize(struct mm *mm, struct map_area *a, uint64 new_end)
{
    vpn_t to = { a->start.n + (new_end - vpn2va(a->start)) / PAGE_SIZE };
    if (to.n > a->end.n) {
        if (area_map(mm, a, a->end, to) < 0)
            return -1;
    } else if (to.n < a->end.n) {
        area_unmap(mm, a, to, a->end);
    }
    a->end = to;
    return 0;
}
/*
 * Unmap [start, end) (page-aligned, start < end), every page of which must
 * be in an area of the given use; -1 (nothing changed) if one is not or if
 * memory runs out.
 */
int
mm_unmap_range(struct mm *mm, uint64 start, uint64 end, enum area_use use)
{
    for (uint64 va = start; va != end; va += PAGE_SIZE) {
        struct map_area *a = mm_find(mm, va);
        if (a == NULL || a->use != use)
            return -1;
    }
    struct map_area *spare = kmalloc(sizeof *spare);
    if (spare == NULL)
        return -1;
    vpn_t s = va2vpn(start), e = { s.n + (end - start) / PAGE_SIZE };
    struct map_area *a = mm->areas, *next;
    for (; a; a = next) {
        next = a->next;
        /* BEGIN SOLUTION lab4 ex5
           stub: (void)s; (void)e;
           stub: printf("[kernel] lab4 ex5: mm_unmap_range not implemented\n");
           stub: kfree(spare);
           stub: return -1;
         */
        if (a->use != use || a->end.n <= s.n || e.n <= a->start.n)
            continue;                               /* no overlap */
        if (s.n <= a->start.n && a->end.n <= e.n) {
            mm_unmap_area(mm, a);                   /* all of it */
        } else if (s.n <= a->start.n) {
            area_unmap(mm, a, a->start, e);         /* its beginning */
            a->start = e;
        } else if (a->end.n <= e.n) {
            area_unmap(mm, a, s, a->end);           /* its end */
            a->end = s;
        } else {
            area_unmap(mm, a, s, e);                /* its middle: split */
            *spare = *a;
            spare->start = e;
            a->end = s;
            a->next = spare;
            spare = NULL;
        }
        /* END SOLUTION */
    }
    kfree(spare);
    return 0;
}
