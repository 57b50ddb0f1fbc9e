#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build_flags.t - flags given on make's command line add to the build's
# own, never replace them
#
# make CFLAGS=-O0 (or LDFLAGS=...) once dropped -Icommon, -Werror and the
# sanitizers, because a command-line variable overrides the Makefile's
# "CFLAGS +=". The required flags now live in SL_CFLAGS/SL_LDFLAGS. make
# -n -B prints the commands it would run without running them, into a
# scratch build folder.
. "$(dirname "$0")/lib.sh"

need make
dir=$(mktemp -d /tmp/sluice-flags.$$.XXXXXX) || bail "mktemp failed"
at_exit "rm -rf '$dir'"
plan 6

# cmdline TARGET ARGS... - the compile or link line make would run
cmdline() {
	_t=$1; shift
	make -C "$SLUICE_TOP" -s -n -B B="$dir" "$@" "$dir/$_t" 2>&1 | tail -1
}

# has LINE WORD NAME - LINE holds WORD as a word
has() {
	case " $1 " in *" $2 "*) ok 0 "$3" ;;
	*) ok 1 "$3"; diag "  got '$1', want it to hold '$2'" ;; esac
}

l=$(cmdline common/addr.o CFLAGS=-O0)
has "$l" -Icommon "make CFLAGS=-O0 keeps -Icommon"
has "$l" -Werror "make CFLAGS=-O0 keeps -Werror"
has "$l" -O0 "make CFLAGS=-O0 uses -O0"
l=$(cmdline nft-expr/queue/pkt.o CFLAGS=-O0)
has "$l" -Inft-expr "make CFLAGS=-O0 keeps nft-expr's -Inft-expr"
l=$(cmdline sluicectl SANITIZE=1 LDFLAGS=-Wl,-O1)
has "$l" -fsanitize=address,undefined "make SANITIZE=1 LDFLAGS=... links with the sanitizers"
has "$l" -Wl,-O1 "make LDFLAGS=-Wl,-O1 uses it"

done_testing
