/* slab.c: object caches: objects of one size on frames taken as needed. */
#include "types.h"
#include "defs.h"
#include "vm.h"

struct slab {
    struct slab *next, *prev;   /* in its cache's list of partial slabs */
    void *free;                 /* free objects, linked by their first word */
    struct kcache *cache;       /* whose slab it is */
    uint64 used;                /* objects handed out */
};
_Static_assert(sizeof(struct slab) == KCACHE_HEADER,
               "kcache_per_slab's header size");

static void
slab_link(struct kcache *c, struct slab *s)
{
    s->prev = NULL;
    s->next = c->partial;
    if (s->next)
        s->next->prev = s;
    c->partial = s;
}

static void
slab_unlink(struct kcache *c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
}

/* The objects of slab s start right after its header. */
static uint8 *
slab_objects(struct slab *s)
{
    return (uint8 *)(s + 1);
}
/* An object of c's size, zeroed; NULL if no frame is left. */
void *
kcache_alloc(struct kcache *c)
{
    struct slab *s = c->partial;
    if (s == NULL) {
        if (kcache_per_slab(c) == 0)
            panic("kcache_alloc(%s): %lu-byte objects do not fit in a slab",
                  c->name, c->size);
        ppn_t f = frame_alloc();
        if (f.n == 0)
            return NULL;
        s = pa2kva(ppn2pa(f));
        s->free = NULL;
        s->cache = c;
        s->used = 0;
        for (uint64 i = kcache_per_slab(c); i-- > 0; ) {
            void **o = (void **)(slab_objects(s) + i * c->size);
            *o = s->free;
            s->free = o;
        }
        slab_link(c, s);
        c->slabs++;
    }
    void **o = s->free;
    s->free = *o;
    s->used++;
    c->objects++;
    if (s->free == NULL)
        slab_unlink(c, s);              /* full */
    memset(o, 0, c->size);
    return o;
}
/* Give object p back to cache c; NULL is ignored. Never allocates. */
void
kcache_free(struct kcache *c, void *p)
{
    if (p == NULL)
        return;
    struct slab *s = (struct slab *)page_down((uint64)p);
#ifdef KDEBUG
    if (frame_refs(pa2ppn(kva2pa(s))) == 0)
        panic("kcache_free(%s): %p is not an object in use: "
              "its frame is free (freed twice?)",
              c->name, p);
    uint64 off = (uint64)((uint8 *)p - slab_objects(s));
    if (s->cache != c || (uint8 *)p < slab_objects(s) || off % c->size != 0
        || off / c->size >= kcache_per_slab(c) || s->used == 0)
        panic("kcache_free(%s): %p is not an object in use", c->name, p);
    for (void **f = s->free; f; f = *f)
        if (f == p)
            panic("kcache_free(%s): %p freed twice", c->name, p);
#endif
    if (s->free == NULL)
        slab_link(c, s);                /* was full */
    *(void **)p = s->free;
    s->free = p;
    s->used--;
    c->objects--;
    if (s->used == 0) {                 /* empty: the frame goes back */
        slab_unlink(c, s);
        c->slabs--;
        frame_free(pa2ppn(kva2pa(s)));
    }
}
