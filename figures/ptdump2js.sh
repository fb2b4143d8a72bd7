#!/bin/sh
# ptdump2js.sh: a page-table dump of a boot log as data for book/ptwalk.js.
#
# usage: figures/ptdump2js.sh LOG NAME [START]
# Reads the dump titled NAME in LOG (chapter 4's format:
#   [ptdump] begin NAME root 0xROOT
#   [ptdump] LEVEL INDEX 0xVA 0xPTE 0xPA FLAGS      ... one line per entry
#   [ptdump] end NAME COUNT)
# (a dump line may follow other output on its console line; lines without
# the marker are skipped) and writes, on stdout, JavaScript that adds it to PTWALK_DUMPS[NAME];
# START is the address the walk shows first. Exit status 1, with
# "ptdump2js: LOG:LINE: ..." on stderr, if the dump is missing, malformed
# or its count is wrong; 2 on a usage error.
set -u
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: ptdump2js.sh LOG NAME [START]" >&2; exit 2; }
log=$1 name=$2 start=${3:-}
[ -r "$log" ] || { echo "ptdump2js: $log: cannot read it" >&2; exit 1; }
case $name in *[!A-Za-z0-9_-]*|'') echo "ptdump2js: '$name': a dump's name is letters, digits, _ and -" >&2; exit 2 ;; esac
case $start in *[!0-9a-fA-Fx]*) echo "ptdump2js: '$start': not an address" >&2; exit 2 ;; esac
tr -d '\r' < "$log" | awk -v name="$name" -v file="$log" -v start="$start" '
function bad(msg) { printf "ptdump2js: %s:%d: %s\n", file, NR, msg > "/dev/stderr"; failed = 1; exit 1 }
# A dump line may follow other output on its console line: from its marker on.
{ i = index($0, "[ptdump] "); if (i == 0) next; $0 = substr($0, i) }
$1 == "[ptdump]" && $2 == "begin" && $3 == name {
    if (state == 2) bad("a second dump titled " name)
    if (state == 1) bad("begin inside the dump")
    if ($4 != "root" || $5 !~ /^0x[0-9a-f]{16}$/ || NF != 5) bad("malformed begin line: " $0)
    state = 1; root = $5; n = 0; next
}
state == 1 && $1 == "[ptdump]" && $2 == "end" {
    if ($3 != name || NF != 4) bad("malformed end line: " $0)
    if ($4 != n) bad("the end line counts " $4 " entries, the dump has " n)
    state = 2; next
}
state == 1 && $1 == "[ptdump]" {
    if (NF != 7 || $2 !~ /^[012]$/ || $3 !~ /^[0-9]+$/ || $3 > 511 || $4 !~ /^0x[0-9a-f]{16}$/ ||
        $5 !~ /^0x[0-9a-f]{16}$/ || $6 !~ /^0x[0-9a-f]{16}$/ || $7 !~ /^[V-][R-][W-][X-][U-][G-][A-][D-]$/)
        bad("malformed entry: " $0)
    e[n++] = sprintf("[%d, %d, \"%s\", \"%s\", \"%s\", \"%s\"]", $2, $3, $4, $5, $6, $7)
    next
}
END {
    if (failed) exit 1
    if (state == 0) { printf "ptdump2js: %s: no dump titled %s\n", file, name > "/dev/stderr"; exit 1 }
    if (state == 1) { printf "ptdump2js: %s: the dump %s has no end line\n", file, name > "/dev/stderr"; exit 1 }
    printf "/* The page table dumped as \"%s\" by the kernel; made by figures/ptdump2js.sh. */\n", name
    printf "window.PTWALK_DUMPS = window.PTWALK_DUMPS || {};\n"
    printf "window.PTWALK_DUMPS[\"%s\"] = {\n  root: \"%s\",\n", name, root
    if (start != "") printf "  start: \"%s\",\n", start
    printf "  entries: [\n"
    for (i = 0; i < n; i++) printf "    %s%s\n", e[i], i + 1 < n ? "," : ""
    printf "  ]\n};\n"
}'
