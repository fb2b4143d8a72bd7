# kernelvec.S: the trap vector while the kernel runs: any trap is a bug.
    .section .text
    .globl kernelvec
    .balign 4
kernelvec:
    call    kernel_trap             # panics; never returns
