#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_honeytoken.t - a honeytoken end to end, no stand-ins (issue 14):
# a private Postfix in the lab's gateway namespace (10.77.1.1) asks
# sluice-policyd about each recipient; lan1 (10.77.1.11) sends a message
# to a normal recipient (control: nothing happens to lan1), then one to
# a honeytoken address. sluice-policyd reports it to sluiced's control
# socket, the countermeasures quarantine the client: 10.77.1.11 is in
# sluiced's kernel quarantine set, and lan1 can no longer reach srv
# beyond the gateway.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"
. "$(dirname "$0")/mail/pfix.sh"

need postfix postconf swaks ss
PD_BIN=$SLUICE_BUILD/sluice-policyd
[ -x "$PD_BIN" ] || bail "$PD_BIN is missing: run make"
sd_lab
chmod 755 "$SD_RUN"	# Postfix (user postfix) must reach its data directory
EV=$SD_RUN/events.json
SPORT=2525 PPORT=10041
sd_lan_conf <<EOF
mode = off
[policyd]
user =
listen = inet:127.0.0.1:$PPORT
control_listen = @RUN@/policyd.sock
postfix_config_directory = @RUN@/pf/etc
identity = client_address
own_networks = 10.77.1.0/24
honeytokens = trap-4q9@example.org
EOF
plan 8
sd_start || bail "sluiced did not start"
GW() { ip netns exec "$(lab_ns gw)" "$@"; }
# Postfix in the gateway namespace, on the LAN address
pf_setup "$SD_RUN/pf" "$SPORT"
sed -i "s/^127\.0\.0\.1:$SPORT inet/$LAB_GW_4:$SPORT inet/" "$SD_RUN/pf/etc/master.cf"
pol="check_policy_service { inet:127.0.0.1:$PPORT, { default_action = DEFER_IF_PERMIT 4.3.5 sluice-policyd unavailable; try again later } }"
pf_conf "inet_interfaces = $LAB_GW_4, 127.0.0.1" "mynetworks = 10.77.1.0/24 127.0.0.0/8" \
	"smtpd_recipient_restrictions = $pol" "smtpd_end_of_data_restrictions = $pol"
GW postfix -c "$SD_RUN/pf/etc" start >"$SD_RUN/pf/start.log" 2>&1 ||
	bail "Postfix did not start: $(cat "$SD_RUN/pf/start.log")"
at_exit "ip netns exec $(lab_ns gw) postfix -c '$SD_RUN/pf/etc' stop >/dev/null 2>&1"
GW "$PD_BIN" -c "$SD_RUN/sluice.conf" -f 2>"$SD_RUN/policyd.log" </dev/null &
PD=$!
at_exit "kill $PD 2>/dev/null"
i=0; until GW ss -Htln "sport = :$PPORT" | grep -q . || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
GW ss -Htln "sport = :$SPORT" | grep -q .; ok $? "Postfix listens on $LAB_GW_4:$SPORT, sluice-policyd on 127.0.0.1:$PPORT (gateway)"

mail() { lab_x lan1 swaks -S --server "$LAB_GW_4:$SPORT" --from worm@example.org --to "$1" >>"$SD_RUN/swaks.log" 2>&1; }
browse() { lab_x lan1 perl "$LAB_DIR/browse.pl" -n 1 -t 1 $LAB_SRV_4 >/dev/null 2>&1; }
# control: a normal recipient, lan1 stays free
mail friend@example.org; ok $? "lan1's message to a normal recipient is accepted" ||
	diag "swaks: $(tail -5 "$SD_RUN/swaks.log")"
sleep 1
sd_quarantined $LAB_LAN1_4 4; is "$?" 1 "lan1 is not quarantined for it"
browse; ok $? "lan1 reaches srv beyond the gateway"
# the honeytoken
mail trap-4q9@example.org
sd_wait_quarantine $LAB_LAN1_4 4 5 1 >/dev/null
ok $? "a message to the honeytoken: lan1 is in sluiced's kernel quarantine set" ||
	diag "policyd: $(tail -3 "$SD_RUN/policyd.log")"
line=$(grep '"event_type":"countermeasure"' "$EV" | grep "\"src_ip\":\"$LAB_LAN1_4\"")
case $line in *'"action":"quarantine"'*'"state":"started"'*'"signal":"honeytoken"'*)
	ok 0 "by the countermeasures: a countermeasure event names the honeytoken signal" ;;
*)	ok 1 "by the countermeasures: a countermeasure event names the honeytoken signal"; diag "got: $line" ;; esac
browse; is "$?" 1 "lan1 can no longer reach srv beyond the gateway"
sd_stop; ok $? "sluiced stops cleanly"
done_testing
