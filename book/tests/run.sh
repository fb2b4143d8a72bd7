#!/bin/sh
# run.sh: tests of the book tools (nw2md, weave.sh, filters, linkcheck); one PASS:/FAIL: line per check.
#
# Run by `make test-book` from the repository root, which sets:
#   NW2MD LINKCHECK PANDOC BUILD   tools and the build directory
#   BOOK_MAKE                      "make -f <top Makefile>", to build the test chapters with the real rules
#   BOOK_REAL_CHAPTERS             the book's chapters, already built into $BUILD/book and
#                                  $BUILD/book.epub (empty: skip the real-book checks)
# UPDATE=1 rewrites the golden files (book/tests/weave/expected/) instead of comparing.

set -u
: "${NW2MD:?}" "${LINKCHECK:?}" "${BUILD:?}" "${BOOK_MAKE:?}"
PANDOC=${PANDOC:-pandoc}
BOOK_REAL_CHAPTERS=${BOOK_REAL_CHAPTERS:-}
T=book/tests
OUT=$BUILD/book-tests
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; failed=$((failed + 1)); }
# check NAME COMMAND...: PASS if the command succeeds, else FAIL with its last stderr line
check() {
	name=$1
	shift
	if "$@" >"$OUT/check.out" 2>"$OUT/check.err"; then
		pass "$name"
	else
		fail "$name" "$(tail -n 1 "$OUT/check.err" | cut -c1-200) (see $OUT/check.err)"
		cp "$OUT/check.err" "$OUT/failed-$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').err"
	fi
}
# expect_fail NAME STATUS PATTERN COMMAND...: the command must exit STATUS and print PATTERN
expect_fail() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$OUT/ef.out" 2>"$OUT/ef.err"
	st=$?
	if [ "$st" -ne "$want" ]; then
		fail "$name" "exit status $st, expected $want"
	elif ! cat "$OUT/ef.out" "$OUT/ef.err" | grep -q -F -- "$pat"; then
		fail "$name" "output lacks '$pat': $(cat "$OUT/ef.out" "$OUT/ef.err" | head -n 1)"
	else
		pass "$name"
	fi
}
# has NAME FILE PATTERN: FILE contains the fixed string PATTERN
has() {
	if grep -q -F -- "$3" "$2" 2>/dev/null; then pass "$1"; else fail "$1" "'$3' not in $2"; fi
}

rm -rf "$OUT"
mkdir -p "$OUT" || exit 1

# --- nw2md on the test chapters: golden Markdown
TESTCH=$(echo $T/weave/*.nw)
if sh book/weave.sh "$NW2MD" "$OUT/md" $TESTCH 2>"$OUT/weave.err" && [ ! -s "$OUT/weave.err" ]; then
	pass "weave test chapters without warnings"
else
	fail "weave test chapters without warnings" "$(head -n 1 "$OUT/weave.err")"
fi
if [ "${UPDATE:-0}" = 1 ]; then
	mkdir -p $T/weave/expected
	rm -f $T/weave/expected/*
	cp "$OUT"/md/*.md "$OUT/md/deps.mk" $T/weave/expected/
	echo "run.sh: golden files rewritten in $T/weave/expected" >&2
fi
for g in $T/weave/expected/*; do
	f=$(basename "$g")
	if cmp -s "$g" "$OUT/md/$f"; then
		pass "nw2md golden $f"
	else
		fail "nw2md golden $f" "differs: diff $g $OUT/md/$f"
	fi
done

# --- incremental: an unchanged weave rewrites nothing; a prose edit rewrites its page only
mkdir -p "$OUT/src"
cp $TESTCH "$OUT/src/"
sh book/weave.sh "$NW2MD" "$OUT/inc" "$OUT"/src/*.nw 2>/dev/null
touch "$OUT/marker"
sleep 1
sh book/weave.sh "$NW2MD" "$OUT/inc" "$OUT"/src/*.nw 2>/dev/null
new=$(find "$OUT/inc" -newer "$OUT/marker" -type f | wc -l)
if [ "$new" -eq 0 ]; then pass "nw2md leaves unchanged pages alone"; else fail "nw2md leaves unchanged pages alone" "$new files rewritten"; fi
sed 's/Linux has a buddy allocator\./Linux has a buddy allocator, and so will we./' $T/weave/02-memory.nw >"$OUT/src/02-memory.nw"
touch "$OUT/marker"
sleep 1
sh book/weave.sh "$NW2MD" "$OUT/inc" "$OUT"/src/*.nw 2>/dev/null
new=$(cd "$OUT/inc" && find . -newer ../marker -type f | sort | tr '\n' ' ')
if [ "$new" = "./02-memory.md ./book.md " ]; then
	pass "nw2md rewrites only the edited page"
else
	fail "nw2md rewrites only the edited page" "rewrote: $new"
fi

# --- errors in the pipeline and in chapters
expect_fail "nw2md stops at @fatal" 1 "fatal.pipe:6: noweb stage failed: markup a.nw:7: unescaped <<" \
	"$NW2MD" -b "$OUT/e.md" $T/errors/fatal.pipe
expect_fail "nw2md rejects a non-pipeline line" 1 "badline.pipe:4: not a noweb pipeline line" \
	"$NW2MD" -b "$OUT/e.md" $T/errors/badline.pipe
expect_fail "nw2md rejects truncated input" 1 "truncated.pipe:9: input ends inside a chunk" \
	"$NW2MD" -b "$OUT/e.md" $T/errors/truncated.pipe
expect_fail "nw2md rejects unknown keywords" 1 "unknown.pipe:4: unknown keyword '@frobnicate'" \
	"$NW2MD" -b "$OUT/e.md" $T/errors/unknown.pipe
expect_fail "nw2md rejects input without @file" 1 "nofile.pipe:1: @begin before any @file" \
	"$NW2MD" -b "$OUT/e.md" $T/errors/nofile.pipe
expect_fail "nw2md rejects empty input" 1 "no chapters" "$NW2MD" -b "$OUT/e.md" $T/errors/empty.pipe
expect_fail "nw2md usage without outputs" 2 "usage: nw2md" "$NW2MD"
expect_fail "nw2md usage on a bad option" 2 "bad option '-x'" "$NW2MD" -x
expect_fail "weave fails on a bare << in prose" 1 "bare-shift.nw:3: unescaped << in documentation chunk" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/bare-shift.nw
expect_fail "weave fails on a missing chapter" 1 "no-such-chapter.nw: no such chapter" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/no-such-chapter.nw
expect_fail "nw2md -W: a warning fails the weave" 1 "is used but never defined" \
	env NW2MD_FLAGS=-W sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/undefined.nw
expect_fail "weave warns about an END SOLUTION without a BEGIN" 0 "solution-markers.nw:5: warning: END SOLUTION without a BEGIN" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/solution-markers.nw
expect_fail "weave warns about a BEGIN SOLUTION inside a region" 0 "solution-markers.nw:9: warning: BEGIN SOLUTION inside the region begun on line 6" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/solution-markers.nw
expect_fail "weave warns about a BEGIN SOLUTION that never ends" 0 "warning: BEGIN SOLUTION never ends in its chunk" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/solution-markers.nw
# Two chapters with one number: their chunk tags clash only if both have code.
mkdir -p "$OUT/clash"
printf '# A\n\n<<a.c>>=\nint a;\n@\n' > "$OUT/clash/00-a.nw"
printf '# B\n\n<<b.c>>=\nint b;\n@\n' > "$OUT/clash/00-b.nw"
printf '# C\n\nProse only.\n' > "$OUT/clash/00-c.nw"
expect_fail "weave warns about two chapters numbered 0 with code" 0 "00-b.nw:1: warning: chapter number 0 is also" \
	sh book/weave.sh "$NW2MD" "$OUT/err" "$OUT/clash/00-a.nw" "$OUT/clash/00-b.nw"
if sh book/weave.sh "$NW2MD" "$OUT/err" "$OUT/clash/00-a.nw" "$OUT/clash/00-c.nw" 2>&1 | grep -q warning; then
	fail "weave: a prose-only chapter may share a number" "warned"
else
	pass "weave: a prose-only chapter may share a number"
fi
expect_fail "weave warns about an undefined chunk" 0 "undefined.nw:5: warning: chunk <<helper that nobody wrote>> is used but never defined" \
	sh book/weave.sh "$NW2MD" "$OUT/err" $T/errors/undefined.nw

# --- linkcheck on hand-made trees
"$LINKCHECK" $T/linkcheck/good >"$OUT/lc.out" 2>&1
st=$?
if [ $st -eq 0 ] && [ "$(cat "$OUT/lc.out")" = "linkcheck: 3 files, 13 internal links, 0 broken" ]; then
	pass "linkcheck accepts a good tree"
else
	fail "linkcheck accepts a good tree" "status $st: $(head -n 1 "$OUT/lc.out")"
fi
"$LINKCHECK" -u $T/linkcheck/bad >"$OUT/lc.out" 2>&1
st=$?
if [ $st -eq 1 ] && cmp -s "$OUT/lc.out" $T/linkcheck/bad.expected; then
	pass "linkcheck reports each broken link"
else
	fail "linkcheck reports each broken link" "status $st; diff $T/linkcheck/bad.expected $OUT/lc.out"
fi
if "$PANDOC" -o "$OUT/broken.epub" -M title=broken $T/linkcheck/broken-epub.md 2>/dev/null; then
	expect_fail "linkcheck finds a broken link in an EPUB" 1 \
		"broken.epub/EPUB/text/ch001.xhtml: broken link '#nowhere'" "$LINKCHECK" "$OUT/broken.epub"
else
	fail "linkcheck finds a broken link in an EPUB" "pandoc could not make the test EPUB"
fi
expect_fail "linkcheck rejects a file that is not an EPUB" 2 "unzip failed" "$LINKCHECK" $T/linkcheck/not-an.epub
expect_fail "linkcheck usage" 2 "usage: linkcheck" "$LINKCHECK"
mkdir -p "$OUT/empty"
expect_fail "linkcheck rejects a tree with no pages" 2 "no HTML" "$LINKCHECK" "$OUT/empty"

# --- the test chapters through the real make rules: HTML, EPUB, PDF
TB=$BUILD/book-test
SUB="$BOOK_MAKE BOOK_CHAPTERS=\"$TESTCH\" BOOK_OUT=$TB"
check "test chapters: HTML" sh -c "$SUB book"
check "test chapters: EPUB" sh -c "$SUB book-epub"
check "test chapters: PDF" sh -c "$SUB book-pdf"
check "test chapters: HTML has no broken links" "$LINKCHECK" -u "$TB/book"
check "test chapters: EPUB has no broken links" "$LINKCHECK" -u "$TB/book.epub"
H=$TB/book
has "html: identifier in asm links to another page" "$H/01-boot.html" '<a href="02-memory.html#id-kmain" class="id">kmain</a>'
has "html: chunk reference in code is a link" "$H/01-boot.html" '<a href="#chunk-console-state" class="chunkref">'
has "html: continuation links to previous page" "$H/02-memory.html" '<a href="01-boot.html#chunk-kernel-console-c" class="chunkprev"'
has "html: prose [[identifier]] links to its definition" "$H/01-boot.html" '<a href="#id-kputc" class="id"><code>kputc</code></a>'
has "html: code is highlighted" "$H/01-boot.html" '<span class="dt">void</span>'
has "html: inline SVG figure" "$H/01-boot.html" '<figure class="graphviz">'
has "html: SVG figure from a file" "$H/02-memory.html" '<title>frames</title>'
has "html: next-chapter navigation" "$H/01-boot.html" '<a rel="next" href="02-memory.html">'
has "html: contents lists sections" "$H/index.html" 'href="02-memory.html#frames"'
has "html: identifier index" "$H/indexes.html" 'id="index-identifiers"'
if grep 'must not link' "$H/01-boot.html" | grep -q '<a '; then
	fail "html: no links inside C comments" "a link in a comment line"
else
	pass "html: no links inside C comments"
fi
if grep '&quot;kputc: &quot;' "$H/01-boot.html" | grep -q 'class="id"'; then
	fail "html: no links inside C strings" "a link in a string"
else
	pass "html: no links inside C strings"
fi
# A lab's solution region (labs/strip.c's markers): shaded and labelled, markers gone.
has "html: solution region shaded and labelled" "$H/02-memory.html" \
	'<span class="solution solfirst" data-label="Solution: lab 9, exercise 2">'
if grep -q 'SOLUTION' "$H/02-memory.html"; then
	fail "html: solution markers not shown" "$(grep -c SOLUTION "$H/02-memory.html") lines with SOLUTION"
else
	pass "html: solution markers not shown"
fi
has "html: answer to a question" "$H/02-memory.html" '<div class="answer">'
# Prose for one edition (labs/strip.c): the book keeps the instructor's, unwrapped, and
# drops the student's.
has "html: '::: instructor' prose shown" "$H/02-memory.html" "<p>Said in the book only.</p>"
if grep -q "Said in a handout only\|class=\"instructor\"\|class=\"student\"" "$H/02-memory.html"; then
	fail "html: '::: student' prose left out, no edition div" "$(grep -c "handout only\|class=\"instructor\"\|class=\"student\"" "$H/02-memory.html") lines"
else
	pass "html: '::: student' prose left out, no edition div"
fi
"$PANDOC" --metadata-file book/metadata.yaml "$TB/book-md/book.md" --to latex --lua-filter book/filters/chunks.lua \
	-o "$OUT/test-chapters.tex" 2>"$OUT/tex.err"
has "latex: solution region in its own shaded block" "$OUT/test-chapters.tex" \
	'\SolutionLabel{Solution: lab 9, exercise 2}'
has "latex: answer box" "$OUT/test-chapters.tex" '\begin{AnswerBox}'
has "latex: '::: instructor' prose shown" "$OUT/test-chapters.tex" "Said in the book only."
if grep -q "Said in a handout only" "$OUT/test-chapters.tex"; then
	fail "latex: '::: student' prose left out" "it is in $OUT/test-chapters.tex"
else
	pass "latex: '::: student' prose left out"
fi
if head -c 5 "$TB/book.pdf" 2>/dev/null | grep -q '%PDF-'; then pass "pdf: is a PDF"; else fail "pdf: is a PDF" "no %PDF- header"; fi

# --- contrast: every colour code is drawn in, on every code background, from the CSS the
# pages load (WCAG ratio, at least 4.5:1); the EPUB's own style sheet with the same colours.
for css in "html:$TB/book/style.css" "epub:book/epub.css"; do
	name=${css%%:*} file=${css#*:}
	if awk -v MIN=4.5 -f $T/contrast.awk "$file" "$TB/book/highlight.css" >"$OUT/contrast-$name.out" 2>&1; then
		pass "$name: $(tail -n 1 "$OUT/contrast-$name.out")"
	else
		fail "$name: code colours below 4.5:1 contrast" \
			"$(grep -c '^FAIL' "$OUT/contrast-$name.out") pairs, e.g. $(grep -m 1 '^FAIL' "$OUT/contrast-$name.out" | cut -c 17-200) (see $OUT/contrast-$name.out)"
	fi
done
# The check can fail: a light comment colour (the old pygments teal) is found.
sed 's/^code span\.co {[^}]*}/code span.co { color: #60a0b0; }/' "$TB/book/highlight.css" >"$OUT/light.css"
if grep -q '#60a0b0' "$OUT/light.css" &&
	! awk -v MIN=4.5 -f $T/contrast.awk "$TB/book/style.css" "$OUT/light.css" >"$OUT/contrast-light.out" 2>&1 &&
	grep -q '^FAIL: contrast: code span.co #60a0b0 on pre code span.solution #fcf1de: 2.63:1' "$OUT/contrast-light.out"; then
	pass "contrast check finds a light comment colour (2.63:1 on solution shading)"
else
	fail "contrast check finds a light comment colour" "$(head -n 2 "$OUT/contrast-light.out")"
fi

# --- the book itself
# (built by make before this script: test-book depends on book and book-epub)
if [ -n "$BOOK_REAL_CHAPTERS" ]; then
	n=0
	for ch in $BOOK_REAL_CHAPTERS; do
		[ -s "$BUILD/book/$(basename "$ch" .nw).html" ] || n=$((n + 1))
	done
	if [ "$n" -eq 0 ] && [ -s "$BUILD/book/index.html" ] && [ -s "$BUILD/book/indexes.html" ]; then
		pass "book: HTML has a page per chapter"
	else
		fail "book: HTML has a page per chapter" "$n chapter pages missing"
	fi
	has "book: EPUB is a zip" "$BUILD/book.epub" "mimetypeapplication/epub+zip"
	# every solution region of the chapters is a shaded region of the book, and no
	# marker shows in its code
	want=$(cat $BOOK_REAL_CHAPTERS | grep -c '^[[:space:]]*/\* BEGIN SOLUTION ')
	got=$(cat "$BUILD"/book/*.html | grep -o '<span class="solution solfirst"' | wc -l)
	shown=$(cat "$BUILD"/book/*.html | grep '\(BEGIN\|END\) SOLUTION' | grep -c -v '<code>')
	if [ "$got" -eq "$want" ] && [ "$shown" -eq 0 ]; then
		pass "book: $want solution regions shaded, no marker shown"
	else
		fail "book: solution regions shaded" "$got shaded of $want, $shown marker lines shown"
	fi
	check "book: HTML has no broken links" "$LINKCHECK" -u "$BUILD/book"
	check "book: EPUB has no broken links" "$LINKCHECK" -u "$BUILD/book.epub"
else
	echo "run.sh: no chapters in src.nw: the real-book checks are skipped" >&2
fi

[ "$failed" -eq 0 ]
