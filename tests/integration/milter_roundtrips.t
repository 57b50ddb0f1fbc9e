#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_roundtrips.t - what sluice-milter costs Postfix, counted from
# the MTA side: a proxy between Postfix and the milter
# (tests/integration/milter/mcount.py) logs every command and every
# reply of the milter protocol.
#
# A one-recipient message gets two replies (RCPT, and DATA's accept),
# one with ten recipients eleven (also for the second message of a
# connection): connect and HELO are negotiated away,
# MAIL gets no reply (SMFIP_NR_MAIL), the client address comes with
# MAIL ({client_addr}), and the message is accepted at DATA, so
# headers, body and end of message never cross. A honeytoken message
# still goes on to the end of message: its headers and body are kept
# as a sample, it is quarantined (held), and sluiced is asked to
# quarantine the client that Postfix named at MAIL (XCLIENT). An MTA
# that cannot leave out connect and HELO (tests/integration/milter/
# oldmta.py speaks the protocol as one) gets today's path: connect and
# HELO answered, the client address taken from connect.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"

need postfix postconf postqueue swaks smtp-source perl ss /usr/bin/python3
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
[ "$(id -u)" -eq 0 ] || bail "the Postfix instance needs root"
T=$(mktemp -d /tmp/sluice-milter-rt.$$.XXXXXX)
at_exit "[ \"\$T_FAILED\" -eq 0 ] && rm -rf '$T'"
chmod 755 "$T"
MPORT=$(t_port 7)
PPORT=$(t_port 8)
SPORT=$(t_port 9)
mkdir "$T/samples" "$T/state"

cat >"$T/sluice.conf" <<CONF
[core]
state_dir = $T/state
events = $T/events.json
control_socket = unix:$T/ctl.sock
syslog_events = no
[milter]
user =
control_listen = $T/milter-ctl.sock
listen = inet:127.0.0.1:$MPORT
own_networks = 127.0.0.0/8 192.0.2.0/24
identity = sasl_username, sender, client_address
honeytokens = trap-x7f3@lists.example.org
sample_dir = $T/samples
CONF

start_ctl
start_milter "$T/sluice.conf" "$MPORT"
/usr/bin/python3 "$LUA/mcount.py" "$PPORT" "$MPORT" "$T/count.log" \
	2>"$T/mcount.err" &
CPID=$!
at_exit "kill $CPID 2>/dev/null"
wait_port "$PPORT" || bail "the counting proxy did not listen: $(cat "$T/mcount.err")"
pf_setup "$T/pf" "$SPORT"
pf_conf "smtpd_milters = inet:127.0.0.1:$PPORT" \
	"milter_default_action = tempfail" \
	"milter_protocol = 6" \
	"mynetworks = 127.0.0.0/8 192.0.2.0/24"
pf_start || bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log" 2>/dev/null)"
at_exit "pf_stop"

# last_conn - the count log of the last milter connection
last_conn() { awk '/^conn /{ b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$T/count.log"; }

# replies - replies of the last connection, negotiation left out, as
# "COMMAND:REPLY" words
replies() { last_conn | awk '$1 == "reply" && $2 != "O" { printf "%s%s:%s", s, $2, $3; s = " " }'; }

# sent CMD - how many CMD commands Postfix sent in the last connection
sent() { last_conn | awk -v c="$1" '$1 == "cmd" && $2 == c { n++ } END { print n + 0 }'; }

# 1. a normal one-recipient message
swk alice@example.org friend1@example.net
ok $? "a one-recipient message is accepted"
is "$(replies)" "R:c T:a" "... with two milter replies: RCPT continue, DATA accept"
is "$(sent C)$(sent H)$(sent L)$(sent B)$(sent E)" "00000" \
	"... and no connect, HELO, header, body or end of message sent"
is "$(sent M)" 1 "... MAIL is sent (no reply asked)"
pf_wait 'to=<friend1@example.net>.*status=sent' 1 10
ok $? "... and delivered"

# 2. ten recipients: one reply each, and DATA's
rc=""
for i in 0 1 2 3 4 5 6 7 8 9; do rc="${rc:+$rc,}f$i@example.net"; done
swk bob@example.org "$rc"
ok $? "a ten-recipient message is accepted"
n=$(replies | wc -w)
is "$n" 11 "... with eleven milter replies ($(replies))"
is "$(sent E)" 0 "... and no end of message"

# 3. two messages over one connection: the second, after the first's
# accept at DATA, is decided as well
smtp-source -d -s 1 -m 2 -f carol@example.org -t pal@example.net \
	"127.0.0.1:$SPORT" >"$T/smtp-source.out" 2>&1
ok $? "smtp-source sent two messages over one connection"
is "$(replies)" "R:c T:a R:c T:a" "... each with its RCPT and DATA replies"

# 4. a honeytoken message: sample, hold and client quarantine stay
swk mallory@example.org trap-x7f3@lists.example.org \
	--xclient-addr 192.0.2.66 --body "worm payload 3c9e"
ok $? "the honeytoken message is accepted (to be held)"
is "$(sent E)" 1 "... and goes on to the end of message"
last_conn | grep -q '^reply E q$'
ok $? "... where the milter asks for quarantine"
sleep 1
is "$(held mallory@example.org)" 1 "it is on the hold queue"
f=$(ls "$T/samples"/*.eml 2>/dev/null | head -1)
grep -q "worm payload 3c9e" "$f" 2>/dev/null
ok $? "its body was kept as a sample"
grep -q "^Subject:" "$f" 2>/dev/null
ok $? "... with its headers"
grep -q "^quarantine 192.0.2.66 honeytoken" "$T/ctl.log"
ok $? "sluiced was asked to quarantine 192.0.2.66 (the client from MAIL's {client_addr})"

# 5. an MTA that cannot leave out connect and HELO (older sendmail):
# the client address comes from connect, the honeytoken is still acted on
/usr/bin/python3 "$LUA/oldmta.py" "$MPORT" 192.0.2.88 oldie@example.org \
	trap-x7f3@lists.example.org >"$T/oldmta.out" 2>&1
ok $? "a message from an MTA without SMFIP_NOCONNECT ran its course"
is "$(awk '{ printf "%s%s", s, $1 ":" $2; s = " " }' "$T/oldmta.out")" \
	"C:c H:c R:c T:c L:c N:c B:c E:q E:c" \
	"... connect and HELO answered, DATA continued, quarantine at end of message"
grep -q "^quarantine 192.0.2.88 honeytoken" "$T/ctl.log"
ok $? "sluiced was asked to quarantine 192.0.2.88 (the client from connect)"

grep -q '"queue_id":"[0-9A-F]' "$T/events.json"
ok $? "the events carry Postfix's queue id"
is "$(grep -c 'Sanitizer' "$T/milter.log")" 0 \
	"no sanitizer report from sluice-milter (make check SANITIZE=1)"
done_testing
