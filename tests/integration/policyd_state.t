#!/bin/sh
# policyd_state.t - the throttle's state survives kill and restart.
#
# A sender's working set is full before the restart, so of two new
# recipients after it one must wait (a fresh throttle would let both
# fit in; the throttle lets one new recipient per interval pass).
# Checked after a clean stop (SIGTERM: snapshot at stop), after
# SIGKILL (the periodic snapshot), and for a lockout (raw peers).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "snapshot_interval = 1s"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
EP=inet:127.0.0.1:$PPORT
PC="perl $PD_HELP/pclient.pl"

# fill SENDER - five recipients fill the working set
fill() {
	send "$1" "${1%%@*}1@example.net,${1%%@*}2@example.net,${1%%@*}3@example.net,${1%%@*}4@example.net,${1%%@*}5@example.net"
}

fill dave@example.org
ok $? "dave: five recipients sent"
is "$(pd_events throttle dave@)" 0 "they fitted in the working set"
pd_stop TERM
test -s "$T/state/policyd.state"
ok $? "state saved at stop"
pd_start
ok $? "restarted"
send dave@example.org dave2@example.net,dave3@example.net
is "$(pd_events throttle dave@)" 0 "remembered recipients pass after the restart"
# one new recipient per release interval may pass at once; two may not
send dave@example.org dave6@example.net,dave7@example.net
ok $? "two new recipients are accepted"
is "$(pd_events throttle 'dave[67]@')" 1 "but one had to wait: the working set was restored"

fill erin@example.org
sleep 2.5		# two snapshot intervals
pd_stop KILL
pd_start
ok $? "restarted after SIGKILL"
send erin@example.org erin6@example.net,erin7@example.net
is "$(pd_events throttle 'erin[67]@')" 1 "the periodic snapshot kept erin's working set"

# a lockout: 80 raw peers at once, each a new recipient of one sender
req() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=locked@example.org\nrecipient=%s@example.net\nclient_address=192.0.2.9\n\n' "$1"
}
i=0 pids=""
while [ $i -lt 80 ]; do
	req "l$i" | $PC -n 1 -w 2 "$EP" >/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
cmp "$(pd_events lockout locked@)" -ge 1 "the sender was locked out"
got=$(req "after" | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "locked out: its mail is held"
pd_stop TERM
pd_start
got=$(req "after-restart" | $PC -n 1 -w 2 "$EP" | head -1)
is "${got%% *}" "action=HOLD" "still locked out after a restart"

done_testing
