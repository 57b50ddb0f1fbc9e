#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_state.t - the throttle's state survives kill and restart.
#
# mode = defer and a one-hour release interval make every decision here
# immediate and deterministic: a sender whose five-slot working set is
# full gets "450 4.7.1" for a new recipient, while a fresh throttle
# would let it fit. So a deferral after a restart proves the working
# set was restored. Checked after a clean stop (SIGTERM: snapshot at
# stop), after SIGKILL (the periodic snapshot), for a lockout, which
# the operator then lifts over the control socket, and for a honeytoken
# lockout (lost on every restart before the snapshot's version 2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "snapshot_interval = 1s
mode = defer
release_interval = 1h
honeytokens = trap-x7f3@lists.example.org"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
EP=inet:127.0.0.1:$PPORT
PC="perl $PD_HELP/pclient.pl"

# A queue empty for a whole release period frees one working-set slot,
# and periods start at multiples of the interval on the monotonic
# clock: with one hour, no period boundary falls inside this test.

# reloaded N - wait until the log holds N "configuration reloaded" lines
reloaded() {
	i=0
	while [ "$(grep -c 'configuration reloaded\|reload refused' "$T/policyd.log")" -lt "$1" ] &&
	      [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# fill SENDER - five recipients fill the working set
fill() {
	u=${1%%@*}
	send "$1" "${u}1@example.net,${u}2@example.net,${u}3@example.net,${u}4@example.net,${u}5@example.net"
}

fill dave@example.org
ok $? "dave: five recipients sent"
is "$(pd_events throttle dave@)" 0 "they fitted in the working set"
pd_stop TERM
test -s "$T/state/policyd.state"
ok $? "state saved at stop"
pd_start
ok $? "restarted"
pctl hosts all | grep -q '^sender:dave@example.org queued=0 wset=5'
ok $? "dave's full working set is back (sluicectl hosts)"
send dave@example.org dave2@example.net,dave3@example.net
ok $? "remembered recipients accepted after the restart"
is "$(pd_events throttle dave@)" 0 "without any throttling"
send dave@example.org dave6@example.net
ok $((! $?)) "a new recipient is refused for now"
is "$(pd_events throttle 'dave6@')" 1 "deferred: the full working set was restored"
grep -q '450 4.7.1 <dave6@example.net>' "$T/swaks.log"
ok $? "with 450 4.7.1"

fill erin@example.org
sleep 2.5		# two snapshot intervals
pd_stop KILL
pd_start
ok $? "restarted after SIGKILL"
send erin@example.org erin6@example.net
is "$(pd_events throttle 'erin6@')" 1 "the periodic snapshot kept erin's working set"

# a lockout: 5 fit, then every new recipient queues; the 51st waiting
# one locks the sender out
req() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=locked@example.org\nrecipient=%s@example.net\nclient_address=10.0.0.9\ninstance=%s\n\n' "$1" "$1"
}
i=0
while [ $i -lt 60 ]; do req "l$i"; i=$((i + 1)); done |
	$PC -n 60 -w 10 "$EP" >"$T/lock.out"
is "$(grep -c '^action=' "$T/lock.out")" 60 "60 requests on one connection answered"
cmp "$(pd_events lockout locked@)" -ge 1 "the sender was locked out"
got=$(req "after" | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "locked out: its mail is held"
pd_stop TERM
pd_start
got=$(req "after-restart" | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "still locked out after a restart"
pctl hosts | grep -q '^sender:locked@example.org .*locked'
ok $? "the operator sees the lockout (sluicectl hosts)"
pctl release sender:locked@example.org >/dev/null
ok $? "and lifts it (sluicectl release)"
got=$(req "after-release" | $PC -n 1 -w 3 "$EP" | head -1)
is "${got%% *}" "action=450" "the sender is throttled again, no longer held"

# a honeytoken lockout survives a clean stop and start
hreq() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=ht@example.org\nrecipient=%s\nclient_address=10.0.0.10\n\n' "$1"
}
got=$(hreq trap-x7f3@lists.example.org | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "a honeytoken recipient: held"
pctl hosts | grep -q '^sender:ht@example.org .*locked'
ok $? "sluicectl hosts shows the honeytoken-locked identity as locked"
pd_stop TERM
pd_start
got=$(hreq friend@example.net | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "after SIGTERM and a restart its mail is still held"
pctl hosts | grep -q '^sender:ht@example.org .*locked'
ok $? "and sluicectl hosts still shows it locked"

# SIGHUP: a new configuration, the same state
echo "whitelist_senders = locked@example.org" >>"$T/sluice.conf"
kill -HUP "$PD_PID"
reloaded 1
got=$(req "after-reload" | $PC -n 1 -w 3 "$EP" | head -1)
is "$got" "action=DUNNO" "SIGHUP: the new whitelist applies"
grep -q "configuration reloaded" "$T/policyd.log"
ok $? "reload logged"
pctl hosts all >"$T/hosts.out"
grep -q '^sender:dave@example.org queued=1 wset=5' "$T/hosts.out"
ok $? "and the state was kept (dave: full working set, dave6 queued)"
echo "wset_size = 0" >>"$T/sluice.conf"
kill -HUP "$PD_PID"
reloaded 2
kill -0 "$PD_PID"
ok $? "a bad configuration on SIGHUP does not stop the server"
grep -q "reload refused.*wset_size" "$T/policyd.log"
ok $? "it is refused with the reason"
got=$(req "after-bad-reload" | $PC -n 1 -w 3 "$EP" | head -1)
is "$got" "action=DUNNO" "and the old configuration stays in force"
pd_stop TERM
is "$(grep -c 'Sanitizer' "$T/policyd.log")" 0 \
	"no sanitizer report from sluice-policyd at stop after reloads (make check SANITIZE=1)"

done_testing
