#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_malformed.t - malformed peers are warned about and disconnected,
# and every other connection, Postfix's included, keeps being served.
#
# Raw peers (pclient.pl) send a request without request=, an overlong
# line, binary junk, 10,000 attributes, and a request never finished;
# meanwhile well-formed requests and mail through a private Postfix
# are answered at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "request_timeout = 2s"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
EP=inet:127.0.0.1:$PPORT
PC="perl $PD_HELP/pclient.pl"
GOOD="request=smtpd_access_policy
protocol_state=RCPT
sender=good@example.org
recipient=friend@example.net
client_address=192.0.2.1
"

# ask NAME - a good request on a new connection gets DUNNO
ask() {
	got=$(printf '%s\n' "$GOOD" | $PC -n 1 -w 3 "$EP" | head -1)
	is "$got" "action=DUNNO" "$1"
}

# bad NAME LOGTEXT - the peer in $T/bad is disconnected, with a warning
bad() {
	got=$($PC -w 3 "$EP" <"$T/bad" | tail -1)
	is "$got" "EOF" "$1: disconnected"
	grep -Eq "warning: .*($2)[^;]*; disconnecting" "$T/policyd.log"
	ok $? "$1: warning logged ($2)"
	nbad=$((nbad + 1))
	is "$(pd_events malformed '"reason":')" "$nbad" "$1: a malformed event"
	ask "$1: the next peer is served"
}

nbad=0
ask "well-formed request answered"
is "$(pd_events malformed)" 0 "no malformed event for a good request"

printf 'protocol_state=RCPT\nsender=a@b.example\nrecipient=c@d.example\n\n' >"$T/bad"
bad "no request= attribute" "no request=smtpd_access_policy"
pd_events malformed 'no request=smtpd_access_policy' | grep -qx 1
ok $? "the malformed event says why"

{ printf 'request=smtpd_access_policy\nsender='
  head -c 3000 /dev/zero | tr '\0' x; printf '\n\n'; } >"$T/bad"
bad "overlong line" "line too long"

head -c 4096 /dev/urandom >"$T/bad"
printf '\001\n\n' >>"$T/bad"
bad "binary junk" "(control byte|bad character|without '=')"

{ printf 'request=smtpd_access_policy\n'
  i=0; while [ $i -lt 10000 ]; do echo "attr$i=value"; i=$((i + 1)); done
  echo; } >"$T/bad"
bad "10,000 attributes" "too many attributes"

# a peer that never finishes its request, open while others are served
printf 'request=smtpd_access_policy\nsender=slow@example.org\nrecip' |
	$PC -w 6 "$EP" >"$T/slow.out" &
slow=$!
sleep 0.3
t0=$(now_ms)
ask "served while a peer dawdles"
send good@example.org dawdle@example.net
ok $? "Postfix mail accepted while a peer dawdles"
t1=$(now_ms)
cmp $((t1 - t0)) -lt 2000 "both at once, not after the dawdler (ms)"
wait $slow
is "$(tail -1 "$T/slow.out")" "EOF" "the dawdler is disconnected after request_timeout"
grep -q "warning: .*request not finished in time; disconnecting" "$T/policyd.log"
ok $? "and a warning logged"

# many peers at once
i=0 pids=""
while [ $i -lt 50 ]; do
	printf '%s\n' "$GOOD" | $PC -n 1 -w 5 "$EP" >"$T/many.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
is "$(cat "$T"/many.* | grep -c '^action=DUNNO')" 50 "50 simultaneous peers all answered"
kill -0 "$PD_PID"
ok $? "sluice-policyd is still running"
pf_wait 'to=<dawdle@example.net>.*status=sent' 1 10
ok $? "the mail sent meanwhile was delivered"

done_testing
