# figures/figures.mk: build ptdump2dot (page-table dump -> Graphviz) and test the figures.
#
# Included by the top Makefile, which defines BUILD, HOSTCC and HOSTCFLAGS. Targets:
#   $(PTDUMP2DOT)            $(BUILD)/tools/ptdump2dot, the converter
#   $(BUILD)/figures/X.dot   the drawing of the dump named X in the console log $(BUILD)/figures/X.log
#                            (a live figure: whoever boots the kernel writes the log);
#                            the live figures below label their rows from the ELF the
#                            dump was made from (ptdump2dot -e or -k)
#   test-figures             figures/tests/run.sh: the converter's tests (plain and with
#                            ASan/UBSan) and checks of every hand-drawn figures/*.dot

FIGURES_SAVED_GOAL := $(.DEFAULT_GOAL)

PTDUMP2DOT := $(BUILD)/tools/ptdump2dot

$(PTDUMP2DOT): figures/ptdump2dot.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $<

$(BUILD)/figures/%.dot: $(BUILD)/figures/%.log $(PTDUMP2DOT)
	$(PTDUMP2DOT) -n $* -o $@ $<

.PHONY: test-figures
test-figures:
	@HOSTCC="$(HOSTCC)" HOSTCFLAGS="$(HOSTCFLAGS)" BUILD="$(BUILD)" sh figures/tests/run.sh

# Being included must not change the top Makefile's default goal.
.DEFAULT_GOAL := $(FIGURES_SAVED_GOAL)

# The live figures' kernels are the book kernel's own objects, linked again
# with other programs and other link-time choices (LINK_VARS): nothing is
# compiled twice. The book kernel is built once, for all of them.
$(BUILD)/figures/.objects: $(BUILD)/.tangle-stamp
	@mkdir -p $(@D)
	$(MAKE) --no-print-directory -s -C $(SRC)
	@touch $@
# $(call figure_kernel,DIR,MAKE ARGUMENTS): $(SRC)/DIR/kernel.elf from those objects.
define figure_kernel
	rm -rf $(SRC)/$(1) && mkdir -p $(SRC)/$(1)/kernel
	cp -p $(SRC)/out/kernel/*.o $(SRC)/out/kernel/kflags $(SRC)/$(1)/kernel/
	rm -f $(SRC)/$(1)/kernel/apps.o
	$(MAKE) --no-print-directory -s -C $(SRC) O=$(1) $(2) $(1)/kernel.elf
endef

# The live figure of chapter 4: the page table of the running `ptdump` program,
# dumped by the kernel (system call 499) in a boot that runs that program alone,
# so that its physical addresses do not depend on the other programs.
$(BUILD)/figures/ptdump.log: $(BUILD)/figures/.objects
	$(call figure_kernel,out-ptdump,APPS="$(abspath $(SRC))/out/user/ptdump.elf")
	timeout 30 $(QEMU) -machine virt -nographic -bios default -smp 1 -m 128M -no-reboot \
	    -kernel $(SRC)/out-ptdump/kernel.elf < /dev/null | tr -d '\r' > $@.tmp
	grep -q '^\[ptdump\] end ptdump ' $@.tmp || { echo "figures.mk: no page-table dump in $@.tmp" >&2; exit 1; }
	mv $@.tmp $@
# Its rows labelled (text, read-only data, data and bss, guard page, stack,
# trap context, trampoline) from the program's ELF, the one that boot ran: the
# log's rule makes both, from the same objects.
$(BUILD)/figures/ptdump.dot: $(BUILD)/figures/ptdump.log $(PTDUMP2DOT)
	$(PTDUMP2DOT) -n ptdump -e $(SRC)/out/user/ptdump.elf -o $@ $<

# The interactive walk beside the live figure of chapter 4 (book/ptwalk.js):
# the same dump as data (figures/ptdump2js.sh), named in the page's dot
# block (walk="..."), which nw2md's deps.mk records.
$(BUILD)/figures/%-walk.js: $(BUILD)/figures/%.log figures/ptdump2js.sh
	sh figures/ptdump2js.sh $< $* > $@.tmp && mv $@.tmp $@

# The live figures of chapter 4's megapage section: the kernel's own table
# at 32 MiB, printed by a kernel linked with DUMP_KERNEL_PT=1 as its boot
# self-test ends, with megapages (kernel-pt) and without (kernel-pt-4k,
# MEGAPAGES=0). The program it runs does not matter (hello).
$(BUILD)/figures/kernel-pt.log: KPT_ARGS :=
$(BUILD)/figures/kernel-pt-4k.log: KPT_ARGS := MEGAPAGES=0
$(BUILD)/figures/kernel-pt.log $(BUILD)/figures/kernel-pt-4k.log: $(BUILD)/figures/.objects
	$(call figure_kernel,out-$(basename $(@F)),DUMP_KERNEL_PT=1 $(KPT_ARGS) APPS="$(abspath $(SRC))/out/user/hello.elf")
	timeout 60 $(QEMU) -machine virt -nographic -bios default -smp 1 -m 32M -no-reboot \
	    -kernel $(SRC)/out-$(basename $(@F))/kernel.elf < /dev/null | tr -d '\r' > $@.tmp
	grep -q '^\[ptdump\] end kernel ' $@.tmp || { echo "figures.mk: no kernel page-table dump in $@.tmp" >&2; exit 1; }
	mv $@.tmp $@
# Their rows labelled from the kernel that printed them (its section symbols).
$(BUILD)/figures/kernel-pt.dot $(BUILD)/figures/kernel-pt-4k.dot: $(BUILD)/figures/%.dot: $(BUILD)/figures/%.log $(PTDUMP2DOT)
	$(PTDUMP2DOT) -n kernel -k $(SRC)/out-$*/kernel.elf -o $@ $<

# The live figures of chapter 5's copy-on-write: cow_fig alone forks; the
# child dumps its table, writes one page, dumps again; then the parent dumps.
# Drawn side by side: the parent (dump 3) beside the child after the fork
# (dump 1), and beside the child after its write (dump 2).
$(BUILD)/figures/cow.log: $(BUILD)/figures/.objects
	$(call figure_kernel,out-cowfig,APPS="$(abspath $(SRC))/out/user/cow_fig.elf")
	timeout 30 $(QEMU) -machine virt -nographic -bios default -smp 1 -m 128M -no-reboot \
	    -kernel $(SRC)/out-cowfig/kernel.elf < /dev/null | tr -d '\r' > $@.tmp
	[ "$$(grep -c '^\[ptdump\] end cow_fig ' $@.tmp)" = 3 ] || { echo "figures.mk: not three dumps in $@.tmp" >&2; exit 1; }
	mv $@.tmp $@
$(BUILD)/figures/cow-fork.dot: $(BUILD)/figures/cow.log $(PTDUMP2DOT)
	$(PTDUMP2DOT) -c 3,1 -t "parent,child after the fork" -o $@ $<
$(BUILD)/figures/cow-write.dot: $(BUILD)/figures/cow.log $(PTDUMP2DOT)
	$(PTDUMP2DOT) -c 3,2 -t "parent,child after one write" -o $@ $<

# nw2md's deps.mk records these dependencies too, but only once the chapters
# have been woven; state them here so that a clean build makes the figures first.
# (The HTML pages need no such rule: `make book` weaves, then builds the pages
# in a sub-make that reads the fresh deps.mk, which names the page of each figure.)
$(BOOK_EPUB) $(BOOK_PDF): $(BUILD)/figures/ptdump.dot \
    $(BUILD)/figures/kernel-pt.dot $(BUILD)/figures/kernel-pt-4k.dot \
    $(BUILD)/figures/cow-fork.dot $(BUILD)/figures/cow-write.dot
