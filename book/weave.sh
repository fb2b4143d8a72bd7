#!/bin/sh
# weave.sh: run noweb's markup | finduses | noidx on all chapters, then nw2md; any failure stops the build.
#
# usage: sh book/weave.sh NW2MD OUTDIR CHAPTER.nw...
#   NW2MD    the nw2md back end (built from book/nw2md.c)
#   OUTDIR   gets one NN-slug.md per chapter, index.md, indexes.md and book.md
# NOWEB_LIB (default /usr/lib/noweb) is where markup, finduses and noidx live;
# NW2MD_FLAGS are extra nw2md options (e.g. -W: warnings fail the weave).
# POSIX sh has no pipefail: each stage writes a temporary file and its status is checked.

set -u
prog=weave.sh
if [ $# -lt 3 ]; then
	echo "usage: sh book/weave.sh NW2MD OUTDIR CHAPTER.nw..." >&2
	exit 2
fi
nw2md=$1 out=$2
shift 2
lib=${NOWEB_LIB:-/usr/lib/noweb}
for tool in markup finduses noidx; do
	if [ ! -x "$lib/$tool" ]; then
		echo "$prog: $lib/$tool not found: install noweb (apt-get install noweb)" >&2
		exit 1
	fi
done
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "$prog: $f: no such chapter" >&2
		exit 1
	fi
done
mkdir -p "$out" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weave.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

"$lib/markup" "$@" >"$tmp/markup" || { echo "$prog: noweb markup failed on: $*" >&2; exit 1; }
"$lib/finduses" <"$tmp/markup" >"$tmp/finduses" || { echo "$prog: noweb finduses failed" >&2; exit 1; }
"$lib/noidx" <"$tmp/finduses" >"$tmp/noidx" || { echo "$prog: noweb noidx failed" >&2; exit 1; }
"$nw2md" ${NW2MD_FLAGS:-} -p "$out" -b "$out/book.md" -d "$out/deps.mk" "$tmp/noidx" || exit 1
