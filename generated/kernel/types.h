/* types.h: fixed-width integer types for an LP64 machine. */
#ifndef TYPES_H
#define TYPES_H

typedef unsigned char      uint8;
typedef unsigned short     uint16;
typedef unsigned int       uint32;
typedef unsigned long      uint64;
typedef signed char        int8;
typedef short              int16;
typedef int                int32;
typedef long               int64;
typedef unsigned long      uintptr;

#ifndef NULL                /* the host test suite brings its own */
#define NULL ((void *)0)
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
