# labs/lab.mk: the rules of every lab (included by the top Makefile, which
# defines BUILD, CHAPTERS, TANGLE, HOSTCC, HOSTCFLAGS and NPROC).
#
# A lab is data. Its files:
#   labs/LAB/exercises      the exercises (number, title, files, functions,
#                           hint), matched by the chapters' solution markers
#   labs/LAB/handout.md     the handout's first page (@EXERCISES@: the table)
#   labs/LAB/metadata.yaml  the handout's title and authors
#   labs/LAB/GNUmakefile    the student tree's make (LAB, and what its make
#                           qemu does by default); labs/tree.mk, shipped as
#                           lab.mk, gives every tree qemu, qemu-gdb, gdb, grade
#   grading/LAB/            its tests: tests.spec (editable files, tests,
#                           points), values.c, progs/, ktests/, hidden/
#   labs/LAB/checks         what labs/tests/lab.sh, the checks of make
#                           test-LAB, needs beyond the spec (the handout's
#                           title and chapter, how the skeleton boots)
# and one line at the end of this file naming its chapters:
#   $(eval $(call lab_rules,LAB,CHAPTER NUMBERS))
# Nothing else in labs/, grading/engine/ or the Makefiles knows the lab.
#
# Each lab gets:
#   make LAB            $(BUILD)/LAB/ (a self-contained tree: the kernel with
#                       holes, the user programs, GNUmakefile with make, qemu,
#                       qemu-gdb and grade, the grader with the public tests)
#                       and $(BUILD)/LAB.tar.gz
#   $(BUILD)/LAB-ref/   the reference tree: the lab's chapters tangled whole
#                       (solutions in), what make grade builds a submission's
#                       editable files into; not generated/, which is the
#                       whole book's kernel and grows past the lab
#   make test-LAB       the lab's checks (PASS:/FAIL: lines)

STRIP := $(BUILD)/tools/strip

$(STRIP): labs/strip.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $<

# $(call lab_rules,LAB,NN NN ...): LAB's rules; its chapters are those of
# CHAPTERS whose names start with one of the numbers (a lab cut from chapters
# 0 to 4 gets neither chapter 5's text nor its code: where chapter 5 adds to
# the kernel, chapter 4 has empty chunks).
define lab_rules
$(1)_CHAPTERS := $$(filter $$(foreach n,$(2),src.nw/$$(n)-%),$$(CHAPTERS))
$(1)_TREE     := $$(BUILD)/$(1)
$(1)_REF      := $$(BUILD)/$(1)-ref
$(1)_HANDOUT  := $$(BUILD)/$(1)-handout
$(1)_DEPS     := labs/$(1)/exercises labs/$(1)/handout.md labs/$(1)/GNUmakefile labs/tree.mk labs/mklab.sh \
                 book/tangle.sh grading/grade $$(wildcard grading/engine/*) \
                 $$(wildcard grading/$(1)/* grading/$(1)/progs/* grading/$(1)/ktests/* grading/common/*) \
                 grading/host/sim.h $$(wildcard grading/host/rpc/*.[ch])

## make lab4 (lab5, ...) a lab's student skeleton: build/LAB/ and build/LAB.tar.gz
$(1): $$(BUILD)/$(1).tar.gz
	@echo "$(1): $$($(1)_TREE)/ and $$(BUILD)/$(1).tar.gz"

$$($(1)_REF)/.stamp: $$($(1)_CHAPTERS) $$(TANGLE) | $$(BUILD)/.deps-ok
	@$$(TANGLE) $$($(1)_REF) $$($(1)_CHAPTERS)
	@touch $$@

$$($(1)_TREE)/.stamp: $$($(1)_CHAPTERS) $$(STRIP) $$($(1)_DEPS) | $$(BUILD)/.deps-ok
	@labs/mklab.sh $(1) $$(BUILD) $$(STRIP) $$($(1)_CHAPTERS)
	@touch $$@

# The handout: the stripped chapters woven like the book, HTML and PDF, into
# the tree (handout/index.html, handout.pdf); a pandoc or pdflatex per core
# (unless make runs with -j already).
$$($(1)_TREE)/.handout: $$($(1)_TREE)/.stamp book/style.css labs/$(1)/metadata.yaml $$(BOOK_COMMON_DEPS)
	@$$(MAKE) --no-print-directory $$(if $$(findstring -j,$$(MAKEFLAGS)),,-j$$(NPROC)) book book-pdf \
	    BOOK_OUT=$$($(1)_HANDOUT) BOOK_METADATA=labs/$(1)/metadata.yaml \
	    BOOK_CHAPTERS="$$$$(ls $$(BUILD)/$(1)-src/*.nw | LC_ALL=C sort | tr '\n' ' ')"
	@rm -rf $$($(1)_TREE)/handout && cp -r $$($(1)_HANDOUT)/book $$($(1)_TREE)/handout
	@cp $$($(1)_HANDOUT)/book.pdf $$($(1)_TREE)/handout.pdf
	@touch $$@

$$(BUILD)/$(1).tar.gz: $$($(1)_TREE)/.stamp $$($(1)_TREE)/.handout
	@tar czf $$@.tmp --exclude=$(1)/.stamp --exclude=$(1)/.handout -C $$(BUILD) $(1) && mv $$@.tmp $$@

test-$(1): $$(BUILD)/$(1).tar.gz $$(STRIP) $$(GRADE) $$($(1)_REF)/.stamp
	@labs/tests/lab.sh $(1) $$(STRIP) $$(BUILD) $$($(1)_CHAPTERS)

.PHONY: $(1) test-$(1)
endef

# The labs, and the chapters each is cut from.
LABS := lab4 lab5
$(eval $(call lab_rules,lab4,00 01 02 03 04))
$(eval $(call lab_rules,lab5,00 01 02 03 04 05))

# Names the tests and the Gradescope packaging use for lab 4.
LAB4     := $(lab4_TREE)
LAB4_REF := $(lab4_REF)
