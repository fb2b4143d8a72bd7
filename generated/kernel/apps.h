/* apps.h: the ELF files embedded in the kernel image (see apps.S). */
#ifndef APPS_H
#define APPS_H

#include "types.h"

struct app {
    const char *name;           /* file name without .elf */
    const uint8 *start, *end;   /* the ELF file's bytes */
};

extern const uint64 app_count;
extern const struct app app_table[];

#endif
