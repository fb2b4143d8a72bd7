# grading/grade.mk: `make grade`, the lab grader (included by the top Makefile,
# which defines BUILD, HOSTCC, HOSTCFLAGS).
#
#   make grade                      grade the reference solution (build/lab4-ref/):
#                                   it must score 100/100
#   make grade SUBMISSION=path      grade a student's tree, or the editable
#                                   files alone, or a .tar.gz of either: only
#                                   the files the lab lets a student edit are
#                                   taken from it
#   grading/grade --batch DIR --csv scores.csv
#                                   grade every submission in DIR (each
#                                   subdirectory or .tar.gz) into one CSV
#   make grade GRADE_ARGS='--json build/results.json --test copy'
#                                   any other option of the grader
#                                   (grading/engine/, `grading/grade --help`)
#   make test-grade                 the grader's self-test (PASS:/FAIL: lines)
#
# Scratch trees and logs go to $(BUILD)/grade/runs/<run>/.

GRADE      := $(BUILD)/tools/grade
GRADE_SPEC ?= grading/lab4/tests.spec
GRADE_REF  ?= $(BUILD)/lab4-ref
GRADE_ARGS ?=
GRADE_SRCS := $(wildcard grading/engine/*.c)
GRADE_HDRS := $(wildcard grading/engine/*.h)

$(GRADE): $(GRADE_SRCS) $(GRADE_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(GRADE_SRCS)

## make grade      grade the lab (the reference; SUBMISSION=dir or .tar.gz: a student's)
grade: $(GRADE) $(BUILD)/lab4-ref/.stamp | $(BUILD)/.deps-ok
	@$(GRADE) --spec $(GRADE_SPEC) --ref $(GRADE_REF) --out $(BUILD)/grade \
	    $(if $(SUBMISSION),--submission $(SUBMISSION)) $(GRADE_ARGS)

test-grade: $(GRADE) $(BUILD)/lab4-ref/.stamp | $(BUILD)/.deps-ok
	@grading/tests/grade-selftest.sh $(GRADE) $(BUILD)/lab4-ref

.PHONY: grade test-grade

# grading/grade is a script: never let make's built-in rules make it.
grading/grade: ;
