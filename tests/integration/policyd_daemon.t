#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_daemon.t - sluice-policyd starts and stops as a daemon should:
# without -f it detaches once its socket is bound and writes its pid
# file, which it removes at stop with its control socket; -n says
# "configuration ok"; the old key names still work, with a warning; the
# start line names the listen address; the control socket's directory
# is made at start.
. "$(dirname "$0")/lib.sh"

PD_BIN=$SLUICE_BUILD/sluice-policyd
need ss
[ -x "$PD_BIN" ] || bail "$PD_BIN is missing: run make"
T=$(mktemp -d /tmp/sluice-pdd.$$.XXXXXX)
at_exit "rm -rf '$T'"
PORT=$(t_port 0) || bail "no free loopback port in 10100-10999"

conf() {
	cat >"$T/sluice.conf" <<EOC
[core]
events = $T/events.json
state_dir = $T/state
control_socket = $T/sluiced.sock
syslog_events = no
[policyd]
user =
listen = inet:127.0.0.1:$PORT
own_networks = 127.0.0.0/8
$1
EOC
}

conf "pidfile = $T/pd.pid
control_listen = $T/run/policyd.sock"
out=$("$PD_BIN" -n -c "$T/sluice.conf" 2>"$T/n.err")
is "$?" 0 "-n: a good file is valid"
is "$out" "$T/sluice.conf: configuration ok" "-n says so"
is "$(cat "$T/n.err")" "" "... with no warning"

t0=$(date +%s)
timeout 10 "$PD_BIN" -c "$T/sluice.conf"
is "$?" 0 "without -f the command returns at once: it detached"
cmp $(( $(date +%s) - t0 )) -lt 5 "... within 5 s"
i=0
while [ ! -s "$T/pd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
pid=$(cat "$T/pd.pid" 2>/dev/null)
at_exit "kill $pid 2>/dev/null"
is "$(cat /proc/$pid/comm 2>/dev/null)" "sluice-policyd" \
	"the pid file names the running daemon"
ss -Htln "sport = :$PORT" | grep -q .
ok $? "it listens on port $PORT"
[ -S "$T/run/policyd.sock" ]
ok $? "its control socket's directory was made at start"
is "$("$SLUICE_BUILD/sluicectl" -s "$T/run/policyd.sock" status | grep -c '^requests ')" 1 \
	"the control socket answers"
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null
is "$?" 1 "SIGTERM stops it"
[ ! -e "$T/pd.pid" ]
ok $? "the pid file is removed at stop"
[ ! -e "$T/run/policyd.sock" ]
ok $? "the control socket is removed at stop"

conf "pid_file = $T/old.pid
control_socket = $T/old.sock"
out=$("$PD_BIN" -n -c "$T/sluice.conf" 2>"$T/n.err")
is "$out" "$T/sluice.conf: configuration ok" "-n: the old key names are still valid"
grep -q "\[policyd\] pid_file is now pidfile" "$T/n.err"
ok $? "... with a warning for pid_file"
grep -q "\[policyd\] control_socket is now control_listen" "$T/n.err"
ok $? "... and for control_socket"
"$PD_BIN" -f -c "$T/sluice.conf" 2>"$T/f.err" &
fpid=$!
at_exit "kill $fpid 2>/dev/null"
i=0
while ! grep -q "started" "$T/f.err" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "started: listening on inet:127.0.0.1:$PORT, delay mode, control socket $T/old.sock" "$T/f.err"
ok $? "the start line names the listen address, mode and control socket"
grep -q "warning: $T/sluice.conf: \[policyd\] pid_file is now pidfile" "$T/f.err"
ok $? "the start logs the old-name warning, naming the file"
is "$(cat "$T/old.pid" 2>/dev/null)" "$fpid" "the old pid_file name still writes the pid file"
kill -TERM "$fpid"
wait "$fpid"
[ ! -e "$T/old.pid" ]
ok $? "... removed at stop in the foreground too"

conf "postsuper ="
"$PD_BIN" -n -c "$T/sluice.conf" >"$T/n.out" 2>&1
is "$?" 2 "-n: an empty postsuper is refused"
grep -q "$T/sluice.conf: \[policyd\] postsuper = \"\": expected" "$T/n.out"
ok $? "... naming the file, group and key"
conf "identity = nobody"
"$PD_BIN" -n -c "$T/sluice.conf" >"$T/n.out" 2>&1
grep -q "^sluice-policyd: $T/sluice.conf: \[policyd\] identity = \"nobody\"" "$T/n.out"
ok $? "a throttle parameter error names the file too"

done_testing
