/* server.c: a host-test harness's child: runs frame.c's calls, with
 * -DRPC_VM vm.c's too, and with -DRPC_MM mm.c's and elf.c's, on request
 * (rpc.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "types.h"
#include "defs.h"
#include "vm.h"
#include "rpc.h"

/* Built with -include sim.h and -DPHYS_OFFSET=sim_phys_offset, as the
 * cmocka tests are: the kernel's pa2kva lands in the shared RAM. */
unsigned long sim_phys_offset = RPC_RAM_ADDR - SIM_RAM_BASE;

static jmp_buf on_panic;
static int in_call;             /* 1 while a request runs: panic may jump */
static struct rpc_rep panic_rep;

/* Write all of buf to fd, or exit: the harness is gone or confused. */
static void
put(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(2);
        p += w;
        n -= (size_t)w;
    }
}

/*
 * The kernel's panic(): outside a request, say so and exit; during one,
 * keep the message for the reply and go back to the request loop.
 */
void
panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_rep.msg, sizeof panic_rep.msg, fmt, ap);
    va_end(ap);
    snprintf(panic_rep.file, sizeof panic_rep.file, "%s", file);
    panic_rep.line = (uint32_t)line;
    if (!in_call) {
        dprintf(2, "%s:%d: kernel panic outside a call: %s\n", file, line, panic_rep.msg);
        _exit(3);
    }
    longjmp(on_panic, 1);
}

#ifdef RPC_VM
/* Frames taken by RPC_HOARD, for RPC_RELEASE: running out of memory in
 * one call, not one call per frame. The harness counts them itself. */
static ppn_t hoard[SIM_RAM_SIZE / PAGE_SIZE];
static uint64 nhoard;

/* The table page at physical address pa, as vm.c takes it; the harness
 * only ever sends a page of the RAM. */
static pagetable_t
table(uint64 pa)
{
    return pa2kva(pa);
}
#endif

#ifdef RPC_MM
/* mm.c maps it at TRAMPOLINE; not in the RAM, as on the board. */
char strampoline[4096] __attribute__((aligned(4096)));

/* The address spaces made so far; a handle is an index + 1. */
static struct mm *spaces[256];
static uint64 nspaces;
static uint64 last_entry, last_sp;

static uint64
keep(struct mm *mm)
{
    if (mm == NULL || nspaces == sizeof spaces / sizeof spaces[0])
        return 0;
    spaces[nspaces++] = mm;
    return nspaces;
}

/* The space of handle h, or NULL (the request is then refused). */
static struct mm *
space(uint64 h)
{
    return h >= 1 && h <= nspaces ? spaces[h - 1] : NULL;
}

/* Is [pa, pa + n) in the RAM? */
static int
in_ram(uint64 pa, uint64 n)
{
    return pa >= SIM_RAM_BASE && n <= SIM_RAM_SIZE
        && pa - SIM_RAM_BASE <= SIM_RAM_SIZE - n;
}

static uint64
area_field(struct mm *mm, uint64 va, uint64 which)
{
    struct map_area *a = mm_find(mm, va);
    if (a == NULL)
        return ~0UL;
    switch (which) {
    case 0: return vpn2va(a->start);
    case 1: return vpn2va(a->end);
    case 2: return a->perm;
    default: return (uint64)a->use;
    }
}
#endif

/* Run one request; its result, or the panic it raised, into *r. */
static void
serve(const struct rpc_req *q, struct rpc_rep *r)
{
    memset(r, 0, sizeof *r);
    r->magic = RPC_MAGIC;
    r->seq = q->seq;
    r->status = RPC_OK;
    memset(&panic_rep, 0, sizeof panic_rep);
    in_call = 1;
    if (setjmp(on_panic) != 0) {
        in_call = 0;
        r->status = RPC_PANIC;
        r->line = panic_rep.line;
        memcpy(r->file, panic_rep.file, sizeof r->file);
        memcpy(r->msg, panic_rep.msg, sizeof r->msg);
        return;
    }
    ppn_t p = { q->a };
    switch (q->op) {
    case RPC_INIT:       frame_init(q->a, q->b); break;
    case RPC_ALLOC:      r->value = frame_alloc().n; break;
    case RPC_FREE:       frame_free(p); break;
    case RPC_GET:        frame_get(p); break;
    case RPC_REFS:       r->value = frame_refs(p); break;
    case RPC_FREE_COUNT: r->value = frame_free_count(); break;
#ifdef RPC_VM
    case RPC_WALK: {
        pte_t *e = walk(table(q->a), q->b, (int)q->c);
        r->value = e ? kva2pa(e) : 0;
        break;
    }
    case RPC_MAP:
        r->value = (uint64)(int64)map_pages(table(q->a), q->b, q->c, q->d, q->e);
        break;
    case RPC_UNMAP:      unmap_pages(table(q->a), q->b, q->c, (int)q->d); break;
    case RPC_TRANSLATE:  r->value = translate(table(q->a), q->b, q->c); break;
    case RPC_PT_FREE:    pagetable_free(table(q->a)); break;
    case RPC_HOARD:
        while (frame_free_count() > q->a && nhoard < sizeof hoard / sizeof hoard[0]) {
            ppn_t f = frame_alloc();
            if (f.n == 0)
                break;
            hoard[nhoard++] = f;
        }
        break;
    case RPC_RELEASE:
        while (nhoard > 0)
            frame_free(hoard[--nhoard]);
        break;
#endif
#ifdef RPC_MM
    case RPC_MM_NEW:     r->value = keep(mm_new()); break;
    case RPC_MM_MAP:
    case RPC_MM_UNMAP_RANGE:
    case RPC_MM_AREA:
    case RPC_MM_PT:
    case RPC_MM_FREE: {
        struct mm *mm = space(q->a);
        if (mm == NULL) {
            r->status = RPC_BADOP;
            break;
        }
        if (q->op == RPC_MM_MAP)
            r->value = mm_map(mm, q->b, q->c, q->d, AREA_FRAMED,
                              (enum area_use)q->e) != NULL;
        else if (q->op == RPC_MM_UNMAP_RANGE)
            r->value = (uint64)(int64)mm_unmap_range(mm, q->b, q->c,
                                                     (enum area_use)q->d);
        else if (q->op == RPC_MM_AREA)
            r->value = area_field(mm, q->b, q->c);
        else if (q->op == RPC_MM_PT)
            r->value = kva2pa(mm->pt);
        else {
            mm_free(mm);
            spaces[q->a - 1] = NULL;
        }
        break;
    }
    case RPC_ELF_LOAD: {
        if (!in_ram(q->a, q->b)) {
            r->status = RPC_BADOP;
            break;
        }
        const char *err = NULL;
        uint64 entry = 0, sp = 0;
        struct mm *mm = mm_from_elf(pa2kva(q->a), q->b, &entry, &sp, &err);
        r->value = keep(mm);
        if (mm == NULL)
            snprintf(r->msg, sizeof r->msg, "%s", err ? err : "(no reason)");
        last_entry = entry, last_sp = sp;
        break;
    }
    case RPC_ELF_OUT:
        r->value = q->a == 0 ? last_entry : q->a == 1 ? last_sp
                 : kva2pa(strampoline);
        break;
    case RPC_USAGE:
        r->value = q->a == 0 ? heap_in_use()
                 : q->a == 1 ? area_cache.objects : area_cache.slabs;
        break;
#endif
    default:             r->status = RPC_BADOP; break;
    }
    in_call = 0;
}

/* Map the shared RAM at RPC_RAM_ADDR, between two inaccessible guard pages. */
static void
map_ram(void)
{
    void *want = (void *)(RPC_RAM_ADDR - PAGE_SIZE);
    void *g = mmap(want, SIM_RAM_SIZE + 2 * PAGE_SIZE, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *m = g == want ? mmap((void *)RPC_RAM_ADDR, SIM_RAM_SIZE, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_FIXED, RPC_FD_RAM, 0) : MAP_FAILED;
    if (m != (void *)RPC_RAM_ADDR) {
        dprintf(2, "server: cannot map the RAM at %p: %s\n", (void *)RPC_RAM_ADDR, strerror(errno));
        _exit(4);
    }
    close(RPC_FD_RAM);
}

int
main(void)
{
    _Static_assert(SIM_RAM_BASE % PAGE_SIZE == 0 && SIM_RAM_SIZE % PAGE_SIZE == 0,
                   "the simulated RAM is whole pages");
    map_ram();
    /* What the code under test prints (a stub's 'not implemented' line)
     * reaches the harness at once, not when a buffer fills. */
    setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef RPC_MM
    heap_init(kernel_heap, sizeof kernel_heap);
#endif
    struct rpc_rep r = { .magic = RPC_MAGIC, .status = RPC_OK, .value = RPC_VERSION };
    put(RPC_FD_REP, &r, sizeof r);
    for (;;) {
        struct rpc_req q;
        size_t got = 0;
        while (got < sizeof q) {
            ssize_t n = read(RPC_FD_REQ, (char *)&q + got, sizeof q - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0 && got == 0)
                _exit(0);               /* the harness is done */
            if (n <= 0)
                _exit(2);
            got += (size_t)n;
        }
        if (q.magic != RPC_MAGIC)
            _exit(2);
        serve(&q, &r);
        put(RPC_FD_REP, &r, sizeof r);
    }
}
