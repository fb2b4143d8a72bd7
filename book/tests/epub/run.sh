#!/bin/sh
# run.sh: the EPUB as a reader opens it. First its container, read as a reading system
# reads it: the mimetype entry first and stored, container.xml naming the package, every
# manifest item present, the spine's documents in it, a navigation document. Then, in
# headless Chromium, reader.html loads every spine document, parsed as XHTML, into pages
# 360 and 600 px wide (reader.js says what is checked), and the fixtures show each of
# those checks failing. One PASS:/FAIL: line per check; status 1 if any failed.
# Environment: BUILD (build), CHROMIUM (chromium), EPUB (default $BUILD/book.epub).
set -u
cd "$(dirname "$0")/../../.." || exit 1
BUILD=${BUILD:-build}
CHROMIUM=${CHROMIUM:-chromium}
EPUB=${EPUB:-$BUILD/book.epub}
dir=$BUILD/book-tests/epub
t=book/tests/epub
failed=0
pass() { echo "PASS: epub: $*"; }
fail() { echo "FAIL: epub: $*"; failed=1; }
rm -rf "$dir" && mkdir -p "$dir/unpacked" || exit 1
[ -s "$EPUB" ] || { fail "no EPUB at $EPUB (make book-epub)"; exit 1; }
unzip -q "$EPUB" -d "$dir/unpacked" 2> "$dir/unzip.err" || { fail "$EPUB does not unzip (see $dir/unzip.err)"; exit 1; }
u=$dir/unpacked

# ---- the container --------------------------------------------------------------
# The first local header: method 0 (stored), name "mimetype", then its bytes.
head=$(od -A n -t u1 -N 30 "$EPUB" | tr -s ' \n' ' ')
name=$(dd if="$EPUB" bs=1 skip=30 count=8 2>/dev/null)
mime=$(dd if="$EPUB" bs=1 skip=38 count=20 2>/dev/null)
set -- $head
if [ "$1 $2 $3 $4" = "80 75 3 4" ] && [ "$9 ${10}" = "0 0" ] && [ "$name" = mimetype ] &&
   [ "$mime" = application/epub+zip ]; then
    pass "the mimetype entry comes first, stored, and says application/epub+zip"
else
    fail "the mimetype entry is not first and stored: header '$head', name '$name', '$mime'"
fi
opf=$(sed -n 's/.*<rootfile [^>]*full-path="\([^"]*\)".*/\1/p' "$u/META-INF/container.xml" 2>/dev/null | head -n 1)
if [ -n "$opf" ] && [ -s "$u/$opf" ]; then
    pass "META-INF/container.xml names the package, $opf"
else
    fail "META-INF/container.xml names no package that is there ('$opf')"; exit 1
fi
base=$(dirname "$opf")
# manifest: id href (one per line); spine: idrefs in order
tr '\n' ' ' < "$u/$opf" | sed 's/</\n</g' > "$dir/opf.lines"
sed -n 's/^<item .*id="\([^"]*\)".*href="\([^"]*\)".*/\1 \2/p' "$dir/opf.lines" > "$dir/manifest"
sed -n 's/^<itemref .*idref="\([^"]*\)".*/\1/p' "$dir/opf.lines" > "$dir/spine.ids"
missing=$(while read -r id href; do [ -e "$u/$base/$href" ] || echo "$href"; done < "$dir/manifest")
unlisted=$(while read -r id; do grep -q "^$id " "$dir/manifest" || echo "$id"; done < "$dir/spine.ids")
nav=$(grep -c 'properties="nav"' "$dir/opf.lines" || true)
nitems=$(wc -l < "$dir/manifest"); nspine=$(wc -l < "$dir/spine.ids")
if [ "$nitems" -ge 10 ] && [ "$nspine" -ge 5 ] && [ -z "$missing" ] && [ -z "$unlisted" ] && [ "$nav" -eq 1 ]; then
    pass "the package's $nitems manifest items are all there, its $nspine spine documents all in the manifest, with a navigation document"
else
    fail "package: $nitems items, missing '$missing'; $nspine in the spine, not in the manifest '$unlisted'; $nav navigation documents"
fi

# ---- the documents, as a reader shows them ----------------------------------------
abs=$(cd "$u/$base" && pwd)
fix=$(cd "$t" && pwd)/fixtures
{
    printf 'window.EPUB = {\n  dir: "file://%s/",\n  fixdir: "file://%s/",\n  spine: [\n' "$abs" "$fix"
    while read -r id; do
        printf '    "%s",\n' "$(sed -n "s/^$id //p" "$dir/manifest")"
    done < "$dir/spine.ids"
    printf '  ],\n  fixtures: ["bad.xhtml", "wide.xhtml"]\n};\n'
} > "$dir/spine.js"
cp "$t/reader.html" "$t/reader.js" "$dir/" || exit 1
. book/tests/headless.sh
headless epub 180 "$dir" "file://$(cd "$dir" && pwd)/reader.html" --allow-file-access-from-files \
    --window-size=1000,800 --virtual-time-budget=300000 || exit 1
printf '%s\n' "$out" | grep -q '^DONE' || { fail "the reader page did not finish (see $dir/dom.html)"; exit 1; }
headless_verdict epub 9 || failed=1
exit $failed
