/* vm.c: Sv39 page tables: walk, map, unmap, translate, free, dump;
 * user copies. */
#include "types.h"
#include "defs.h"
#include "vm.h"

/*
 * The level-0 entry for va in table pt. If a table on the way is missing:
 * with alloc, make it (NULL if memory runs out); without, return NULL.
 * va must be canonical; a huge-page leaf on the way is a kernel bug.
 */
pte_t *
walk(pagetable_t pt, uint64 va, int alloc)
{
    if (!va_canonical(va))
        panic("walk: non-canonical address %p", (void *)va);
    vpn_t vpn = va2vpn(va);
    for (int level = 2; level > 0; level--) {
        pte_t *e = &pt[vpn_index(vpn, level)];
        /* BEGIN SOLUTION lab4 ex2
           stub: (void)e; (void)alloc;
           stub: panic("lab4 ex2: walk not implemented");
         */
        if (*e & PTE_V) {
            if (pte_leaf(*e))
                panic("walk: huge page at level %d for %p", level, (void *)va);
            pt = pa2kva(pte_pa(*e));
        } else {
            if (!alloc)
                return NULL;
            ppn_t p = frame_alloc();
            if (p.n == 0)
                return NULL;
            *e = make_pte(p, PTE_V);
            pt = pa2kva(ppn2pa(p));
        }
        /* END SOLUTION */
    }
    return &pt[vpn_index(vpn, 0)];
}
/*
 * Map npages pages from va to the frames from pa, with permissions perm
 * (some of R W X U G). Returns 0, or -1 with nothing mapped when a table
 * page cannot be allocated. va and pa must be page-aligned; a page that
 * is already mapped is a kernel bug.
 */
int
map_pages(pagetable_t pt, uint64 va, uint64 pa, uint64 npages, uint64 perm)
{
    /* BEGIN SOLUTION lab4 ex3
       stub: (void)pa; (void)npages; (void)perm; (void)walk(pt, va, 0);
       stub: panic("lab4 ex3: map_pages not implemented");
     */
    if ((va | pa) & (PAGE_SIZE - 1))
        panic("map_pages: unaligned va %p or pa %p", (void *)va, (void *)pa);
    if (!(perm & (PTE_R | PTE_W | PTE_X)))
        panic("map_pages: no R, W or X for %p", (void *)va);
    for (uint64 i = 0; i < npages; i++) {
        pte_t *e = walk(pt, va + i * PAGE_SIZE, 1);
        if (e == NULL) {
            unmap_pages(pt, va, i, 0);
            return -1;
        }
        if (*e & PTE_V)
            panic("map_pages: remap of %p", (void *)(va + i * PAGE_SIZE));
        *e = make_pte(pa2ppn(pa + i * PAGE_SIZE), perm | PTE_V | PTE_A | PTE_D);
    }
    return 0;
    /* END SOLUTION */
}
/*
 * Unmap npages pages from va; with free_frames, drop each frame's
 * reference too. Every page must be mapped. Table pages are kept.
 */
void
unmap_pages(pagetable_t pt, uint64 va, uint64 npages, int free_frames)
{
    /* BEGIN SOLUTION lab4 ex3
       stub: (void)pt; (void)va; (void)npages; (void)free_frames;
       stub: panic("lab4 ex3: unmap_pages not implemented");
     */
    for (uint64 i = 0; i < npages; i++) {
        uint64 a = va + i * PAGE_SIZE;
        pte_t *e = walk(pt, a, 0);
        if (e == NULL || !(*e & PTE_V))
            panic("unmap_pages: %p is not mapped", (void *)a);
        if (free_frames)
            frame_free(pte_ppn(*e));
        *e = 0;
    }
    /* END SOLUTION */
}
/* The physical address for va if mapped with all flags in need, else 0. */
uint64
translate(pagetable_t pt, uint64 va, uint64 need)
{
    /* BEGIN SOLUTION lab4 ex3
       stub: (void)pt; (void)va; (void)need;
       stub: panic("lab4 ex3: translate not implemented");
     */
    if (!va_canonical(va))
        return 0;
    pte_t *e = walk(pt, va, 0);
    if (e == NULL || (*e & (PTE_V | need)) != (PTE_V | need))
        return 0;
    return pte_pa(*e) | (va & (PAGE_SIZE - 1));
    /* END SOLUTION */
}
static void
free_level(pagetable_t pt, int level)
{
    for (int i = 0; i < PTES_PER_PAGE; i++) {
        pte_t e = pt[i];
        if (!(e & PTE_V))
            continue;
        if (pte_leaf(e) || level == 0)
            panic("pagetable_free: page %d at level %d is still mapped",
                  i, level);
        free_level(pa2kva(pte_pa(e)), level - 1);
    }
    frame_free(pa2ppn(kva2pa(pt)));
}

/* Free every table page of the tree at pt; all leaves must be unmapped. */
void
pagetable_free(pagetable_t pt)
{
    free_level(pt, 2);
}
/* Does table page t hold nothing: every entry zero? */
static int
table_empty(pagetable_t t)
{
    for (int i = 0; i < PTES_PER_PAGE; i++)
        if (t[i] != 0)
            return 0;
    return 1;
}

/* Free the entry e's table page if it maps nothing; 1 if it did. */
static int
prune_entry(pte_t *e)
{
    if (!(*e & PTE_V) || pte_leaf(*e) || !table_empty(pa2kva(pte_pa(*e))))
        return 0;
    frame_free(pte_ppn(*e));
    *e = 0;
    return 1;
}

/* Free the table pages under [start, end) (user addresses, start < end)
 * that map nothing. */
void
pagetable_prune(pagetable_t root, uint64 start, uint64 end)
{
    for (uint64 g = start >> 30; g <= (end - 1) >> 30; g++) {
        pte_t *e2 = &root[g & 511];
        if (!(*e2 & PTE_V) || pte_leaf(*e2))
            continue;
        pagetable_t l1 = pa2kva(pte_pa(*e2));
        uint64 lo = start > (g << 30) ? start : g << 30;
        uint64 hi = end < ((g + 1) << 30) ? end : (g + 1) << 30;
        for (uint64 m = lo >> 21; m <= (hi - 1) >> 21; m++)
            prune_entry(&l1[m & 511]);
        prune_entry(e2);
    }
}
/* BEGIN SOLUTION lab4 ex8
 */
static int
dump_level(pagetable_t pt, int level, uint64 va_base)
{
    static const char names[] = "VRWXUGAD";
    int lines = 0;
    for (int i = 0; i < PTES_PER_PAGE; i++) {
        pte_t e = pt[i];
        if (!(e & PTE_V))
            continue;
        uint64 va = vpn2va(
            (vpn_t){ (va2vpn(va_base).n) | ((uint64)i << (9 * level)) });
        char flags[9];
        for (int b = 0; b < 8; b++)
            flags[b] = (e >> b) & 1 ? names[b] : '-';
        flags[8] = 0;
        printf("[ptdump] %d %d 0x%016lx 0x%016lx 0x%016lx %s\n",
               level, i, va, e, pte_pa(e), flags);
        lines++;
        if (!pte_leaf(e) && level > 0)
            lines += dump_level(pa2kva(pte_pa(e)), level - 1, va);
    }
    return lines;
}

/* END SOLUTION */
/* Print the tree rooted at pt in the ptdump format, titled name. */
void
pagetable_dump(pagetable_t pt, const char *name)
{
    /* BEGIN SOLUTION lab4 ex8
       stub: (void)pt;
       stub: printf("[kernel] lab4 ex8: pagetable_dump of %s "
       stub:        "not implemented\n", name);
     */
    printf("[ptdump] begin %s root 0x%016lx\n", name, kva2pa(pt));
    int n = dump_level(pt, 2, 0);
    printf("[ptdump] end %s %d\n", name, n);
    /* END SOLUTION */
}
/*
 * Is every byte of [va, va + len) in pt's user half, mapped with U and the
 * flags in need (PTE_R, or PTE_R | PTE_W)? An empty range is.
 */
int
user_range_ok(pagetable_t pt, uint64 va, uint64 len, uint64 need)
{
    if (need & PTE_W)
        cow_break_range(pt, va, len);
    lazy_populate(pt, va, len);
    /* BEGIN SOLUTION lab4 ex6
       stub: (void)pt; (void)va; (void)len; (void)need;
       stub: panic("lab4 ex6: user_range_ok not implemented");
     */
    if (len == 0)
        return 1;
    if (va >= USER_TOP || len > USER_TOP - va)
        return 0;
    for (uint64 page = page_down(va); page < va + len; page += PAGE_SIZE)
        if (translate(pt, page, PTE_U | need) == 0)
            return 0;
    return 1;
    /* END SOLUTION */
}
/* Copy len bytes from user address src in pt to dst.
 * Returns 0, or -1 with nothing copied. */
int
copyin(pagetable_t pt, void *dst, uint64 src, uint64 len)
{
    /* BEGIN SOLUTION lab4 ex6
       stub: (void)pt; (void)dst; (void)src; (void)len;
       stub: panic("lab4 ex6: copyin not implemented");
     */
    if (!user_range_ok(pt, src, len, PTE_R))
        return -1;
    for (uint64 done = 0, n; done < len; done += n) {
        uint64 va = src + done;
        n = page_rest(va, len - done);
        memcpy((uint8 *)dst + done,
               pa2kva(translate(pt, va, PTE_U | PTE_R)), n);
    }
    return 0;
    /* END SOLUTION */
}

/* Copy len bytes from src to user address dst in pt.
 * Returns 0, or -1 with nothing copied. */
int
copyout(pagetable_t pt, uint64 dst, const void *src, uint64 len)
{
    /* BEGIN SOLUTION lab4 ex6
       stub: (void)pt; (void)dst; (void)src; (void)len;
       stub: panic("lab4 ex6: copyout not implemented");
     */
    if (!user_range_ok(pt, dst, len, PTE_R | PTE_W))
        return -1;
    for (uint64 done = 0, n; done < len; done += n) {
        uint64 va = dst + done;
        n = page_rest(va, len - done);
        memcpy(pa2kva(translate(pt, va, PTE_U | PTE_R | PTE_W)),
               (const uint8 *)src + done, n);
    }
    return 0;
    /* END SOLUTION */
}

/*
 * The write fault of copy-on-write at va in pt: the page becomes private
 * and writable, a copy in a reserved frame if another table still maps
 * its frame, else the frame itself. 0, or -1 if va is not a
 * copy-on-write user page.
 */
int
cow_fault(pagetable_t pt, uint64 va)
{
    if (va >= USER_TOP)
        return -1;
    pte_t *e = walk(pt, va, 0);
    if (e == NULL
        || (*e & (PTE_V | PTE_U | PTE_COW)) != (PTE_V | PTE_U | PTE_COW))
        return -1;
    /* BEGIN SOLUTION lab5 ex1
       stub: printf("[kernel] lab5 ex1: cow_fault not implemented\n");
       stub: return -1;
     */
    uint64 flags = ((*e & PTE_FLAGS) & ~PTE_COW) | PTE_W;
    ppn_t old = pte_ppn(*e);
    if (frame_refs(old) > 1) {
        ppn_t copy = frame_take_reserved();
        memcpy(pa2kva(ppn2pa(copy)), pa2kva(ppn2pa(old)), PAGE_SIZE);
        frame_free(old);
        *e = make_pte(copy, flags);
    } else {
        *e = make_pte(old, flags);
    }
    sfence_vma();
    return 0;
    /* END SOLUTION */
}

/* Before npages pages from va are unmapped: each shared copy-on-write frame
 * gives back its reservation. */
void
cow_release(pagetable_t pt, uint64 va, uint64 npages)
{
    for (uint64 i = 0; i < npages; i++) {
        pte_t *e = walk(pt, va + i * PAGE_SIZE, 0);
        if (e && (*e & (PTE_V | PTE_COW)) == (PTE_V | PTE_COW)
            && frame_refs(pte_ppn(*e)) > 1)
            frame_unreserve(1);
    }
}

/* Make the copy-on-write pages of user range [va, va + len) private, as a
 * store would. */
void
cow_break_range(pagetable_t pt, uint64 va, uint64 len)
{
    if (len == 0 || va >= USER_TOP || len > USER_TOP - va)
        return;                         /* user_range_ok refuses these */
    for (uint64 page = page_down(va); page < va + len; page += PAGE_SIZE)
        cow_fault(pt, page);
}

/*
 * The first touch of the promised page at va in pt: a reserved frame,
 * zeroed, mapped with the permissions its entry keeps. 0, or -1 if va is
 * not a promised page. (The return to user mode flushes the TLB.)
 */
int
lazy_fault(pagetable_t pt, uint64 va)
{
    if (va >= USER_TOP)
        return -1;
    pte_t *e = walk(pt, va, 0);
    if (e == NULL || (*e & (PTE_V | PTE_LAZY)) != PTE_LAZY)
        return -1;
    ppn_t f = frame_take_reserved();
    memset(pa2kva(ppn2pa(f)), 0, PAGE_SIZE);
    *e = make_pte(f, (*e & (PTE_R | PTE_W | PTE_X | PTE_U))
                     | PTE_V | PTE_A | PTE_D);
    return 0;
}

/* Make the promised pages of user range [va, va + len) present, up to the
 * first page that is neither. */
void
lazy_populate(pagetable_t pt, uint64 va, uint64 len)
{
    if (len == 0 || va >= USER_TOP || len > USER_TOP - va)
        return;                         /* user_range_ok refuses these */
    for (uint64 page = page_down(va); page < va + len; page += PAGE_SIZE) {
        pte_t *e = walk(pt, page, 0);
        if (e == NULL || (*e & (PTE_V | PTE_LAZY)) == 0)
            return;
        lazy_fault(pt, page);
    }
}
