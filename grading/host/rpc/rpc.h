/*
 * rpc.h: the wire protocol between a host-test harness and its child.
 *
 * The harness (harness.c, child.c, sandbox.c and the tests: cases.c for
 * frame.c, vmcases.c for vm.c, mmcases.c for elf.c and mm.c) holds the
 * tests and never links a student's code. The child (server.c + the
 * student's kernel/frame.c, with -DRPC_VM kernel/vm.c too, and with
 * -DRPC_MM mm.c and elf.c and the kernel's heap and slab code they use)
 * runs one call per request and replies. Both map the simulated RAM, a
 * memfd, MAP_SHARED at RPC_RAM_ADDR, so a physical address means the same
 * byte to both: pointer = pa - SIM_RAM_BASE + RPC_RAM_ADDR.
 *
 * The child's descriptors: 0 requests (read), 1 and 2 its output (a pipe
 * the harness relays, each line prefixed), 3 replies (write), 4 the RAM
 * (server.c maps it, then closes it). Nothing else.
 *
 * Messages are fixed-size structs (less than PIPE_BUF: each write is
 * atomic). Every request gets exactly one reply with the same seq; the
 * first reply, seq 0, unasked, says the child is ready.
 */
#ifndef RPC_H
#define RPC_H

#include <stdint.h>
#include "../sim.h"             /* SIM_RAM_BASE, SIM_RAM_SIZE */

/* Where the RAM lives in both processes: below 2 GiB, where ASan's shadow
 * is not (x86-64 and AArch64), far from PIE binaries, heap and libraries. */
#define RPC_RAM_ADDR 0x40000000UL

#define RPC_FD_REQ  0
#define RPC_FD_REP  3
#define RPC_FD_RAM  4

#define RPC_MAGIC   0x31524d46u     /* "FMR1" */
#define RPC_VERSION 3               /* the hello reply's value */

enum rpc_op {
    RPC_HELLO,                  /* (reply only) the child is ready */
    RPC_INIT,                   /* frame_init(a, b) */
    RPC_ALLOC,                  /* value = frame_alloc().n */
    RPC_FREE,                   /* frame_free((ppn_t){ a }) */
    RPC_GET,                    /* frame_get((ppn_t){ a }) */
    RPC_REFS,                   /* value = frame_refs((ppn_t){ a }) */
    RPC_FREE_COUNT,             /* value = frame_free_count() */
    /* vm.c's (a server built with -DRPC_VM). A table is given as the
     * physical address of its page; a pte_t * comes back as one too. */
    RPC_WALK,                   /* value = walk(table a, b, c), 0 for NULL */
    RPC_MAP,                    /* value = map_pages(table a, b, c, d, e) */
    RPC_UNMAP,                  /* unmap_pages(table a, b, c, d) */
    RPC_TRANSLATE,              /* value = translate(table a, b, c) */
    RPC_PT_FREE,                /* pagetable_free(table a) */
    RPC_HOARD,                  /* frame_alloc() until a frames are free, kept aside */
    RPC_RELEASE,                /* frame_free() of every frame kept aside */
    /* mm.c's and elf.c's (a server built with -DRPC_VM -DRPC_MM). An
     * address space is a handle the child gave (0: none); the harness
     * only passes it back. */
    RPC_MM_NEW,                 /* value = mm_new() */
    RPC_MM_MAP,                 /* value = mm_map(mm a, b, c, perm d, framed, use e) != NULL */
    RPC_MM_UNMAP_RANGE,         /* value = mm_unmap_range(mm a, b, c, use d) */
    RPC_MM_AREA,                /* mm_find(mm a, b): c = 0 start, 1 end, 2 perm, 3 use;
                                   value ~0 if no area holds b */
    RPC_MM_PT,                  /* value = mm a's root table (physical address) */
    RPC_MM_FREE,                /* mm_free(mm a) */
    RPC_ELF_LOAD,               /* value = mm_from_elf(the b bytes at physical a, ...);
                                   on NULL, msg is *err */
    RPC_ELF_OUT,                /* the last load's a = 0 *entry, 1 *user_sp */
    RPC_USAGE,                  /* a = 0 heap_in_use(), 1 area_cache.objects,
                                   2 area_cache.slabs */
    RPC_NOPS
};

enum rpc_status {
    RPC_OK = 1,                 /* returned; value is its result */
    RPC_PANIC,                  /* called panic(): file, line, msg */
    RPC_BADOP                   /* the request made no sense */
};

struct rpc_req {
    uint32_t magic;
    uint32_t op;                /* enum rpc_op */
    uint64_t seq;               /* 1, 2, ...: echoed by the reply */
    uint64_t a, b, c, d, e;     /* arguments */
};

struct rpc_rep {
    uint32_t magic;
    uint32_t status;            /* enum rpc_status */
    uint64_t seq;
    uint64_t value;
    uint32_t line;              /* of the panic */
    uint32_t pad;
    char file[64];              /* of the panic, NUL-terminated */
    char msg[192];              /* the panic message, NUL-terminated */
};

_Static_assert(sizeof(struct rpc_req) == 56, "rpc_req is 56 bytes");
_Static_assert(sizeof(struct rpc_rep) == 288, "rpc_rep is 288 bytes");

#endif
