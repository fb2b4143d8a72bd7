# grading/gradescope/gradescope.mk: the lab's autograder for Gradescope
# (included by the top Makefile, which defines BUILD).
#
#   make gradescope        $(BUILD)/gradescope/autograder.zip, to upload as a
#                          programming assignment's autograder: at its root
#                          setup.sh and run_autograder, then what grading
#                          needs (reference/, the grader, grading/LAB/ with
#                          its hidden tests, grading/host/)
#   make test-gradescope   unpack the zip into a scratch /autograder and
#                          grade a correct, an empty and an ungradable
#                          submission with run_autograder (PASS:/FAIL: lines)
#
# The zip holds the hidden tests and the solution: it is for instructors.

GS_DIR   := $(BUILD)/gradescope
GS_ZIP   := $(GS_DIR)/autograder.zip
# The files the zip holds besides setup.sh and run_autograder: reference/,
# the lab's reference tree ($(BUILD)/LAB-ref/ as tangled: its .tangled lists
# it, so no build product slips in), and at the same paths as here the
# grader and the lab's tests. (The recipe lists them again, after the tangle
# this may run.)
# The lab: lab 4 unless make gradescope LAB=5 (grade.mk's GRADE_LAB); its
# name goes into the zip as the file `lab`, which setup.sh and
# run_autograder read.
GS_LAB   := $(GRADE_LAB)
GS_REF   := $(BUILD)/$(GS_LAB)-ref
GS_FILES := $(wildcard grading/engine/*.c grading/engine/*.h) grading/gradescope/jsoncheck.c \
            $(shell find grading/$(GS_LAB) grading/common grading/host -type f 2>/dev/null | LC_ALL=C sort)
GS_SCRIPTS := grading/gradescope/setup.sh grading/gradescope/run_autograder

## make gradescope lab 4's autograder for Gradescope: build/gradescope/autograder.zip
gradescope: $(GS_ZIP)
	@echo "Gradescope autograder: $(GS_ZIP) ($$(wc -c < $(GS_ZIP)) bytes)"

$(GS_ZIP): $(GS_FILES) $(GS_SCRIPTS) grading/gradescope/gradescope.mk $(GS_REF)/.stamp
	@command -v zip > /dev/null || { echo "make gradescope: 'zip' is missing (apt-get install zip)" >&2; exit 1; }
	@rm -rf $(GS_DIR)/stage $@ $@.tmp && mkdir -p $(GS_DIR)/stage
	@mkdir -p $(GS_DIR)/stage/reference
	@tar cf - -C $(GS_REF) .tangled $$(cat $(GS_REF)/.tangled) | tar xf - -C $(GS_DIR)/stage/reference
	@tar cf - grading/engine/*.c grading/engine/*.h grading/gradescope/jsoncheck.c \
	    $$(find grading/$(GS_LAB) grading/common grading/host -type f | LC_ALL=C sort) | tar xf - -C $(GS_DIR)/stage
	@echo $(GS_LAB) > $(GS_DIR)/stage/lab
	@cp $(GS_SCRIPTS) $(GS_DIR)/stage/
	@chmod 755 $(GS_DIR)/stage/setup.sh $(GS_DIR)/stage/run_autograder
	@cd $(GS_DIR)/stage && find . -type f | LC_ALL=C sort | zip -q -X -@ ../autograder.zip.tmp
	@mv $@.tmp $@

test-gradescope: $(GS_ZIP) | $(BUILD)/.deps-ok
	@grading/tests/gradescope.sh $(GS_ZIP)

.PHONY: gradescope test-gradescope
