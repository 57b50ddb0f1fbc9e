#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_uidflood.t - one local user cannot deny the policy service
# (issue 20, point 6).
#
# sluice-policyd as installed: a unix socket in Postfix's private/
# directory, born 0660, owned by [policyd] user (nobody here) and
# group postfix; Postfix asks unix:private/sluice-policy. A uid that
# is neither cannot connect at all (control: postfix can). Root can:
# it floods the socket, 300 connections a second, each with a request
# started and never finished (such a connection is not idle, so it is
# not closed to make room until request_timeout), while eight messages
# go through Postfix one a second. With max_connections_per_uid (50
# of 200 slots) root's newcomers past its 50 are refused: every
# message is delivered and Postfix logs no "problem talking to
# server". Control, the same flood with the per-uid limit at
# max_connections: the flood takes every slot, Postfix's idle
# connection is closed for it and its new ones are refused: Postfix
# logs the warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

need setpriv stat
PD_UNIX=1 PD_USER=nobody
pd_setup "max_connections = 200
max_connections_per_uid = 50"
plan 13

# started - until the daemon says it runs as the user (30 s)
started() {
	end=$(( $(date +%s) + 30 ))
	until grep -q "running as nobody" "$T/policyd.log"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		kill -0 "$PD_PID" 2>/dev/null || return 1
		sleep 0.1
	done
}

# conn_as USER-ARGS - 0 if that identity can connect to the socket
conn_as() {
	setpriv "$@" perl -MIO::Socket::UNIX -e \
		'exit(IO::Socket::UNIX->new(Peer => $ARGV[0]) ? 0 : 1)' \
		"$PD_SOCK" 2>/dev/null
}

# open_conns - connections sluice-policyd has open (its status)
open_conns() {
	pctl status 2>/dev/null | sed -n 's/.*connections[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -1
}

# flood ROUND - eight messages 1 s apart while root floods the
# socket; sets warn (new Postfix warnings) and got (delivered)
flood() {
	w0=$(pf_count 'problem talking to server')
	perl "$PD_HELP/uflood.pl" "$PD_SOCK" 40 300 400 >"$T/flood.$1" &
	fpid=$!
	at_exit "kill $fpid 2>/dev/null"
	# the flood is at its limit once the daemon holds 50 of its
	# connections (200 in the control): poll for it, 30 s at most
	want=$2
	end=$(( $(date +%s) + 30 ))
	while [ "$(open_conns)" -lt "$want" ] 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.2
	done
	diag "$1: $(open_conns) connections open with the flood"
	for i in 1 2 3 4 5 6 7 8; do
		send "u$i@example.org" "$1$i@example.net"
		sleep 1	# the idle time Postfix's connection must survive
	done
	kill "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	pf_wait "to=<$1[0-9]@example.net>.*status=sent" 8 30
	got=$(sent "$1[0-9]@example.net")
	warn=$(( $(pf_count 'problem talking to server') - w0 ))
	diag "$1: $got of 8 delivered, $warn warnings from Postfix"
}

pd_start && started || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
is "$(stat -c '%a %U %G' "$PD_SOCK")" "660 nobody postfix" \
	"the socket is born 0660, owned by [policyd] user and group postfix"
conn_as --reuid=12345 --regid=12345 --clear-groups
is $? 1 "uid 12345 (not postfix) cannot connect"
conn_as --reuid=postfix --regid=postfix --init-groups
is $? 0 "the postfix user can (control)"
send alice@example.org first@example.net
ok $? "a message through Postfix and the unix socket"
pf_wait 'to=<first@example.net>.*status=sent' 1 30
ok $? "delivered"

flood lim 50
cmp "$(cat "$T/flood.lim")" -ge 1000 "root opened over 1000 connections"
is "$got" 8 "with the per-uid limit: all eight messages delivered"
is "$warn" 0 "and Postfix logged no 'problem talking to server'"
cmp "$(grep -c 'max_connections_per_uid' "$T/policyd.log")" -le 6 \
	"the per-uid line is rate-limited (at most one per 10 s)"

pd_stop
sed -i 's/^max_connections_per_uid = 50$/max_connections_per_uid = 200/' "$T/sluice.conf"
pd_start && started || bail "sluice-policyd did not restart: $(cat "$T/policyd.log")"
send alice@example.org second@example.net
ok $? "control: restarted without the per-uid limit, a message passes"
flood ctl 190
cmp "$warn" -ge 1 "control: the same flood makes Postfix log 'problem talking to server'"
cmp "$(grep -c 'all 200 connections taken' "$T/policyd.log")" -ge 1 \
	"control: sluice-policyd said every slot was taken"
ok "$(kill -0 "$PD_PID" 2>/dev/null; echo $?)" "sluice-policyd still runs"

done_testing
