#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_sendmail.t - sluice-milter behind a real sendmail (8.17, run
# from its unpacked Debian packages: see mail/sendmail.sh).
#
# The private sendmail's config is built with m4 from the shipped
# examples/sendmail/sluice-milter.mc (only its port changed). Clients
# are told apart by their loopback source address (sendmail has no
# XCLIENT), all of them in own_networks. A normal message passes at
# once; a message to 12 new recipients is paced by the throttle; a
# mass mailer of 80 parallel sessions is throttled (the recipients
# whose wait ran out get the milter's own 451 4.7.1, proving the .mc's
# T=R timeout is above max_delay) and locked out into sendmail's
# quarantine; a honeytoken recipient's message is quarantined, listed
# by "mailq -qQ" and released by "sendmail -qQ -Q" as the .mc says;
# with sluice-milter down sendmail answers the documented tempfail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mail/pfix.sh"
. "$(dirname "$0")/mail/sendmail.sh"
need swaks ss
[ "$(id -u)" -eq 0 ] || bail "the sendmail instance needs root"
MI_BIN=$SLUICE_BUILD/sluice-milter
[ -x "$MI_BIN" ] || bail "$MI_BIN is missing: run make"
sm_fetch
T=$(mktemp -d /tmp/sluice-sendmail.$$.XXXXXX) && at_exit "rm -rf '$T'"
SPORT=$(t_port 0) && MPORT=$(t_port 1) || bail "no free loopback port in 10100-10999"

{ pf_core_conf "$T"; cat <<EOC; } >"$T/sluice.conf"

[milter]
user =
listen = inet:127.0.0.1:$MPORT
own_networks = 127.0.0.0/8
control_listen = $T/milter.sock
honeytokens = trap-x7f3@lists.example.org
EOC
sed "s/S=inet:8895@127.0.0.1/S=inet:$MPORT@127.0.0.1/" \
	"$SLUICE_TOP/examples/sendmail/sluice-milter.mc" >"$T/fragment.mc"
is "$(grep -c "S=inet:$MPORT@127.0.0.1" "$T/fragment.mc")" 1 \
	"the shipped .mc names one milter socket (given the test's port)"
sm_setup "$T/sm" "$SPORT" "$T/fragment.mc"
ok $? "m4 builds sendmail.cf from the shipped .mc ($(head -c 200 "$T/sm/m4.log"))"
grep -q "^Xsluice, S=inet:$MPORT@127.0.0.1, F=T, T=C:10s;S:10s;R:30s;E:1m" "$T/sm/sendmail.cf"
ok $? "sendmail.cf has the filter with F=T and T=R:30s"

"$MI_BIN" -f -c "$T/sluice.conf" 2>"$T/milter.log" &
MI_PID=$!
at_exit "kill $MI_PID 2>/dev/null"
i=0
while ! ss -Htln "sport = :$MPORT" | grep -q . && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $MI_PID 2>/dev/null || bail "sluice-milter did not start: $(cat "$T/milter.log")"
sm_start || bail "sendmail did not start: $(cat "$T/sm/sendmail.log")"
at_exit sm_stop

# send FROM-ADDR TO [SWAKS-OPTIONS...] - one message from 127.0.0.FROM-ADDR
send() {
	a=$1 t=$2
	shift 2
	swaks --server "127.0.0.1:$SPORT" --local-interface "127.0.0.$a" \
		--from "u$a@example.org" --to "$t" --timeout 120 "$@" >"$T/swaks.$a" 2>&1
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
events() { grep "\"event_type\":\"$1\"" "$T/events.json" 2>/dev/null | grep -c -- "$2" || true; }

# 1. a normal message
t0=$(now_ms)
send 2 friend1@example.net,friend2@example.net
ok $? "a normal message is accepted ($(grep '^<-.*250 2.0.0' "$T/swaks.2"))"
cmp $(( $(now_ms) - t0 )) -lt 3000 "at once (ms)"
is "$(sm_queued)" 1 "it is on sendmail's queue"
is "$(sm_quarantined)" 0 "nothing quarantined"
grep -q '"identity":"client:127.0.0.2"' "$T/events.json" 2>/dev/null
ok $((! $?)) "no event for it"

# 2. twelve new recipients in one message: paced by the throttle
rc=""
for i in $(seq 1 12); do rc="${rc:+$rc,}r$i@example.net"; done
t0=$(now_ms)
send 3 "$rc"
ok $? "a message to 12 new recipients is accepted"
t1=$(now_ms)
diag "12 recipients took $((t1 - t0)) ms"
cmp $((t1 - t0)) -ge 5000 "paced: 7 recipients waited about 1 s each (ms)"
cmp "$(events throttle 'client:127.0.0.3')" -ge 1 "a throttle event for client:127.0.0.3"

# 3. a mass mailer: 80 sessions at once, one new recipient each
t0=$(now_ms)
seq 1 80 | xargs -P 80 -I N swaks --server "127.0.0.1:$SPORT" \
	--local-interface 127.0.0.6 --from mass@example.org --to massN@example.net \
	--timeout 120 >"$T/mass.log" 2>&1
diag "80 sessions of the mass mailer took $(( $(now_ms) - t0 )) ms"
cmp "$(events lockout 'client:127.0.0.6')" -ge 1 "the mass mailer is locked out"
cmp "$(grep -c '451 4.7.1' "$T/mass.log")" -ge 1 \
	"recipients whose wait ran out got the milter's 451 4.7.1 (T=R above max_delay)"
is "$(grep -c '4.3.2' "$T/mass.log")" 0 "never sendmail's own timeout tempfail"
q=$(sm_quarantined)
cmp "$q" -ge 1 "locked-out mail is in sendmail's quarantine ($q)"

# 4. a honeytoken recipient: quarantined, listed, released
send 4 trap-x7f3@lists.example.org
ok $? "a message to the honeytoken is accepted"
is "$(sm_quarantined)" $((q + 1)) "and quarantined (an hf file in the queue)"
is "$(events honeytoken 'client:127.0.0.4')" 1 "a honeytoken event"
sm_cmd -bp -qQ >"$T/mailq.log" 2>&1
grep -q "QUARANTINE: sluice: honeytoken recipient (client:127.0.0.4)" "$T/mailq.log"
ok $? "mailq -qQ lists it with the reason"
queued=$(sm_queued)
sm_cmd -qQ -Q >"$T/release.log" 2>&1
is "$(sm_quarantined)" 0 "sendmail -qQ -Q releases the quarantine, as the .mc says"
is "$(sm_queued)" $((queued + q + 1)) "onto the normal queue"

# 5. sluice-milter down: sendmail's F=T tempfail
kill $MI_PID; wait $MI_PID 2>/dev/null
before=$(sm_queued)
send 5 late@example.net
ok $((! $?)) "with sluice-milter down the message is not accepted"
grep -q '^<\*\* *451 4.3.2 Please try again later' "$T/swaks.5"
r=$?
ok $r "sendmail answers 451 4.3.2 Please try again later (F=T, as the .mc documents)"
[ $r -eq 0 ] || diag "swaks said: $(grep -E '^(<|\*\*\*)' "$T/swaks.5" | tail -n 4 | tr '\n' ' ')"
is "$(sm_queued)" "$before" "nothing queued"
done_testing
