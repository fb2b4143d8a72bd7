# floor.S: the least a kernel can do: print one line through the SBI and power off.
# make bench boots it beside the real kernel to measure QEMU + OpenSBI's own
# cost. Linked with -n, so that its one segment starts at 0x80200000: QEMU
# tells OpenSBI to jump to the lowest loaded address, not to e_entry.
    .section .text
    .globl _start
_start:
    la      s0, message
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    li      a7, 1                   # legacy SBI console_putchar
    ecall
    addi    s0, s0, 1
    j       1b
2:  li      a7, 0x53525354          # SRST: system reset, shutdown
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
3:  wfi
    j       3b
message:
    .asciz  "floor kernel: one line, then power off\n"
