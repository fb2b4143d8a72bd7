# book/book.mk: weave the chapters into the HTML book, the EPUB and the PDF; build and test the weave tools.
#
# Included by the top Makefile, which defines CHAPTERS (sorted src.nw/*.nw), BUILD,
# HOSTCC and HOSTCFLAGS. Targets:
#   book        $(BOOK_HTML)/: a page per chapter opening (NN-slug.html) and per level-2
#               section (NN-slug-SECTIONID.html), index.html (contents), indexes.html
#   book-epub   $(BOOK_EPUB)
#   book-pdf    $(BOOK_PDF) (pdflatex)
#   book-tools  $(NW2MD) and $(LINKCHECK)
#   test-book   the tools' own tests, then the book in HTML and EPUB with zero broken links
# Override BOOK_CHAPTERS and BOOK_OUT to weave other chapters elsewhere (the tests and
# a lab handout do): make book BOOK_CHAPTERS="a.nw b.nw" BOOK_OUT=build/handout, and
# BOOK_METADATA for another title page (a handout's).

BOOK_SAVED_GOAL := $(.DEFAULT_GOAL)

BOOK_CHAPTERS ?= $(CHAPTERS)
BOOK_OUT      ?= $(BUILD)
BOOK_HTML     := $(BOOK_OUT)/book
BOOK_MD       := $(BOOK_OUT)/book-md
BOOK_EPUB     := $(BOOK_OUT)/book.epub
BOOK_PDF      := $(BOOK_OUT)/book.pdf
BOOK_TOOLS    := $(BUILD)/tools
NW2MD         := $(BOOK_TOOLS)/nw2md
LINKCHECK     := $(BOOK_TOOLS)/linkcheck
SEARCHINDEX   := $(BOOK_TOOLS)/searchindex
PANDOC        ?= pandoc
# Figures the build makes (build/figures/...) are read from $(BUILD), whatever it is.
export BOOK_BUILD := $(BUILD)
BOOK_TOP_MAKEFILE := $(firstword $(MAKEFILE_LIST))

# The pages are known once the chapters are woven: the weave writes their list,
# $(BOOK_MD)/pages.mk (BOOK_PAGES := index 00-preface ... indexes), and `book` builds
# them in a sub-make that reads the fresh list.
BOOK_PAGES    :=
-include $(BOOK_MD)/pages.mk
BOOK_FILTERS  := book/filters/chunks.lua book/filters/graphviz.lua
BOOK_METADATA ?= book/metadata.yaml
# Pandoc's pygments colours, darkened until every token reads at 4.5:1 or more on
# every code background (test-book computes it from the CSS).
BOOK_THEME    := book/highlight.theme
BOOK_PANDOC   := --from markdown --metadata-file $(BOOK_METADATA) --wrap=none \
                 --highlight-style $(BOOK_THEME) $(BOOK_FILTERS:%=--lua-filter %)
BOOK_COMMON_DEPS := $(BOOK_FILTERS) $(BOOK_METADATA) $(BOOK_THEME) book/book.mk
BOOK_NW2MD_FLAGS ?=
BOOK_WEAVE    = NW2MD_FLAGS="$(BOOK_NW2MD_FLAGS)" sh book/weave.sh $(NW2MD) $(BOOK_MD) $(BOOK_CHAPTERS)

.PHONY: book book-pages book-epub book-pdf book-tools test-book

# The files every page loads, copied from book/ as they are (rules below).
BOOK_STATIC := style.css dark.css search.js copy.js figure.js ptwalk.js
# The files the chapters' figures read (file= and walk= of their dot blocks),
# found in the chapters themselves: this make builds them before the pages'
# sub-make starts, so that the sub-make and a book-pdf or book-epub built
# beside it never make the same figure at once.
BOOK_FIGURE_FILES := $(sort $(shell sed -n '/{\.dot /p' $(BOOK_CHAPTERS) /dev/null | \
                       grep -o '\(file\|walk\)="[^"]*"' | sed 's/^[a-z]*="//; s/"$$//'))
book: $(BOOK_MD)/.stamp $(BOOK_STATIC:%=$(BOOK_HTML)/%) $(BOOK_HTML)/highlight.css $(SEARCHINDEX) \
      $(BOOK_FIGURE_FILES)
	@$(MAKE) --no-print-directory -f $(BOOK_TOP_MAKEFILE) book-pages
# (the sub-make's half) every page of pages.mk and the search index; a page no
# longer woven is removed
book-pages: $(BOOK_PAGES:%=$(BOOK_HTML)/%.html) $(BOOK_HTML)/search-index.js
	@test -n "$(BOOK_PAGES)" || { echo "book.mk: no pages in $(BOOK_MD)/pages.mk" >&2; exit 1; }
	@for f in $(BOOK_HTML)/*.html; do \
	  case " $(BOOK_PAGES:%=$(BOOK_HTML)/%.html) " in *" $$f "*) ;; *) rm -f "$$f";; esac; \
	done
book-epub: $(BOOK_EPUB)
book-pdf: $(BOOK_PDF)
book-tools: $(NW2MD) $(LINKCHECK) $(SEARCHINDEX)

# --- host tools
$(NW2MD): book/nw2md.c
$(LINKCHECK): book/linkcheck.c
$(SEARCHINDEX): book/searchindex.c
$(NW2MD) $(LINKCHECK) $(SEARCHINDEX):
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -o $@ $<
-include $(NW2MD).d $(LINKCHECK).d $(SEARCHINDEX).d

# --- weave: one run writes every page's Markdown; nw2md rewrites only pages whose
# text changed, so make re-runs pandoc only for those.
$(BOOK_MD)/.stamp: $(BOOK_CHAPTERS) $(NW2MD) book/weave.sh
	@test -n "$(BOOK_CHAPTERS)" || { echo "book.mk: no chapters (CHAPTERS is empty)" >&2; exit 1; }
	$(BOOK_WEAVE)
	@touch $@
$(BOOK_MD)/%.md: $(BOOK_MD)/.stamp
	@test -f $@ || $(BOOK_WEAVE)
.SECONDARY: $(BOOK_PAGES:%=$(BOOK_MD)/%.md) $(BOOK_MD)/book.md
-include $(BOOK_MD)/deps.mk

# --- HTML: one pandoc per page, in parallel under make -j; the sidebar, prev and next
# come in each page's front matter from nw2md.
$(BOOK_HTML)/%.html: $(BOOK_MD)/%.md book/templates/page.html $(BOOK_COMMON_DEPS)
	@mkdir -p $(@D)
	$(PANDOC) $(BOOK_PANDOC) --to html5 --standalone --template book/templates/page.html \
	  -o $@.tmp $< && mv $@.tmp $@
# The files every page loads: the style sheets (dark.css: the
# dark scheme), the search box (search.js; it loads the index when used), the
# Copy button on code blocks, the interactive page-table walk a dot block's
# walk="..." asks for (graphviz.lua).
$(BOOK_STATIC:%=$(BOOK_HTML)/%): $(BOOK_HTML)/%: book/%
	@mkdir -p $(@D)
	cp $< $@
# The search index: every page but the contents and the indexes, in the book's order.
$(BOOK_HTML)/search-index.js: $(BOOK_PAGES:%=$(BOOK_HTML)/%.html) $(SEARCHINDEX)
	$(SEARCHINDEX) $@ $(filter-out $(BOOK_HTML)/index.html $(BOOK_HTML)/indexes.html,$(BOOK_PAGES:%=$(BOOK_HTML)/%.html))
# Code chunks reach pandoc as raw HTML, so it would not add its highlighting CSS: make it once.
$(BOOK_HTML)/highlight.css: book/templates/highlight.tmpl $(BOOK_THEME) book/book.mk
	@mkdir -p $(@D)
	printf '```c\nint x;\n```\n' | $(PANDOC) --to html5 --template book/templates/highlight.tmpl \
	  --highlight-style $(BOOK_THEME) -M title=x -o $@

# --- EPUB and PDF from the whole-book Markdown
$(BOOK_MD)/epub.css: book/epub.css $(BOOK_HTML)/highlight.css
	cat book/epub.css $(BOOK_HTML)/highlight.css > $@
$(BOOK_EPUB): $(BOOK_MD)/book.md $(BOOK_MD)/epub.css $(BOOK_COMMON_DEPS) $(BOOK_FIGURE_FILES)
	$(PANDOC) $(BOOK_PANDOC) --to epub3 --toc --toc-depth=2 --epub-chapter-level=1 \
	  --css $(BOOK_MD)/epub.css -o $@.tmp $< && mv $@.tmp $@
# The PDF: pandoc writes the LaTeX, pdflatex runs here (until no reference has moved,
# at most five times) so that its log stays, in $(BOOK_MD)/pdf/book.log: test-book-pdf
# reads it for links to nowhere and undefined page references.
$(BOOK_PDF): $(BOOK_MD)/book.md book/latex-header.tex $(BOOK_COMMON_DEPS) $(BOOK_FIGURE_FILES)
	@rm -rf $(BOOK_MD)/pdf && mkdir -p $(BOOK_MD)/pdf
	$(PANDOC) $(BOOK_PANDOC) --to latex --standalone --top-level-division=chapter \
	  --number-sections --toc --toc-depth=2 -H book/latex-header.tex \
	  -V documentclass=book -V classoption=oneside -V papersize=a4 -V geometry:margin=2.6cm \
	  -V colorlinks=true -V linkcolor=blue!40!black -V urlcolor=blue!40!black \
	  --extract-media=$(BOOK_MD)/pdf -o $(BOOK_MD)/pdf/book.tex $<
	@for pass in 1 2 3 4 5; do \
	  pdflatex -interaction=nonstopmode -halt-on-error -output-directory=$(BOOK_MD)/pdf \
	    $(BOOK_MD)/pdf/book.tex > $(BOOK_MD)/pdf/pass.out 2>&1 || \
	    { tail -n 30 $(BOOK_MD)/pdf/pass.out >&2; \
	      echo "book.mk: pdflatex failed; see $(BOOK_MD)/pdf/book.log" >&2; exit 1; }; \
	  grep -q 'Rerun to get\|Label(s) may have changed' $(BOOK_MD)/pdf/book.log || break; \
	done; echo $$pass > $(BOOK_MD)/pdf/passes
	mv $(BOOK_MD)/pdf/book.pdf $@

# --- tests: PASS:/FAIL: lines. The test chapters are woven by a sub-make into $(BUILD)/book-test;
# the real book is a prerequisite, so a parallel `make book test-book` never builds it twice at once.
test-book: $(NW2MD) $(LINKCHECK) $(SEARCHINDEX) $(if $(strip $(BOOK_CHAPTERS)),book book-epub)
	@NW2MD=$(NW2MD) LINKCHECK=$(LINKCHECK) PANDOC=$(PANDOC) BUILD=$(BUILD) \
	  BOOK_MAKE="$(MAKE) --no-print-directory -f $(BOOK_TOP_MAKEFILE)" \
	  BOOK_REAL_CHAPTERS="$(BOOK_CHAPTERS)" sh book/tests/run.sh

# Being included must not change the top Makefile's default goal.
.DEFAULT_GOAL := $(BOOK_SAVED_GOAL)
