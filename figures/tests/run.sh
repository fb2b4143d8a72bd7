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

# --- build, plain and sanitized
TOOLS=
if $HOSTCC $HOSTCFLAGS -o "$OUT/ptdump2dot" figures/ptdump2dot.c 2>"$OUT/cc.err" && [ ! -s "$OUT/cc.err" ]; then
	pass "ptdump2dot builds with $HOSTCFLAGS"
	TOOLS="$OUT/ptdump2dot"
else
	fail "ptdump2dot builds with $HOSTCFLAGS" "$(head -n 1 "$OUT/cc.err")"
fi
if $HOSTCC $HOSTCFLAGS -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-o "$OUT/ptdump2dot-san" figures/ptdump2dot.c 2>"$OUT/cc-san.err" && [ ! -s "$OUT/cc-san.err" ]; then
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
		for o in h l n o c t; do grep -q "^  -$o " "$OUT/help" || missing="$missing -$o"; done
		grep -q '^usage: ptdump2dot' "$OUT/help" || missing="$missing usage-line"
		if [ -z "$missing" ]; then pass "-h lists every option$v"; else fail "-h lists every option$v" "lacks$missing"; fi
	else
		fail "-h lists every option$v" "exit status $?"
	fi
done

# --- the golden drawings are valid Graphviz
for g in $T/expected/*.dot; do
	renders "$g renders with dot -Tsvg" "$g" svg
done

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
