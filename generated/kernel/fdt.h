/* fdt.h: the facts the kernel takes from the flattened device tree. */
#ifndef FDT_H
#define FDT_H

#include "types.h"

struct fdt_info {
    uint64 mem_base;    /* first byte of RAM */
    uint64 mem_size;    /* bytes of RAM */
    uint64 timebase;    /* ticks per second of the time CSR */
    uint64 blob_size;   /* the blob's totalsize */
    uint64 finisher;    /* QEMU's test finisher device, or 0 if none */
};

/*
 * Parse the device tree blob at blob, of at most limit bytes (the caller's
 * bound on how much memory may be read). Fills *info and returns 0, or
 * returns -1 and points *err at a message naming what is wrong (*info
 * then holds whatever was found before the error).
 * Never reads outside [blob, blob + limit) and never writes to the blob.
 */
int fdt_parse(const void *blob, uint64 limit, struct fdt_info *info,
              const char **err);

#endif
