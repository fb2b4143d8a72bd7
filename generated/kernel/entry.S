# entry.S: the kernel's first instructions (S-mode, paging off).
    .section .text.entry
    .globl _entry
_entry:
    # a0 = hart id, a1 = device tree address; both pass straight to main.
    la      sp, boot_stack_top
    call    main
1:  wfi                         # main never returns; if it did, idle here
    j       1b

    .section .bss.stack
    .globl boot_stack, boot_stack_top
    .balign 16
boot_stack:
    .space  4096 * 4
boot_stack_top:
