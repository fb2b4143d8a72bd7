# orphans.awk: pages of `pdftotext -layout` text (split at form feeds) whose
# last line of text, the page number aside, is a chunk header ("4h <name> =="):
# a header left at the foot of a page, its code on the next. One line each.
BEGIN { RS = "\f" }
{
    n = split($0, line, "\n"); last = ""; prev = ""
    for (i = 1; i <= n; i++) if (line[i] ~ /[^ \t]/) { prev = last; last = line[i] }
    if (last ~ /^[ \t]*[0-9ivxlc]+[ \t]*$/) last = prev
    if (last ~ /\xe2\x9f\xa9 *\+?\xe2\x89\xa1 *$/) { sub(/^[ \t]+/, "", last); printf "page %d: %s\n", NR, last }
}
