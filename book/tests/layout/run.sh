#!/bin/sh
# run.sh: the built book's layout in headless Chromium, in one run: harness.html loads
# every page of the book into an iframe and cases.js measures it at 390 and 1280 px
# wide (and 900, 1248): no page scrolls sideways, the sidebar covers nothing of the
# text, no code block scrolls at 1280 px; then a chunk reference, followed, lands on
# its chunk, and the search finds walk's definition; then the checks are shown to fail
# on fixture.html broken on purpose (with the book's style.css). About 9 s of CPU.
# One PASS:/FAIL: line per check; status 1 if any failed.
# Environment: BUILD (build), CHROMIUM (chromium), BOOK_DIR (the pages; default
# $BUILD/book: point it at a broken copy to see the checks fail).
set -u
cd "$(dirname "$0")/../../.." || exit 1
BUILD=${BUILD:-build}
CHROMIUM=${CHROMIUM:-chromium}
BOOK_DIR=${BOOK_DIR:-$BUILD/book}
dir=$BUILD/book-tests/layout
t=book/tests/layout
rm -rf "$dir" && mkdir -p "$dir" || exit 1
[ -s "$BOOK_DIR/index.html" ] && [ -s "$BOOK_DIR/style.css" ] ||
    { echo "FAIL: layout: no book in $BOOK_DIR (make book)"; exit 1; }
book=$(cd "$BOOK_DIR" && pwd)
pages=$(cd "$book" && ls | grep '^[A-Za-z0-9._-]*\.html$')
[ -n "$pages" ] || { echo "FAIL: layout: no pages in $book"; exit 1; }
npages=$(printf '%s\n' $pages | wc -l)
{
    printf 'window.LAYOUT = {\n  book: "file://%s/",\n  fixture: "fixture.html",\n  pages: [\n' "$book"
    printf '    "%s",\n' $pages
    printf '  ]\n};\n'
} > "$dir/pages.js"
# the harness, and the fixture with the book's own style sheet
cp $t/harness.html $t/cases.js $t/fixture.html "$dir/" && cp "$book/style.css" "$dir/style.css" || exit 1
page="file://$(cd "$dir" && pwd)/harness.html"
. book/tests/headless.sh
headless layout 180 "$dir" "$page" --allow-file-access-from-files --window-size=1700,900 \
    --virtual-time-budget=600000 || exit 1
printf '%s\n' "$out" | grep -q '^DONE' ||
    { printf '%s\n' "$lines"; echo "FAIL: layout: the harness did not finish (see $dir/dom.html)"; exit 1; }
headless_verdict layout 27
