#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fairshare.sh - fair sharing per host against plain FIFO (make bench)
#
# The lab of sluiced_fairshare.t (tests/integration/sluiced/fairlab.sh):
# five LAN hosts, a 50mbit uplink. h1 floods (8 TCP streams and a
# 200 Mbit/s UDP flood), h2..h5 each run one TCP stream, 10 s (the first
# 2 s left out). Jain's fairness index over the five hosts' received
# rates, (sum x)^2 / (n sum x^2), once with sluiced's [fairshare] tree
# and once with a plain FIFO at the same rate (an HTB root with one
# class and its default pfifo, installed here with tc): one run each.
# Target: >= 0.95 with fair sharing.
#
# CPU per forwarded packet: h2 sends UDP at 40 Mbit/s in 100-byte
# datagrams (50,000 packets/s) through the gateway for SECS seconds;
# the sender's CPU time (which holds the forwarding, see cpu_run)
# divided by the datagrams srv received, with sluiced and its table but
# no [fairshare] against the same with a tree at 10gbit (so it
# classifies every packet but never holds one). RUNS interleaved runs,
# medians; the same sending path in both, so the difference is the
# tree's and the map's cost.
#
# Reproduce: make bench, or
#   SLUICE_TOP=$PWD SLUICE_BUILD=$PWD/build sh tests/bench/fairshare.sh
set -u
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
: "${RUNS:=3}" "${SECS:=4}"
. "$SLUICE_TOP/tests/bench/summary.sh"
[ "$(id -u)" = 0 ] || { echo "fairshare.sh: needs root" >&2; exit 1; }
for c in iperf3 tc nft; do
	command -v $c >/dev/null || { echo "fairshare.sh: $c missing (make deps)" >&2; exit 1; }
done
FL_ID=fairb$$
. "$SLUICE_TOP/tests/integration/sluiced/fairlab.sh"
T=$(mktemp -d /tmp/sluice-bench-fair.$$.XXXXXX)
SD=""
cleanup() {
	[ -n "$SD" ] && kill -9 "$SD" 2>/dev/null
	fl_down
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fl_up || { echo "fairshare.sh: cannot build the lab" >&2; exit 1; }

# conf RATE - sluiced's configuration, with [fairshare] at RATE or none
conf() {
	printf '%s\n' '[core]' "control_socket = $T/sd.sock" "state_dir = $T/state" \
		"events = $T/events.json" 'syslog_events = no' '[sluiced]' 'queue_num = 0'
	[ -n "$1" ] && printf '%s\n' '[fairshare]' 'interface = up0' \
		'lan_interface = br0' "rate = $1"
	printf '%s\n' '[zone lan]' 'prefixes = 10.79.1.0/24' 'mode = off'
}

# sd_up RATE - sluiced in the gateway; sd_down stops it
sd_up() {
	conf "$1" >"$T/sluice.conf"
	ip netns exec "$FL_ID-gw" "$SLUICE_BUILD/sluiced" -f -c "$T/sluice.conf" \
		2>"$T/sd.log" &
	SD=$!
	_i=0
	until "$SLUICE_BUILD/sluicectl" -s "$T/sd.sock" status >/dev/null 2>&1; do
		sleep 0.1; _i=$((_i + 1))
		[ $_i -lt 100 ] || { cat "$T/sd.log" >&2; exit 1; }
	done
}
sd_down() { kill -TERM "$SD"; wait "$SD"; SD=""; }

# flood NAME - the flood and the four; rates into $T/NAME.rates
flood() {
	fl_x h1 iperf3 -c $FL_SRV -p 5201 -P 8 -t 12 -O 2 -J >"$T/$1.h1" 2>&1 &
	_p=$!
	fl_x h1 iperf3 -c $FL_SRV -p 5206 -u -b 200M -t 12 -J >"$T/$1.u1" 2>&1 &
	_p="$_p $!"
	sleep 1
	for _i in 2 3 4 5; do
		fl_x h$_i iperf3 -c $FL_SRV -p 520$_i -t 10 -O 2 -J >"$T/$1.h$_i" 2>&1 &
		_p="$_p $!"
	done
	wait $_p
	echo "$(fl_rate "$T/$1.h1") $(fl_rate "$T/$1.u1")" |
		awk '{ printf "%.2f\n", $1 + $2 }' >"$T/$1.rates"
	for _i in 2 3 4 5; do fl_rate "$T/$1.h$_i"; done >>"$T/$1.rates"
}

# jain FILE - Jain's index of the rates in FILE
jain() { awk '{ s += $1; q += $1 * $1; n++ } END { printf "%.3f\n", s * s / (n * q) }' "$1"; }

# fairness with sluiced's tree
sd_up 50mbit
sleep 0.5
flood fair
sd_down
# plain FIFO at the same rate
fl_x gw tc qdisc add dev up0 root handle 1: htb default 1
fl_x gw tc class add dev up0 parent 1: classid 1:1 htb rate 50mbit ceil 50mbit quantum 1514
flood fifo
fl_x gw tc qdisc del dev up0 root

# cpu_run NAME - the sender's CPU ns per datagram received, for one run.
#	The forwarding runs in softirq on the sending CPU, mostly right
#	after the sender's own system call, and this kernel (tick
#	accounting, no IRQ_TIME_ACCOUNTING) charges those ticks to the
#	sender: its CPU time (iperf3's host_total, from getrusage) holds
#	the gateway's per-packet work, and, unlike the machine's total,
#	not the other programs running beside the benchmark.
cpu_run() {
	fl_x h2 iperf3 -c $FL_SRV -p 5202 -u -b 40M -l 100 -t "$SECS" -J >"$T/cpuj.$1" 2>&1
	/usr/bin/python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["end"]
got = e["sum"]["packets"] - e["sum"]["lost_packets"]
cpu = e["cpu_utilization_percent"]["host_total"] / 100 * e["sum"]["seconds"]
print("%.0f" % (cpu * 1e9 / max(got, 1)))' "$T/cpuj.$1"
}
: >"$T/cpu.without"; : >"$T/cpu.with"
r=1
while [ $r -le "$RUNS" ]; do
	sd_up ""; cpu_run without >>"$T/cpu.without"; sd_down
	sd_up 10gbit; fl_x h2 iperf3 -c $FL_SRV -p 5202 -u -b 1M -t 1 >/dev/null 2>&1
	sleep 1.2; cpu_run with >>"$T/cpu.with"; sd_down
	r=$((r + 1))
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

jf=$(jain "$T/fair.rates") jo=$(jain "$T/fifo.rates")
cw=$(med "$T/cpu.with") co=$(med "$T/cpu.without")
echo "Mbit/s received (h1 = its TCP + UDP; h2..h5 one TCP stream each), 50mbit uplink"
printf '%-22s %s\n' "fair sharing:" "$(tr '\n' ' ' <"$T/fair.rates")"
printf '%-22s %s\n' "plain FIFO:" "$(tr '\n' ' ' <"$T/fifo.rates")"
printf '%-22s %s (fair sharing) against %s (FIFO)\n' "Jain's index:" "$jf" "$jo"
echo "sender CPU ns per forwarded packet (median of $RUNS, 50,000 packets/s):"
printf '%-22s %s with the tree, %s without, ratio %s\n' "" "$cw" "$co" \
	"$(awk -v a="$cw" -v b="$co" 'BEGIN { printf "%.2f", a / b }')"
bench_summary "fairshare: Jain's index, 5 hosts, one flooding (FIFO $jo)" ">=" 0.95 "$jf"
bench_summary "fairshare: CPU per forwarded packet, tree / none ($cw / $co ns)" - - \
	"$(awk -v a="$cw" -v b="$co" 'BEGIN { printf "%.2f", a / b }')"
