# kernelvec.S: the trap vector while the kernel runs: any trap is a bug.
    .section .text
    .globl kernelvec
    .balign 4
kernelvec:
    la      sp, trap_stack_top      # the faulting stack may be the problem
    call    kernel_trap             # panics; never returns

    .section .bss
    .balign 16
trap_stack:
    .space  4096
trap_stack_top:
