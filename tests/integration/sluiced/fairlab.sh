# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	sluiced/fairlab.sh - the fair-sharing lab: five LAN hosts, a
#	gateway, a server (sluiced_fairshare.t, tests/bench/fairshare.sh)
# SYNOPSIS
#	FL_ID=name; . fairlab.sh; fl_up; fl_x h1 CMD...; fl_down
# DESCRIPTION
#	Namespaces FL_ID-gw, FL_ID-srv and FL_ID-h1..h5. The gateway's
#	LAN side is bridge br0 (10.79.1.1/24, fd79:1::1/64) holding the
#	hosts' veths h1..h5 (host hN is 10.79.1.1N); its uplink up0
#	(10.79.2.1) reaches srv (10.79.2.2); IPv6 the same in fd79:1::/64
#	(hN fd79:1::1N) and fd79:2::/64. iperf3 servers on srv, one
#	port per host: 5201..5205 TCP, 5206 for the flood's UDP.
#	fl_rate FILE - received Mbit/s of an iperf3 -J run
#	fl_median FILE - median rtt (ms) of hping3's output

FL_HOSTS="h1 h2 h3 h4 h5"
FL_SRV=10.79.2.2 FL_SRV6=fd79:2::2

fl_x() { _n=$1; shift; ip netns exec "$FL_ID-$_n" "$@"; }

fl_up() {
	for _n in gw srv $FL_HOSTS; do
		ip netns add "$FL_ID-$_n" && ip -n "$FL_ID-$_n" link set lo up || return 1
	done
	ip -n "$FL_ID-gw" link add br0 type bridge && ip -n "$FL_ID-gw" link set br0 up &&
	ip -n "$FL_ID-gw" addr add 10.79.1.1/24 dev br0 &&
	ip -n "$FL_ID-gw" -6 addr add fd79:1::1/64 dev br0 nodad &&
	ip -n "$FL_ID-gw" link add up0 type veth peer name eth0 netns "$FL_ID-srv" &&
	ip -n "$FL_ID-gw" link set up0 up && ip -n "$FL_ID-srv" link set eth0 up &&
	ip -n "$FL_ID-gw" addr add 10.79.2.1/24 dev up0 &&
	ip -n "$FL_ID-gw" -6 addr add fd79:2::1/64 dev up0 nodad &&
	ip -n "$FL_ID-srv" addr add $FL_SRV/24 dev eth0 &&
	ip -n "$FL_ID-srv" -6 addr add $FL_SRV6/64 dev eth0 nodad &&
	ip -n "$FL_ID-srv" route add default via 10.79.2.1 &&
	ip -n "$FL_ID-srv" -6 route add default via fd79:2::1 || return 1
	for _i in 1 2 3 4 5; do
		ip -n "$FL_ID-h$_i" link add eth0 type veth peer name h$_i netns "$FL_ID-gw" &&
		ip -n "$FL_ID-gw" link set h$_i master br0 && ip -n "$FL_ID-gw" link set h$_i up &&
		ip -n "$FL_ID-h$_i" link set eth0 up &&
		ip -n "$FL_ID-h$_i" addr add 10.79.1.1$_i/24 dev eth0 &&
		ip -n "$FL_ID-h$_i" -6 addr add fd79:1::1$_i/64 dev eth0 nodad &&
		ip -n "$FL_ID-h$_i" route add default via 10.79.1.1 &&
		ip -n "$FL_ID-h$_i" -6 route add default via fd79:1::1 || return 1
	done
	fl_x gw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	for _p in 5201 5202 5203 5204 5205 5206; do
		fl_x srv iperf3 -s -D -p $_p || return 1
	done
	sleep 0.3
}

fl_down() {
	for _n in gw srv $FL_HOSTS; do
		[ -e "/run/netns/$FL_ID-$_n" ] || continue
		for _p in $(ip netns pids "$FL_ID-$_n" 2>/dev/null); do kill -9 "$_p" 2>/dev/null; done
		ip netns del "$FL_ID-$_n" 2>/dev/null
	done
}

fl_rate() {
	/usr/bin/python3 -c 'import json, sys
try:
    print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception:
    print("0")' "$1"
}

fl_median() {
	grep -o 'rtt=[0-9.]*' "$1" | cut -d= -f2 | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 999 }'
}
