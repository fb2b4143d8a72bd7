/* mm.c: address spaces: map areas and struct mm. */
#include "types.h"
#include "defs.h"
#include "vm.h"

extern char strampoline[];

struct kcache area_cache = KCACHE_INIT("map areas", struct map_area);

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
    mm->areas = mm->heap = NULL;
    mm->nareas = 0;
    mm->heap_start = mm->brk = 0;
    if (map_pages(mm->pt, TRAMPOLINE, kva2pa(strampoline), 1,
                  PTE_R | PTE_X) < 0) {
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
static int area_height(struct map_area *a) { return a ? a->height : 0; }

static void
area_fix_height(struct map_area *a)
{
    int l = area_height(a->left), r = area_height(a->right);
    a->height = 1 + (l > r ? l : r);
}

static struct map_area *
area_rotate_right(struct map_area *a)
{
    struct map_area *l = a->left;
    a->left = l->right;
    l->right = a;
    area_fix_height(a);
    area_fix_height(l);
    return l;
}

static struct map_area *
area_rotate_left(struct map_area *a)
{
    struct map_area *r = a->right;
    a->right = r->left;
    r->left = a;
    area_fix_height(a);
    area_fix_height(r);
    return r;
}

/* a's subtree with heights fixed and, if needed, rotated into balance. */
static struct map_area *
area_balance(struct map_area *a)
{
    area_fix_height(a);
    int tilt = area_height(a->left) - area_height(a->right);
    if (tilt > 1) {
        if (area_height(a->left->left) < area_height(a->left->right))
            a->left = area_rotate_left(a->left);
        return area_rotate_right(a);
    }
    if (tilt < -1) {
        if (area_height(a->right->right) < area_height(a->right->left))
            a->right = area_rotate_right(a->right);
        return area_rotate_left(a);
    }
    return a;
}

/* Does a come before b in address order? */
static int
area_before(const struct map_area *a, const struct map_area *b)
{
    return a->start.n < b->start.n;
}

static struct map_area *
tree_insert(struct map_area *t, struct map_area *a)
{
    if (t == NULL) {
        a->left = a->right = NULL;
        a->height = 1;
        return a;
    }
    if (area_before(a, t))
        t->left = tree_insert(t->left, a);
    else
        t->right = tree_insert(t->right, a);
    return area_balance(t);
}

/* t's subtree without its first node, which goes to *first. */
static struct map_area *
tree_remove_first(struct map_area *t, struct map_area **first)
{
    if (t->left == NULL) {
        *first = t;
        return t->right;
    }
    t->left = tree_remove_first(t->left, first);
    return area_balance(t);
}

static struct map_area *
tree_remove(struct map_area *t, struct map_area *a)
{
    if (t == NULL)
        panic("mm: area [%p, %p) not in this address space",
              (void *)vpn2va(a->start), (void *)vpn2va(a->end));
    if (t == a) {
        if (a->right == NULL)
            return a->left;
        struct map_area *next, *rest = tree_remove_first(a->right, &next);
        next->left = a->left;
        next->right = rest;
        return area_balance(next);
    }
    if (area_before(a, t))
        t->left = tree_remove(t->left, a);
    else
        t->right = tree_remove(t->right, a);
    return area_balance(t);
}

/* Put area a (its range set, not overlapping any other) into mm's tree. */
static void
area_insert(struct mm *mm, struct map_area *a)
{
    mm->areas = tree_insert(mm->areas, a);
    mm->nareas++;
}

/* Take area a out of mm's tree (its pages stay as they are). */
static void
area_remove(struct mm *mm, struct map_area *a)
{
    mm->areas = tree_remove(mm->areas, a);
    mm->nareas--;
}
/* Map pages [from, to) of area a; 0, or -1 with none of them mapped. */
static int
area_map(struct mm *mm, struct map_area *a, vpn_t from, vpn_t to)
{
    if (mm_area_lazy(a))
        return mm_promise(mm, a, from, to);
    uint64 va = vpn2va(from);
    if (a->kind == AREA_IDENTITY)
        return map_pages(mm->pt, va, va, to.n - from.n, a->perm);
    for (uint64 i = 0; i < to.n - from.n; i++) {
        ppn_t f = frame_alloc();
        if (f.n == 0 || map_pages(mm->pt, va + i * PAGE_SIZE, ppn2pa(f), 1,
                                  a->perm) < 0) {
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
    if (mm->cow)
        cow_release(mm->pt, vpn2va(from), to.n - from.n);
    if (mm_area_lazy(a)) {
        mm_unpromise(mm, from, to);
        return;
    }
    unmap_pages(mm->pt, vpn2va(from), to.n - from.n, a->kind == AREA_FRAMED);
}
/* Is a an area that an mmap range with these attributes may join? */
static int
area_joins(struct map_area *a, uint64 perm, enum area_kind kind,
           enum area_use use)
{
    return a && use == USE_MMAP && a->use == USE_MMAP && a->perm == perm
        && a->kind == kind;
}

/*
 * Add the pages [start, end) (page-aligned virtual addresses, start < end)
 * to mm, with permissions perm, and map them. The range must not overlap
 * an area. Returns the area that holds them (an mmap range may join its
 * neighbours' area), or NULL (with nothing changed) if memory runs out.
 */
struct map_area *
mm_map(struct mm *mm, uint64 start, uint64 end, uint64 perm,
       enum area_kind kind, enum area_use use)
{
    vpn_t s = va2vpn(start), e = { s.n + (end - start) / PAGE_SIZE };
    struct map_area *below = s.n > 0 ? mm_area_from(mm, s.n - 1) : NULL;
    struct map_area *above = mm_area_from(mm, e.n);
    if (!area_joins(below, perm, kind, use) || below->end.n != s.n)
        below = NULL;
    if (!area_joins(above, perm, kind, use) || above->start.n != e.n)
        above = NULL;
    if (below || above) {
        struct map_area *a = below ? below : above;
        if (area_map(mm, a, s, e) < 0)
            return NULL;
        if (below && above) {                   /* the gap between two closes */
            below->end = above->end;
            area_remove(mm, above);
            kcache_free(&area_cache, above);
        } else if (below) {
            below->end = e;
        } else {
            above->start = s;
        }
        return a;
    }
    struct map_area *a = kcache_alloc(&area_cache);
    if (a == NULL)
        return NULL;
    a->start = s;
    a->end = e;
    a->perm = perm;
    a->kind = kind;
    a->use = use;
    if (area_map(mm, a, a->start, a->end) < 0) {
        kcache_free(&area_cache, a);
        return NULL;
    }
    area_insert(mm, a);
    return a;
}
/* Unmap area a, return its frames, and remove it from mm. */
void
mm_unmap_area(struct mm *mm, struct map_area *a)
{
    area_remove(mm, a);
    area_unmap(mm, a, a->start, a->end);
    kcache_free(&area_cache, a);
}

/* Free an address space and everything it owns. */
void
mm_free(struct mm *mm)
{
    /* BEGIN SOLUTION lab4 ex9
       stub: (void)mm;
       stub: printf("[kernel] lab4 ex9: mm_free not implemented; "
       stub:        "the space's memory leaks\n");
     */
    while (mm->areas)
        mm_unmap_area(mm, mm->areas);
    unmap_pages(mm->pt, TRAMPOLINE, 1, 0);
    pagetable_free(mm->pt);
    kfree(mm);
    /* END SOLUTION */
}
/* The first area (in address order) that ends above page v, or NULL. */
struct map_area *
mm_area_from(struct mm *mm, uint64 v)
{
    struct map_area *best = NULL;
    for (struct map_area *t = mm->areas; t; ) {
        if (t->end.n > v) {
            best = t;
            t = t->left;
        } else {
            t = t->right;
        }
    }
    return best;
}

/* The area holding the page of va, or NULL. */
struct map_area *
mm_find(struct mm *mm, uint64 va)
{
    uint64 v = va2vpn(va).n;
    struct map_area *a = mm_area_from(mm, v);
    return a && a->start.n <= v ? a : NULL;
}

/* Does no area overlap [start, end) (page-aligned, start < end)? */
int
mm_range_free(struct mm *mm, uint64 start, uint64 end)
{
    uint64 s = va2vpn(start).n, e = s + (end - start) / PAGE_SIZE;
    struct map_area *a = mm_area_from(mm, s);
    return a == NULL || a->start.n >= e;
}
/*
 * Move a's end to new_end (page-aligned, >= its start); 0, or -1 if out of
 * memory. An area left empty must leave the tree before another area takes
 * its page (sbrk removes the heap's: see below).
 */
int
mm_resize(struct mm *mm, struct map_area *a, uint64 new_end)
{
    vpn_t to = { a->start.n + (new_end - vpn2va(a->start)) / PAGE_SIZE };
    if (to.n > a->end.n) {
        if (area_map(mm, a, a->end, to) < 0)
            return -1;
    } else if (to.n < a->end.n) {
        area_unmap(mm, a, to, a->end);
        pagetable_prune(mm->pt, vpn2va(to), vpn2va(a->end));
    }
    a->end = to;
    return 0;
}
/*
 * Unmap [start, end) (page-aligned, start < end), every page of which must
 * be in an area of the given use; -1 (nothing changed) if one is not.
 */
int
mm_unmap_range(struct mm *mm, uint64 start, uint64 end, enum area_use use)
{
    vpn_t s = va2vpn(start), e = { s.n + (end - start) / PAGE_SIZE };
    for (uint64 v = s.n; v < e.n; ) {
        struct map_area *a = mm_area_from(mm, v);
        if (a == NULL || a->start.n > v || a->use != use)
            return -1;
        v = a->end.n;
    }
    for (uint64 v = s.n; v < e.n; ) {
        struct map_area *a = mm_area_from(mm, v);
        v = a->end.n;
        /* BEGIN SOLUTION lab4 ex5
           stub: (void)a; (void)s; (void)e;
           stub: printf("[kernel] lab4 ex5: mm_unmap_range not implemented\n");
           stub: return -1;
         */
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
            struct map_area *rest = kcache_alloc(&area_cache);
            if (rest == NULL)
                panic("mm_unmap_range: no area after freeing %lu frames", e.n - s.n);
            *rest = *a;
            rest->start = e;
            a->end = s;
            area_insert(mm, rest);
        }
        /* END SOLUTION */
    }
    pagetable_prune(mm->pt, start, end);
    return 0;
}

/* Is a's every page copy-on-write after a fork (user, readable, writable)? */
static int
area_shares_cow(const struct map_area *a)
{
    return a->kind == AREA_FRAMED
        && (a->perm & (PTE_U | PTE_R | PTE_W)) == (PTE_U | PTE_R | PTE_W);
}

/*
 * The frames a fork must reserve for user area a: one for each page that
 * may be copied, and (see "Demand paging") one for each page promised but
 * not yet made, which the child must be able to make too.
 */
static uint64
area_fork_reserve(struct mm *mm, const struct map_area *a)
{
    if (!(a->perm & PTE_U) || a->kind != AREA_FRAMED)
        return 0;
    if (!mm_area_lazy(a))
        return area_shares_cow(a) ? a->end.n - a->start.n : 0;
    uint64 n = 0;
    for (uint64 v = a->start.n; v < a->end.n; v++)
        if (!(*walk(mm->pt, vpn2va((vpn_t){ v }), 0) & PTE_V)
            || area_shares_cow(a))
            n++;
    return n;
}

/*
 * Give child c an area like a, mapped to a's frames (one more reference
 * each); writable ones become copy-on-write in both spaces, and a page
 * promised but not made stays so in both. 0, with *used increased by the
 * reservations the area now holds (area_fork_reserve's count), or -1
 * with nothing kept in c if a table page cannot be had.
 */
static int
area_share(struct mm *mm, struct mm *c, const struct map_area *a,
           struct map_area **made, uint64 *used)
{
    struct map_area *b = kcache_alloc(&area_cache);
    if (b == NULL)
        return -1;
    *b = *a;
    uint64 n = 0;
    /* BEGIN SOLUTION lab5 ex2
       stub: (void)mm; (void)c; (void)made; (void)used; (void)n;
       stub: kcache_free(&area_cache, b);
       stub: printf("[kernel] lab5 ex2: area_share not implemented\n");
       stub: return -1;
     */
    for (uint64 v = a->start.n; v < a->end.n; v++) {
        uint64 va = vpn2va((vpn_t){ v });
        pte_t *pe = walk(mm->pt, va, 0), *ce = walk(c->pt, va, 1);
        if (ce == NULL) {               /* (its reservations: mm_share's) */
            for (uint64 u = a->start.n; u < v; u++) {
                pte_t *e = walk(c->pt, vpn2va((vpn_t){ u }), 0);
                if (*e & PTE_V)
                    frame_free(pte_ppn(*e));
                *e = 0;
            }
            kcache_free(&area_cache, b);
            return -1;
        }
        if (!(*pe & PTE_V) || area_shares_cow(a))
            n++;                        /* one reservation (as counted above) */
        if (*pe & PTE_V) {
            if (area_shares_cow(a))
                *pe = (*pe & ~PTE_W) | PTE_COW;
            frame_get(pte_ppn(*pe));
        }
        *ce = *pe;
    }
    area_insert(c, b);
    *made = b;
    *used += n;
    return 0;
    /* END SOLUTION */
}

/*
 * A child's copy of address space mm that shares its frames copy-on-write,
 * with a frame reserved for every copy that may be needed. NULL (nothing
 * reserved or kept) if memory runs out.
 */
struct mm *
mm_share(struct mm *mm)
{
    uint64 want = 0;
    for (struct map_area *a = mm_area_from(mm, 0); a;
         a = mm_area_from(mm, a->end.n))
        want += area_fork_reserve(mm, a);
    if (frame_reserve(want) < 0)
        return NULL;
    struct mm *c = mm_new();
    if (c == NULL) {
        frame_unreserve(want);
        return NULL;
    }
    mm->cow = c->cow = 1;
    uint64 shared = 0;
    for (struct map_area *a = mm_area_from(mm, 0); a;
         a = mm_area_from(mm, a->end.n)) {
        struct map_area *b = NULL;
        if (a->perm & PTE_U) {
            if (area_share(mm, c, a, &b, &shared) < 0)
                goto fail;
        } else {
            b = mm_map(c, vpn2va(a->start), vpn2va(a->end), a->perm,
                       a->kind, a->use);
            if (b == NULL)
                goto fail;
            for (uint64 v = a->start.n; v < a->end.n; v++) {
                uint64 va = vpn2va((vpn_t){ v });
                memcpy(pa2kva(translate(c->pt, va, 0)),
                       pa2kva(translate(mm->pt, va, 0)), PAGE_SIZE);
            }
        }
        if (a == mm->heap)
            c->heap = b;
    }
    sfence_vma();
    c->heap_start = mm->heap_start;
    c->brk = mm->brk;
    return c;
fail:
    sfence_vma();
    /* gives back the shared pages' reservations */
    mm_free(c);
    frame_unreserve(want - shared);
    return NULL;
}

/* Are a's pages made on first touch (those of mmap and sbrk, unless linked
 * with LAZY=0)? */
int
mm_area_lazy(const struct map_area *a)
{
    return lazy_wanted && a->kind == AREA_FRAMED
        && (a->use == USE_HEAP || a->use == USE_MMAP);
}

/*
 * Promise pages [from, to) of area a: a reserved frame each, and a marked
 * entry (tables made on the way). 0, or -1 with nothing reserved or marked.
 */
int
mm_promise(struct mm *mm, struct map_area *a, vpn_t from, vpn_t to)
{
    uint64 n = to.n - from.n;
    if (frame_reserve(n) < 0)
        return -1;
    for (uint64 i = 0; i < n; i++) {
        uint64 va = vpn2va(from) + i * PAGE_SIZE;
        pte_t *e = walk(mm->pt, va, 1);
        if (e == NULL) {
            for (uint64 j = 0; j < i; j++)
                *walk(mm->pt, vpn2va(from) + j * PAGE_SIZE, 0) = 0;
            frame_unreserve(n);
            return -1;
        }
        if (*e != 0)
            panic("mm_promise: %p is in use", (void *)va);
        *e = a->perm | PTE_LAZY;
    }
    return 0;
}

/* Unmap pages [from, to) of a lazy area: the frames of pages made, the
 * reservations of the others. */
void
mm_unpromise(struct mm *mm, vpn_t from, vpn_t to)
{
    for (uint64 v = from.n; v < to.n; v++) {
        uint64 va = vpn2va((vpn_t){ v });
        pte_t *e = walk(mm->pt, va, 0);
        if (e == NULL || *e == 0)
            panic("mm_unpromise: %p is neither mapped nor promised",
                  (void *)va);
        if (*e & PTE_V)
            frame_free(pte_ppn(*e));
        else
            frame_unreserve(1);
        *e = 0;
    }
}
