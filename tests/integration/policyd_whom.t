#!/bin/sh
# policyd_whom.t - whom sluice-policyd throttles, and as whom, behind a
# real private Postfix (swaks), with the default identity (SASL user,
# else client address; the envelope sender is forged at will).
#
# 60 parallel sessions from one client, each with its own forged
# sender and 6 new recipients, are throttled as one identity: the
# working set's 5 pass, about one a second after that, the client is
# locked out (issue 21 found 360 recipients through in 3 s across 62
# identities when the sender was the identity).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

PD_IDENTITY=""
pd_setup
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"

# 1. forged senders from one client
held0=$(pf_held)
t0=$(now_ms)
seq 1 60 | xargs -P 60 -I N swaks --server "127.0.0.1:$SPORT" \
	--from forgedN@example.org \
	--to fN-1@example.net,fN-2@example.net,fN-3@example.net,fN-4@example.net,fN-5@example.net,fN-6@example.net \
	--silent 2 --timeout 120 >>"$T/forged.log" 2>&1
t1=$(now_ms)
secs=$(( (t1 - t0 + 999) / 1000 ))
sleep 2
got=$(sent 'f[0-9]+-[0-9]@example.net')
diag "forged senders: $got of 360 delivered in $secs s, $(($(pf_held) - held0)) held"
cmp "$got" -le $((5 + secs + 3)) "at most the working set and one a second got through"
ids=$(grep -E '"event_type":"(throttle|lockout)"' "$T/events.json" |
	grep -o '"identity":"[^"]*"' | sort -u)
is "$ids" '"identity":"client:127.0.0.1"' "every throttle event names one identity, the client"
is "$(pd_events lockout 'client:127.0.0.1')" 1 "that identity was locked out once"
is "$(pd_events throttle 'sender:')" 0 "no sender identity anywhere"

done_testing
