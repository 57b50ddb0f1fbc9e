#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter_whom.t - whom sluice-milter throttles, behind a real private
# Postfix (smtpd_milters), with the default identity (SASL user, else
# client address).
#
# Without own_networks sluice-milter refuses to start. Mail from a
# client outside own_networks (XCLIENT ADDR: Postfix sees 203.0.113.5)
# to 50 local recipients over 10 parallel sessions is never delayed and
# is counted; a SASL user ({auth_authen}, from XCLIENT LOGIN) from the
# same outside network sending the same is paced at one new recipient
# a second; 60 sessions from one own client with forged senders are one
# identity. Restarted with observe = yes, the filter passes another SASL
# user's 50 new recipients at once and only reports what it would have
# done.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"

need postfix postconf swaks perl ss
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
[ "$(id -u)" -eq 0 ] || bail "the Postfix instance needs root"
T=$(mktemp -d /tmp/sluice-milter-whom.$$.XXXXXX)
at_exit "[ \"\$T_FAILED\" -eq 0 ] && rm -rf '$T'"
chmod 755 "$T"
MPORT=$(t_port 7)
SPORT=$(t_port 8)
mkdir "$T/state"

cat >"$T/sluice.conf" <<CONF
[core]
state_dir = $T/state
events = $T/events.json
control_socket = unix:$T/ctl.sock
syslog_events = no
[milter]
user =
listen = inet:127.0.0.1:$MPORT
control_listen = $T/milter.sock
own_networks = 127.0.0.1/32, [::1]/128
CONF

# 0. no own_networks: refused
grep -v '^own_networks' "$T/sluice.conf" >"$T/no-own.conf"
"$MILTER" -n -c "$T/no-own.conf" >"$T/no-own.out" 2>&1
is $? 2 "sluice-milter -n without own_networks exits 2"
grep -q "\[milter\] own_networks is not set" "$T/no-own.out"
ok $? "and names the key ($(head -c 200 "$T/no-own.out"))"

start_ctl
start_milter "$T/sluice.conf" "$MPORT"
pf_setup "$T/pf" "$SPORT"
pf_conf "smtpd_milters = inet:127.0.0.1:$MPORT" \
	"milter_default_action = tempfail" "milter_protocol = 6" \
	"relay_domains = example.org" "relay_transport = discard"
pf_start || bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log" 2>/dev/null)"
at_exit "pf_stop"
touch "$T/events.json" "$T/ctl.log"

sent() { pf_count "to=<$1>.*status=sent"; }


# 1. an outside client: never delayed, counted
pf_many out --xclient-addr 203.0.113.5
pf_wait 'to=<out[0-9]+-[0-9]@example.org>.*status=sent' 50 15
is "$(sent 'out[0-9]+-[0-9]@example.org')" 50 "outside client: all 50 local recipients delivered"
cmp "$ms" -lt 5000 "never delayed ($ms ms for 10 sessions)"
is "$(grep -c '203.0.113.5' "$T/events.json")" 0 "no throttle event for it"
"$SLUICE_BUILD/sluicectl" -s "$T/milter.sock" status >"$T/status.out"
cmp "$(sed -n 's/^outside //p' "$T/status.out")" -ge 50 "status counts its recipients as outside"

# 2. a SASL user from the same outside network: throttled
pf_many sasl --xclient-addr 203.0.113.6 --xclient-login alice
diag "SASL user: $(sent 'sasl[0-9]+-[0-9]@example.org') of 50 delivered in $ms ms"
cmp "$(event_count throttle '"identity":"sasl:alice"' "$T/events.json")" -ge 1 \
	"the SASL user's recipients were delayed (throttle events for sasl:alice)"
cmp "$ms" -ge 20000 "paced at about one new recipient a second ($ms ms)"

# 3. forged senders from one own client: one identity
seq 1 60 | xargs -P 60 -I N swaks --server "127.0.0.1:$SPORT" \
	--from forgedN@example.com \
	--to fN-1@example.org,fN-2@example.org,fN-3@example.org,fN-4@example.org,fN-5@example.org,fN-6@example.org \
	--silent 2 --timeout 120 >>"$T/forged.log" 2>&1
ids=$(grep -E '"event_type":"(throttle|lockout)"' "$T/events.json" |
	grep -v '"identity":"sasl:alice"' | grep -o '"identity":"[^"]*"' | sort -u)
is "$ids" '"identity":"client:127.0.0.1"' "60 forged senders of one client: one identity, the client"
is "$(event_count lockout 'client:127.0.0.1' "$T/events.json")" 1 "locked out once"
cmp "$(sent 'f[0-9]+-[0-9]@example.org')" -le 45 "most of the 360 recipients did not get through"

# 4. observe mode: decide and report, enforce nothing
kill "$MILTER_PID"
wait "$MILTER_PID" 2>/dev/null
echo "observe = yes" >>"$T/sluice.conf"
start_milter "$T/sluice.conf" "$MPORT"
pf_many obs --xclient-addr 203.0.113.7 --xclient-login bob
pf_wait 'to=<obs[0-9]+-[0-9]@example.org>.*status=sent' 50 15
is "$(sent 'obs[0-9]+-[0-9]@example.org')" 50 "observe: the SASL user's 50 recipients delivered"
cmp "$ms" -lt 5000 "at once ($ms ms)"
cmp "$(event_count throttle '"identity":"sasl:bob".*"observe":true' "$T/events.json")" -ge 1 \
	"the would-be delays reported, marked observe"
"$SLUICE_BUILD/sluicectl" -s "$T/milter.sock" status >"$T/status.out"
grep -q '^observe yes$' "$T/status.out"
ok $? "status says observe yes"
cmp "$(sed -n 's/^would_delay //p' "$T/status.out")" -ge 1 "and counts would-be delays"
done_testing
