# lab.mk: the targets every lab's tree has around the kernel's Makefile
# (labs/tree.mk in the project; the lab's GNUmakefile sets LAB and
# includes Makefile, then this): qemu, qemu-gdb, gdb, grade.
QEMU     ?= qemu-system-riscv64
MEM      ?= 128M
GDBPORT  ?= $(shell expr $$(id -u) % 5000 + 25000)
QEMUOPTS  = -machine virt -nographic -bios default -smp 1 -m $(MEM) -no-reboot \
            -kernel $(O)/kernel.elf

qemu: all
	$(QEMU) $(QEMUOPTS)

qemu-gdb: all .gdbinit
	@echo "*** now run 'make gdb' in another window" 1>&2
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

.gdbinit: GNUmakefile lab.mk
	printf '%s\n' 'set architecture riscv:rv64' 'file $(O)/kernel.elf' \
	    'target remote localhost:$(GDBPORT)' 'break main' 'continue' > $@

gdb: .gdbinit
	gdb-multiarch -q -x .gdbinit

grade:
	@grading/grade --lab $(LAB) --ref .pristine --submission . $(GRADE_ARGS)

# The grader itself (grading/grade builds it on first use).
build/tools/grade: $(wildcard grading/engine/*.c grading/engine/*.h)
	@mkdir -p $(@D)
	cc -O2 -g -Wall -Wextra -Werror -std=c11 -o $@ $(wildcard grading/engine/*.c)

.PHONY: qemu qemu-gdb gdb grade
