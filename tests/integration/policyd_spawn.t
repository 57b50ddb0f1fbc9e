#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_spawn.t - sluice-policyd run by Postfix's spawn(8) on stdin/stdout.
#
# master.cf gets a spawn service running "sluice-policyd -s" as user
# nobody; smtpd asks it over unix:private/sluice-policy. Normal mail
# passes, a honeytoken recipient is held with an event, and each
# spawned process exits when Postfix hangs up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

pd_setup
S=$T/spawn
mkdir -p "$S/state"
cat >"$S/sluice.conf" <<EOC
[core]
events = $S/events.json
state_dir = $S/state
control_socket = $T/ctl.sock
syslog_events = no
[policyd]
user =
control_listen = $T/policyd-ctl6.sock
own_networks = 127.0.0.0/8
honeytokens = trap-x7f3@lists.example.org
EOC
touch "$S/events.json"
chown -R nobody "$S"
chmod 755 "$S"
su -s /bin/sh nobody -c "test -x '$PD_BIN'" ||
	bail "$PD_BIN is not executable by nobody (spawn refuses root)"
echo "sluice-policy unix - n n - 5 spawn
  user=nobody argv=$PD_BIN -s -c $S/sluice.conf" >>"$T/pf/etc/master.cf"
pol="check_policy_service { unix:private/sluice-policy, { default_action = DEFER_IF_PERMIT 4.3.5 sluice-policyd unavailable; try again later } }"
pf_conf "smtpd_recipient_restrictions = $pol" "smtpd_end_of_data_restrictions = $pol"
pf_reload
sleep 1

send frank@example.org spawned@example.net
ok $? "message accepted through the spawned policy server"
pf_wait 'to=<spawned@example.net>.*status=sent' 1 10
ok $? "and delivered"
held0=$(pf_held)
send worm@example.org trap-x7f3@lists.example.org --xclient-addr 10.9.8.7
ok $? "honeytoken message accepted"
sleep 1
is "$(pf_held)" $((held0 + 1)) "and held"
is "$(grep -c '"event_type":"honeytoken"' "$S/events.json")" 1 "honeytoken event written by the spawned process"
cmp "$(pf_count 'spawn.*(warning|fatal)')" -eq 0 "spawn(8) logged no warning"
pf_stop
sleep 1
is "$(ps -eo user,args | grep -c "^nobody .*sluice-policyd -s -c $S")" 0 "spawned processes exit when Postfix hangs up"

done_testing
