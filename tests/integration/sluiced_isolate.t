#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_isolate.t - a protected zone is isolated (issue 14): when a
# source of another zone reaches the isolate rung while contacting it,
# new inbound flows into the protected zone stop, except from the
# whitelist; "sluicectl lift ID" restores them
#
# Zones: lan (10.77.1.0/24, the sources) and servers (10.77.16.0/20,
# the range srv owns, protected = yes; srv's own 10.77.2.2 is outside
# it). The ladder has only its isolate rung, reached by one honeytoken
# report (the mail filters' request on the control socket). lan2
# (10.77.1.12) is whitelisted; lan3 (lan2's second address 10.77.1.13)
# is not.
#
# 1. A honeytoken report against lan3 before it contacted anything: no
#    isolation (event no_protected_zone, isolate4 empty).
# 2. Before the reaction lan1, lan3 and lan2 reach a protected host.
# 3. A honeytoken report against lan1, which just contacted the servers
#    zone: isolated (event started, isolate4 holds 10.77.16.0/20 within
#    a second): new flows from lan1 and lan3 into it fail, the
#    whitelisted lan2 still gets in, and lan3 still reaches srv's own
#    address outside the protected zone.
# 4. sluicectl reactions lists it; the lift empties isolate4 and lan3
#    gets in again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need jq
sd_lab
EV=$SD_RUN/events.json
P=10.77.16.5	# a host of the protected zone
sd_base_conf <<EOF2
[countermeasures]
rung_throttle = 0
rung_quarantine = 0
rung_block_port = 0
rung_isolate = 100
ttl_isolate = 10m
[zone lan]
prefixes = 10.77.1.0/24
wset_size = 64
[zone servers]
prefixes = 10.77.16.0/20
mode = off
protected = yes
EOF2
sed -i "s|^\[core\]|[core]\nwhitelist = 127.0.0.0/8, $LAB_LAN2_4|" "$SD_RUN/sluice.conf"
# cm STATE ACTION SRC - countermeasure events of that state, action, source
cm() {
	jq -c "select(.event_type == \"countermeasure\" and .countermeasure.state == \"$1\"
		and .countermeasure.action == \"$2\" and .src_ip == \"$3\")" "$EV" 2>/dev/null
}
# wait_ev STATE ACTION SRC - poll up to 5 s for such an event
wait_ev() {
	_i=0
	until [ -n "$(cm "$@")" ] || [ $_i -ge 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -n "$(cm "$@")" ]
}
# flow FROM BIND DST - a new TCP flow from node FROM (bound to BIND) to
#	DST's port 80: 0 if it got through
flow() { lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t 2 -b "$2" -p 80 "$3" >/dev/null 2>&1; }
# isolated - what isolate4 holds (one line per element)
isolated() {
	lab_x gw nft list set ip sluice isolate4 | tr ',{}' '\n\n\n' | grep -o '10\.77\.[0-9./-]*' || true
}
sd_start || bail "sluiced did not start"
plan 15

# 1. no contact with the protected zone: no isolation
sd_ctl quarantine $LAB_LAN3_4 honeytoken >/dev/null
wait_ev no_protected_zone isolate $LAB_LAN3_4
ok $? "lan3 at the isolate rung, no protected zone contacted: event no_protected_zone"
is "$(isolated)" "" "and isolate4 is empty"

# 2. before
flow lan1 $LAB_LAN1_4 $P; ok $? "before: lan1 reaches the protected $P"
flow lan2 $LAB_LAN3_4 $P; ok $? "before: lan3 reaches it"
flow lan2 $LAB_LAN2_4 $P; ok $? "before: lan2 reaches it"

# 3. lan1 contacted the protected zone: isolated
sd_ctl quarantine $LAB_LAN1_4 honeytoken >/dev/null
wait_ev started isolate $LAB_LAN1_4; ok $? "lan1 at the isolate rung after contacting it: isolation started"
line=$(cm started isolate $LAB_LAN1_4)
case $line in *'"zone":"servers"'*) ok 0 "the event names the zone servers" ;;
*) ok 1 "the event names the zone servers"; diag "got: $line" ;; esac
i=0; until [ -n "$(isolated)" ] || [ $i -ge 10 ]; do sleep 0.1; i=$((i + 1)); done
is "$(isolated)" "10.77.16.0/20" "isolate4 holds the protected zone within a second"
flow lan1 $LAB_LAN1_4 10.77.16.6; is "$?" 1 "a new flow from lan1 into it fails"
flow lan2 $LAB_LAN3_4 10.77.16.7; is "$?" 1 "a new flow from lan3 (not whitelisted) into it fails"
flow lan2 $LAB_LAN2_4 10.77.16.8; ok $? "the whitelisted lan2 still gets in"
flow lan2 $LAB_LAN3_4 $LAB_SRV_4; ok $? "lan3 still reaches srv's own address, outside the protected zone"

# 4. lifted
id=$(sd_ctl reactions | awk '$2 == "isolate" { print $1 }')
sd_ctl reactions | grep -q "^$id isolate $LAB_LAN1_4/32 zone=servers reason=honeytoken "
ok $? "sluicectl reactions lists the isolation with its zone: $(sd_ctl reactions | grep isolate)"
sd_ctl lift "$id" >/dev/null
i=0; until [ -z "$(isolated)" ] || [ $i -ge 10 ]; do sleep 0.1; i=$((i + 1)); done
is "$(isolated)" "" "the lift empties isolate4"
flow lan2 $LAB_LAN3_4 10.77.16.9; ok $? "after the lift lan3 gets in again"
