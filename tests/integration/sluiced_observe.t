#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_observe.t - observe mode decides and reports, and enforces nothing
#
# Issue 21 blocker 4: "dry_run = yes" still quarantined the next
# scanner. In one run, two zones: [zone watch] holds lan1 alone with
# "observe = yes", [zone lan] the rest of the LAN, enforced; both
# williamson, working set 5, high watermark 50. lan1 and lan2 each
# scan 300 addresses beyond the gateway (TCP SYN, 100 a second):
#   - lan1 (observe): every first contact reaches the servers at once,
#     the scan is not slowed, the kernel's quarantine set never holds
#     lan1, sluicectl shows nothing held or quarantined; and the events
#     say what would have happened: "throttle", "lockout" and
#     "quarantine" for lan1, each marked "observe": true; the status
#     and the metrics count them;
#   - lan2 (the control, same run): throttled and quarantined.
# Then the global form: with [countermeasures] dry_run = yes and no
# observe key, lan2's scan is not slowed nor quarantined either, and
# its events are marked "observe": true.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

WSET=5 HIGH=50 N=300 RATE=100 TOL=2

sd_lab
# conf - two zones; $1: more [sluiced] keys, $2: the watch zone's observe
conf() {
	{
		printf '%s\n' "$1" "[zone watch]" "prefixes = $LAB_LAN1_4/32" "$2"
		for z in watch lan; do
			[ $z = lan ] && printf '%s\n' "[zone lan]" "prefixes = 10.77.1.0/24"
			printf '%s\n' "mode = williamson" "wset_size = $WSET" \
				"high_watermark = $HIGH" "low_watermark = 30" "quarantine_ttl = 1h"
		done
	} | sd_base_conf
}

# scan NODE FIRST - nmap SYN scan of N lab targets from FIRST, in the
#	background; SCAN_PID
scan() {
	lab_targets 4 "$N" "$2" >"$SD_RUN/targets.$1"
	lab_x "$1" nmap -sS -p 80 -Pn -n --max-retries 0 --min-rate "$RATE" \
		--max-rate "$RATE" --max-rtt-timeout 200ms -iL "$SD_RUN/targets.$1" \
		>"$SD_RUN/nmap.$1" 2>&1 &
	SCAN_PID=$!
}

# events HOST TYPE - lines of the events file of TYPE from HOST
events() {
	grep "\"event_type\":\"$2\"" "$SD_RUN/events.json" | grep "\"src_ip\":\"$1\""
}

# in_quarantine HOST - is HOST in quarantine4 now
in_quarantine() { sd_quarantined "$1" 4; }

conf "" "observe = yes"
sd_start || bail "sluiced did not start"
lab_count_reset lan1; lab_count_reset lan2; lab_count_reset srv
t0=$(date +%s)
scan lan1 1; p1=$SCAN_PID
scan lan2 1001; p2=$SCAN_PID
seen=0
while kill -0 "$p1" 2>/dev/null || kill -0 "$p2" 2>/dev/null; do
	in_quarantine "$LAB_LAN1_4" && seen=1
	sleep 0.2
done
wait "$p1"; wait "$p2"
secs=$(( $(date +%s) - t0 ))
sleep 1
att1=$(lab_first lan1 lan1 tcp 4) esc1=$(lab_first srv lan1 tcp 4)
att2=$(lab_first lan2 lan2 tcp 4) esc2=$(lab_first srv lan2 tcp 4)
diag "observe lan1: attempted $att1, escaped $esc1; enforced lan2: attempted $att2, escaped $esc2; $secs s"

cmp "$att1" -ge $((N * 9 / 10)) "lan1 attempted (nearly) all $N first contacts"
is "$esc1" "$att1" "observe: every first contact of lan1 reached the servers"
is "$seen" 0 "observe: lan1 was never in the kernel's quarantine set during the scan"
in_quarantine "$LAB_LAN1_4"; is $? 1 "observe: nor after it"
is "$(sd_show "$LAB_LAN1_4" quarantined)" no "observe: sluicectl show: lan1 not quarantined"
is "$(sd_show "$LAB_LAN1_4" queued)" 0 "observe: sluicectl show: nothing of lan1 held"
for t in throttle lockout quarantine; do
	events "$LAB_LAN1_4" $t | grep -q '"observe":true'
	ok $? "observe: a \"$t\" event for lan1 marked \"observe\": true"
done
events "$LAB_LAN1_4" quarantine | grep -vq '"observe":true'
is $? 1 "observe: no lan1 quarantine event without the mark"
sd_ctl status | grep -q "^zone watch: williamson, observe (nothing enforced)"
ok $? "status: zone watch is shown in observe mode" || sd_ctl status | sed 's/^/#   /'
obs=$(sd_ctl metrics | sed -n 's/^sluice_observed_holds_total \([0-9]*\)$/\1/p')
cmp "${obs:-0}" -ge $HIGH "metrics: the holds observed are counted (${obs:-none})"
obq=$(sd_ctl metrics | sed -n 's/^sluice_observed_quarantines_total \([0-9]*\)$/\1/p')
is "${obq:-none}" 1 "metrics: one quarantine observed"

# the control: lan2, enforced in the same run
cmp "$att2" -ge $((N * 9 / 10)) "lan2 attempted (nearly) all $N first contacts"
cmp "$esc2" -le $((WSET + secs + TOL)) "enforced: lan2's escaped first contacts <= $WSET + $secs + $TOL"
in_quarantine "$LAB_LAN2_4"; ok $? "enforced: lan2 is in the kernel's quarantine set"
events "$LAB_LAN2_4" quarantine | grep -q '"observe":true'
is $? 1 "enforced: lan2's quarantine event carries no observe mark"
# a quarantine in force is kept across the restart: lift it first
sd_ctl release "$LAB_LAN2_4" >/dev/null; ok $? "lan2 released"
sd_stop; is $? 0 "sluiced stops cleanly"

# The global form: [countermeasures] dry_run = yes, no observe key.
conf "[countermeasures]
dry_run = yes" ""
: >"$SD_RUN/events.json"
sd_start || bail "sluiced did not start with dry_run = yes"
lab_count_reset lan2; lab_count_reset srv
scan lan2 2001; wait "$SCAN_PID"
sleep 1
att2=$(lab_first lan2 lan2 tcp 4) esc2=$(lab_first srv lan2 tcp 4)
cmp "$att2" -ge $((N * 9 / 10)) "dry_run: lan2 attempted (nearly) all $N first contacts"
is "$esc2" "$att2" "dry_run: every first contact of lan2 reached the servers"
in_quarantine "$LAB_LAN2_4"; is $? 1 "dry_run: lan2 is not quarantined"
events "$LAB_LAN2_4" quarantine | grep -q '"observe":true'
ok $? "dry_run: lan2's would-be quarantine is an event marked \"observe\": true"
sd_ctl status | grep -q "^zone lan: williamson, observe (nothing enforced)"
ok $? "dry_run: status shows zone lan in observe mode" || sd_ctl status | sed 's/^/#   /'
sd_stop; is $? 0 "sluiced stops cleanly"

done_testing
