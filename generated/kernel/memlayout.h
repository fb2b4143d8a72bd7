/* memlayout.h: the physical memory map and the kernel's own layout. */
#ifndef MEMLAYOUT_H
#define MEMLAYOUT_H

/*
 * QEMU virt, physical addresses:
 *
 *   0x0000_1000  boot ROM: sets a0/a1, jumps to RAM
 *   0x0010_0000  test finisher (OpenSBI uses it to power off)
 *   0x0200_0000  CLINT: mtime, mtimecmp (M-mode; we use the SBI timer)
 *   0x0c00_0000  PLIC
 *   0x1000_0000  UART0 (16550; OpenSBI's console)
 *   0x8000_0000  RAM start: OpenSBI, 2 MiB, protected by PMP
 *   0x8020_0000  KERNEL_BASE: .text .rodata .data .bss (ekernel)
 *   ekernel      free memory, up to the end of RAM (from the device tree)
 */
#define RAM_BASE     0x80000000UL   /* first byte of RAM on virt */
#define KERNEL_BASE  0x80200000UL   /* must match kernel.ld */
#define MAX_RAM      (1UL << 30)    /* the most RAM supported: 1 GiB */

/* Section boundaries, defined in kernel.ld; only their addresses matter. */
extern char skernel[], stext[], etext[], srodata[], erodata[];
extern char sdata[], edata[], sbss[], ebss[], ekernel[];
extern char boot_stack[], boot_stack_top[];

#endif
