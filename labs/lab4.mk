# labs/lab4.mk: `make lab4`, the student skeleton of lab 4 cut from the
# chapters (included by the top Makefile, which defines BUILD, CHAPTERS,
# HOSTCC and HOSTCFLAGS).
#
#   make lab4        $(BUILD)/lab4/ (a self-contained tree: the kernel with
#                    holes, the user programs, GNUmakefile with make, qemu,
#                    qemu-gdb and grade, the grader with the public tests)
#                    and $(BUILD)/lab4.tar.gz
#   make test-lab4   the lab's checks (PASS:/FAIL: lines)

STRIP     := $(BUILD)/tools/strip
LAB4      := $(BUILD)/lab4
LAB4_DEPS := labs/lab4/exercises labs/lab4/handout.md labs/lab4/GNUmakefile labs/mklab.sh book/tangle.sh \
             grading/grade $(wildcard grading/engine/*) $(wildcard grading/lab4/* grading/lab4/progs/* \
             grading/lab4/ktests/*) grading/host/sim.h $(wildcard grading/host/rpc/*.[ch])

$(STRIP): labs/strip.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $<

## make lab4       the lab 4 skeleton: build/lab4/ and build/lab4.tar.gz
lab4: $(BUILD)/lab4.tar.gz
	@echo "lab 4: $(LAB4)/ and $(BUILD)/lab4.tar.gz"

# Lab 4 is cut from chapters 0 to 4: the kernel they tangle to is whole
# (the places where chapter 5 adds to it are empty chunks there), and
# neither chapter 5's text nor its code reaches a lab 4 student.
LAB4_CHAPTERS := $(filter src.nw/00-% src.nw/01-% src.nw/02-% src.nw/03-% src.nw/04-%,$(CHAPTERS))
# The lab's reference tree: the same chapters tangled whole (solutions in).
# The grader builds it with a submission's editable files; it is not
# generated/, which is the whole book's kernel and grows past lab 4 (chapter
# 5 adds to vm.c and frame.c through chunks that are empty in chapter 4).
LAB4_REF := $(BUILD)/lab4-ref
$(LAB4_REF)/.stamp: $(LAB4_CHAPTERS) $(TANGLE) | $(BUILD)/.deps-ok
	@$(TANGLE) $(LAB4_REF) $(LAB4_CHAPTERS)
	@touch $@

$(LAB4)/.stamp: $(LAB4_CHAPTERS) $(STRIP) $(LAB4_DEPS) | $(BUILD)/.deps-ok
	@labs/mklab.sh lab4 $(BUILD) $(STRIP) $(LAB4_CHAPTERS)
	@touch $@

# The handout: the stripped chapters woven like the book, HTML and PDF, into
# the tree (handout/index.html, handout.pdf); a pandoc or pdflatex per core
# (unless make runs with -j already).
LAB4_HANDOUT := $(BUILD)/lab4-handout
$(LAB4)/.handout: $(LAB4)/.stamp book/style.css labs/lab4/metadata.yaml $(BOOK_COMMON_DEPS)
	@$(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC)) book book-pdf BOOK_OUT=$(LAB4_HANDOUT) \
	    BOOK_METADATA=labs/lab4/metadata.yaml \
	    BOOK_CHAPTERS="$$(ls $(BUILD)/lab4-src/*.nw | LC_ALL=C sort | tr '\n' ' ')"
	@rm -rf $(LAB4)/handout && cp -r $(LAB4_HANDOUT)/book $(LAB4)/handout
	@cp $(LAB4_HANDOUT)/book.pdf $(LAB4)/handout.pdf
	@touch $@

$(BUILD)/lab4.tar.gz: $(LAB4)/.stamp $(LAB4)/.handout
	@tar czf $@.tmp --exclude=lab4/.stamp --exclude=lab4/.handout -C $(BUILD) lab4 && mv $@.tmp $@

test-lab4: $(BUILD)/lab4.tar.gz $(STRIP) $(GRADE) $(LAB4_REF)/.stamp
	@labs/tests/lab4.sh $(STRIP) $(BUILD)

.PHONY: lab4 test-lab4
