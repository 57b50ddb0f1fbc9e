#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_snapshot.t - the periodic snapshot does not stall answering.
#
# 400,000 senders (snapload.py fill, pipelined) make a snapshot of
# 35 MB, which the loop itself wrote in 0.45-0.6 s before the snapshot
# was forked (the probe's longest wait, on this shared machine; 10-12
# ms forked). Then one request at a time for 5 s, while snapshots are
# taken every second: each answer must come within 250 ms of the last
# (a generous functional bound: the fork takes 1-4 ms, but a loaded
# machine alone gives waits of 10-80 ms; the longest wait is
# printed), the file must be replaced meanwhile, and it must be whole:
# a restart after SIGKILL loads all the senders from it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"	# pd_start, pd_stop (no Postfix here)
need ss
[ -x "$SLUICE_BUILD/sluice-policyd" ] || bail "sluice-policyd is missing: run make"
N=400000
T=$(mktemp -d /tmp/sluice-policyd-snapshot.$$.XXXXXX)
at_exit "rm -rf '$T'"
PORT=$(t_port 0) || bail "no free loopback port in 10100-10999"
PPORT=$PORT
cat >"$T/sluice.conf" <<EOC
[core]
events = $T/events.json
state_dir = $T/state
syslog_events = no
[policyd]
user =
listen = inet:127.0.0.1:$PORT
control_listen = $T/policyd-snapshot.sock
identity = sender
own_networks = 10.0.0.0/8
mem_cap = 512M
snapshot_interval = 1s
EOC
SL="/usr/bin/python3 $SLUICE_TOP/tests/integration/policyd/snapload.py"

pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
is "$($SL fill "$PORT" "$N")" "$N" "$N senders answered"
cmp "$(ctl_number "$T/policyd-snapshot.sock" identities)" -ge "$N" "policyd tracks them all"
set -- $($SL probe "$PORT" "$T/state/policyd.state" 5)
diag "probe: $2 answers, longest wait $4 ms, $6 snapshot(s) taken meanwhile"
cmp "$6" -ge 1 "the snapshot was replaced while requests were answered"
cmp "$2" -ge 100 "requests answered throughout"
cmp "$(printf '%.0f' "$4")" -lt 250 "no answer waited 250 ms or longer for the snapshot"
size=$(stat -c %s "$T/state/policyd.state")
diag "snapshot: $size bytes"
# kill it while a snapshot child writes (one is forked every second):
# the child must not keep the port, or the restart cannot bind it and
# connections wait in a backlog nobody serves
i=0 child=""
while [ $i -lt 250 ] && [ -z "$child" ]; do
	child=$(pgrep -P "$PD_PID" | head -n 1)
	[ -n "$child" ] || sleep 0.02
	i=$((i + 1))
done
ok "$([ -n "$child" ]; echo $?)" "a snapshot child was writing when the filter was killed"
pd_stop KILL
is "$(ss -Htlnp "sport = :$PORT" | grep -c .)" 0 "the orphaned snapshot child does not hold the port"
rm -f "$T/policyd-snapshot.sock"
pd_start
ok $? "restarted after SIGKILL"
is "$(grep -c 'not loaded' "$T/policyd.log")" 0 "the snapshot loaded whole"
cmp "$(ctl_number "$T/policyd-snapshot.sock" identities)" -ge "$N" "with all $N senders" ||
	diag "sluice-policyd said: $(tail -n 5 "$T/policyd.log" | tr '\n' ' ')" >&2
pd_stop TERM
is "$(grep -c 'Sanitizer' "$T/policyd.log")" 0 "no sanitizer report"
done_testing
