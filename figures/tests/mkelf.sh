#!/bin/sh
# mkelf.sh: write a small RISC-V ELF64 executable, headers and symbols only, for ptdump2dot's tests.
#
# usage: sh figures/tests/mkelf.sh OUT [SEGMENT | SYMBOL=VALUE] ...
#   SEGMENT  TYPE:VADDR:FILESZ:MEMSZ:FLAGS, one program header: TYPE load (PT_LOAD)
#            or attr (PT_RISCV_ATTRIBUTES), FLAGS some of r w x (or -)
#   SYMBOL=VALUE  an absolute symbol; with any, the file gets a symbol table
#            (sections: null, a symbol table, its strings, which also name the
#            sections: all ""), as a kernel's ELF has
# e.g. the ptdump program as the book's build links it:
#   sh mkelf.sh ptdump.elf attr:0:0x49:0:r load:0x10000:0x914:0x914:rx \
#       load:0x11000:0xc9:0xc9:r load:0x12000:1:1:rw
# Every segment's bytes start at offset 0 (the file is padded to hold the
# largest); the contents do not matter to ptdump2dot, only the headers.
# Numbers are below 2^63 (shell arithmetic).
set -eu
[ $# -ge 1 ] || { echo "usage: mkelf.sh OUT [TYPE:VADDR:FILESZ:MEMSZ:FLAGS | SYMBOL=VALUE] ..." >&2; exit 2; }
out=$1
shift

# le VALUE N: VALUE as N little-endian bytes
le() {
	v=$(($1)) n=$2
	while [ "$n" -gt 0 ]; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		n=$((n - 1))
	done
}
zeros() { [ "$1" -gt 0 ] && dd if=/dev/zero bs=1 count="$1" 2>/dev/null || :; }

nph=0 nsym=0 maxfile=0 segs='' syms='' strsize=1 oldifs=$IFS
for a in "$@"; do
	case $a in
	*=*)
		nsym=$((nsym + 1))
		syms="$syms $a"
		name=${a%%=*}
		strsize=$((strsize + ${#name} + 1))
		;;
	*:*:*:*:*)
		nph=$((nph + 1))
		segs="$segs $a"
		f=$(echo "$a" | cut -d: -f3)
		[ $((f)) -gt "$maxfile" ] && maxfile=$((f))
		;;
	*) echo "mkelf.sh: '$a': neither TYPE:VADDR:FILESZ:MEMSZ:FLAGS nor SYMBOL=VALUE" >&2; exit 2 ;;
	esac
done

phoff=64
body=$((phoff + 56 * nph))
[ "$maxfile" -gt "$body" ] && end=$maxfile || end=$body
if [ "$nsym" -gt 0 ]; then
	stroff=$end
	symoff=$(((stroff + strsize + 7) / 8 * 8))
	symsize=$((24 * (nsym + 1)))
	shoff=$((symoff + symsize))
	shnum=3 shstrndx=2
else
	shoff=0 shnum=0 shstrndx=0
fi

{
	# ELF header: magic, ELFCLASS64, little-endian, version 1; ET_EXEC, EM_RISCV
	printf '\177ELF\002\001\001'
	zeros 9
	le 2 2; le 243 2; le 1 4
	le 0x10000 8; le $phoff 8; le $shoff 8
	le 5 4; le 64 2; le 56 2; le $nph 2; le 64 2; le $shnum 2; le $shstrndx 2
	for s in $segs; do
		IFS=:
		# shellcheck disable=SC2086
		set -- $s
		IFS=$oldifs
		type=$1 va=$2 fsz=$3 msz=$4 fl=$5
		case $type in load) t=1 ;; attr) t=0x70000003 ;; *) echo "mkelf.sh: type '$type'" >&2; exit 2 ;; esac
		p=0
		case $fl in *x*) p=$((p | 1)) ;; esac
		case $fl in *w*) p=$((p | 2)) ;; esac
		case $fl in *r*) p=$((p | 4)) ;; esac
		le $t 4; le $p 4; le 0 8; le "$va" 8; le "$va" 8; le "$fsz" 8; le "$msz" 8; le 4096 8
	done
	zeros $((end - body))
	if [ "$nsym" -gt 0 ]; then
		printf '\000'
		for s in $syms; do printf '%s\000' "${s%%=*}"; done
		zeros $((symoff - stroff - strsize))
		zeros 24
		at=1
		for s in $syms; do
			# name, STB_GLOBAL STT_NOTYPE, default visibility, SHN_ABS, value, size
			le $at 4; le 0x10 1; le 0 1; le 0xfff1 2; le "${s#*=}" 8; le 0 8
			v=${s#*=}
			at=$((at + ${#s} - ${#v}))
		done
		zeros 64
		# .symtab: SHT_SYMTAB, its strings in section 2, one local symbol (the null one)
		le 0 4; le 2 4; le 0 8; le 0 8; le $symoff 8; le $symsize 8; le 2 4; le 1 4; le 8 8; le 24 8
		# .strtab: SHT_STRTAB
		le 0 4; le 3 4; le 0 8; le 0 8; le $stroff 8; le $strsize 8; le 0 4; le 0 4; le 1 8; le 0 8
	fi
} >"$out"
