#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_failopen.t - kill -9 of sluiced during a scan: fail-open, and fail-closed zones
#
# Two zones: "office" (lan1 10.77.1.11 and lan2 10.77.1.12, fail =
# open, the default) and "plant" (lan2's second address 10.77.1.13,
# fail = closed). lan1 scans; three seconds in, sluiced is killed with
# SIGKILL, so it removes nothing. Then: the office's new flows pass at
# once (the kernel's queue bypass: a dead sluiced only stops the
# throttling, lan1's scan escapes freely from then on), and the plant's
# new flows are dropped (its queue has no bypass), for IPv4 and IPv6.
# A new sluiced then starts over the stale table and the plant works
# again; after its clean stop the gateway's ruleset is as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_base_conf <<'EOF2'
[zone office]
prefixes = 10.77.1.11/32, 10.77.1.12/32, fd77:1::11/128, fd77:1::12/128
mode = williamson
fail = open
high_watermark = 10000
low_watermark = 5000
[zone plant]
prefixes = 10.77.1.13/32, fd77:1::13/128
mode = williamson
fail = closed
EOF2
lab_x gw nft list ruleset >"$SD_RUN/before" 2>/dev/null

# plant - one request from the plant address of FAMILY to SERVER
plant() {
	eval _b=\$LAB_LAN3_$1
	lab_x lan2 perl "$LAB_DIR/browse.pl" -b "$_b" -n 1 -t 2 "$2" >>"$SD_RUN/plant.out" 2>&1
}

sd_start 0 || bail "sluiced did not start"
[ -n "$(sd_queue 1 seq)" ]
ok $? "sluiced bound the fail-closed zone's queue (1) too"
plant 4 10.77.30.1; ok $? "plant, IPv4: a request passes while sluiced runs"
plant 6 fd77:3::301; ok $? "plant, IPv6: a request passes while sluiced runs"
plant_before=$(lab_first srv lan3 tcp 4)

lab_count_reset lan1
sd_scan tcp 4 1000 100
sleep 3
esc_before=$(lab_first srv lan1 tcp 4)
cmp "$esc_before" -le $((5 + 3 + 2)) "the scan is throttled while sluiced runs ($esc_before escaped in 3 s)"
pid=$SD_PID
kill -9 "$pid"; wait "$pid" 2>/dev/null; SD_PID=""
sleep 0.3
kill -0 "$pid" 2>/dev/null
is "$?" 1 "sluiced is dead (SIGKILL)"
sd_tables >/dev/null 2>&1
ok $? "its tables are still in the gateway (nothing removed it)"

lab_x lan2 perl "$LAB_DIR/browse.pl" -n 10 -i 0 -t 3 10.77.31.1 10.77.31.2 10.77.31.3 \
	10.77.31.4 10.77.31.5 fd77:3::311 fd77:3::312 fd77:3::313 fd77:3::314 fd77:3::315 \
	>"$SD_RUN/office.out"
sed "s/^/#   /" "$SD_RUN/office.out"
set -- $(lab_latency "$SD_RUN/office.out" 1 500)
is "$2" 0 "office: lan2's new flows to 10 new servers (IPv4, IPv6) pass with sluiced dead"
is "$3" 0 "office: none is delayed by 500 ms or more (max $6 ms): fail-open"
plant 4 10.77.31.9; is "$?" 1 "plant, IPv4: a new flow is dropped with sluiced dead: fail-closed"
plant 6 fd77:3::319; is "$?" 1 "plant, IPv6: a new flow is dropped with sluiced dead: fail-closed"
is "$(lab_first srv lan3 tcp 4)" "$plant_before" "plant: no new first contact reached the servers"

wait "$SD_SCAN"
esc_after=$(lab_first srv lan1 tcp 4)
cmp "$esc_after" -ge $((esc_before + 300)) \
	"the rest of the scan escaped unthrottled: fail-open ($esc_after escaped in all)"

sd_start 0
ok $? "a new sluiced starts over the stale table"
plant 4 10.77.31.10; ok $? "plant, IPv4: works again"
plant 6 fd77:3::31a; ok $? "plant, IPv6: works again"
sd_stop; is "$?" 0 "sluiced stops cleanly"
lab_x gw nft list ruleset >"$SD_RUN/after" 2>/dev/null
diff "$SD_RUN/before" "$SD_RUN/after" >/dev/null
ok $? "the gateway's ruleset is as before"
diag "plant's requests: $(tr '\n' ';' <"$SD_RUN/plant.out")"
done_testing
