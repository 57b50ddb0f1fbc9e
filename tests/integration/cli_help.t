#!/bin/sh
# cli_help.t - what an operator meets first, as README "Configuration"
# promises it: every program takes -V (prints "PROG VERSION"), -h (the
# usage on stdout, listing -V and -h) and -n -c FILE (the shipped
# examples/sluice.conf, copied, is "configuration ok"); sluicectl -h
# names every command sluicectl(8) documents under COMMANDS, and with
# no daemon behind the socket it names the socket it tried. Nothing
# is started: -n only reads the file.
. "$(dirname "$0")/lib.sh"
B=$SLUICE_BUILD
TD=$(mktemp -d) && at_exit "rm -rf '$TD'"
cp "$SLUICE_TOP/examples/sluice.conf" "$TD/sluice.conf"
ver=$(sed -n 's/^VERSION *[:?]*= *//p' "$SLUICE_TOP/Makefile" | head -n 1)

for p in sluiced sluice-policyd sluice-milter sluicectl; do
	out=$("$B/$p" -V 2>&1); rc=$?
	is "$rc $out" "0 $p $ver" "$p -V prints its name and version"
	"$B/$p" -h >"$TD/h.out" 2>"$TD/h.err"; rc=$?
	syn=$(head -n 2 "$TD/h.out" | tr '\n' ' ')
	case $rc:$syn in
	0:*"-V"*"-h"*) r=0 ;;
	*) r=1; diag "  got rc=$rc, usage '$syn'" ;;
	esac
	ok $r "$p -h: usage on stdout, its synopsis lists -V and -h"
	[ -s "$TD/h.err" ]
	is "$?" 1 "$p -h writes nothing to stderr"
done

for p in sluiced sluice-policyd sluice-milter; do
	"$B/$p" -n -c "$TD/sluice.conf" >"$TD/n.out" 2>/dev/null; rc=$?
	out=$(tail -n 1 "$TD/n.out")
	is "$rc $out" "0 $TD/sluice.conf: configuration ok" \
		"$p -n -c (a copy of examples/sluice.conf): configuration ok"
done

# The commands of sluicectl(8): the first word after each .TP of
# COMMANDS, e.g. ".BR bypass \" on | off\"".
cmds=$(awk '/^\.SH COMMANDS/ { c = 1; next } /^\.SH/ { c = 0 }
	c && prev == ".TP" { print $2 } { prev = $0 }' \
	"$SLUICE_TOP/nft-expr/sluicectl/sluicectl.8")
[ -n "$cmds" ]
ok $? "sluicectl(8) COMMANDS lists commands ($(echo $cmds))"
"$B/sluicectl" -h >"$TD/ctl.h" 2>&1
miss=""
for c in $cmds; do
	grep -qw -- "$c" "$TD/ctl.h" || miss="$miss $c"
done
is "$miss" "" "sluicectl -h names every command of sluicectl(8)"

out=$("$B/sluicectl" -s "$TD/nothing.sock" status 2>&1); rc=$?
case $rc:$out in
1:*"$TD/nothing.sock"*"check that the daemon runs"*"-s SOCKET"*) r=0 ;;
*) r=1; diag "  got rc=$rc '$out'" ;;
esac
ok $r "sluicectl -s MISSING status: exit 1 naming the socket it tried, and what to check"
done_testing
