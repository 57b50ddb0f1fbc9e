#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_postfix.t - sluice-policyd in front of a real Postfix (swaks).
#
# A private Postfix on loopback asks sluice-policyd (default delay
# mode: working set 5, one release a second, max_delay 25 s) about
# every recipient. A person's mail passes, a message to 20 new
# recipients arrives within the promised bound, a honeytoken holds the
# sender and asks sluiced (a listening stand-in) for a quarantine, a
# whitelisted list server passes at any rate, a mass mailer gets about
# one new recipient a second and is then locked out (held), and with
# sluice-policyd stopped Postfix answers the documented default_action.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "honeytokens = trap-x7f3@lists.example.org; *-salt9@example.net
whitelist_senders = @lists.example.com"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"

# 1. a person's normal mail
send alice@example.org friend1@example.net
ok $? "alice: first message accepted"
send alice@example.org friend1@example.net,friend2@example.net
ok $? "alice: second message to two recipients accepted"
is "$(pd_events throttle 'alice@example.org')" 0 "alice's mail was not delayed (no throttle event; bob's below has one)"
pf_wait 'to=<friend[12]@example.net>.*status=sent' 3 10
ok $? "alice's three deliveries arrived"

# 2. one message to 20 new recipients: delivered, within the bound
rc=""
for i in $(seq 1 20); do rc="${rc:+$rc,}r$i@example.net"; done
t0=$(now_ms)
send bob@example.org "$rc"
r=$?
ok $r "bob: message to 20 new recipients accepted without error"
# On failure say why where prove shows it (stderr): swaks prints only
# errors here, and sluice-policyd logs to stderr.
[ $r -eq 0 ] || diag "swaks said: $(tail -n 12 "$T/swaks.log" | tr '\n' ' ')" \
	"| sluice-policyd said: $(tail -n 5 "$T/policyd.log" | tr '\n' ' ')" \
	"| Postfix said: $(grep -E 'warning|policy' "$(pf_log)" | tail -n 6 | tr '\n' ' ')" \
	"| sluice-policyd $(kill -0 "$PD_PID" 2>/dev/null && echo runs || echo is gone)" >&2
t1=$(now_ms)
diag "20 new recipients took $((t1 - t0)) ms"
cmp $((t1 - t0)) -le 30000 "within the README's bound of 30 s (ms)"
cmp $((t1 - t0)) -ge 10000 "and the throttle did pace it: 15 waited about 1 s each (ms)"
cmp "$(pd_events throttle 'bob@example.org')" -ge 15 "throttle events say so"
pf_wait 'to=<r[0-9]+@example.net>.*status=sent' 20 15
is "$(sent 'r[0-9]+@example.net')" 20 "all 20 recipients delivered"
is "$(pd_events lockout bob@)" 0 "bob was never locked out"

# 3. honeytoken: held, event, quarantine request to sluiced
held0=$(pf_held)
send worm@example.org trap-x7f3@lists.example.org --xclient-addr 10.9.8.7
ok $? "message to the honeytoken accepted (onto hold)"
sleep 1
is "$(pf_held)" $((held0 + 1)) "honeytoken message is on the hold queue"
is "$(pd_events honeytoken 'worm@example.org')" 1 "honeytoken event written"
is "$(grep -c '^quarantine 10.9.8.7 honeytoken$' "$T/ctl.log")" 1 "sluiced was asked to quarantine 10.9.8.7"
send worm@example.org colleague@example.net --xclient-addr 10.9.8.7
ok $? "the honeytoken sender's next message accepted"
sleep 1
is "$(pf_held)" $((held0 + 2)) "and held too (lockout for the TTL)"
is "$(sent 'colleague@example.net')" 0 "not delivered"
pctl held >"$T/held.out"
is "$(grep -c '^[0-9A-Z]* sender:worm@example.org operator$' "$T/held.out")" 2 "the operator lists both held messages, with queue ids"
pctl status | grep -q '^honeytokens 1$'
ok $? "status counts the honeytoken"
pctl release sender:worm@example.org >/dev/null
ok $? "the operator releases the sender"
pf_wait 'to=<(colleague@example.net|trap-x7f3@lists.example.org)>.*status=sent' 2 20
ok $? "both held messages delivered after the release"
is "$(pf_held)" "$held0" "hold queue back to where it was"
send other@example.org x-salt9@example.net --xclient-addr 10.9.8.8
is "$(pd_events honeytoken 'x-salt9')" 1 "pattern honeytoken (*-salt9@example.net) matched"

# 4. a whitelisted list server passes at any rate
t0=$(now_ms)
for m in 1 2 3; do
	rc=""
	for i in $(seq 1 30); do rc="${rc:+$rc,}m$m-s$i@example.net"; done
	send news@lists.example.com "$rc" || break
done
ok $? "list server: three messages to 30 new recipients each accepted"
t1=$(now_ms)
cmp $((t1 - t0)) -lt 10000 "without delay (ms)"
pf_wait 'to=<m[0-9]-s[0-9]+@example.net>.*status=sent' 90 15
is "$(sent 'm[0-9]-s[0-9]+@example.net')" 90 "all 90 delivered"
is "$(pd_events throttle 'news@lists')" 0 "no throttle event for it"

# 5. a mass mailer: 200 distinct recipients, 100 sessions at once
held0=$(pf_held)
t0=$(now_ms)
seq 1 200 | xargs -P 100 -I N swaks --server "127.0.0.1:$SPORT" \
	--from mass@example.org --to massN@example.net --silent 2 \
	--timeout 120 >>"$T/mass.log" 2>&1
t1=$(now_ms)
secs=$(( (t1 - t0 + 999) / 1000 ))
sleep 2
got=$(sent 'mass[0-9]+@example.net')
diag "mass mailer: $got of 200 delivered in $secs s, $(($(pf_held) - held0)) held"
cmp "$got" -ge 5 "the working set's 5 went through"
cmp "$got" -le $((5 + secs + 3)) "about one new recipient per second after that"
cmp "$got" -ge $((5 + 15)) "and the release slots were used"
cmp "$(pd_events lockout 'mass@example.org')" -ge 1 "lockout event for the mass mailer"
cmp $(($(pf_held) - held0)) -ge 1 "locked-out mail is on hold"
cmp "$(grep -c '450 4.7.1' "$T/mass.log")" -ge 1 "recipients past max_delay deferred with 4.7.1"

# 6. sluice-policyd stopped: Postfix's default_action applies
pd_stop
send carol@example.org stopped@example.net
ok $((! $?)) "with sluice-policyd stopped the message is not accepted"
grep -q "450 4.3.5 .*sluice-policyd unavailable" "$T/swaks.log"
ok $? "Postfix answered the default_action (4.3.5 sluice-policyd unavailable)"
is "$(sent 'stopped@example.net')" 0 "nothing delivered"

done_testing
