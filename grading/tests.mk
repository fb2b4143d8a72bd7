# grading/tests.mk: the checks behind `make test` (included by the top Makefile).
#
# Each test-* target prints one line per check, "PASS: name" or
# "FAIL: name: reason", and fails if any check failed. `make test` runs them
# all, keeps going after a failure, and ends with "N passed, N failed".

TEST_TARGETS := test-deps test-lint check-tangle test-kernel test-host test-hostrpc test-boot test-apps test-procs test-shell test-badelf test-stress test-figures \
                test-book test-book-pdf test-grade test-mutants test-hostile test-gradescope test-lab4 test-lab5 test-line-error test-gdb
TESTDIR := $(BUILD)/test
# A sub-make that builds independent files one per core (unless make runs
# with -j already, whose jobserver it then shares).
PARMAKE = $(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC))
HOSTTEST_CFLAGS := $(HOSTCFLAGS) -O1 -fsanitize=address,undefined \
                   -fno-sanitize-recover=all -I$(SRC)/kernel

.PHONY: test $(TEST_TARGETS)

# Two lanes. The figures', the book's, the mutants' sample and the labs'
# checks (TEST_LANE) run in the background, one after the other, from the
# start of $(TEST_LANE_START): the figures first, then one sub-make makes
# what the others need (the book's HTML pages, EPUB and PDF, the labs'
# handouts: a pdflatex takes a core for ~40 s), then each runs. The other
# targets run in the foreground meanwhile, in TEST_TARGETS' order; the
# lane's lines are printed after theirs. What both lanes read (the tools,
# the labs' trees and reference trees) is made before the lane starts, so
# that no two makes ever make the same file. The prebuild's status is not
# looked at (-k): each target's own make then makes what is still
# missing, and fails on what does not build. Each target's seconds go to
# build/test/times. The foreground's tests relink the kernel in $(SRC)/out
# with programs of their own (apps, procs, shell); the lane never does:
# the figures' kernels are linked elsewhere from its objects, which the
# shared step has made (figures/.objects).
TEST_LANE := test-figures test-book test-book-pdf test-mutants $(LABS:%=test-%)
TEST_LANE_PREBUILD := book book-epub book-pdf $(LABS:%=$(BUILD)/%.tar.gz)
TEST_LANE_SHARED := book-tools $(GRADE) $(STRIP) $(foreach l,$(LABS),$(BUILD)/$(l)/.stamp $(BUILD)/$(l)-ref/.stamp) \
                    $(BUILD)/figures/.objects
TEST_LANE_START := test-host

test: | $(BUILD)/.deps-ok
	@mkdir -p $(TESTDIR); : > $(TESTDIR)/summary; : > $(TESTDIR)/times; \
	run() { start=$$(date +%s); status=0; \
	    $(MAKE) --no-print-directory $$1 > $(TESTDIR)/$$1.out 2>&1 || status=$$?; \
	    echo "$$1 $$(( $$(date +%s) - start ))" >> $(TESTDIR)/times; \
	    echo $$status > $(TESTDIR)/$$1.status; }; \
	report() { grep -E '^(PASS|FAIL):' $(TESTDIR)/$$1.out | tee -a $(TESTDIR)/summary || true; \
	    status=$$(cat $(TESTDIR)/$$1.status 2> /dev/null || echo 1); \
	    if [ "$$status" -ne 0 ] && ! grep -q '^FAIL:' $(TESTDIR)/$$1.out; then \
	        echo "FAIL: $$1: exited with status $$status:" | tee -a $(TESTDIR)/summary; \
	        tail -15 $(TESTDIR)/$$1.out; \
	    fi; }; \
	lane=; \
	for t in $(TEST_TARGETS); do \
	    case " $(TEST_LANE) " in *" $$t "*) continue ;; esac; \
	    if [ $$t = $(TEST_LANE_START) ]; then \
	        $(MAKE) --no-print-directory -k $(TEST_LANE_SHARED) > $(TESTDIR)/lane.prebuild 2>&1 || true; \
	        { for u in $(filter $(TEST_LANE),$(TEST_TARGETS)); do \
	              run $$u; \
	              if [ $$u = test-figures ]; then \
	                  $(MAKE) --no-print-directory -k $(TEST_LANE_PREBUILD) >> $(TESTDIR)/lane.prebuild 2>&1; \
	              fi; \
	          done; } & \
	        lane=$$!; \
	    fi; \
	    run $$t; report $$t; \
	done; \
	if [ -n "$$lane" ]; then wait $$lane; \
	else for u in $(filter $(TEST_LANE),$(TEST_TARGETS)); do run $$u; done; fi; \
	for u in $(filter $(TEST_LANE),$(TEST_TARGETS)); do report $$u; done; \
	p=$$(grep -c '^PASS:' $(TESTDIR)/summary || true); \
	f=$$(grep -c '^FAIL:' $(TESTDIR)/summary || true); \
	echo "$$p passed, $$f failed"; [ $$f -eq 0 ]

test-kernel: $(BUILD)/.tangle-stamp
	@mkdir -p $(TESTDIR)
	@if $(PARMAKE) -s -C $(SRC) > $(TESTDIR)/kernel-build.log 2>&1; then \
	    echo "PASS: the kernel builds with -Wall -Werror"; \
	else echo "FAIL: kernel build: see $(TESTDIR)/kernel-build.log"; \
	    tail -20 $(TESTDIR)/kernel-build.log; exit 1; fi

test-deps:
	@grading/tests/deps.sh

test-boot: kernel
	@grading/tests/boot.sh $(KERNEL)

test-line-error: | $(BUILD)/.deps-ok
	@grading/tests/line-error.sh $(CHAPTERS)

test-gdb: kernel $(BUILD)/gdbinit
	@grading/tests/gdb.sh $(KERNEL) $(GDBPORT) $(BUILD)/gdbinit

# Host unit tests (cmocka) of kernel code, compiled from the #line tangle
# with AddressSanitizer and UBSan; real device trees come from QEMU itself.
HOST_DTBS := $(foreach m,32M 128M 1G,$(TESTDIR)/virt-$(m).dtb)

$(TESTDIR)/virt-%.dtb: | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	@$(QEMU) -machine virt,dumpdtb=$@ -m $* -bios default -nographic -smp 1 > /dev/null 2>&1

$(TESTDIR)/host/test_%: grading/host/test_%.c $(SRC)/kernel/%.c $(BUILD)/.tangle-stamp
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTTEST_CFLAGS) -o $@ $< $(SRC)/kernel/$*.c -lcmocka

# The memory tests run kernel code on simulated RAM: grading/host/sim.h is
# forced into every file (pa2kva adds sim_phys_offset), sim.c holds the RAM
# and turns panic() into a cmocka assertion. Frames are tested with and
# without KDEBUG (the kernel's default is with).
HOSTSIM_CFLAGS := $(HOSTTEST_CFLAGS) -DPHYS_OFFSET=sim_phys_offset \
                  -include grading/host/sim.h
HOSTSIM_DEPS := grading/host/sim.c grading/host/sim.h grading/host/rpc/elfimg.h $(BUILD)/.tangle-stamp

# $(call hostsim_test,name,test source,kernel sources,extra flags)
define hostsim_test
$(TESTDIR)/host/test_$(1): grading/host/test_$(2).c $(3:%=$(SRC)/kernel/%.c) $(HOSTSIM_DEPS)
	@mkdir -p $$(@D)
	$(HOSTCC) $(HOSTSIM_CFLAGS) $(4) -o $$@ grading/host/test_$(2).c grading/host/sim.c \
	    $(3:%=$(SRC)/kernel/%.c) -lcmocka
endef
$(eval $(call hostsim_test,frame,frame,frame,-DKDEBUG))
$(eval $(call hostsim_test,frame_nokdebug,frame,frame,))
$(eval $(call hostsim_test,heap,heap,heap,-DKDEBUG))
$(eval $(call hostsim_test,slab,slab,frame slab,-DKDEBUG))
$(eval $(call hostsim_test,slab_nokdebug,slab,frame slab,))
$(eval $(call hostsim_test,vm,vm,frame heap slab vm mm,-DKDEBUG))
$(eval $(call hostsim_test,areas,areas,frame heap slab vm mm,-DKDEBUG))
$(eval $(call hostsim_test,elf,elf,frame heap slab vm mm elf,-DKDEBUG))
$(eval $(call hostsim_test,cow,cow,frame heap slab vm mm,-DKDEBUG))
$(eval $(call hostsim_test,lazy,cow,frame heap slab vm mm,-DKDEBUG -DSIM_LAZY=1))

# test_fdt reads the QEMU blobs; test_elf loads the real user programs,
# which the kernel build makes (-k: even if a kernel file does not compile,
# which test-kernel reports).
HOST_TESTS := format fdt frame frame_nokdebug heap slab slab_nokdebug vm areas elf cow lazy

# (The test programs and the blobs are made by a sub-make, one per core.)
test-host: $(BUILD)/.tangle-stamp | $(BUILD)/.deps-ok
	@$(PARMAKE) $(HOST_TESTS:%=$(TESTDIR)/host/test_%) $(HOST_DTBS)
	@set +e; failed=0; \
	$(PARMAKE) -k -C $(SRC) > $(TESTDIR)/host/build.log 2>&1; \
	for t in $(HOST_TESTS); do \
	    args=; [ $$t = fdt ] && args="$(HOST_DTBS)"; \
	    if [ $$t = elf ]; then \
	        args=$$(ls $(SRC)/out/user/*.elf 2>/dev/null); \
	        [ -n "$$args" ] || { echo "FAIL: host elf: no user programs in $(SRC)/out/user"; failed=1; }; \
	    fi; \
	    CMOCKA_MESSAGE_OUTPUT=tap $(TESTDIR)/host/test_$$t $$args > $(TESTDIR)/host/$$t.tap 2>&1; \
	    [ $$? -eq 0 ] || failed=1; \
	    sed -n -e "s|^ok [0-9]* - \(.*\)|PASS: host $$t: \1|p" \
	           -e "s|^not ok [0-9]* - \(.*\)|FAIL: host $$t: \1 (see $(TESTDIR)/host/$$t.tap)|p" \
	        $(TESTDIR)/host/$$t.tap || failed=1; \
	    grep -q '^ok' $(TESTDIR)/host/$$t.tap || { echo "FAIL: host $$t: no test ran"; failed=1; }; \
	done; exit $$failed

# The lab grader's frame test in two processes (grading/host/rpc/): the
# student's frame.c in a sandboxed child; the harness agrees with the cmocka
# test on the reference, the lab 4 skeleton and plausible bugs, and no
# hostile frame.c (forged TAP lines, killing its parent, garbage, escapes)
# gets a forged pass.
test-hostrpc: $(LAB4)/.stamp $(LAB4_REF)/.stamp | $(BUILD)/.deps-ok
	@HOSTCC=$(HOSTCC) grading/host/rpc/selftest.sh $(LAB4_REF) $(LAB4)

# The real book as a PDF (pdflatex): it must build into a complete PDF file.
test-book-pdf: | $(BUILD)/.deps-ok
	@mkdir -p $(TESTDIR)
	@if $(MAKE) --no-print-directory book-pdf > $(TESTDIR)/book-pdf.log 2>&1 && \
	    head -c 5 $(BUILD)/book.pdf | grep -q '%PDF-' && \
	    tail -c 8 $(BUILD)/book.pdf | grep -q '%%EOF'; then \
	    echo "PASS: book: PDF builds ($$(wc -c < $(BUILD)/book.pdf) bytes)"; \
	else echo "FAIL: book: PDF did not build; see $(TESTDIR)/book-pdf.log"; \
	    tail -20 $(TESTDIR)/book-pdf.log; exit 1; fi
	@# Its links all go somewhere, its page references are all resolved, and a printed
	@# copy can be followed: chunk references in code and footers give their pages.
	@log=$(BUILD)/book-md/pdf/book.log; \
	dead=$$(grep -c 'pdfTeX warning (dest)' $$log || true); undef=$$(grep -c 'Reference .* undefined' $$log || true); \
	tall=$$(grep -c 'Float too large' $$log || true); \
	tall=$$((tall + $$(grep -c 'Label(s) may have changed' $$log || true))); \
	pdftotext -layout $(BUILD)/book.pdf $(TESTDIR)/book.txt || true; \
	nfoot=$$(grep -c 'Used in [0-9][0-9]*[a-z][a-z]* p\. [0-9]' $(TESTDIR)/book.txt || true); \
	ncode=$$(grep -c '⟨[^⟩]* [0-9][0-9]*[a-z][a-z]* p\. [0-9][0-9]* *⟩' $(TESTDIR)/book.txt || true); \
	if [ "$$dead" -eq 0 ] && [ "$$undef" -eq 0 ] && [ "$$tall" -eq 0 ] && [ "$$nfoot" -ge 100 ] && [ "$$ncode" -ge 100 ]; then \
	    echo "PASS: book: PDF links all resolve (0 to nowhere, 0 undefined pages, all settled after $$(cat $(BUILD)/book-md/pdf/passes) pdflatex passes), no figure taller than a page; $$ncode code references and $$nfoot footers give pages"; \
	else echo "FAIL: book: PDF: $$dead links to nowhere, $$undef undefined references, $$tall figures too tall or page references not settled, $$ncode code references and $$nfoot footers with pages (see $$log)"; exit 1; fi
	@# No chunk header alone at the foot of a page (the check first finds the one in its fixture).
	@fixture=$$(LC_ALL=C awk -f book/tests/orphans.awk book/tests/orphans.txt); \
	orphans=$$(LC_ALL=C awk -f book/tests/orphans.awk $(TESTDIR)/book.txt); \
	pages=$$(pdfinfo $(BUILD)/book.pdf | sed -n 's/^Pages: *//p'); \
	cols=$$(grep -c '^\\begin{multicols}{2}' $(BUILD)/book-md/pdf/book.tex || true); \
	if [ "$$fixture" = "page 2: 4b   ⟨map_pages⟩ +≡" ] && [ -z "$$orphans" ] && [ "$$cols" -eq 2 ]; then \
	    echo "PASS: book: PDF ($$pages pages): every chunk header on the page of its code's first lines; both indexes in two columns"; \
	else echo "FAIL: book: PDF: chunk headers alone at the foot of a page: '$$(echo $$orphans | cut -c 1-300)' (fixture: '$$fixture'); $$cols of 2 indexes in two columns"; exit 1; fi

# Every shipped user program under QEMU at 32M and 1G: expected output,
# the must-be-killed programs killed, no frame leaked; 32 programs at once.
test-apps: kernel
	@grading/tests/apps.sh $(KERNEL)

# Malformed ELF files given to one boot: each refused with its reason, no panic.
# Chapter 5's process tree under an init (grading/tests/procs.sh).
test-procs: kernel
	@grading/tests/procs.sh $(KERNEL)

# Chapter 5's shell as init, typed at through the console (grading/tests/shell.sh).
test-shell: kernel
	@grading/tests/shell.sh $(KERNEL)

.PHONY: test-procs test-shell

test-badelf: kernel
	@grading/tests/badelf.sh $(SRC)

# The kernel under pressure (chapter 4): memory exhausted page by page at 32M
# and 1G, two hogs and a worker, 100,000 fuzzed system calls.
# Under pressure, the debug build (KDEBUG=1: freed frames filled, every
# free checked), whose kernel and programs are in $(SRC)/out-kdebug.
test-stress: $(BUILD)/.tangle-stamp
	@$(MAKE) --no-print-directory -s kernel KDEBUG=1 > /dev/null
	@KDEBUG=1 grading/tests/stress.sh $(SRC)/out-kdebug/kernel.elf

# make fuzz: a million fuzzed system calls (fuzz_long), each result predicted.
fuzz: kernel
	@grading/tests/stress.sh $(KERNEL) fuzz

.PHONY: test-stress fuzz

# Hostile submissions against the grader (grading/tests/hostile.sh): every
# attack once; and the cheap ones (1-4) again under the sandbox's fallback,
# a dedicated unprivileged uid (--isolation user). That one goes first: when
# its last grader run is over (HOSTILE_GRADED), the full suite starts while
# it waits out its daemons' time (23 s, idle) and makes its last checks;
# its lines are printed after the full suite's.
test-hostile: $(GRADE) $(LAB4)/.stamp $(LAB4_REF)/.stamp | $(BUILD)/.deps-ok
	@status=0; graded=$(TESTDIR)/hostile-user.graded; quick_out=$(TESTDIR)/hostile-user.out; \
	mkdir -p $(TESTDIR); rm -f $$graded; \
	HOSTILE_GRADED=$$graded ISOLATION=user HOSTILE_QUICK=1 grading/tests/hostile.sh $(GRADE) > $$quick_out 2>&1 & \
	quick=$$!; \
	while [ ! -e $$graded ] && kill -0 $$quick 2> /dev/null; do sleep 0.5; done; \
	grading/tests/hostile.sh $(GRADE) || status=1; \
	wait $$quick || status=1; \
	cat $$quick_out; \
	exit $$status

.PHONY: test-hostile

