# contrast.awk: the WCAG contrast ratio of every colour code is drawn in on every
# background code is drawn on, read from the book's CSS; a pair under MIN fails.
#
# usage: awk -v MIN=4.5 [-v PAGE=#rrggbb] [-v LIST=1] -f book/tests/contrast.awk STYLE.css... HIGHLIGHT.css
# (LIST: only print the code backgrounds but the page's, "BG SELECTOR<tab>#colour" a line)
# Prints "FAIL: contrast: FG-SELECTOR #fg on BG-SELECTOR #bg: R:1" per pair below MIN,
# then one line "contrast: N colours on M backgrounds, lowest R:1 (FG on BG)";
# exit status 1 if a pair fails or a colour cannot be read, 2 if no pair was found.
#
# The foregrounds: Pandoc's token classes ("code span.kw"), which fall back to the
# text colour when they set none, and every colour set by a rule whose selector
# names pre, code, a chunk reference or a solution region (link colours, the
# solution label, line numbers). The backgrounds: white (the page), and every
# background set by a rule whose selector names pre, code, sourceCode or a
# solution region. Every foreground is checked on every background: more pairs
# than the page can show, which is the safe side. Colours are #rgb or #rrggbb,
# directly or through a custom property (var(--name)) of :root.
#
# The files are read as one sheet in order, and a later declaration of a property for
# the same selector (a custom property of :root too) replaces an earlier one, as in
# the browser's cascade: a dark scheme's sheet (dark.css, its @media wrapper removed)
# read after the light ones is checked with its own colours. PAGE is the page's
# background (default white).

function fail(msg) { print "FAIL: contrast: " msg; bad = 1 }

# A channel (0..255) in linear light.
function lin(c) { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ^ 2.4 }

function hexval(h,    i, n) {
    n = 0
    for (i = 1; i <= length(h); i++)
        n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return n
}

# Relative luminance of a #rgb or #rrggbb colour; -1 if it is not one.
function luminance(c) {
    c = tolower(c)
    if (c ~ /^#[0-9a-f][0-9a-f][0-9a-f]$/)
        c = "#" substr(c, 2, 1) substr(c, 2, 1) substr(c, 3, 1) substr(c, 3, 1) substr(c, 4, 1) substr(c, 4, 1)
    if (c !~ /^#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
        return -1
    return 0.2126 * lin(hexval(substr(c, 2, 2))) + 0.7152 * lin(hexval(substr(c, 4, 2))) \
         + 0.0722 * lin(hexval(substr(c, 6, 2)))
}

function ratio(a, b,    la, lb) {
    la = luminance(a); lb = luminance(b)
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05)
}

# A declaration's value with var(--x) resolved and blanks trimmed.
function value(v,    name) {
    gsub(/^[ \t\n]+|[ \t\n]+$/, "", v)
    sub(/[ \t]*!important$/, "", v)
    while (match(v, /var\(--[a-zA-Z0-9-]+\)/)) {
        name = substr(v, RSTART + 4, RLENGTH - 5)
        if (!(name in vars)) { fail("undefined custom property " name); return "" }
        v = substr(v, 1, RSTART - 1) vars[name] substr(v, RSTART + RLENGTH)
    }
    return v
}

function add_fg(sel, c) {
    if (c == "inherit" || c == "currentColor" || c == "") return
    if (luminance(c) < 0) { fail(sel ": cannot read the colour '" c "'"); return }
    nfg++; fgsel[nfg] = sel; fgcol[nfg] = c
}

function add_bg(sel, c) {
    if (c == "none" || c == "transparent" || c == "inherit" || c == "") return
    sub(/^background(-color)?:/, "", c)
    if (luminance(c) < 0) { fail(sel ": cannot read the background '" c "'"); return }
    nbg++; bgsel[nbg] = sel; bgcol[nbg] = c
}

{ css = css $0 "\n" }

# Every file's rules, read as one style sheet: comments out, then one rule per
# "}", its selector after the last "{" before the declarations (so @media
# blocks fall away).
function parse(    i, j, nr, r, k, sel, decls, nd, prop, val, v, rules, part, d, word) {
    while ((i = index(css, "/*")) > 0) {
        j = index(substr(css, i + 2), "*/")
        if (j == 0) { fail("a comment is never closed"); css = substr(css, 1, i - 1); break }
        css = substr(css, 1, i - 1) substr(css, i + j + 3)
    }
    nr = split(css, rules, "}")
    for (r = 1; r <= nr; r++) {
        k = split(rules[r], part, "{")
        if (k < 2) continue
        sel = part[k - 1]; decls = part[k]
        if (sel ~ /;/) sub(/^.*;/, "", sel)
        gsub(/^[ \t\n]+|[ \t\n]+$/, "", sel); gsub(/[ \t\n]+/, " ", sel)
        nd = split(decls, d, ";")
        for (i = 1; i <= nd; i++) {
            if (!match(d[i], /:/)) continue
            prop = substr(d[i], 1, RSTART - 1); val = substr(d[i], RSTART + 1)
            gsub(/^[ \t\n]+|[ \t\n]+$/, "", prop)
            gsub(/^[ \t\n]+|[ \t\n]+$/, "", val)
            if (prop ~ /^--/ && sel == ":root") { vars[prop] = val; continue }
            if (prop == "color" && sel ~ /^code span\.[a-z]+$/) { tokcol[sel] = val; continue }
            if (prop == "color" && sel ~ /(^|[ ,>.])(pre|code|sourceCode)([ ,>.:]|$)|chunkref|solution/) {
                if (!(sel in fgraw)) fgorder[++nfgs] = sel
                fgraw[sel] = val
            }
            if ((prop == "background" || prop == "background-color") \
                && sel ~ /(^|[ ,>.])(pre|code|sourceCode)([ ,>.:]|$)|solution/) {
                if (!(sel in bgraw)) bgorder[++nbgs] = sel
                bgraw[sel] = val
            }
            if (prop == "color" && sel == "body") text = val
        }
        if (sel ~ /^code span\.[a-z]+$/ && !(sel in tokcol)) tokcol[sel] = ""
    }
}

END {
    parse()
    if (text == "") text = "#000000"
    if ("--text" in vars) text = vars["--text"]
    text = value(text)
    # Now that every file is read: the last value of each, custom properties resolved.
    for (i = 1; i <= nfgs; i++) add_fg(fgorder[i], value(fgraw[fgorder[i]]))
    for (i = 1; i <= nbgs; i++) { v = value(bgraw[bgorder[i]]); split(v, word, /[ \t]+/); add_bg(bgorder[i], word[1]) }
    for (s in tokcol) add_fg(s, tokcol[s] == "" ? text : value(tokcol[s]))
    add_bg("the page", PAGE == "" ? "#ffffff" : PAGE)
    if (LIST != "") {           # -v LIST=1: the code backgrounds, "BG SELECTOR<tab>#colour"
        for (i = 1; i < nbg; i++) print "BG " bgsel[i] "\t" tolower(bgcol[i])
        exit 0
    }
    ntok = 0; for (s in tokcol) ntok++
    if (ntok == 0 || nbg < 2) {
        print "FAIL: contrast: no token classes or no code background found (" ntok " classes, " nbg " backgrounds)"
        exit 2
    }
    low = 100
    for (f = 1; f <= nfg; f++)
        for (b = 1; b <= nbg; b++) {
            q = ratio(fgcol[f], bgcol[b])
            if (q < low) { low = q; lowpair = fgsel[f] " " fgcol[f] " on " bgsel[b] " " bgcol[b] }
            if (q < MIN)
                fail(sprintf("%s %s on %s %s: %.2f:1, below %s:1", fgsel[f], fgcol[f], bgsel[b], bgcol[b], q, MIN))
        }
    printf "contrast: %d colours (%d token classes) on %d backgrounds, lowest %.2f:1 (%s)\n", \
        nfg, ntok, nbg, low, lowpair
    exit bad
}
