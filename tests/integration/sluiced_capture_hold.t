#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_capture_hold.t - the tarpit holds a connection, and does not
# look like one (issue 12)
#
# lan1 connects to a dark address, writes without blocking until its
# 16 KB send buffer is full (the write must block: "blocked after N
# bytes" with N well below what the loop would write), and keeps the
# connection 125 s: it must still be ESTABLISHED then, with data
# unacknowledged, and sluiced must have answered its window probes
# (sluice_capture_repeats_total{proto="tcp"} grows by at least 3 during
# the hold: Linux probes after 0.2, 0.4, 0.8, ... s, at most 120 s
# apart) and sluice_capture_held counts it with Degreaser's two. The
# gateway's conntrack table holds no more TCP or UDP flows than at the
# start, all along.
# lan1 holds 500 more connections meanwhile (capture_client.py many),
# and an iperf3 flow from lan2 through the gateway to srv, paced at
# 2 Gbit/s (well below what the lab forwards on a loaded machine, so
# this checks correctness, not speed), keeps at least 0.9 of the
# throughput it had before any was held (the better of two 3-second
# runs each, both measured here). Conntrack must hold no flow of a
# dark address all along (the iperf3 flows are tracked as usual).
# Meanwhile lan2 runs Degreaser's tests (capture_degreaser.py) against
# IPv4 and IPv6 dark addresses: neither may be classified as a tarpit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need conntrack iperf3
sd_need_scapy
sd_lab
sd_base_conf <<EOF
[capture]
dark = 10.77.9.0/24, fd77:9::/64
action = log
EOF
HOLD=${CAPTURE_HOLD:-125}
DIR=$SLUICE_TOP/tests/integration/sluiced
# dark_ct - conntrack's TCP and UDP flows of a dark address
dark_ct() {
	sd_ct_flows >/dev/null
	grep -c 'dst=10\.77\.9\.\|dst=fd77:9:' "$SD_RUN/ct"
}
ct0=$(dark_ct)
sd_start || bail "sluiced did not start"
lab_x srv iperf3 -s -D -B $LAB_SRV_4 -p 5301 -I "$SD_RUN/iperf3.pid" ||
	bail "iperf3 server did not start in srv"
at_exit 'kill $(cat "$SD_RUN/iperf3.pid") 2>/dev/null'

# iperf_best - the better of two 3 s iperf3 runs lan2 -> srv, paced at
#	2 Gbit/s; bits/s received
iperf_best() {
	for _r in 1 2; do
		lab_x lan2 iperf3 -c $LAB_SRV_4 -p 5301 -t 3 -b 2G -J 2>/dev/null |
			/usr/bin/python3 -c 'import json, sys
print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'
	done | sort -n | tail -n 1
}
bw0=$(iperf_best)
cmp "${bw0:-0}" -gt 0 "iperf3 lan2 -> srv before the hold: $bw0 bit/s"

# metric NAME - a value of sluicectl metrics (NAME may carry labels)
metric() {
	sd_ctl metrics | awk -v n="$1" '$1 == n { print $2 }'
}

lab_x lan1 /usr/bin/python3 "$DIR/capture_client.py" hold 10.77.9.20 80 $HOLD \
	>"$SD_RUN/hold" 2>&1 &
HOLD_PID=$!
at_exit "kill $HOLD_PID 2>/dev/null"
i=0
until grep -q '^blocked after' "$SD_RUN/hold" || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done
blocked=$(sed -n 's/^blocked after \([0-9]*\) bytes$/\1/p' "$SD_RUN/hold")
cmp "${blocked:-0}" -gt 0 "the client wrote ($blocked bytes)"
cmp "${blocked:-999999999}" -lt 10000000 "and its write blocked once its buffer was full"
probes0=$(metric 'sluice_capture_repeats_total{proto="tcp"}')
lab_x lan1 /usr/bin/python3 "$DIR/capture_client.py" many 10.77.9 500 $((HOLD - 20)) \
	>"$SD_RUN/many" 2>&1 &
MANY_PID=$!
at_exit "kill $HOLD_PID $MANY_PID 2>/dev/null"
i=0
until grep -q '^holding' "$SD_RUN/many" || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
is "$(cat "$SD_RUN/many")" "holding 500" "lan1 holds 500 more connections"
bw1=$(iperf_best)
cmp "$(awk -v a="${bw1:-0}" -v b="${bw0:-1}" 'BEGIN { print (a >= 0.9 * b) }')" -eq 1 \
	"iperf3 while 501 connections are held: $bw1 bit/s, at least 0.9 of $bw0"

# Degreaser, IPv4 and IPv6, while the connection is held; lan2's kernel
# must not reset scapy's connections
lab_x lan2 nft -f - <<EOF
table inet degreaser {
	chain out { type filter hook output priority 0; tcp flags rst drop; }
}
EOF
for a in 10.77.9.30 fd77:9::30; do
	lab_x lan2 /usr/bin/python3 "$DIR/capture_degreaser.py" $a 80 41000 \
		>"$SD_RUN/degreaser" 2>&1
	sed 's/^/#   /' "$SD_RUN/degreaser"
	is "$(tail -n 1 "$SD_RUN/degreaser")" "tarpit no" "Degreaser: $a is not a tarpit"
done

ctmax=$ct0
while kill -0 $HOLD_PID 2>/dev/null; do
	c=$(dark_ct)
	[ "$c" -gt "$ctmax" ] && ctmax=$c
	sleep 5
done
wait $HOLD_PID
wait $MANY_PID
is "$(tail -n 1 "$SD_RUN/many")" "held 500 established" "the 500 are still established"
sed 's/^/#   /' "$SD_RUN/hold" | tail -n 4
last=$(tail -n 1 "$SD_RUN/hold")
is "$last" "held $HOLD s state 1" "still ESTABLISHED after $HOLD s"
unacked=$(grep '^t ' "$SD_RUN/hold" | tail -n 1 | sed -n 's/.* unacked \([0-9]*\)$/\1/p')
cmp "${unacked:-0}" -gt 0 "with its data unacknowledged ($unacked bytes)"
probes=$(metric 'sluice_capture_repeats_total{proto="tcp"}')
cmp "$((${probes:-0} - ${probes0:-0}))" -ge 3 "its window probes were answered ($probes0 -> $probes)"
is "$(metric sluice_capture_held)" 503 "held: the client, the 500 and Degreaser's two connections"
is "$ctmax" 0 "conntrack holds no flow of a dark address during the hold (before: $ct0)"
sd_stop
ok $? "sluiced stops cleanly"
done_testing
