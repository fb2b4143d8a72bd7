#!/usr/bin/env bash
# shell.sh: the shell as init (make qemu INIT=sh), typed at through QEMU's
# console: each line is written only once the shell's prompt for it has
# appeared (a byte sent before the firmware has set the UART up is lost,
# as on a real board). Lines: hello (its greeting, "[hello: exit 0]"), a
# name that is no program ("no such program", the shell goes on),
# read_check (read's refusals; then the next line, typed for it, read by
# the shell's child and printed back), forktest, an empty line, exit.
# Then: QEMU exits 0 by itself (init's exit powers off), no panic, no FAIL,
# the free-frame count the same before and after.
#
# usage: grading/tests/shell.sh KERNEL.elf [MEM]
# PASS:/FAIL: lines; exit status 1 if any check failed.
set -uo pipefail

kernel=${1:?usage: shell.sh KERNEL.elf [MEM]}
mem=${2:-32M}
userdir=$(cd "$(dirname "$kernel")" && pwd)/user
logdir=build/test; mkdir -p "$logdir"
log=$logdir/shell.log fifo=$logdir/shell.in
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

apps=; for p in sh hello forktest read_check; do apps+=" $userdir/$p.elf"; done
make --no-print-directory -s kernel APPS="${apps# }" INIT=sh > "$log" 2>&1 ||
    { fail "shell: the kernel with INIT=sh does not build; see $log"; exit 1; }
rm -f "$fifo"; mkfifo "$fifo"
timeout 60 make --no-print-directory -s qemu MEM="$mem" APPS="${apps# }" INIT=sh < "$fifo" > "$log" 2>&1 &
qemu=$!
exec 3> "$fifo"                 # held open: QEMU sees no end of input

# type LINE WANT_PROMPTS: wait (10 s at most) for the WANT_PROMPTS-th "$ "
# (or, with a 0, for the text in $want_text), then type LINE.
prompts() { tr -d '\r' < "$log" | grep -o '^\$ ' | wc -l; }
await() {
    local i
    for i in $(seq 100); do
        if [ -n "${2:-}" ]; then tr -d '\r' < "$log" | grep -q -F -- "$2" && return 0
        elif [ "$(prompts)" -ge "$1" ]; then return 0; fi
        kill -0 $qemu 2> /dev/null || return 1
        sleep 0.1
    done
    return 1
}
lost=
type_line() {   # type_line N LINE [TEXT]: after prompt N (or TEXT), type LINE
    if await "$1" "${3:-}"; then printf '%s\r' "$2" >&3; else lost+=" '$2'"; fi
}
type_line 1 hello
type_line 2 nosuch
type_line 3 read_check
type_line 0 "some words typed" "read_check: refusals checked"
type_line 4 forktest
type_line 5 ""
type_line 6 exit
wait $qemu; status=$?
exec 3>&-
rm -f "$fifo"
out=$(tr -d '\r' < "$log")

bad=
[ -z "$lost" ] || bad+=" no prompt before$lost;"
[ "$status" -eq 0 ] || bad+=" exit status $status (124 = timeout);"
grep -q '^\[kernel\] panic' <<< "$out" && bad+=" $(grep -m1 '^\[kernel\] panic' <<< "$out");"
grep -q -E '^[a-z_]+: FAIL' <<< "$out" && bad+=" $(grep -m1 -E '^[a-z_]+: FAIL' <<< "$out");"
for want in 'Hello, world from user mode!' '[hello: exit 0]' 'sh: nosuch: no such program' \
            "read_check: read 'some words typed'" '[read_check: exit 0]' 'forktest: OK' \
            '[forktest: exit 0]' '[kernel] application sh (pid 1) exited with code 0'; do
    grep -q -F -- "$want" <<< "$out" || bad+=" no '$want';"
done
frames=$(sed -n 's/^\[kernel\] free frames: \([0-9]*\) before the first application, \([0-9]*\) after the last$/\1 \2/p' <<< "$out")
[ -n "$frames" ] && [ "${frames% *}" = "${frames#* }" ] || bad+=" free frames '${frames:-none}';"
heap=$(sed -n 's/^\[kernel\] kernel heap: \([0-9]*\) bytes in use before the first application, \([0-9]*\) after the last$/\1 \2/p' <<< "$out")
[ -n "$heap" ] && [ "${heap% *}" = "${heap#* }" ] || bad+=" kernel heap '${heap:-none}';"
n=$(prompts)
[ "$n" -eq 6 ] || bad+=" $n prompts (want 6: one per line typed at the shell, the empty one too);"
if [ -z "$bad" ]; then
    pass "shell -m $mem: as init, ran hello, refused nosuch, passed a typed line to read_check, ran forktest, ignored an empty line, and exit powered off; frames ${frames% *} before and after"
else
    fail "shell -m $mem:$bad see $log"
fi
exit $failed
