#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_harder.t - throttle harder without [fairshare] (issue 14): the
# host's own throttle gets a smaller working set and slower releases for
# the reaction's TTL, lifted by the TTL and by "sluicectl lift ID"
#
# The zone: working set 4, a release each 250 ms (4 a second). The ladder
# has only its throttle rung (quarantine and port block off), so a
# honeytoken report against lan1 (the mail filters' request on the
# control socket) throttles lan1 harder (the scans' own fan-out is no
# signal here: fanout_threshold is out of reach, so lan2 stays untouched): harder_wset_size 1, a release
# each harder_release_interval 1 s. lan1 and lan2 (the untouched
# control) scan 300 addresses each at the same time with nmap, so both
# keep a long delay queue that drains one a period into a full working
# set (4 kernel pairs each: the fast path). Distinct first contacts are
# counted where they arrive (srv) in windows of 3 s: before the
# reaction both get about 4 new destinations a second; under it lan1's
# pairs beyond the smaller set leave the kernel and lan1 gets about one
# a second while lan2 keeps four. When the reaction's TTL (8 s) runs out
# lan1 has the zone's pace again; a second reaction slows it again, and
# lifting that by its id restores the pace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need jq nmap
sd_lab
EV=$SD_RUN/events.json
sd_lan_conf <<EOF2
mode = williamson
wset_size = 4
release_interval = 250ms
high_watermark = 1000
low_watermark = 900
[countermeasures]
rung_quarantine = 0
rung_block_port = 0
rung_throttle = 10
ttl_throttle = 8s
fanout_threshold = 1000
harder_wset_size = 1
harder_release_interval = 1s
EOF2
# cm STATE ACTION SRC - countermeasure events of that state, action, source
cm() {
	jq -c "select(.event_type == \"countermeasure\" and .countermeasure.state == \"$1\"
		and .countermeasure.action == \"$2\" and .src_ip == \"$3\")" "$EV" 2>/dev/null
}
# wait_cm N STATE ACTION SRC SECONDS - poll until N such events exist
wait_cm() {
	_i=0
	until [ "$(cm "$2" "$3" "$4" | wc -l)" -ge "$1" ] || [ $_i -ge $(($5 * 10)) ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	[ "$(cm "$2" "$3" "$4" | wc -l)" -ge "$1" ]
}
# pairs - the fast path's kernel pairs of lan1
pairs() {
	lab_x gw nft list set ip sluice fast4 | tr ',{}' '\n\n\n' |
		grep -c "$LAB_LAN1_4 \. " || true
}
# wait_pairs N SECONDS - poll until lan1 has N pairs; prints what it has
wait_pairs() {
	_i=0
	until [ "$(pairs)" -eq "$1" ] || [ $_i -ge $(($2 * 10)) ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	pairs
}
# scan NODE FIRST - nmap from NODE over 300 targets from FIRST, 75 a second
scan() {
	lab_targets 4 300 "$2" >"$SD_RUN/targets.$1"
	lab_x "$1" nmap -sS -p 80 -Pn -n --max-retries 0 --min-rate 75 --max-rate 75 \
		--max-rtt-timeout 200ms -iL "$SD_RUN/targets.$1" >/dev/null 2>&1
}
# pace SECONDS - new destinations lan1 and lan2 reach srv in SECONDS:
#	"LAN1 LAN2"
pace() {
	lab_count_reset srv
	sleep "$1"
	echo "$(lab_first srv lan1 tcp 4) $(lab_first srv lan2 tcp 4)"
}
sd_start || bail "sluiced did not start"
plan 17

scan lan1 1 & p1=$!
scan lan2 1001 & p2=$!
is "$(wait_pairs 4 10)" 4 "lan1 scanning: its full working set's 4 pairs are in the kernel"
set -- $(pace 3)
diag "before the reaction, in 3 s: lan1 $1, lan2 $2"
cmp "$1" -ge 8 "before: lan1 gets the zone's pace (>= 8 in 3 s)"
cmp "$2" -ge 8 "before: so does lan2"

# the reaction: honeytoken -> throttle harder (no other rung)
sd_ctl quarantine $LAB_LAN1_4 honeytoken >/dev/null
wait_cm 1 started throttle $LAB_LAN1_4 5; ok $? "a honeytoken report throttles lan1 harder"
is "$(cm started quarantine $LAB_LAN1_4)" "" "and does not quarantine it (rung off)"
is "$(wait_pairs 1 3)" 1 "the pairs beyond the smaller set (1) left the kernel"
set -- $(pace 3)
diag "under the reaction, in 3 s: lan1 $1, lan2 $2"
cmp "$1" -le 5 "lan1 (hardened): about one a second (<= 5 in 3 s)"
cmp "$2" -ge 8 "lan2 (control) keeps the zone's pace (>= 8 in 3 s)"
cmp "$2" -ge $(($1 * 2 + 2)) "lan1 gets measurably fewer than the control"
is "$(cm started throttle $LAB_LAN2_4)" "" "no reaction against the control lan2"
wait $p1 $p2
q=$(sd_show $LAB_LAN1_4 queued)
cmp "${q:-0}" -gt 100 "lan1's queue still holds most of its scan ($q)"

# the TTL (8 s) runs out: the zone's pace again
wait_cm 1 expired throttle $LAB_LAN1_4 15; ok $? "the reaction expires after its TTL"
set -- $(pace 3)
diag "after the TTL, in 3 s: lan1 $1, lan2 $2"
cmp "$1" -ge 8 "after the TTL lan1 has the zone's pace (>= 8 in 3 s)"

# a second reaction, lifted by its id
sd_ctl quarantine $LAB_LAN1_4 honeytoken >/dev/null
wait_cm 2 started throttle $LAB_LAN1_4 5; ok $? "a second honeytoken report throttles lan1 harder again"
set -- $(pace 3)
diag "hardened again, in 3 s: lan1 $1, lan2 $2"
cmp "$1" -le 5 "lan1 is slow again (<= 5 in 3 s)"
id=$(sd_ctl reactions | awk '$2 == "throttle" { print $1 }')
sd_ctl lift "$id" >/dev/null; ok $? "sluicectl lift $id"
set -- $(pace 3)
diag "after the lift, in 3 s: lan1 $1, lan2 $2"
cmp "$1" -ge 8 "after the lift lan1 has the zone's pace (>= 8 in 3 s)"
