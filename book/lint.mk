# book/lint.mk: build nwlint, lint the chapters, run nwlint's golden tests.
#
# Needs CHAPTERS, BUILD, HOSTCC and HOSTCFLAGS from the including Makefile.
#   make lint       nwlint on all chapters together; any finding fails
#   make test-lint  nwlint's tests in book/tests/lint, then nwlint on the chapters
#                   (PASS:/FAIL: lines)

NWLINT := $(BUILD)/tools/nwlint

$(NWLINT): book/nwlint.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ book/nwlint.c

# The stamp lets other targets depend on a clean lint without rerunning it.
$(BUILD)/lint.ok: $(NWLINT) $(CHAPTERS)
	@mkdir -p $(@D)
	$(if $(CHAPTERS),$(NWLINT) $(CHAPTERS),@echo "lint: no chapters in src.nw")
	@touch $@

.PHONY: lint test-lint
lint: $(BUILD)/lint.ok

test-lint: $(NWLINT)
	@status=0; sh book/tests/lint/run.sh $(NWLINT) || status=1; \
	if out=$$($(NWLINT) $(CHAPTERS) 2>&1); then \
	    echo "PASS: nwlint: the chapters are clean (chunk names, shifts, code lines of at most 80 columns)"; \
	else \
	    echo "FAIL: nwlint: the chapters: $$(printf '%s\n' "$$out" | wc -l) findings, first: $$(printf '%s\n' "$$out" | head -n 1)"; \
	    printf '%s\n' "$$out" | head -n 20; status=1; \
	fi; exit $$status
