# Makefile: the one entry point of the project. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

CHAPTERS := $(sort $(wildcard src.nw/*.nw))
BUILD    := build
HOSTCC   := cc
HOSTCFLAGS := -O2 -g -Wall -Wextra -Werror -std=c11
NPROC    := $(shell nproc 2>/dev/null || echo 2)

# The kernel: generated/ is the plain tangle (committed); $(SRC) is the same
# tree tangled with #line directives, which is what we compile.
SRC      := $(BUILD)/src
# make KDEBUG=1 ...: the debug build (chapter 4), kept in a directory of its own
KOUT     := $(if $(filter 1,$(KDEBUG)),out-kdebug,out)
KERNEL   := $(SRC)/$(KOUT)/kernel.elf
MEM      ?= 128M
QEMU     := qemu-system-riscv64
QEMUOPTS  = -machine virt -nographic -bios default -smp 1 -m $(MEM) \
            -no-reboot -kernel $(KERNEL) $(QEMU_EXTRA)
GDBPORT  ?= $(shell expr $$(id -u) % 5000 + 25000)

# Before the includes: the labs' rules name it when they are read, and make's
# own default (TANGLE = tangle, for WEB) named our phony `tangle`, which made
# every reference tree out of date on every make.
TANGLE := book/tangle.sh

include book/lint.mk
include book/book.mk
include figures/figures.mk
include grading/grade.mk
include grading/gradescope/gradescope.mk
include labs/lab.mk

.PHONY: all help deps tangle tools kernel qemu qemu-gdb gdb check test bench clean

all: deps kernel book $(LABS)
	@echo
	@echo "kernel: $(KERNEL)   (run it: make qemu)"
	@echo "book:   $(BUILD)/book/index.html"
	@echo "lab 4:  $(BUILD)/lab4/ (handout: $(BUILD)/lab4/handout/index.html) and $(BUILD)/lab4.tar.gz"

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## make            install missing packages, tangle, build the kernel and the book
## make deps       install the Debian packages the project needs (apt-get)
## make tangle     regenerate generated/ and build/src/ from src.nw/
## make lint       check the chapters for noweb hazards and code lines over 80 columns
## make check      lint + generated/ equals a fresh tangle (fast)
## make kernel     build the kernel (compiled from the #line tangle)
## make qemu       boot it to a shell (type a program's name; exit powers off);
##                 INIT= runs every program at boot instead (MEM=128M by default);
##                 APPS="a.elf b.elf" runs exactly those ELF files instead;
##                 KDEBUG=1 boots the debug build (freed frames filled, checks);
##                 QEMU_EXTRA="-icount shift=3" adds QEMU options
## make qemu-gdb   boot it (as make qemu) waiting for gdb; then, in another terminal: make gdb
## make book       the HTML book in build/book/ (book-epub, book-pdf: the others)
## make test       every check; ends with "N passed, N failed"
## make bench      build, boot, book and per-page timings (build/bench.json)
## make fuzz       a million fuzzed system calls, each result predicted
## make clean      remove build/

# ---- packages ---------------------------------------------------------------
# Debian/Ubuntu packages the project uses; `make deps` installs the missing ones.
PACKAGES := gcc libc6-dev make noweb pandoc graphviz qemu-system-misc opensbi \
            gcc-riscv64-unknown-elf gdb-multiarch libcmocka-dev \
            texlive-latex-base texlive-latex-recommended lmodern unzip zip bubblewrap chromium \
            poppler-utils
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET    ?= apt-get
DPKG_QUERY ?= dpkg-query
# Commands whose absence means a package is missing, where dpkg cannot tell.
NEEDED_COMMANDS := cc notangle pandoc dot $(QEMU) riscv64-unknown-elf-gcc \
                   gdb-multiarch pdflatex unzip zip bwrap chromium pdftotext

deps:
	@if ! command -v $(DPKG_QUERY) >/dev/null || ! command -v $(APT_GET) >/dev/null; then \
	    for c in $(NEEDED_COMMANDS); do \
	        command -v $$c >/dev/null && continue; \
	        echo "make deps: '$$c' is missing and there is no apt-get here." >&2; \
	        echo "Install these packages (Debian names; your system's may differ):" >&2; \
	        echo "  $(PACKAGES)" >&2; exit 1; \
	    done; exit 0; \
	fi; \
	missing=$$(for p in $(PACKAGES); do \
	    $(DPKG_QUERY) -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | grep -qx installed || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing" $$missing; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    $(SUDO) $(APT_GET) update -qq && \
	    $(SUDO) $(APT_GET) install -y -qq --no-install-recommends $$missing || { \
	        echo "make deps: apt-get failed; install by hand: $$missing" >&2; exit 1; }; \
	fi

# Everything that needs the packages depends on this stamp (order-only).
$(BUILD)/.deps-ok: Makefile
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(@D) && touch $@

# ---- tangle -----------------------------------------------------------------
# (TANGLE is set above the includes.)

$(BUILD)/.tangle-stamp: $(CHAPTERS) $(TANGLE) | $(BUILD)/.deps-ok
	@mkdir -p $(BUILD)
	$(TANGLE) generated $(CHAPTERS)
	$(TANGLE) -L $(SRC) $(CHAPTERS)
	@touch $@

tangle: $(BUILD)/.tangle-stamp

# generated/ must be exactly what the chapters tangle to.
check-tangle:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(TANGLE) $$tmp $(CHAPTERS); \
	if diff -r -x out -x .tangled $$tmp generated > $$tmp.diff 2>&1; then \
	    echo "PASS: generated/ equals a fresh tangle"; \
	else \
	    echo "FAIL: generated/ differs from a fresh tangle of src.nw/ (run make tangle and commit):"; \
	    head -20 $$tmp.diff; rm -f $$tmp.diff; exit 1; \
	fi; rm -f $$tmp.diff

check: lint check-tangle

# The host tools of the pipeline (lint, weave back end, link checker).
tools: $(BUILD)/tools/nwlint book-tools $(PTDUMP2DOT)
# Whatever needs the packages waits for `make deps` (order-only).
$(BUILD)/lint.ok $(BUILD)/tools/nwlint $(NW2MD) $(LINKCHECK) $(PTDUMP2DOT) test-figures: | $(BUILD)/.deps-ok

# ---- kernel -----------------------------------------------------------------
kernel: $(BUILD)/.tangle-stamp
	$(MAKE) --no-print-directory -C $(SRC) O=$(KOUT) $(if $(APPS),APPS="$(abspath $(APPS))") \
	    $(if $(KTESTS),KTESTS="$(abspath $(KTESTS))") $(if $(INIT),INIT=$(INIT))

# make qemu boots chapter 5's shell as init, every program embedded for it
# to run by name, unless the command line says otherwise: APPS=... (those
# programs) or INIT= (every program at boot, as chapters 2-4 run them).
ifeq ($(origin INIT)$(APPS),undefined)
qemu qemu-gdb: INIT = sh
endif
qemu: kernel
	$(QEMU) $(QEMUOPTS)

qemu-gdb: kernel $(BUILD)/gdbinit
	@echo "*** now run 'make gdb' in another window" 1>&2
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

$(BUILD)/gdbinit: Makefile
	@mkdir -p $(@D)
	printf '%s\n' 'set architecture riscv:rv64' 'file $(KERNEL)' \
	    'directory $(CURDIR)' 'target remote localhost:$(GDBPORT)' \
	    'break main' 'continue' > $@

gdb: $(BUILD)/gdbinit
	gdb-multiarch -q -x $(BUILD)/gdbinit

include grading/tests.mk
include bench/bench.mk

clean:
	rm -rf $(BUILD)
