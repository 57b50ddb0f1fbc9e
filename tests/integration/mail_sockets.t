#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mail_sockets.t - the mail filters' socket files at start and stop.
#
#   - sluice-milter whose control socket is taken by a live listener
#     exits 1 naming the path once, and leaves neither its pidfile nor
#     its milter socket behind;
#   - a stale control socket (its listener killed, connect refused)
#     does not block the next start: it is replaced;
#   - sluice-policyd removes its unix listen socket at SIGTERM, as it
#     does its control socket.
. "$(dirname "$0")/lib.sh"

need python3
B=$SLUICE_BUILD
T=$(mktemp -d /tmp/sluice-mail-sockets.$$.XXXXXX)
at_exit "[ \"\$T_FAILED\" -eq 0 ] && rm -rf '$T'"

# sock PATH LISTEN - a unix socket file at PATH; LISTEN=1: a live
# listener in the background (pid in SOCK_PID), 0: bound, then the
# process ends (a stale file nobody answers on)
sock() {
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
if sys.argv[2] == "1":
    s.listen(1)
    time.sleep(60)' "$1" "$2" &
	SOCK_PID=$!
	_i=0
	while [ ! -S "$1" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ "$2" = 1 ] || wait "$SOCK_PID"
}

mconf() {
	cat >"$T/milter.conf" <<CONF
[core]
state_dir = $T/state
events = $T/events.json
syslog_events = no
[milter]
user =
listen = unix:$T/milter.sock
control_listen = $T/mctl.sock
pidfile = $T/milter.pid
own_networks = 127.0.0.1/32
CONF
}

mconf
sock "$T/mctl.sock" 1
at_exit "kill $SOCK_PID 2>/dev/null"
"$B/sluice-milter" -f -c "$T/milter.conf" 2>"$T/m.err"; rc=$?
kill "$SOCK_PID"; wait "$SOCK_PID" 2>/dev/null
is "$rc" 1 "a live listener on the control socket: exit 1"
is "$(grep -o "$T/mctl.sock" "$T/m.err" | wc -l)" 1 \
	"the message names the path once" || diag "$(cat "$T/m.err")"
grep -q "Address already in use" "$T/m.err"; ok $? "and says it is in use"
[ ! -e "$T/milter.pid" ]; ok $? "no pidfile left behind"
[ ! -e "$T/milter.sock" ]; ok $? "no milter socket left behind"

rm -f "$T/mctl.sock"
sock "$T/mctl.sock" 0
[ -S "$T/mctl.sock" ]; ok $? "a stale control socket file (its listener gone)"
"$B/sluice-milter" -f -c "$T/milter.conf" 2>"$T/m.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
_i=0
while [ ! -s "$T/milter.pid" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
kill -0 "$pid" 2>/dev/null; ok $? "the milter starts over it" || diag "$(cat "$T/m.err")"
kill "$pid"; wait "$pid"
[ ! -e "$T/milter.sock" ] && [ ! -e "$T/mctl.sock" ] && [ ! -e "$T/milter.pid" ]
ok $? "stopped: its sockets and pidfile are gone"

cat >"$T/policyd.conf" <<CONF
[core]
state_dir = $T/state
events = $T/events.json
syslog_events = no
[policyd]
user =
listen = unix:$T/policyd.sock
control_listen = $T/pctl.sock
own_networks = 127.0.0.1/32
CONF
"$B/sluice-policyd" -f -c "$T/policyd.conf" 2>"$T/p.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
_i=0
while [ ! -S "$T/policyd.sock" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
[ -S "$T/policyd.sock" ]; ok $? "sluice-policyd listens on $T/policyd.sock" || diag "$(cat "$T/p.err")"
kill "$pid"; wait "$pid"
[ ! -e "$T/policyd.sock" ]; ok $? "SIGTERM: the listen socket is removed"
[ ! -e "$T/pctl.sock" ]; ok $? "and the control socket"

done_testing
