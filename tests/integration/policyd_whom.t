#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_whom.t - whom sluice-policyd throttles, and as whom, behind a
# real private Postfix (swaks), with the default identity (SASL user,
# else client address; the envelope sender is forged at will).
#
# Without own_networks sluice-policyd refuses to start and says where
# to look. Only the site's own senders are throttled, wherever Postfix
# calls the policy server: mail from a client outside own_networks
# (XCLIENT ADDR, Postfix sees the client as 203.0.113.5) to 50 local
# recipients over 10 parallel sessions is never delayed and is
# counted, while a SASL user (XCLIENT LOGIN) from the same outside
# network sending the same is throttled; a honeytoken message from
# outside is still held and signalled.
#
# 60 parallel sessions from one client, each with its own forged
# sender and 6 new recipients, are throttled as one identity: the
# working set's 5 pass, about one a second after that, the client is
# locked out (issue 21 found 360 recipients through in 3 s across 62
# identities when the sender was the identity).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

PD_IDENTITY=""
PD_OWN="127.0.0.1/32, [::1]/128"
pd_setup "honeytokens = trap-x7f3@example.org"
# local recipients: example.org is ours (discarded on delivery)
pf_conf "relay_domains = example.org" "relay_transport = discard"
pf_reload
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"

# 0. no own_networks: refused, with a pointer to mynetworks
grep -v '^own_networks' "$T/sluice.conf" >"$T/no-own.conf"
"$PD_BIN" -n -c "$T/no-own.conf" >"$T/no-own.out" 2>&1
is $? 2 "sluice-policyd -n without own_networks exits 2"
grep -q "\[policyd\] own_networks is not set.*postconf -h mynetworks" "$T/no-own.out"
ok $? "and says to set own_networks, e.g. from postconf -h mynetworks"


# 1. an outside client (not in own_networks, not authenticated)
pf_many out --xclient-addr 203.0.113.5
pf_wait 'to=<out[0-9]+-[0-9]@example.org>.*status=sent' 50 15
is "$(sent 'out[0-9]+-[0-9]@example.org')" 50 "outside client: all 50 local recipients delivered"
cmp "$ms" -lt 5000 "never delayed ($ms ms for 10 sessions)"
is "$(grep -c '203.0.113.5' "$T/events.json")" 0 "no throttle event for it"
pctl status >"$T/status.out"
cmp "$(sed -n 's/^outside //p' "$T/status.out")" -ge 50 "status counts its recipients as outside"

# 2. a SASL user from the same outside network: throttled
pf_many sasl --xclient-addr 203.0.113.6 --xclient-login alice
got=$(sent 'sasl[0-9]+-[0-9]@example.org')
secs=$(( (ms + 999) / 1000 ))
diag "SASL user: $got of 50 delivered in $secs s"
cmp "$(pd_events throttle '"identity":"sasl:alice"')" -ge 1 "the SASL user's recipients were delayed (throttle events for sasl:alice)"
cmp "$ms" -ge 35000 "paced: 45 recipients waited for one release a second ($ms ms)"

# 3. a honeytoken message from outside: held, event, quarantine asked
held0=$(pf_held)
send x@example.com trap-x7f3@example.org --xclient-addr 203.0.113.9
ok $? "outside honeytoken message accepted (onto hold)"
sleep 1
is "$(pf_held)" $((held0 + 1)) "it is on the hold queue"
is "$(pd_events honeytoken 203.0.113.9)" 1 "a honeytoken event"
is "$(grep -c '^quarantine 203.0.113.9 honeytoken$' "$T/ctl.log")" 1 "sluiced was asked to quarantine 203.0.113.9"

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
	grep -v '"identity":"sasl:alice"' | grep -o '"identity":"[^"]*"' | sort -u)
is "$ids" '"identity":"client:127.0.0.1"' "every throttle event names one identity, the client"
is "$(pd_events lockout 'client:127.0.0.1')" 1 "that identity was locked out once"
is "$(pd_events throttle 'sender:')" 0 "no sender identity anywhere"

done_testing
