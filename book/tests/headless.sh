# headless.sh: sourced by the book's browser tests (layout/, ptwalk/, search/, epub/).
#
# headless NAME SECONDS DIR PAGE [CHROMIUM FLAGS...]: load PAGE (a file:// URL) in
# headless Chromium ($CHROMIUM, default chromium), its profile in DIR, for at most
# SECONDS; keep its DOM in DIR/dom.html and set $out to it and $lines to its
# "PASS: NAME: " and "FAIL: NAME: " lines (from the page's <pre id="out">, entities
# decoded). With no such line, print a FAIL line and return 1.
headless() {
    hl_name=$1 hl_secs=$2 hl_dir=$3 hl_page=$4
    shift 4
    out=$(timeout "$hl_secs" "${CHROMIUM:-chromium}" --headless --no-sandbox --disable-gpu \
          --disable-dev-shm-usage "$@" --user-data-dir="$hl_dir/profile" --dump-dom "$hl_page" \
          2> "$hl_dir/chromium.err")
    printf '%s\n' "$out" > "$hl_dir/dom.html"
    lines=$(printf '%s\n' "$out" | sed 's/<pre id="out">/\n/' | sed -n "s/^\(PASS\|FAIL\): $hl_name: /&/p" |
            sed 's|</pre>.*||; s/&gt;/>/g; s/&lt;/</g; s/&quot;/"/g; s/&amp;/\&/g')
    if [ -z "$lines" ]; then
        echo "FAIL: $hl_name: no result from the page (see $hl_dir/dom.html, $hl_dir/chromium.err)"
        return 1
    fi
}

# headless_verdict NAME N: print $lines; status 1 (with a FAIL line) if fewer than N
# passed, or 1 if one failed.
headless_verdict() {
    printf '%s\n' "$lines"
    hl_n=$(printf '%s\n' "$lines" | grep -c '^PASS')
    [ "$hl_n" -ge "$2" ] || { echo "FAIL: $1: $hl_n checks passed, want $2"; return 1; }
    ! printf '%s\n' "$lines" | grep -q '^FAIL'
}
