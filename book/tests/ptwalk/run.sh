#!/bin/sh
# run.sh: book/ptwalk.js in headless Chromium, on figures/tests/hello.log's dump
# (made into data by figures/ptdump2js.sh): the walk's results (cases.js) and
# the form it builds. One PASS:/FAIL: line per check; status 1 if any failed.
# Environment: BUILD (build), CHROMIUM (chromium).
set -u
cd "$(dirname "$0")/../../.." || exit 1
BUILD=${BUILD:-build}
CHROMIUM=${CHROMIUM:-chromium}
dir=$BUILD/book-tests/ptwalk
rm -rf "$dir" && mkdir -p "$dir" || exit 1
sh figures/ptdump2js.sh figures/tests/hello.log hello > "$dir/data.js" || { echo "FAIL: ptwalk: ptdump2js.sh"; exit 1; }
cp book/ptwalk.js book/tests/ptwalk/cases.js "$dir/"
cat > "$dir/test.html" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ptwalk test</title></head><body>
<div class="ptwalk" data-dump="hello"><p>no script</p></div>
<pre id="out">cases.js did not run</pre>
<script src="data.js"></script>
<script src="ptwalk.js"></script>
<script src="cases.js"></script>
</body></html>
HTML
page="file://$(cd "$dir" && pwd)/test.html"
. book/tests/headless.sh
headless ptwalk 60 "$dir" "$page" || exit 1
headless_verdict ptwalk 15
