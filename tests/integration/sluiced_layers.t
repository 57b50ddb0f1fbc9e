#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_layers.t - nft-expr/ stays in rooms, one module per .c/.h pair,
# and no two of its files call or include each other in a circle
#
# The calls are read from the built objects (nm: what each defines and
# what it needs), the includes from the sources; tsort(1) finds a loop
# in either graph. Every room is a folder of nft-expr/; every .c but a
# program's main file has its .h, and every function a module exports
# carries the module's name as its prefix. A BPF program (*.bpf.c, built
# for the kernel, its userspace side the generated skeleton) is no module
# of sluiced's and takes no part.
. "$(dirname "$0")/lib.sh"

NX=$SLUICE_TOP/nft-expr
OBJ=$SLUICE_BUILD/nft-expr
need nm tsort
[ -d "$OBJ" ] || bail "$OBJ is missing: run 'make all'"
dir=$(mktemp -d /tmp/sluice-layers.$$.XXXXXX) || bail "mktemp failed"
at_exit "rm -rf '$dir'"
plan 6

# no source file outside a room
loose=$(cd "$NX" && ls -- *.c *.h 2>/dev/null | tr '\n' ' ')
is "$loose" "" "no .c or .h at the top of nft-expr/ (every file in a room)"

# one .c/.h pair per module (a program's main file has no header)
unpaired=$(cd "$NX" && for c in */*.c; do
	case $c in */*_main.c|sluicectl/sluicectl.c|*.bpf.c) continue ;; esac
	[ -f "${c%.c}.h" ] || printf '%s ' "$c"
done)
is "$unpaired" "" "every module .c has its .h"

# the call graph, module to module, from the objects
for o in "$OBJ"/*/*.o; do
	case $o in *.bpf.o) continue ;; esac
	m=${o#"$OBJ"/}; m=${m%.o}
	nm -g --defined-only "$o" | awk -v m="$m" '$2 ~ /[TDBR]/ { print $3, m }'
done | sort -u >"$dir/defs"
[ -s "$dir/defs" ] || bail "no symbols read from $OBJ/*/*.o"
for o in "$OBJ"/*/*.o; do
	case $o in *.bpf.o) continue ;; esac
	m=${o#"$OBJ"/}; m=${m%.o}
	nm -u "$o" | awk -v m="$m" '{ print $2, m }'
done | sort -u >"$dir/uses"
join "$dir/uses" "$dir/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u \
	>"$dir/calls"
cmp "$(wc -l <"$dir/calls")" -gt 20 "the call graph has its edges ($(wc -l <"$dir/calls"))"
tsort "$dir/calls" >/dev/null 2>"$dir/calls.err"
ok $? "no circle of calls between nft-expr's modules"
[ -s "$dir/calls.err" ] && diag "$(cat "$dir/calls.err")"

# the include graph, file to file, from the sources
(cd "$NX" && for f in */*.c */*.h; do
	sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$f" |
		while read -r h; do echo "$f $h"; done
done) >"$dir/incs"
tsort "$dir/incs" >/dev/null 2>"$dir/incs.err"
ok $? "no circle of includes between nft-expr's files"
[ -s "$dir/incs.err" ] && diag "$(cat "$dir/incs.err")"

# one prefix per module: what a module exports is named after it
off=$(awk '{ m = $2; sub(/.*\//, "", m)
	if ($1 != m && $1 != "main" && index($1, m "_") != 1) printf "%s (%s) ", $1, $2 }' \
	"$dir/defs")
is "$off" "" "every exported function carries its module's prefix"

done_testing
