#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_observe.t - observe mode behind a real private Postfix: every
# decision is made and reported, nothing is enforced.
#
# With [policyd] observe = yes a mass mailer (60 parallel sessions of 6
# new recipients) is delivered in full and undelayed, while the events
# say what would have been done ("throttle"/"lockout" with the verdict
# that would have been answered and "observe": true) and status counts
# it (would_*); a honeytoken message is delivered, reported as a
# would-be hold, and no quarantine is asked of sluiced. Then the same
# with observe off and [countermeasures] dry_run = yes, the global
# switch, for another client.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

PD_IDENTITY=""
pd_setup "observe = yes
honeytokens = trap-x7f3@lists.example.org"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
grep -q "observe mode (\[policyd\] observe)" "$T/policyd.log"
ok $? "the start says observe mode is on"

# burst PREFIX [SWAKS-OPTIONS] - 60 parallel sessions, 6 new recipients
# each; the wall time in ms in $ms
burst() {
	_p=$1
	shift
	_t0=$(now_ms)
	seq 1 60 | xargs -P 60 -I N swaks --server "127.0.0.1:$SPORT" \
		--from "${_p}N@example.org" \
		--to "${_p}N-1@example.net,${_p}N-2@example.net,${_p}N-3@example.net,${_p}N-4@example.net,${_p}N-5@example.net,${_p}N-6@example.net" \
		--silent 2 --timeout 120 "$@" >>"$T/burst.log" 2>&1
	ms=$(( $(now_ms) - _t0 ))
}

# burst_why PREFIX - what a short count comes from: the sessions'
# error replies and Postfix's warnings (the delivery of 360 recipients
# may take a while beside other tests, so the waits are long)
burst_why() {
	exec 3>&1 1>&2		# prove shows stderr
	diag "sent $(sent "$1[0-9]+-[0-9]@example.net"), swaks errors: $(grep -Ec '^ *<\*\* ' "$T/burst.log")"
	grep -E '^ *<\*\* ' "$T/burst.log" | sort | uniq -c | head -5 | while read -r l; do diag "$l"; done
	grep -E 'warning|fatal|reject' "$(pf_log)" | tail -5 | while read -r l; do diag "$l"; done
	exec 1>&3 3>&-
}

# 1. a mass mailer: all delivered, what would have been done reported
held0=$(pf_held)
burst m
pf_wait 'to=<m[0-9]+-[0-9]@example.net>.*status=sent' 360 120
is "$(sent 'm[0-9]+-[0-9]@example.net')" 360 "observe: all 360 recipients delivered"
[ "$(sent 'm[0-9]+-[0-9]@example.net')" = 360 ] || burst_why m
cmp "$ms" -lt 20000 "without waiting for release slots ($ms ms)"
is "$(pf_held)" "$held0" "nothing held"
is "$(grep -c '450 4.7.1' "$T/burst.log")" 0 "nothing deferred"
is "$(pd_events lockout '"verdict":"hold".*"observe":true')" 1 \
	"one would-be lockout event: verdict hold, observe true"
cmp "$(pd_events throttle '"observe":true')" -ge 1 "would-be delays reported as throttle events"
is "$(grep '"event_type":"\(throttle\|lockout\)"' "$T/events.json" | grep -vc '"observe":true')" 0 \
	"every throttle and lockout event is marked observe"
pctl status >"$T/status.out"
grep -q '^observe yes$' "$T/status.out"
ok $? "status says observe yes"
cmp "$(sed -n 's/^would_delay //p' "$T/status.out")" -ge 1 "status counts would-be delays"
cmp "$(sed -n 's/^would_hold //p' "$T/status.out")" -ge 1 "and would-be holds"
is "$(sed -n 's/^would_lockout //p' "$T/status.out")" 1 "and the would-be lockout"

# 2. a honeytoken: delivered, reported, sluiced not asked
send worm@example.org trap-x7f3@lists.example.org --xclient-addr 10.9.8.7
ok $? "honeytoken message accepted"
pf_wait 'to=<trap-x7f3@lists.example.org>.*status=sent' 1 15
ok $? "and delivered, not held"
is "$(pd_events honeytoken '"verdict":"hold".*"observe":true.*"client_quarantine":"observe"')" 1 \
	"honeytoken event: a would-be hold, no quarantine asked"
is "$(grep -c '^quarantine' "$T/ctl.log")" 0 "sluiced was never asked to quarantine"

# 3. the global switch: [countermeasures] dry_run = yes
pd_stop TERM
sed -i '/^observe = yes$/d' "$T/sluice.conf"
printf '\n[countermeasures]\ndry_run = yes\n' >>"$T/sluice.conf"
pd_start || bail "sluice-policyd did not restart: $(tail -3 "$T/policyd.log")"
grep -q "observe mode (\[countermeasures\] dry_run)" "$T/policyd.log"
ok $? "dry_run = yes: the start says observe mode is on"
burst d --xclient-addr 10.2.3.4
pf_wait 'to=<d[0-9]+-[0-9]@example.net>.*status=sent' 360 120
is "$(sent 'd[0-9]+-[0-9]@example.net')" 360 "dry_run: all 360 recipients delivered"
[ "$(sent 'd[0-9]+-[0-9]@example.net')" = 360 ] || burst_why d
is "$(pf_held)" "$held0" "nothing held"
is "$(pd_events lockout 'client:10.2.3.4.*"observe":true')" 1 "a would-be lockout for 10.2.3.4"

# 4. enforcing: the same burst from a third client is throttled
pd_stop TERM
sed -i '/^dry_run = yes$/d' "$T/sluice.conf"
pd_start || bail "sluice-policyd did not restart: $(tail -3 "$T/policyd.log")"
burst e --xclient-addr 10.2.3.5
sleep 2
got=$(sent 'e[0-9]+-[0-9]@example.net')
cmp "$got" -le 60 "enforcing again, the same burst is stopped ($got of 360 delivered)"
is "$(pd_events lockout 'client:10.2.3.5' | head -1)" 1 "and locked out"
is "$(pd_events lockout 'client:10.2.3.5.*"observe"')" 0 "for real, not marked observe"
done_testing
