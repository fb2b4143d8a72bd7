#!/bin/sh
# run.sh: nwlint's golden tests, one "PASS: name" or "FAIL: name: why" line each.
#
# usage: sh book/tests/lint/run.sh path/to/nwlint
#
# Every directory beside this script is a case.  nwlint runs inside it on
# its *.nw files in order, or on the words of its file 'args' if it has one.
# Its stdout and stderr together, then a line "exit N", must equal 'expect'.
set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
	echo "usage: $0 path/to/nwlint" >&2
	exit 2
fi
case $1 in
/*) nwlint=$1 ;;
*) nwlint=$(pwd)/$1 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
trap 'exit 2' HUP INT TERM

failed=0
for dir in "$here"/*/; do
	dir=${dir%/}
	name=nwlint/${dir##*/}
	if [ ! -f "$dir/expect" ]; then
		echo "FAIL: $name: no expect file"
		failed=1
		continue
	fi
	if [ -f "$dir/args" ]; then
		args=$(cat "$dir/args")
	else
		args=$(cd "$dir" && echo *.nw)
	fi
	# $args is split into words on purpose; case files have no blanks
	(cd "$dir" && "$nwlint" $args) >"$out" 2>&1
	echo "exit $?" >>"$out"
	if cmp -s "$dir/expect" "$out"; then
		echo "PASS: $name"
	else
		why=$(diff "$dir/expect" "$out" | grep '^[<>]' | head -n 1)
		echo "FAIL: $name: output differs, first: $why"
		failed=1
	fi
done
exit $failed
