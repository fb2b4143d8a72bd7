#!/bin/sh
# run.sh: tests of figures/: ptdump2dot (golden drawings, malformed dumps, options) and the hand-drawn .dot files.
#
# Runs from the repository root (it goes there itself). Environment, all optional:
#   HOSTCC (cc), HOSTCFLAGS (-O2 -g -Wall -Wextra -Werror -std=c11), BUILD (build), DOT (dot)
# ptdump2dot is built twice into $BUILD/figures-tests, as is and with ASan + UBSan, and every
# tool check runs on both. One "PASS: figures: ..." or "FAIL: figures: ..." line per check;
# the exit status is 1 if any check failed.
# UPDATE=1 rewrites the golden files (figures/tests/expected/) instead of comparing: review the diff.
#
# Row labels (-e, -k) are tested on ELF files that mkelf.sh writes into $BUILD/figures-tests/elf
# (headers and symbols only): golden labelled drawings, the labels of chosen rows, refusals of
# bad ELF files and of an ELF that does not match the dump, and wrong versions of the converter
# (mutants: a page off at a segment's end, ...) that those tests must catch.
#
# A malformed sample figures/tests/bad/X.log states its own expected error on a line
#   # expect LINE: MESSAGE
# (the converter ignores lines without the dump marker); the run must exit 1 and print exactly
#   ptdump2dot: figures/tests/bad/X.log:LINE: MESSAGE

set -u
cd "$(dirname "$0")/../.." || exit 1
HOSTCC=${HOSTCC:-cc}
HOSTCFLAGS=${HOSTCFLAGS:--O2 -g -Wall -Wextra -Werror -std=c11}
BUILD=${BUILD:-build}
DOT=${DOT:-dot}
T=figures/tests
OUT=$BUILD/figures-tests
MAXWIDTH=530            # points; the book's text column (book/filters/graphviz.lua)
failed=0

pass() { printf 'PASS: figures: %s\n' "$1"; }
fail() {
	printf 'FAIL: figures: %s: %s\n' "$1" "$2"
	failed=$((failed + 1))
}

# same NAME EXPECTED ACTUAL: files equal (UPDATE=1: EXPECTED := ACTUAL)
same() {
	if [ "${UPDATE:-0}" = 1 ] && [ -n "${4:-}" ]; then
		cp "$3" "$2"
	fi
	if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "differs: diff $2 $3"; fi
}

# rejects NAME STATUS MESSAGE COMMAND...: exits STATUS, stdout empty, stderr's first line is MESSAGE
rejects() {
	name=$1 want=$2 msg=$3
	shift 3
	"$@" >"$OUT/r.out" 2>"$OUT/r.err"
	st=$?
	got=$(head -n 1 "$OUT/r.err")
	if [ "$st" -ne "$want" ]; then
		fail "$name" "exit status $st, expected $want ($got)"
	elif [ "$got" != "$msg" ]; then
		fail "$name" "said '$got', expected '$msg'"
	elif [ -s "$OUT/r.out" ]; then
		fail "$name" "wrote to stdout as well"
	else
		pass "$name"
	fi
}

# renders NAME FILE.dot FORMAT: dot turns it into FORMAT with nothing on stderr
renders() {
	if "$DOT" -T"$3" "$2" >"$OUT/render.$3" 2>"$OUT/render.err" && [ ! -s "$OUT/render.err" ]; then
		pass "$1"
	else
		fail "$1" "$(head -n 1 "$OUT/render.err")"
	fi
}

rm -rf "$OUT"
mkdir -p "$OUT" || exit 1
SRCC=${PTDUMP2DOT_C:-figures/ptdump2dot.c}	# another source to test, e.g. a deliberate mistake

# --- ELF files for the row labels (mkelf.sh: program headers, symbols)
EL=$OUT/elf
mkdir -p "$EL"
MK="sh $T/mkelf.sh"
# the ptdump program as the book links it (readelf -l build/src/out/user/ptdump.elf),
# the program of figures/tests/ptdump.log
$MK "$EL/ptdump.elf" attr:0:0x49:0:r load:0x10000:0x914:0x914:rx load:0x11000:0xc9:0xc9:r load:0x12000:1:1:rw
# hello of figures/tests/hello.log: three pages of text, one of rodata, data with .bss in a second page
$MK "$EL/hello.elf" load:0x10000:0x2a10:0x2a10:rx load:0x13000:0x1f0:0x1f0:r load:0x14000:0x30:0x1a00:rw
# kernels: that of figures/tests/kernel-layout.log; one whose image would end inside a
# megapage (ekernel 0x80500000: the 2 MiB leaf at 0x80400000 is part image, part RAM)
KSEG="load:0x80200000:0x3000:0x3000:rx load:0x80203000:0x10:0x2000:rw"
KSYM="stext=0x80200000 etext=0x80202000 srodata=0x80202000 erodata=0x80203000 sdata=0x80203000"
# shellcheck disable=SC2086
$MK "$EL/kernel.elf" $KSEG $KSYM ekernel=0x80205000
# shellcheck disable=SC2086
$MK "$EL/kernel-mixed.elf" $KSEG $KSYM ekernel=0x80500000
# shellcheck disable=SC2086
$MK "$EL/no-ekernel.elf" $KSEG $KSYM
# bad ones: short, truncated program headers, 32-bit, another machine, a segment
# above the user half, overlapping segments, more file bytes than memory, section
# headers cut off
head -c 20 "$EL/ptdump.elf" >"$EL/short.elf"
head -c 100 "$EL/ptdump.elf" >"$EL/truncated.elf"
patched() {	# FILE OFFSET OCTAL-BYTE: a copy of ptdump.elf with one byte changed
	cp "$EL/ptdump.elf" "$EL/$1"
	printf '%b' "\\0$3" | dd of="$EL/$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
patched elf32.elf 4 001
patched x86.elf 18 076
$MK "$EL/high.elf" load:0x3ffffff000:0x10:0x2000:rx
$MK "$EL/overlap.elf" load:0x10000:0x10:0x1800:rx load:0x11000:0x10:0x100:r
$MK "$EL/filesz.elf" load:0x10000:0x20:0x10:rx
head -c 12400 "$EL/kernel.elf" >"$EL/kernel-cut.elf"
# hello.log with its guard page mapped (line 28)
awk '{ print } /^\[ptdump\] 0 21 / { print "[ptdump] 0 22 0x0000000000016000 0x000000002010e4d7 0x0000000080439000 VRW-U-AD" }' \
	$T/hello.log | sed 's/^\[ptdump\] end hello 16/[ptdump] end hello 17/' >"$OUT/guard.log"

# --- the layout the labels follow is the kernel's: ptdump2dot's copies of the constants
# equal those of the tangled headers (generated/, committed), or a change to the chapter
# would leave the labels wrong
konst() {	# FILE NAME: the value of #define NAME, without blanks, comment, U and L suffixes; lower case
	sed -n "s|^#define $2[ 	][ 	]*\([^/]*\).*|\1|p" "$1" | head -n 1 | tr -d ' 	' |
		sed 's/PAGE_SIZE/PAGE/g; s/ULL//g; s/UL//g' | tr 'A-Z' 'a-z'
}
drift=
for k in vm.h:USER_TOP vm.h:TRAMPOLINE vm.h:TRAP_CONTEXT vm.h:USER_STACK_SIZE vm.h:KSTACK_PAGES \
    vm.h:MAX_KSTACKS memlayout.h:RAM_BASE memlayout.h:MAX_RAM; do
	h=generated/kernel/${k%%:*} n=${k#*:}
	a=$(konst "$h" "$n") b=$(konst "$SRCC" "$n")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then drift="$drift $n (${a:-none} in $h, ${b:-none} in $SRCC)"; fi
done
if [ -z "$drift" ]; then pass "ptdump2dot's layout constants are the kernel's (generated/kernel/vm.h, memlayout.h)"
else fail "ptdump2dot's layout constants are the kernel's" "differ:$drift"; fi

# labelled TOOL DIR: TOOL's labelled drawings into DIR (line 1 names the ELF as $OUT/elf/...)
labelled() {
	lt=$1 ld=$2
	"$lt" -e "$EL/ptdump.elf" $T/ptdump.log 2>>"$ld/err" | sed "1s|$OUT/|\$OUT/|" >"$ld/ptdump-labels.dot"
	"$lt" -e "$EL/hello.elf" $T/hello.log 2>>"$ld/err" | sed "1s|$OUT/|\$OUT/|" >"$ld/hello-labels.dot"
	"$lt" -k "$EL/kernel.elf" $T/kernel-layout.log 2>>"$ld/err" | sed "1s|$OUT/|\$OUT/|" >"$ld/kernel-labels.dot"
	"$lt" -k "$EL/kernel-mixed.elf" $T/kernel-layout.log 2>>"$ld/err" | sed "1s|$OUT/|\$OUT/|" >"$ld/kernel-mixed.dot"
	"$lt" -k "$EL/kernel.elf" $T/kernel-huge.log 2>>"$ld/err" | sed "1s|$OUT/|\$OUT/|" >"$ld/kernel-huge.dot"
}
# rowlabel FILE VA: the label ("what", the sixth cell) of the leaf or gap row of FILE whose
# address, or range, starts at VA; nothing if its table has no label column
rowlabel() {
	awk -v va="$2" '!/port="e/ && (index($0, ">" va "<") || index($0, ">" va "-")) {
		n = split($0, c, "<td"); s = c[n]; sub(/^[^>]*>/, "", s); gsub(/<[^>]*>/, "", s)
		if (n == 7) print s; exit }' "$1"
}
# labels_right DIR: the labels a reader checks by eye, on DIR's drawings; prints the first wrong one
labels_right() {
	for want in "ptdump-labels 0x10000 text" "ptdump-labels 0x11000 read-only data" \
	    "ptdump-labels 0x12000 data and bss" "ptdump-labels 0x13000 guard page" \
	    "ptdump-labels 0x14000 stack" "ptdump-labels 0xffffffffffffe000 trap context" \
	    "ptdump-labels 0xfffffffffffff000 trampoline" \
	    "hello-labels 0x10000 text" "hello-labels 0x13000 read-only data" "hello-labels 0x14000 data and bss" \
	    "hello-labels 0x16000 guard page" "hello-labels 0x17000 stack" \
	    "kernel-labels 0x100000 test device" "kernel-labels 0x80200000 text" \
	    "kernel-labels 0x80202000 read-only data" "kernel-labels 0x80203000 data and bss" \
	    "kernel-labels 0x80205000 rest of RAM" "kernel-labels 0x80400000 rest of RAM" \
	    "kernel-labels 0xffffffffffff6000 kernel stack" "kernel-labels 0xffffffffffffa000 guard page" \
	    "kernel-labels 0xffffffffffffb000 kernel stack" "kernel-labels 0xfffffffffffff000 trampoline" \
	    "kernel-labels 0xc0000000 " \
	    "kernel-mixed 0x80203000 data and bss" "kernel-mixed 0x80400000 mixed" \
	    "kernel-mixed 0x80600000 rest of RAM" "kernel-huge 0x0 mixed" \
	    "kernel-huge 0xfffffffffffff000 trampoline"; do
		f=${want%% *} rest=${want#* }
		va=${rest%% *} lab=${rest#* }
		got=$(rowlabel "$1/$f.dot" "$va")
		if [ "$got" != "$lab" ]; then
			echo "$f.dot: the row at $va says '$got', not '$lab'"
			return 1
		fi
	done
}

# --- build, plain and sanitized
TOOLS=
if $HOSTCC $HOSTCFLAGS -o "$OUT/ptdump2dot" "$SRCC" 2>"$OUT/cc.err" && [ ! -s "$OUT/cc.err" ]; then
	pass "ptdump2dot builds with $HOSTCFLAGS"
	TOOLS="$OUT/ptdump2dot"
else
	fail "ptdump2dot builds with $HOSTCFLAGS" "$(head -n 1 "$OUT/cc.err")"
fi
if $HOSTCC $HOSTCFLAGS -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-o "$OUT/ptdump2dot-san" "$SRCC" 2>"$OUT/cc-san.err" && [ ! -s "$OUT/cc-san.err" ]; then
	pass "ptdump2dot builds with ASan and UBSan"
	TOOLS="$TOOLS $OUT/ptdump2dot-san"
else
	fail "ptdump2dot builds with ASan and UBSan" "$(head -n 1 "$OUT/cc-san.err")"
fi

# --- the converter's checks, on each build
for P in $TOOLS; do
	case $P in *-san) v=" (sanitized)" ;; *) v= ;; esac
	E=$T/expected
	mkdir -p "$OUT/got"
	: >"$OUT/err"

	# golden drawings: the first dump, a dump by name, huge pages and long runs; the listing
	"$P" $T/hello.log >"$OUT/got/hello.dot" 2>>"$OUT/err"
	same "golden: first dump of hello.log$v" $E/hello.dot "$OUT/got/hello.dot" u
	"$P" -n mmap0 $T/hello.log >"$OUT/got/mmap0.dot" 2>>"$OUT/err"
	same "golden: -n mmap0 picks the second dump$v" $E/mmap0.dot "$OUT/got/mmap0.dot" u
	"$P" $T/kernel.log >"$OUT/got/kernel.dot" 2>>"$OUT/err"
	same "golden: kernel dump with huge pages and a 509-page run$v" $E/kernel.dot "$OUT/got/kernel.dot" u
	"$P" -l $T/hello.log >"$OUT/got/list.txt" 2>>"$OUT/err"
	same "golden: -l lists the dumps$v" $E/list.txt "$OUT/got/list.txt" u
	# two dumps of one name side by side (a fork: the parent, the child after one write)
	"$P" -c 3,2 -t "parent,child after one write" $T/cow.log >"$OUT/got/cow-pair.dot" 2>>"$OUT/err"
	same "golden: -c 3,2 draws the third and second dumps side by side$v" $E/cow-pair.dot "$OUT/got/cow-pair.dot" u
	"$P" -c 1,3 $T/cow.log >"$OUT/got/cow-default.dot" 2>>"$OUT/err"
	if grep -q '<b>cow_fig (dump 1)</b>' "$OUT/got/cow-default.dot" && grep -q '<b>cow_fig (dump 3)</b>' "$OUT/got/cow-default.dot" &&
	   grep -q '10 of 11 user pages in the same frame' "$OUT/got/cow-default.dot"; then
		pass "-c without -t titles each side by its dump's name and number$v"
	else
		fail "-c without -t titles each side by its dump's name and number$v" "see $OUT/got/cow-default.dot"
	fi
	# the same drawing from stdin, without the \r, and through -o
	"$P" <$T/hello.log 2>>"$OUT/err" | tail -n +2 >"$OUT/stdin.dot"
	tail -n +2 $E/hello.dot >"$OUT/golden-body.dot"
	same "standard input gives the same drawing$v" "$OUT/golden-body.dot" "$OUT/stdin.dot"
	tr -d '\r' <$T/hello.log | "$P" 2>>"$OUT/err" | tail -n +2 >"$OUT/nocr.dot"
	same "a log without carriage returns gives the same drawing$v" "$OUT/golden-body.dot" "$OUT/nocr.dot"
	if [ -s "$OUT/err" ]; then fail "nothing on stderr for good input$v" "$(head -n 1 "$OUT/err")"
	else pass "nothing on stderr for good input$v"; fi
	rm -f "$OUT/o.dot"
	if "$P" -o "$OUT/o.dot" $T/hello.log >"$OUT/o.stdout" 2>&1 && [ ! -s "$OUT/o.stdout" ]; then
		same "-o writes the drawing to the file$v" $E/hello.dot "$OUT/o.dot"
	else
		fail "-o writes the drawing to the file$v" "failed or wrote to stdout"
	fi
	rm -f "$OUT/bad.dot"
	"$P" -o "$OUT/bad.dot" $T/bad/orphan.log 2>/dev/null
	if [ -e "$OUT/bad.dot" ]; then fail "-o leaves no file on a bad dump$v" "$OUT/bad.dot exists"
	else pass "-o leaves no file on a bad dump$v"; fi
	# row labels from an ELF (-e, -k): golden drawings, chosen rows, the legend
	mkdir -p "$OUT/lab"
	: >"$OUT/lab/err"
	labelled "$P" "$OUT/lab"
	same "golden: ptdump.log labelled from its program's ELF (-e)$v" $E/ptdump-labels.dot "$OUT/lab/ptdump-labels.dot" u
	same "golden: hello.log labelled from its program's ELF (-e)$v" $E/hello-labels.dot "$OUT/lab/hello-labels.dot" u
	same "golden: a kernel's table labelled from its ELF's symbols (-k)$v" $E/kernel-labels.dot "$OUT/lab/kernel-labels.dot" u
	if [ -s "$OUT/lab/err" ]; then fail "nothing on stderr for matching ELF files$v" "$(head -n 1 "$OUT/lab/err")"
	else pass "nothing on stderr for matching ELF files$v"; fi
	if why=$(labels_right "$OUT/lab"); then
		pass "labels: text, read-only data, data and bss, guard page, stack, trap context, trampoline; the kernel's; mixed$v"
	else
		fail "labels of chosen rows$v" "$why"
	fi
	if grep -q '<td>what</td>' "$OUT/got/hello.dot" || grep -q 'colspan="6"' "$OUT/got/hello.dot"; then
		fail "no label column without -e or -k$v" "see $OUT/got/hello.dot"
	else
		pass "no label column without -e or -k$v"
	fi
	nolegend=
	for g in "$OUT/got/hello.dot" "$OUT/got/mmap0.dot" "$OUT/got/kernel.dot" "$OUT/lab/"*.dot; do
		grep -q '^  legend \[label=<$' "$g" || nolegend="$nolegend $g"
	done
	if [ -z "$nolegend" ]; then pass "every drawing has its legend$v"
	else fail "every drawing has its legend$v" "none in$nolegend"; fi
	leg="$OUT/lab/ptdump-labels.dot"
	missing=
	for w in 'bgcolor="#e4f4e4">user page (U set)<' 'bgcolor="#dce8fa">kernel-only page (no U)<' '<i>not mapped</i></font></td></tr>' \
	    '<td><b>V</b></td><td><b>R</b></td><td><b>W</b></td><td><b>X</b></td><td><b>U</b></td><td><b>G</b></td><td><b>A</b></td><td><b>D</b></td>' \
	    '<td>valid</td><td>read</td><td>write</td><td>execute</td><td>user</td><td>global</td><td>accessed</td><td>dirty</td>' \
	    'legend [style=invis'; do
		sed -n '/^  legend \[label=</,$p' "$leg" | grep -qF "$w" || missing="$missing [$w]"
	done
	if [ -z "$missing" ]; then pass "the legend: green user, blue kernel-only, grey not mapped, V R W X U G A D spelled out$v"
	else fail "the legend$v" "lacks$missing"; fi
	rm -f "$OUT/bad.dot"
	"$P" -e "$EL/ptdump.elf" -o "$OUT/bad.dot" $T/hello.log 2>/dev/null
	if [ -e "$OUT/bad.dot" ]; then fail "-o leaves no file when the ELF does not match$v" "$OUT/bad.dot exists"
	else pass "-o leaves no file when the ELF does not match$v"; fi

	# bad ELF files: a clear message naming the file, status 1 (2: cannot open it)
	rejects "-e with a file that is not an ELF$v" 1 "ptdump2dot: $T/hello.log: bad magic number (not an ELF file)" \
		"$P" -e $T/hello.log $T/hello.log
	rejects "-e with a file too short for an ELF header$v" 1 \
		"ptdump2dot: $EL/short.elf: not an ELF file: 20 bytes, too small for an ELF header (64)" \
		"$P" -e "$EL/short.elf" $T/ptdump.log
	rejects "-e with the program headers cut off$v" 1 \
		"ptdump2dot: $EL/truncated.elf: program headers lie outside the file (4 at offset 64, the file has 100 bytes): truncated?" \
		"$P" -e "$EL/truncated.elf" $T/ptdump.log
	rejects "-e with a 32-bit ELF$v" 1 "ptdump2dot: $EL/elf32.elf: not a 64-bit ELF file" \
		"$P" -e "$EL/elf32.elf" $T/ptdump.log
	rejects "-e with an x86-64 ELF$v" 1 "ptdump2dot: $EL/x86.elf: not a RISC-V file (e_machine 62)" \
		"$P" -e "$EL/x86.elf" $T/ptdump.log
	rejects "-e with a segment above the user half$v" 1 \
		"ptdump2dot: $EL/high.elf: program header 0: segment outside the user half [0x1000, 0x4000000000)" \
		"$P" -e "$EL/high.elf" $T/ptdump.log
	rejects "-e with overlapping segments$v" 1 "ptdump2dot: $EL/overlap.elf: program header 1: overlapping segments" \
		"$P" -e "$EL/overlap.elf" $T/ptdump.log
	rejects "-e with more file bytes than memory$v" 1 \
		"ptdump2dot: $EL/filesz.elf: program header 0: segment with p_filesz > p_memsz" \
		"$P" -e "$EL/filesz.elf" $T/ptdump.log
	rejects "-k with a program's ELF (no symbols)$v" 1 \
		"ptdump2dot: $EL/ptdump.elf: no section headers, so no symbol table (stripped?)" \
		"$P" -k "$EL/ptdump.elf" $T/kernel-layout.log
	rejects "-k without ekernel$v" 1 \
		"ptdump2dot: $EL/no-ekernel.elf: no symbol ekernel: a kernel's ELF has stext, etext, srodata, erodata, sdata and ekernel" \
		"$P" -k "$EL/no-ekernel.elf" $T/kernel-layout.log
	rejects "-k with the section headers cut off$v" 1 \
		"ptdump2dot: $EL/kernel-cut.elf: section headers lie outside the file (3 at offset 12504, the file has 12400 bytes): truncated?" \
		"$P" -k "$EL/kernel-cut.elf" $T/kernel-layout.log
	rejects "-e with a missing file$v" 2 "ptdump2dot: cannot open $EL/none.elf: No such file or directory" \
		"$P" -e "$EL/none.elf" $T/ptdump.log
	# an ELF that is not the dump's: refused at the first page it contradicts
	rejects "-e with another program's ELF$v" 1 \
		"ptdump2dot: $T/hello.log:23: 0x11000 is mapped VR-XU-A-, but by the layout of $EL/ptdump.elf it is read-only data, mapped R--U" \
		"$P" -e "$EL/ptdump.elf" $T/hello.log
	rejects "-e on a dump that maps the guard page$v" 1 \
		"ptdump2dot: $OUT/guard.log:28: 0x16000 is mapped (VRW-U-AD), but by the layout of $EL/hello.elf it is a guard page, never mapped" \
		"$P" -e "$EL/hello.elf" "$OUT/guard.log"
	rejects "-k with kernel stacks where kstack_top does not put them$v" 1 \
		"ptdump2dot: $T/kernel.log:527: 0xffffffffffffa000 is mapped (VRW---AD), but by the layout of $EL/kernel.elf it is a guard page, never mapped" \
		"$P" -k "$EL/kernel.elf" $T/kernel.log
	rejects "-e and -k together$v" 2 "ptdump2dot: -e and -k exclude each other" \
		"$P" -e "$EL/ptdump.elf" -k "$EL/kernel.elf" $T/ptdump.log
	rejects "-e with -c$v" 2 "ptdump2dot: -e and -k go with neither -c nor -l" "$P" -c 1,2 -e "$EL/ptdump.elf" $T/cow.log
	rejects "-e without its argument$v" 2 "ptdump2dot: option -e needs an argument" "$P" -e

	if [ -w /dev/full ]; then
		rejects "a write error is reported$v" 2 "ptdump2dot: cannot write /dev/full: No space left on device" \
			"$P" -o /dev/full $T/hello.log
	fi

	# malformed dumps: each names its own expected message
	for f in $T/bad/*.log; do
		exp=$(sed -n 's/^# expect \([0-9][0-9]*\): /\1: /p' "$f")
		if [ -z "$exp" ]; then
			fail "$f" "no '# expect LINE: message' line"
			continue
		fi
		rejects "rejects $(basename "$f" .log)$v" 1 "ptdump2dot: $f:$exp" "$P" "$f"
	done
	rejects "errors on stdin are named <stdin>$v" 1 \
		"ptdump2dot: <stdin>:4: level-0 entry 16 with no level-0 table open: it must follow a level-1 non-leaf entry or its table's other entries" \
		sh -c '"$1" <"$2"' sh "$P" $T/bad/orphan.log
	rejects "empty input$v" 1 "ptdump2dot: <stdin>:1: no page-table dump in the input" \
		sh -c '"$1" </dev/null' sh "$P"
	rejects "-n with a name not in the log$v" 1 "ptdump2dot: $T/hello.log:61: no dump named nope in the input" \
		"$P" -n nope $T/hello.log
	rejects "-c with a dump the log does not have$v" 1 "ptdump2dot: $T/cow.log:63: no dump number 9: the input has 3" \
		"$P" -c 1,9 $T/cow.log
	rejects "-c with the same dump twice$v" 2 "ptdump2dot: -c wants two different dump numbers from 1, K1,K2" \
		"$P" -c 2,2 $T/cow.log
	rejects "-c with a zero$v" 2 "ptdump2dot: -c wants two different dump numbers from 1, K1,K2" \
		"$P" -c 0,2 $T/cow.log
	rejects "-c with -n$v" 2 "ptdump2dot: -c goes with neither -n nor -l" "$P" -c 1,2 -n cow_fig $T/cow.log
	rejects "-t without -c$v" 2 "ptdump2dot: -t goes with -c" "$P" -t a,b $T/cow.log
	rejects "-t with one title$v" 2 "ptdump2dot: -t wants two titles, TITLE1,TITLE2" "$P" -c 1,2 -t parent $T/cow.log
	rejects "-c still checks every dump it reads$v" 1 \
		"ptdump2dot: $T/bad/bad-flags.log:5: flags 'VR-XU-AZ': character 8 is 'Z', expected 'D' or '-'" \
		"$P" -c 1,2 $T/bad/bad-flags.log
	rejects "-n still checks the dumps before the chosen one$v" 1 \
		"ptdump2dot: $T/bad/bad-flags.log:5: flags 'VR-XU-AZ': character 8 is 'Z', expected 'D' or '-'" \
		"$P" -n other $T/bad/bad-flags.log

	# usage
	rejects "unknown option$v" 2 "ptdump2dot: unknown option -x" "$P" -x
	rejects "-o without its argument$v" 2 "ptdump2dot: option -o needs an argument" "$P" -o
	rejects "-n without its argument$v" 2 "ptdump2dot: option -n needs an argument" "$P" -n
	rejects "two input files$v" 2 "ptdump2dot: one input file at most" "$P" $T/hello.log $T/kernel.log
	rejects "missing input file$v" 2 "ptdump2dot: cannot open $T/no-such.log: No such file or directory" \
		"$P" $T/no-such.log
	if "$P" -h >"$OUT/help" 2>&1; then
		missing=
		for o in h l n o c t e k; do grep -q "^  -$o " "$OUT/help" || missing="$missing -$o"; done
		grep -q '^usage: ptdump2dot' "$OUT/help" || missing="$missing usage-line"
		if [ -z "$missing" ]; then pass "-h lists every option$v"; else fail "-h lists every option$v" "lacks$missing"; fi
	else
		fail "-h lists every option$v" "exit status $?"
	fi
done

# --- the golden drawings are valid Graphviz; the labelled program's table, like the
# book's live figure, still fits the text column with its labels and legend
for g in $T/expected/*.dot; do
	renders "$g renders with dot -Tsvg" "$g" svg
	case $g in */ptdump-labels.dot)
		w=$(sed -n 's/^<svg width="\([0-9.]*\)pt".*/\1/p' "$OUT/render.svg" | cut -d. -f1)
		if [ -n "$w" ] && [ "$w" -le $MAXWIDTH ]; then pass "$g fits the book's width (${w}pt)"
		else fail "$g fits the book's width" "${w:-?}pt wide, more than ${MAXWIDTH}pt"; fi ;;
	esac
done

# --- wrong labellings the label tests must catch: copies of the converter, each with one
# deliberate mistake (sed), built plainly; a mutant that passes means a test is missing
mutant() {	# NAME SED-SCRIPT
	sed "$2" "$SRCC" >"$OUT/mutant.c"
	if cmp -s "$SRCC" "$OUT/mutant.c"; then
		fail "mutant: $1" "the edit no longer applies to $SRCC: update run.sh"
		return
	fi
	if ! $HOSTCC $HOSTCFLAGS -Wno-error -o "$OUT/mutant" "$OUT/mutant.c" 2>"$OUT/mutant.err"; then
		fail "mutant: $1" "does not build: $(head -n 1 "$OUT/mutant.err")"
		return
	fi
	rm -rf "$OUT/mut"
	mkdir -p "$OUT/mut"
	: >"$OUT/mut/err"
	labelled "$OUT/mutant" "$OUT/mut"
	caught=
	for n in ptdump-labels hello-labels kernel-labels; do
		cmp -s "$T/expected/$n.dot" "$OUT/mut/$n.dot" || caught="$caught, golden $n.dot differs"
	done
	why=$(labels_right "$OUT/mut") || caught="$caught, $why"
	caught=${caught#, }
	if [ -n "$caught" ]; then pass "mutant caught: $1 ($caught)"
	else fail "mutant not caught: $1" "the label tests pass on it"; fi
}
mutant "a segment's last page left out" 's/hi = pagedown(va + memsz + PAGE - 1) - 1;/hi = pagedown(va + memsz - 1) - 1;/'
mutant "the stack one page short" 's/top + PAGE + USER_STACK_SIZE - 1, "stack"/top + USER_STACK_SIZE - 1, "stack"/'
mutant "the guard page one page up" 's/addregion(top, top + PAGE - 1, "guard page"/addregion(top + PAGE, top + 2 * PAGE - 1, "guard page"/'
mutant "runs not split where the label changes" 's/ || entryregion(c) != r)/)/'
mutant "a huge leaf labelled by a region it is only partly in" 's/ || regions\[i\].lo > lo || regions\[i\].hi < hi)/)/'
mutant "trap context and trampoline swapped" 's/"trap context", PTE_R | PTE_W/"trampoline", PTE_R | PTE_W/'

# --- ptdump2js.sh: a dump as data for the book's interactive walk (book/ptwalk.js)
J=figures/ptdump2js.sh
if sh $J $T/hello.log hello > "$OUT/hello-walk.js" 2> "$OUT/js.err" && [ ! -s "$OUT/js.err" ]; then
	same "ptdump2js: hello.log's dump as data" $T/expected/hello-walk.js "$OUT/hello-walk.js" 1
else
	fail "ptdump2js: hello.log's dump as data" "status or stderr: $(cat "$OUT/js.err")"
fi
n=$(sh $J $T/hello.log mmap0 0x10000 2> /dev/null | grep -c '^    \[')
if [ "$n" = 18 ] && sh $J $T/hello.log mmap0 0x10000 | grep -q '^  start: "0x10000",$'; then
	pass "ptdump2js: a dump whose begin line follows other output (18 entries), a start address"
else
	fail "ptdump2js: mmap0" "$n entries"
fi
# refusals: status, and the message naming the file (and line)
js_refuses() {	# NAME STATUS MESSAGE ARGS...
	name=$1 st=$2 msg=$3; shift 3
	got=$(sh $J "$@" 2>&1 > /dev/null); s=$?
	if [ $s = "$st" ] && [ "$got" = "$msg" ]; then pass "ptdump2js refuses $name"
	else fail "ptdump2js refuses $name" "status $s, said '$got', want $st '$msg'"; fi
}
js_refuses "a dump the log lacks" 1 "ptdump2js: $T/hello.log: no dump titled nope" $T/hello.log nope
js_refuses "a wrong end count" 1 "ptdump2js: $T/bad/bad-count.log:7: the end line counts 5 entries, the dump has 4" \
	$T/bad/bad-count.log t
js_refuses "a short entry" 1 "ptdump2js: $T/bad/fields.log:3: malformed entry: [ptdump] 2 0 0x0000000000000000 0x000000002010c801 0x0000000080432000" \
	$T/bad/fields.log t
js_refuses "a dump without its end" 1 "ptdump2js: $T/bad/no-end.log: the dump t has no end line" $T/bad/no-end.log t
js_refuses "a name that is not one" 2 "ptdump2js: 'a b': a dump's name is letters, digits, _ and -" $T/hello.log 'a b'
js_refuses "no arguments" 2 "usage: ptdump2js.sh LOG NAME [START]"

# --- the hand-drawn figures: render to SVG and PDF without warnings, fit the text column,
# keep to ASCII (plus the arrows and signs the PDF book declares), start with a purpose line
for f in figures/*.dot; do
	renders "$f renders with dot -Tsvg" "$f" svg
	w=$(sed -n 's/^<svg width="\([0-9.]*\)pt".*/\1/p' "$OUT/render.svg" | cut -d. -f1)
	if [ -n "$w" ] && [ "$w" -le $MAXWIDTH ]; then
		pass "$f fits the book's width (${w}pt)"
	else
		fail "$f fits the book's width" "${w:-?}pt wide, more than ${MAXWIDTH}pt: it would scroll"
	fi
	renders "$f renders with dot -Tpdf" "$f" pdf
	bad=$(sed 's/→//g; s/≤//g; s/≥//g' "$f" | LC_ALL=C grep -n '[^ -~	]' | head -n 1)
	if [ -z "$bad" ]; then pass "$f is ASCII (and -> <= >= signs)"; else fail "$f is ASCII" "line $bad"; fi
	if head -n 1 "$f" | grep -q "^// $(basename "$f"): "; then pass "$f starts with its purpose"
	else fail "$f starts with its purpose" "line 1 is not '// $(basename "$f"): ...'"; fi
done

[ "$failed" -eq 0 ]
