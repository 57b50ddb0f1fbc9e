#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_hold.t - mode = hold: messages go to Postfix's hold queue and
# sluice-policyd releases them with postsuper when their turn comes.
#
# One message to 10 new recipients: 5 fit, 5 wait, so the message is
# held and released (postsuper -H) about 5 s later, then delivered.
# Eight one-recipient messages sent one after the other: those past
# the working set (and the one-per-interval allowance) are held and
# released. The sender never sees an error, only a delay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup "mode = hold"
pd_start || bail "sluice-policyd did not start: $(cat "$T/policyd.log")"

rc=""
for i in $(seq 1 10); do rc="${rc:+$rc,}g$i@example.net"; done
t0=$(now_ms)
send gina@example.org "$rc"
ok $? "gina: message to 10 new recipients accepted at once"
t1=$(now_ms)
cmp $((t1 - t0)) -lt 5000 "without waiting (ms; the delay mode would take 5 s or more)"
is "$(pf_held)" 1 "the message is on hold"
is "$(sent 'g[0-9]+@example.net')" 0 "nothing delivered yet"
pf_wait 'to=<g[0-9]+@example.net>.*status=sent' 10 60
ok $? "released and delivered to all 10"
t2=$(now_ms)
diag "held for $((t2 - t1)) ms"
cmp $((t2 - t1)) -ge 3000 "after about one release interval per waiting recipient (ms)"
is "$(pf_held)" 0 "the hold queue is empty again"

# Sent side by side, so that all eight arrive within one release
# period on a loaded machine too (a queue empty for a whole period
# frees a working-set slot, and sequential sends could each fit).
pids=""
for i in $(seq 1 8); do
	send hank@example.org "h$i@example.net" &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "hank: eight messages accepted"
pf_wait 'hold: RCPT.*from=<hank@example.org>' 2 30
ok $? "the messages past the working set were held"
pf_wait 'to=<h[0-9]@example.net>.*status=sent' 8 60
ok $? "the held ones released too"
is "$(pf_held)" 0 "nothing left on hold"
is "$(grep -c 'reject:' "$(pf_log)")" 0 "no recipient was refused"
cmp "$(grep -c 'hold: RCPT.*: Recipient address held by sluice: sender throttled; from=' "$(pf_log)")" -ge 2 \
	"Postfix's log reads \"Recipient address held by sluice: sender throttled\""

done_testing
