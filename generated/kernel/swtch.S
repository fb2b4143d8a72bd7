# swtch.S: swtch(old, new) saves ra, sp and s0-s11 into *old and
# loads them from *new; it "returns" into whoever saved *new.
    .section .text
    .globl swtch
swtch:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd      s\n, (16 + \n*8)(a0)
    .endr
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    ld      s\n, (16 + \n*8)(a1)
    .endr
    ret
# fp_save(regs), fp_load(regs): f0-f31 and fcsr to and from a struct fp_regs.
    .option push
    .option arch, +d
    .globl fp_save
fp_save:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23, \
            24,25,26,27,28,29,30,31
    fsd     f\n, (\n*8)(a0)
    .endr
    frcsr   t0
    sd      t0, 256(a0)
    ret

    .globl fp_load
fp_load:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23, \
            24,25,26,27,28,29,30,31
    fld     f\n, (\n*8)(a0)
    .endr
    ld      t0, 256(a0)
    fscsr   t0
    ret
    .option pop
