#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_postfix.t - sluice-milter behind a real, private Postfix
# (smtpd_milters), driven by swaks and smtp-source.
#
# A person's mail passes and is delivered; a mass mailer (40 messages to
# distinct recipients over 20 parallel sessions) gets the working set,
# then waits, then 451 4.7.1 with the throttle's text, and once its
# queue passes the high watermark its messages land on Postfix's hold
# queue; a honeytoken message is held, sluiced (a stand-in) is asked to
# quarantine the client and the message is kept as a sample; with
# sluice-milter stopped Postfix applies milter_default_action. A second
# sluice-milter in hold mode (behind a second smtpd port) takes a
# message to 8 new recipients at once onto the hold queue and releases
# it with postsuper when the last recipient's turn comes. That one
# runs as user = nobody (issue 20, point 8): its long-lived process has
# nobody's uid and gid and no capabilities (/proc/PID/status), its one
# child, the release helper, is root (control), and the release goes
# through the helper.
#
# The Postfix instance (tests/integration/mail/pfix.sh, shared with
# the policyd tests) has its own config, queue and data directories,
# listens on 127.0.0.1 only and discards what it delivers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"

need postfix postconf postqueue swaks smtp-source perl ss
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
[ "$(id -u)" -eq 0 ] || bail "the Postfix instance needs root"
T=$(mktemp -d /tmp/sluice-milter-pf.$$.XXXXXX)
at_exit "[ \"\$T_FAILED\" -eq 0 ] && rm -rf '$T'"
chmod 755 "$T"		# Postfix (user postfix) must reach its directories
# Four ports from four starting points 37 apart in 10200-10299 (taking
# them one after the other failed when the first landed near 10299).
MPORT=$(t_port 3)
SPORT=$(t_port 4)
HMPORT=$(t_port 5)
HSPORT=$(t_port 6)
mkdir "$T/samples" "$T/state-main" "$T/state-hold"

# identity by sender: the tests tell senders of one client (127.0.0.1) apart
cat >"$T/sluice.conf" <<CONF
[core]
state_dir = $T/state-main
events = $T/events.json
control_socket = unix:$T/ctl.sock
whitelist = 10.255.255.255
syslog_events = no
[milter]
user =
control_listen = $T/milter-ctl1.sock
listen = inet:127.0.0.1:$MPORT
own_networks = 127.0.0.0/8 192.0.2.0/24
identity = sasl_username, sender, client_address
wset_size = 5
release_interval = 1s
max_delay = 3s
high_watermark = 10
low_watermark = 5
honeytokens = trap-x7f3@lists.example.org
sample_dir = $T/samples
postfix_config_directory = $T/pf/etc
CONF

cat >"$T/hold.conf" <<CONF
[core]
state_dir = $T/state-hold
events = $T/events-hold.json
control_socket = unix:$T/ctl.sock
syslog_events = no
[milter]
user = nobody
control_listen = $T/milter-ctl2.sock
listen = inet:127.0.0.1:$HMPORT
own_networks = 127.0.0.0/8 192.0.2.0/24
identity = sasl_username, sender, client_address
mode = hold
wset_size = 5
release_interval = 2s
postfix_config_directory = $T/pf/etc
CONF

start_ctl
start_milter "$T/sluice.conf" "$MPORT"
MAIN_PID=$MILTER_PID
chown nobody "$T/state-hold"	# as make install's tmpfiles.d does
start_milter "$T/hold.conf" "$HMPORT"
HOLD_PID=$MILTER_PID
end=$(( $(date +%s) + 30 ))
until grep -q "running as nobody" "$T/milter.log"; do
	[ "$(date +%s)" -lt "$end" ] || break
	sleep 0.1
done
# status_of PID FIELD - a line of /proc/PID/status, tabs as blanks
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }
nob=$(id -u nobody) nog=$(id -g nobody)
is "$(status_of "$HOLD_PID" Uid) / $(status_of "$HOLD_PID" Gid)" \
	"$nob $nob $nob $nob / $nog $nog $nog $nog" \
	"hold-mode sluice-milter runs as nobody (all four uids and gids)"
is "$(status_of "$HOLD_PID" CapEff) $(status_of "$HOLD_PID" CapPrm)" \
	"0000000000000000 0000000000000000" "with no capabilities"
helper=$(pgrep -P "$HOLD_PID" | head -1)
is "$(status_of "${helper:-0}" Uid 2>/dev/null)" "0 0 0 0" \
	"its release helper keeps root (control)"
pf_setup "$T/pf" "$SPORT"
echo "127.0.0.1:$HSPORT inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$HMPORT" \
	>>"$T/pf/etc/master.cf"
pf_conf "smtpd_milters = inet:127.0.0.1:$MPORT" \
	"milter_default_action = tempfail" \
	"milter_protocol = 6" \
	"mynetworks = 127.0.0.0/8 192.0.2.0/24"
pf_start || bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log" 2>/dev/null)"
at_exit "pf_stop"
touch "$T/events.json" "$T/ctl.log"

# 1. a person's mail passes and is delivered
swk alice@example.org friend1@example.net,friend2@example.net
ok $? "alice's message accepted"
grep -q "^<- *250 2.0.0 Ok: queued" "$T/swaks.out"
ok $? "... with 250 queued"
pf_wait 'to=<friend[12]@example.net>.*status=sent' 2 10
ok $? "... and delivered to both recipients"
is "$(held alice@example.org)" 0 "nothing of alice's held"

# 2. a mass mailer: working set, waits, 451 4.7.1, then lockout: held
t0=$(now_ms)
smtp-source -A -N -s 20 -m 40 -r 1 -f mass@example.org \
	-t victim@example.net "127.0.0.1:$SPORT" >"$T/smtp-source.out" 2>&1
ok $? "smtp-source ran 40 messages over 20 sessions"
diag "mass mailer took $(( $(now_ms) - t0 )) ms"
sleep 1
n=$(pf_count 'milter-reject: RCPT .*451 4.7.1 Too many new recipients from this sender')
cmp "$n" -ge 1 "recipients whose wait ran out got 451 4.7.1 with the throttle's text"
n=$(held mass@example.org)
cmp "$n" -ge 15 "the mass mailer's messages past the watermark are on the hold queue ($n)"
n=$(pf_count 'milter-hold: END-OF-MESSAGE .*from=<mass@example.org>')
cmp "$n" -ge 15 "Postfix logged them as milter-hold ($n)"
is "$(event_count hold mass@example.org "$T/events.json")" "$n" \
	"one hold event per held message"
is "$(event_count lockout mass@example.org "$T/events.json")" 1 \
	"one lockout event"
d=$(pf_count 'to=<[0-9]*victim@example.net>.*status=sent')
cmp "$d" -ge 5 "its working set got through ($d delivered)"
cmp "$d" -le 12 "... and little more ($d <= 5 + a few released)"

# alice is not affected by the mass mailer
swk alice@example.org friend1@example.net
ok $? "alice still passes"

# 2b. the operator lists the held mail and releases it (sluicectl -s)
CTL="$SLUICE_BUILD/sluicectl -s $T/milter-ctl1.sock"
n=$(held mass@example.org)
is "$($CTL held | grep -c '^[0-9A-Za-z]* sender:mass@example.org operator$')" "$n" \
	"sluicectl held lists each of the $n held messages with its queue id"
is "$($CTL status | grep '^held_messages ')" "held_messages $n" \
	"status counts them"
$CTL --json status | grep -q '^{"rcpt":[0-9]*,"passed":[0-9]*,"delayed":[1-9]'
ok $? "status --json is JSON, delayed counted"
$CTL --json hosts | grep -q '^{"identity":"sender:mass@example.org","queued":[0-9]*,"wset":5,"locked":true}$'
ok $? "hosts --json is JSON"
$CTL show mass@example.org | grep -q '^sender:mass@example.org queued=[0-9]* wset=5 locked$'
ok $? "show takes a bare address where only one identity matches"
$CTL reload >/dev/null 2>"$T/ctl.err"
is $? 1 "a command of sluiced only is refused"
grep -q "unknown command; known: status, hosts \[all\], show IDENTITY, held, release IDENTITY \[REASON...\], events, metrics" "$T/ctl.err"
ok $? "... with the list of what works here"
$CTL --json events >"$T/follow.out" 2>&1 &
fpid=$!
at_exit "kill $fpid 2>/dev/null"
sleep 0.5
$CTL release mass@example.org checked with the customer >"$T/rel.out"
ok $? "sluicectl release of a bare address"
is "$(cat "$T/rel.out")" "released sender:mass@example.org, $n held message(s)" \
	"... names the identity and the messages it released"
i=0
while [ "$(held mass@example.org)" -gt 0 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
is "$(held mass@example.org)" 0 "the released messages leave the hold queue"
grep -q '"event_type":"release".*"identity":"sender:mass@example.org","reason":"operator","note":"checked with the customer","messages":'"$n" "$T/events.json"
ok $? "a release event keeps reason operator and the operator's words"
sleep 0.3
grep -q "\"event_type\":\"release\"" "$T/follow.out"
ok $? "sluicectl events on the milter's socket followed it"
kill $fpid 2>/dev/null
$CTL metrics | grep -q '^sluice_mail_held_messages 0$'
ok $? "metrics in the Prometheus text format"

# 3. a honeytoken message: held, sluiced asked, sample kept
swk mallory@example.org trap-x7f3@lists.example.org \
	--xclient-addr 192.0.2.66 --body "worm payload 8f1c"
ok $? "the honeytoken message is accepted (to be held)"
sleep 1
is "$(held mallory@example.org)" 1 "it is on the hold queue"
is "$(event_count honeytoken mallory@example.org "$T/events.json")" 1 \
	"a honeytoken event"
grep -q "^quarantine 192.0.2.66 honeytoken" "$T/ctl.log"
ok $? "sluiced was asked to quarantine 192.0.2.66"
f=$(ls "$T/samples"/*.eml 2>/dev/null | head -1)
grep -q "worm payload 8f1c" "$f" 2>/dev/null
ok $? "the message was kept as a sample ($(basename "${f:-none}"))"
swk mallory@example.org colleague@example.net --xclient-addr 192.0.2.66
sleep 1
is "$(held mallory@example.org)" 2 "the honeytoken sender's next message is held too"

# 4. hold mode: accepted at once, held, released by postsuper in turn
t0=$(now_ms)
rc=""
for i in 1 2 3 4 5 6 7 8; do rc="${rc:+$rc,}h$i@example.net"; done
swaks --server "127.0.0.1:$HSPORT" --from holdy@example.org --to "$rc" \
	--timeout 60 >"$T/swaks.out" 2>&1
ok $? "hold mode: a message to 8 new recipients is accepted"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -lt 3500 "... without waiting ($dt ms; delay mode would need over 4 s)"
grep -q "451" "$T/swaks.out"
is $? 1 "... and no recipient deferred"
is "$(held holdy@example.org)" 1 "... onto the hold queue"
is "$(grep -c '"release":"throttle"' "$T/events-hold.json")" 1 \
	"a hold event saying the throttle releases it"
# postsuper -H moves it to the deferred queue: the next queue run
# (queue_run_delay 10 s here) delivers it
pf_wait 'to=<h[1-8]@example.net>.*status=sent' 8 30
ok $? "released by postsuper when the 3 queued recipients' turns came, all 8 delivered"
dt=$(( $(now_ms) - t0 ))
cmp "$dt" -ge 4000 "... not before the third queued recipient's turn ($dt ms)"
is "$(held holdy@example.org)" 0 "the hold queue is empty again"
grep -q "privileged release helper died" "$T/milter.log"
is $? 1 "no helper death reported while it lives (control)"
kill -9 "$helper"
end=$(( $(date +%s) + 30 ))
until grep -q "privileged release helper died (killed by signal 9)" "$T/milter.log"; do
	[ "$(date +%s)" -lt "$end" ] || break
	sleep 0.2
done
grep -q "privileged release helper died (killed by signal 9)" "$T/milter.log"
ok $? "kill -9 of the release helper is reported, with the signal"

# 5. sluice-milter stopped: Postfix applies milter_default_action
kill "$MAIN_PID"
wait "$MAIN_PID" 2>/dev/null
swk bob@example.org friend3@example.net
[ $? -ne 0 ] && grep -q "^<\*\* *451 4.7.1" "$T/swaks.out"
ok $? "with the milter down Postfix answers 451 4.7.1 (milter_default_action = tempfail)"
[ $? -eq 0 ] || sed 's/^/#   /' "$T/swaks.out" | tail -5
kill "$MILTER_PID" 2>/dev/null
wait "$MILTER_PID" 2>/dev/null
is "$(grep -c 'Sanitizer' "$T/milter.log")" 0 \
	"no sanitizer report from sluice-milter (make check SANITIZE=1)"
done_testing
