#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sim_replay_lab.t - a real conntrack log, replayed, decides as sluiced did
#
# In the namespace lab, sluiced runs in the gateway (working set 5, one
# release an hour, so none falls in the scan; high watermark 10) while
# lan1 SYN-scans 40 addresses beyond it with nmap, in nmap's own random
# order. lan1's own conntrack event log (conntrack -E -o timestamp in
# its namespace: every first packet it sent, as the gateway saw them)
# is then replayed by sluice-sim with the same configuration. Both must
# agree: the replay's lockout destination is the one in sluiced's
# lockout event, the flows the replay let through are the ones that
# reached the servers (5, the working set), and the replay counts the
# 40 flows and one quarantine.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

SIM=$SLUICE_BUILD/sluice-sim
[ -x "$SIM" ] || bail "$SIM is missing: run 'make all'"
need conntrack jq
sd_lab
sd_lan_conf <<EOF
mode = williamson
wset_size = 5
release_interval = 1h
high_watermark = 10
low_watermark = 5
quarantine_ttl = 60s
trw = off
EOF
sd_start || bail "sluiced did not start"
ok 0 "sluiced runs in the gateway"
lab_count_reset lan1; lab_count_reset srv

ip netns exec "$(lab_ns lan1)" conntrack -E -o timestamp -p tcp \
	>"$SD_RUN/ct.log" 2>"$SD_RUN/ct.err" &
ct=$!
at_exit "kill $ct 2>/dev/null"
sleep 0.5
sd_scan tcp 4 40 100
wait "$SD_SCAN"
sleep 1
kill "$ct"; wait "$ct" 2>/dev/null
esc=$(lab_first srv lan1 tcp 4)
news=$(grep -c '\[NEW\] tcp .*src=10\.77\.1\.11 ' "$SD_RUN/ct.log")
cmp "$news" -ge 40 "lan1's conntrack log holds its 40 first packets ($news)"

"$SIM" replay -c "$SD_RUN/sluice.conf" --json "$SD_RUN/ct.log" >"$SD_RUN/replay.json" 2>"$SD_RUN/replay.err"
ok $? "sluice-sim replays the real log"
is "$(jq -r '.input.files[0].bad' "$SD_RUN/replay.json")" 0 "no line of the real log is refused"
h='.hosts[] | select(.host == "10.77.1.11")'
is "$(jq -r "$h | .flows" "$SD_RUN/replay.json")" 40 "the replay counts lan1's 40 flows"
rep_pass=$(jq -r "$h | .flows - .dropped" "$SD_RUN/replay.json")
is "$rep_pass" "$esc" "the flows the replay let through are those that reached the servers ($esc)"
is "$rep_pass" 5 "which are the working set"
rep_dst=$(jq -r "$h | .lockout_causes[0].dest_ip" "$SD_RUN/replay.json")
sd_dst=$(grep '"event_type":"lockout"' "$SD_RUN/events.json" | grep '"src_ip":"10.77.1.11"' |
	head -n 1 | sed -n 's/.*"dest_ip":"\([^"]*\)".*/\1/p')
[ -n "$sd_dst" ]
ok $? "sluiced wrote a lockout event for lan1 ($sd_dst)"
is "$rep_dst" "$sd_dst" "the replay locks lan1 out at the destination sluiced did"
is "$(jq -r "$h | .quarantines" "$SD_RUN/replay.json")" 1 "the replay quarantines lan1 once"
sd_stop
ok $? "sluiced stops cleanly"
done_testing
