/* main.c: the kernel's C entry point and boot sequence. */
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "fdt.h"
#include "vm.h"
#include "trap.h"
#include "task.h"
#include "ktest.h"

struct fdt_info machine;    /* what the device tree told us */

static void
clear_bss(void)
{
    for (char *p = sbss; p < ebss; p++)
        *p = 0;
}
static void
print_section(const char *name, char *start, char *end)
{
    KLOG("%-8s [%p, %p) %6lu KiB\n", name, start, end,
         (uint64)(end - start) / 1024);
}

static void
print_banner(uint64 hartid, uint64 dtb)
{
    uint64 mem_end = machine.mem_base + machine.mem_size;
    KLOG("pagebook kernel booting on hart %lu\n", hartid);
    KLOG("device tree at %p, %lu bytes\n", (void *)dtb, machine.blob_size);
    KLOG("memory   [%p, %p) %6lu MiB\n", (void *)machine.mem_base,
         (void *)mem_end, machine.mem_size >> 20);
    KLOG("timebase %lu Hz\n", machine.timebase);
    print_section(".text", stext, etext);
    print_section(".rodata", srodata, erodata);
    print_section(".data", sdata, edata);
    print_section("stack", boot_stack, boot_stack_top);
    print_section(".bss", sbss, ebss);
    print_section("free", ekernel, (char *)mem_end);
}

/*
 * Entered from _entry in S-mode with paging off, on the boot stack.
 * hartid and dtb are what OpenSBI passed in a0 and a1.
 */
void
main(uint64 hartid, uint64 dtb)
{
    const char *err;
    clear_bss();
    sbi_init();
    if (dtb < RAM_BASE || dtb >= RAM_BASE + MAX_RAM)
        panic("device tree address %p is not in RAM", (void *)dtb);
    int parsed = fdt_parse((const void *)dtb, RAM_BASE + MAX_RAM - dtb,
                           &machine, &err);
    test_finisher = machine.finisher;
    if (parsed < 0)
        panic("device tree at %p: %s", (void *)dtb, err);
    print_banner(hartid, dtb);
    trap_init();
    frame_init((uint64)ekernel, machine.mem_base + machine.mem_size);
    heap_init(kernel_heap, sizeof kernel_heap);
    kvm_init(&machine);
    kvm_enable();
    kvm_selftest();
    KLOG("paging on; %lu frames free\n", frame_free_count());
    ktest_run_all();
    timer_init();
    run_applications();
    KLOG("all done, powering off\n");
    sbi_shutdown(0);
}
