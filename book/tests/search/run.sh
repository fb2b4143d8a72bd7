#!/bin/sh
# run.sh: book/search.js, book/searchindex.c and book/copy.js in headless Chromium: the
# index of two small pages (a.html, b.html, shaped as the book's), loaded as
# the box loads it (file://), queried by cases.js, and the box typed into;
# the Copy buttons on a.html's code blocks.
# One PASS:/FAIL: line per check; status 1 if any failed.
# Environment: BUILD (build), CHROMIUM (chromium), SEARCHINDEX (the tool,
# default $BUILD/tools/searchindex).
set -u
cd "$(dirname "$0")/../../.." || exit 1
BUILD=${BUILD:-build}
CHROMIUM=${CHROMIUM:-chromium}
SEARCHINDEX=${SEARCHINDEX:-$BUILD/tools/searchindex}
dir=$BUILD/book-tests/search
rm -rf "$dir" && mkdir -p "$dir" || exit 1
t=book/tests/search
"$SEARCHINDEX" "$dir/search-index.js" $t/a.html $t/b.html 2> "$dir/index.err" ||
    { echo "FAIL: search: searchindex on the test pages ($(head -n 1 "$dir/index.err"))"; exit 1; }
# Not a page: refused with its name.
printf '<html><body><p>no main</p></body></html>\n' > "$dir/bad.html"
if ! "$SEARCHINDEX" "$dir/bad-index.js" "$dir/bad.html" 2> "$dir/bad.err" &&
   grep -q 'bad.html: no <main>' "$dir/bad.err" && [ ! -e "$dir/bad-index.js" ]; then
    echo "PASS: search: a file that is not a page of the book is refused: '$(head -n 1 "$dir/bad.err")'"
else
    echo "FAIL: search: a file with no <main> was not refused with its name; see $dir/bad.err"; exit 1
fi
cp book/search.js book/copy.js $t/cases.js "$dir/"
sed -e 's|</main>|</main><pre id="out">cases.js did not run</pre><script src="cases.js" defer></script>|' \
    -e 's|<script src="search.js" defer></script>|&<script src="copy.js" defer></script>|' \
    $t/a.html > "$dir/test.html"
page="file://$(cd "$dir" && pwd)/test.html"
. book/tests/headless.sh
headless search 60 "$dir" "$page" --virtual-time-budget=10000 || exit 1
headless_verdict search 23
