#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
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
# user = nobody: make install's sysusers.d makes the sluice user, which
# this machine may lack (-n looks [policyd] and [milter] user up)
sed 's/^user = sluice$/user = nobody/' "$SLUICE_TOP/examples/sluice.conf" \
	>"$TD/sluice.conf"
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

# sluice-postfix-setup -h: the usage on stdout, 0; a bad option: stderr, 2.
PS=$SLUICE_TOP/examples/postfix/sluice-postfix-setup
sh "$PS" -h >"$TD/h.out" 2>"$TD/h.err"; rc=$?
is "$rc $(head -c 27 "$TD/h.out") $(wc -c <"$TD/h.err")" \
	"0 usage: sluice-postfix-setup 0" "sluice-postfix-setup -h: usage on stdout, exit 0"
sh "$PS" -x >"$TD/h.out" 2>"$TD/h.err"; rc=$?
is "$rc $(wc -c <"$TD/h.out") $(grep -c '^usage:' "$TD/h.err")" "2 0 1" \
	"sluice-postfix-setup -x: usage on stderr, exit 2"

for p in sluiced sluice-policyd sluice-milter; do
	"$B/$p" -n -c "$TD/sluice.conf" >"$TD/n.out" 2>/dev/null; rc=$?
	out=$(tail -n 1 "$TD/n.out")
	is "$rc $out" "0 $TD/sluice.conf: configuration ok" \
		"$p -n -c (a copy of examples/sluice.conf): configuration ok"
done

# A bad value: exit 2, the error line starts with the program's name.
for p in sluiced:sluiced sluice-policyd:policyd sluice-milter:milter; do
	g=${p#*:}; p=${p%%:*}
	printf '[%s]\nown_networks = 10.0.0.0/33\nbogus_key = 1\n' "$g" \
		>"$TD/bad.conf"
	"$B/$p" -n -c "$TD/bad.conf" >/dev/null 2>"$TD/bad.err"; rc=$?
	out=$(head -n 1 "$TD/bad.err")
	case $rc:$out in
	"2:$p: $TD/bad.conf: [$g] "*) r=0 ;;
	*) r=1; diag "  got rc=$rc '$out'" ;;
	esac
	ok $r "$p -n, a bad [$g] key: exit 2, '$p: FILE: [$g] ...'"
	# The unknown key's error lists every key examples/sluice.conf
	# shows in the group (set or commented out), none cut off.
	printf '[%s]\nbogus_key = 1\n' "$g" >"$TD/bad.conf"
	"$B/$p" -n -c "$TD/bad.conf" >/dev/null 2>"$TD/bad.err"
	keys=$(awk -v g="[$g]" '/^\[/ { in_g = ($0 == g); next }
		in_g && /^#?[a-z_0-9]+ = / { sub(/^#/, ""); print $1 }' \
		"$SLUICE_TOP/examples/sluice.conf")
	miss=""
	for k in $keys; do
		grep -q "known keys:.*[ ,]$k\(,\|\$\)" "$TD/bad.err" || miss="$miss $k"
	done
	is "$miss" "" "$p: the unknown-key error lists all $(echo $keys | wc -w) keys of [$g] in examples/sluice.conf"
done

# A control_listen the filter could not open at start is refused by -n
# already (a bare relative path is no endpoint; sluiced's [core]
# control_socket is checked the same way).
for p in sluice-policyd:policyd sluice-milter:milter; do
	g=${p#*:}; p=${p%%:*}
	printf '[%s]\nown_networks = 127.0.0.0/8\ncontrol_listen = rel.sock\n' \
		"$g" >"$TD/bad.conf"
	"$B/$p" -n -c "$TD/bad.conf" >/dev/null 2>"$TD/bad.err"; rc=$?
	case $rc:$(cat "$TD/bad.err") in
	2:*"[$g] control_listen = \"rel.sock\""*"unix:/path"*) r=0 ;;
	*) r=1; diag "  got rc=$rc '$(cat "$TD/bad.err")'" ;;
	esac
	ok $r "$p -n refuses control_listen = rel.sock, naming what is accepted"
done

# The other way round: every key a group's schema knows (the list in
# the unknown-key error) is in examples/sluice.conf, "a complete,
# commented example" (README), set or commented out; the old names
# pid_file and control_socket of the mail filters excepted.
for pg in sluiced:core sluiced:sluiced sluiced:capture sluiced:dns \
	sluiced:countermeasures "sluiced:zone lan" sluice-policyd:policyd \
	sluice-milter:milter; do
	p=${pg%%:*}; g=${pg#*:}
	printf '[%s]\nbogus_key = 1\n' "$g" >"$TD/bad.conf"
	[ "$g" = "zone lan" ] && echo 'prefixes = 10.0.0.0/8' >>"$TD/bad.conf"
	known=$("$B/$p" -n -c "$TD/bad.conf" 2>&1 |
		sed -n 's/.*known keys: //p' | tr ',' ' ')
	ex=$(awk -v g="[$g]" '/^\[/ { in_g = ($0 == g); next }
		in_g && /^#?[a-z_0-9]+ =( |$)/ { sub(/^#/, ""); print $1 }' \
		"$SLUICE_TOP/examples/sluice.conf")
	miss=""
	for k in $known; do
		case $g:$k in policyd:pid_file|policyd:control_socket) continue ;;
		milter:pid_file|milter:control_socket) continue ;; esac
		echo "$ex" | grep -qx "$k" || miss="$miss $k"
	done
	[ -n "$known" ]
	ok $? "$p names the keys of [$g] ($(echo $known | wc -w))"
	is "$miss" "" "examples/sluice.conf shows every key of [$g]"
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
