# grading/grade.mk: `make grade`, the lab grader (included by the top Makefile,
# which defines BUILD, HOSTCC, HOSTCFLAGS).
#
#   make grade [LAB=5]              grade lab 4's (or lab 5's) reference solution (build/lab4-ref/):
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
# make grade LAB=5 (or LAB=lab5): another lab than lab 4 (labs/lab.mk's LABS)
LAB        ?= lab4
GRADE_LAB  := lab$(patsubst lab%,%,$(LAB))
GRADE_SPEC ?= grading/$(GRADE_LAB)/tests.spec
GRADE_REF  ?= $(BUILD)/$(GRADE_LAB)-ref
GRADE_ARGS ?=
GRADE_SRCS := $(wildcard grading/engine/*.c)
GRADE_HDRS := $(wildcard grading/engine/*.h)

$(GRADE): $(GRADE_SRCS) $(GRADE_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(GRADE_SRCS)

## make grade      grade the lab (the reference; SUBMISSION=dir or .tar.gz: a student's)
grade: $(GRADE) | $(BUILD)/.deps-ok
	@[ -f $(GRADE_SPEC) ] || { echo "make grade: LAB=$(LAB): no $(GRADE_SPEC) (the labs: $(LABS))" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(GRADE_REF)/.stamp
	@$(GRADE) --spec $(GRADE_SPEC) --ref $(GRADE_REF) --out $(BUILD)/grade \
	    $(if $(SUBMISSION),--submission $(SUBMISSION)) $(GRADE_ARGS)

## make mutants    grade every mistake of labs/LAB/mutants; killed and blamed per exercise
mutants: $(GRADE) | $(BUILD)/.deps-ok
	@$(MAKE) --no-print-directory $(GRADE_REF)/.stamp
	@grading/mutants.sh --lab $(GRADE_LAB) $(GRADE)

# A sample of each lab's mutants, ones the grader is known to catch, each
# graded on its own exercise's tests (make mutants has them all): two of
# lab 4's (walk out of memory, which only the walk test's exhaustion
# reaches, and copyout to a read-only page) and one of lab 5's (the
# table-page rollback at fork, which only the page-by-page out-of-memory
# test reaches).
MUTANT_SAMPLE_lab4 := walk-nooom,copyout-now
MUTANT_SAMPLE_lab5 := share-norollback
test-mutants: $(GRADE) $(BUILD)/lab4-ref/.stamp $(BUILD)/lab5-ref/.stamp | $(BUILD)/.deps-ok
	@status=0; \
	$(foreach l,lab4 lab5,grading/mutants.sh --lab $(l) --check $(GRADE) || status=1;) \
	$(foreach l,lab4 lab5,grading/mutants.sh --lab $(l) --sample $(MUTANT_SAMPLE_$(l)) $(GRADE) || status=1;) \
	exit $$status

test-grade: $(GRADE) $(BUILD)/lab4-ref/.stamp | $(BUILD)/.deps-ok
	@grading/tests/grade-selftest.sh $(GRADE) $(BUILD)/lab4-ref

.PHONY: grade test-grade mutants test-mutants

# grading/grade is a script: never let make's built-in rules make it.
grading/grade: ;
