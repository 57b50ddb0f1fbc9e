#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_snapshot.t - sluice-milter's periodic snapshot does not stall
# answering (the milter's twin of policyd_snapshot.t).
#
# 400,000 SASL users (tests/integration/milter/snapload.py fill,
# pipelined over the milter protocol) make a snapshot of 34 MB in 16
# shard files. Then, with snapshots every second:
#  - paced: one RCPT at a time to a new recipient, each waiting in the
#    delay queue for the ticker's next release (release_interval
#    100 ms): the longest wait between answers must stay under 350 ms.
#    Written in place the snapshot held the ticker for the whole table
#    (longest wait 500-550 ms here, a fail: checked with the build
#    before the forked snapshot; 104 ms forked).
#  - direct: one RCPT at a time from a user whose recipient is in its
#    working set: no answer waits 250 ms or longer (in place, the
#    shard's part held its lock: 28-30 ms at 16 shards, so this bound
#    alone would not catch it; 5 ms forked).
# The bounds are generous for a loaded machine and sanitizers; the
# waits are printed. The files must be replaced meanwhile and whole:
# a restart after SIGKILL loads all the users from them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"
need ss /usr/bin/python3
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
N=400000
T=$(mktemp -d /tmp/sluice-milter-snapshot.$$.XXXXXX)
at_exit "rm -rf '$T'"
MPORT=$(t_port 11) || bail "no free loopback port"
cat >"$T/sluice.conf" <<EOC
[core]
events = $T/events.json
state_dir = $T/state
syslog_events = no
[milter]
user =
listen = inet:$MPORT@127.0.0.1
control_listen = $T/milter-snapshot.sock
own_networks = 10.0.0.0/8
mem_cap = 512M
release_interval = 100ms
snapshot_interval = 1s
EOC
mkdir "$T/state"
SL="/usr/bin/python3 $SLUICE_TOP/tests/integration/milter/snapload.py"
SHARD=$T/state/milter-shard-000.state


start_milter "$T/sluice.conf" "$MPORT"
is "$($SL fill "$MPORT" "$N")" "$N" "$N users answered"
cmp "$(ctl_number "$T/milter-snapshot.sock" identities)" -ge "$N" "the milter tracks them all"
set -- $($SL paced "$MPORT" "$SHARD" 5)
diag "paced: $2 answers, longest wait $4 ms, $6 snapshot(s) taken meanwhile"
cmp "$6" -ge 1 "the snapshot was replaced while recipients were released"
cmp "$2" -ge 10 "recipients released throughout"
cmp "$(printf '%.0f' "$4")" -lt 350 "no release came 250 ms late for the snapshot"
set -- $($SL probe "$MPORT" "$SHARD" 3)
diag "direct: $2 answers, longest wait $4 ms, $6 snapshot(s) taken meanwhile"
cmp "$6" -ge 1 "the snapshot was replaced while recipients were answered"
cmp "$2" -ge 100 "recipients answered throughout"
cmp "$(printf '%.0f' "$4")" -lt 250 "no answer waited 250 ms or longer for the snapshot"
diag "snapshot: $(du -sk "$T/state" | cut -f1) kB in $(ls "$T/state" | grep -c 'shard-.*state$') shard files"
kill -KILL "$MILTER_PID"
wait "$MILTER_PID" 2>/dev/null
# a child writing when its parent was killed finishes its files
_i=0
while ls "$T/state" | grep -q '\.tmp$' && [ $_i -lt 300 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
is "$(ls "$T/state" | grep -c '\.tmp$')" 0 "no temporary file left behind by a child"
rm -f "$T/milter-snapshot.sock"
start_milter "$T/sluice.conf" "$MPORT"
kill -0 "$MILTER_PID"
ok $? "restarted after SIGKILL (the port is its own)"
cmp "$(ctl_number "$T/milter-snapshot.sock" identities)" -ge "$N" "with all $N users"
is "$(grep -c 'not loaded\|partly restored' "$T/milter.log")" 0 "the snapshot loaded whole"
# a stuck snapshot child (stopped here, as a fork of a threaded process
# stuck on a lock would be) does not hold up the stop: it is killed
# after 10 s and the stop's own snapshot is written
child=""
_i=0
while [ -z "$child" ] && [ $_i -lt 500 ]; do
	for c in $(pgrep -P "$MILTER_PID"); do
		ls -l "/proc/$c/fd" 2>/dev/null | grep -q "$T/state/" && child=$c
	done
	[ -n "$child" ] || sleep 0.01
	_i=$((_i + 1))
done
ok "$([ -n "$child" ]; echo $?)" "a snapshot child caught writing"
kill -STOP "$child" 2>/dev/null
kill -TERM "$MILTER_PID"
_i=0
while kill -0 "$MILTER_PID" 2>/dev/null && [ $_i -lt 600 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
kill -0 "$MILTER_PID" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "the milter stopped within 60 s, its stuck child beside it" ||
	kill -KILL "$MILTER_PID" "$child" 2>/dev/null
wait "$MILTER_PID" 2>/dev/null
grep -q "snapshot child $child still running after 10 s at stop: killed" "$T/milter.log"
ok $? "the log says the child was killed"
is "$(ls "$T/state" | grep -c '\.tmp$')" 0 "and no temporary file is left"
is "$(grep -c 'Sanitizer' "$T/milter.log")" 0 "no sanitizer report"
done_testing
