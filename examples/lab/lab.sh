#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	lab.sh - the sluice network-namespace lab: LAN hosts, a gateway, servers
# SYNOPSIS
#	sh examples/lab/lab.sh up [ID]      (prints ID; the lab stays up)
#	sh examples/lab/lab.sh down ID
#	sh examples/lab/lab.sh exec ID NODE COMMAND...
#	sh examples/lab/lab.sh counts ID
#
#	LAB_LIB=1 LAB_DIR=examples/lab LAB_ID=myid
#	. examples/lab/lab.sh               (as a library: lab_up, lab_down,
#	                                     lab_x, lab_first, lab_latency...)
# DESCRIPTION
#	Four network namespaces named ID-lan1, ID-lan2, ID-gw and ID-srv
#	(ID defaults to "sl" and the shell's pid, so several labs can run
#	side by side). Every link is a veth pair created inside the
#	namespaces themselves: nothing is added to the host's own
#	namespace, and no packet can leave the lab.
#
#	  lan1 10.77.1.11 fd77:1::11 --+
#	                               br0 10.77.1.1 fd77:1::1  [gw]
#	  lan2 10.77.1.12 fd77:1::12 --+   eth1 10.77.2.1 fd77:2::1
#	       10.77.1.13 fd77:1::13            |
#	       (used only when bound to)        |
#	                                   eth0 10.77.2.2 fd77:2::2  [srv]
#	                                   lo   10.77.16.0/20, fd77:3::/64
#
#	The server namespace owns the whole target range 10.77.16.0/20 and
#	fd77:3::/64 (local routes on lo), so every scanned address answers:
#	a listener on TCP port 80 (examples/lab/srv.pl) completes the
#	handshake, a closed port answers RST or ICMP unreachable. Either
#	way the first contact has reached the far side.
#
#	Counting: a table "labcount" in srv (input hook) and in each LAN
#	host (output hook) records every new flow (ct state new) from the
#	LAN hosts: a counter per host and protocol, and a set of the
#	distinct (source, protocol, destination) first contacts. In a LAN
#	host that is what was attempted; in srv it is what escaped the
#	gateway. The gateway itself is left alone: its ruleset is the
#	daemon's (or the operator's) only.
#
#	lab_down kills what runs in the lab's namespaces and deletes them;
#	callers register it with trap so that Ctrl-C cleans up too.
#	Requires root, iproute2, nftables and perl.

: "${LAB_ID:=sl$$}"
LAB_DIR=${LAB_DIR:-$(cd "$(dirname "$0")" 2>/dev/null && pwd)}
LAB_NODES="lan1 lan2 gw srv"

LAB_LAN1_4=10.77.1.11 LAB_LAN1_6=fd77:1::11
LAB_LAN2_4=10.77.1.12 LAB_LAN2_6=fd77:1::12
LAB_LAN3_4=10.77.1.13 LAB_LAN3_6=fd77:1::13	# lan2's second address
LAB_GW_4=10.77.1.1 LAB_GW_6=fd77:1::1
LAB_SRV_4=10.77.2.2 LAB_SRV_6=fd77:2::2
LAB_NET4=10.77.16.0/20 LAB_NET6=fd77:3::/64

# lab_ns - the namespace name of NODE
lab_ns() { echo "$LAB_ID-$1"; }

# lab_x - run a command inside NODE
lab_x() {
	_n=$1; shift
	ip netns exec "$LAB_ID-$_n" "$@"
}

# lab_log - a progress line on stderr
lab_log() { echo "lab: $*" >&2; }

# lab_target4 - the Nth (1-based) scan target in 10.77.16.0/20
lab_target4() { echo "10.77.$((16 + ($1 - 1) / 250)).$((1 + ($1 - 1) % 250))"; }

# lab_target6 - the Nth scan target in fd77:3::/64
lab_target6() { printf 'fd77:3::%x\n' "$1"; }

# lab_targets - N targets of family 4 or 6, one per line, from FIRST (default 1)
lab_targets() {
	_i=${3:-1}; _end=$((_i + $2))
	while [ "$_i" -lt "$_end" ]; do
		"lab_target$1" "$_i"; _i=$((_i + 1))
	done
}

# lab_sysctl - set sysctls in NODE quietly
lab_sysctl() {
	_n=$1; shift
	for _kv in "$@"; do lab_x "$_n" sysctl -qw "$_kv" >/dev/null || return 1; done
}

# lab_link - a veth pair between two namespaces: A AIF B BIF
lab_link() {
	ip -n "$LAB_ID-$1" link add "$2" type veth peer name "$4" \
		netns "$LAB_ID-$3" || return 1
	ip -n "$LAB_ID-$1" link set "$2" up && ip -n "$LAB_ID-$3" link set "$4" up
}

# lab_addr - addresses on NODE IF: v4/len v6/len (no duplicate detection)
lab_addr() {
	ip -n "$LAB_ID-$1" addr add "$3" dev "$2" &&
	ip -n "$LAB_ID-$1" -6 addr add "$4" dev "$2" nodad
}

# lab_count_rules - the labcount table for a node, hooked at HOOK
lab_count_rules() {
	cat <<EOF
table inet labcount {
	set first4 {
		type ipv4_addr . inet_proto . ipv4_addr
		size 262144
		flags dynamic
	}
	set first6 {
		type ipv6_addr . inet_proto . ipv6_addr
		size 262144
		flags dynamic
	}
	counter lan1_tcp { }
	counter lan1_udp { }
	counter lan2_tcp { }
	counter lan2_udp { }
	chain count {
		type filter hook $1 priority 0; policy accept;
		ct state != new return
		ip saddr 10.77.1.0/24 meta l4proto { tcp, udp } add @first4 { ip saddr . meta l4proto . ip daddr }
		ip6 saddr fd77:1::/64 meta l4proto { tcp, udp } add @first6 { ip6 saddr . meta l4proto . ip6 daddr }
		ip saddr $LAB_LAN1_4 meta l4proto tcp counter name lan1_tcp
		ip6 saddr $LAB_LAN1_6 meta l4proto tcp counter name lan1_tcp
		ip saddr $LAB_LAN1_4 meta l4proto udp counter name lan1_udp
		ip6 saddr $LAB_LAN1_6 meta l4proto udp counter name lan1_udp
		ip saddr $LAB_LAN2_4 meta l4proto tcp counter name lan2_tcp
		ip6 saddr $LAB_LAN2_6 meta l4proto tcp counter name lan2_tcp
		ip saddr $LAB_LAN2_4 meta l4proto udp counter name lan2_udp
		ip6 saddr $LAB_LAN2_6 meta l4proto udp counter name lan2_udp
	}
}
EOF
}

# lab_count_reset - empty the counters and sets of NODE
lab_count_reset() {
	lab_x "$1" nft -f - <<EOF
flush set inet labcount first4
flush set inet labcount first6
reset counters table inet labcount
EOF
} >/dev/null

# lab_first - distinct first contacts seen at NODE from HOST (lan1|lan2)
#	over PROTO (tcp|udp) and family (4|6)
lab_first() {
	_src=$(eval echo "\$LAB_$(echo "$2" | tr a-z A-Z)_$4")
	lab_x "$1" nft list set inet labcount "first$4" |
		tr ',{}' '\n\n\n' | grep -c "^[[:space:]]*$_src \\. $3 \\. " || true
}

# lab_flows - new flows counted at NODE from HOST over PROTO (packets)
lab_flows() {
	lab_x "$1" nft list counter inet labcount "$2_$3" |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# lab_quantile - the Q quantile (0..1, nearest rank) of numbers on stdin
lab_quantile() {
	sort -n | awk -v q="$1" '{ v[NR] = $1 }
		END { if (NR == 0) { print "-"; exit }
		      r = int(q * NR); if (r < q * NR) r++; if (r < 1) r = 1
		      print v[r] }'
}

# lab_latency - summary of browse.pl output FILE against a baseline of
#	BASE ms: "REQUESTS FAILED DELAYED MEDIAN_ADDED P99_ADDED MAX_ADDED";
#	a request is delayed when it took THRESH ms (default 50) more
#	than the baseline
lab_latency() {
	_base=$2 _thr=${3:-50}
	awk -v b="$_base" '{ a = $3 - b; print (a < 0 ? 0 : a) }' "$1" >"$1.added"
	printf '%s %s %s %s %s %s\n' \
		"$(wc -l <"$1" | tr -d ' ')" \
		"$(grep -c ' fail$' "$1")" \
		"$(awk -v t="$_thr" '$1 >= t' "$1.added" | wc -l | tr -d ' ')" \
		"$(lab_quantile 0.5 <"$1.added")" \
		"$(lab_quantile 0.99 <"$1.added")" \
		"$(lab_quantile 1 <"$1.added")"
	rm -f "$1.added"
}

# lab_up - build the lab; 0, or non-zero with a message (half-built
#	labs are removed)
lab_up() {
	for _n in $LAB_NODES; do
		ip netns add "$LAB_ID-$_n" || { lab_down; return 1; }
		# No duplicate address detection: link-local addresses
		# would stay tentative for a second or two, and the first
		# IPv6 flow would wait for them.
		lab_sysctl $_n net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || { lab_down; return 1; }
		ip -n "$LAB_ID-$_n" link set lo up
	done
	lab_wire || { lab_log "cannot build lab $LAB_ID"; lab_down; return 1; }
	lab_serve || { lab_log "cannot start the servers in $LAB_ID-srv"; lab_down; return 1; }
}

# lab_wire - links, addresses, routes, forwarding and counting tables
lab_wire() {
	ip -n "$LAB_ID-gw" link add br0 type bridge &&
	ip -n "$LAB_ID-gw" link set br0 up &&
	lab_addr gw br0 "$LAB_GW_4/24" "$LAB_GW_6/64" &&
	lab_link lan1 eth0 gw lan1 && ip -n "$LAB_ID-gw" link set lan1 master br0 &&
	lab_link lan2 eth0 gw lan2 && ip -n "$LAB_ID-gw" link set lan2 master br0 &&
	lab_link gw eth1 srv eth0 &&
	lab_addr lan1 eth0 "$LAB_LAN1_4/24" "$LAB_LAN1_6/64" &&
	lab_addr lan2 eth0 "$LAB_LAN2_4/24" "$LAB_LAN2_6/64" &&
	# lan2's second addresses are used only when a client binds to
	# them: secondary for IPv4, deprecated for IPv6 (never picked as a
	# source address by itself).
	ip -n "$LAB_ID-lan2" addr add "$LAB_LAN3_4/24" dev eth0 &&
	ip -n "$LAB_ID-lan2" -6 addr add "$LAB_LAN3_6/64" dev eth0 nodad preferred_lft 0 &&
	lab_addr gw eth1 10.77.2.1/24 fd77:2::1/64 &&
	lab_addr srv eth0 "$LAB_SRV_4/24" "$LAB_SRV_6/64" &&
	lab_sysctl gw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
	for _h in lan1 lan2; do
		lab_x $_h ip route add default via $LAB_GW_4 &&
		lab_x $_h ip -6 route add default via $LAB_GW_6 || return 1
	done &&
	lab_x gw ip route add $LAB_NET4 via $LAB_SRV_4 &&
	lab_x gw ip -6 route add $LAB_NET6 via $LAB_SRV_6 &&
	lab_x srv ip route add 10.77.1.0/24 via 10.77.2.1 &&
	lab_x srv ip -6 route add fd77:1::/64 via fd77:2::1 &&
	lab_x srv ip route add local $LAB_NET4 dev lo &&
	lab_x srv ip -6 route add local $LAB_NET6 dev lo &&
	lab_count_rules input | lab_x srv nft -f - &&
	lab_count_rules output | lab_x lan1 nft -f - &&
	lab_count_rules output | lab_x lan2 nft -f -
}

# lab_serve - the TCP listener (port 80) and UDP echo (port 7) in NODE
#	(default srv, or a node of the caller's with srv's address)
lab_serve() {
	_sn=${1:-srv}
	# Not through lab_x: a backgrounded shell function keeps a saved
	# copy of the caller's stdout open while its child runs, and
	# "ID=$(lab.sh up)" would then wait for the server to exit.
	ip netns exec "$LAB_ID-$_sn" perl "$LAB_DIR/srv.pl" 80 7 \
		</dev/null >/dev/null 2>&1 &
	# Wait until it listens, so that the first request never races it.
	_i=0
	while [ $_i -lt 50 ]; do
		lab_x "$_sn" perl "$LAB_DIR/browse.pl" -n 1 -t 1 $LAB_SRV_4 >/dev/null 2>&1 &&
			return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# lab_down - kill everything running in the lab and delete its
#	namespaces (or those of the NODEs given)
lab_down() {
	_nodes=${*:-$LAB_NODES}
	for _n in $_nodes; do
		[ -e "/run/netns/$LAB_ID-$_n" ] || continue
		for _p in $(ip netns pids "$LAB_ID-$_n" 2>/dev/null); do
			kill -9 "$_p" 2>/dev/null
		done
	done
	for _n in $_nodes; do
		[ -e "/run/netns/$LAB_ID-$_n" ] || continue
		ip netns del "$LAB_ID-$_n" 2>/dev/null
	done
	return 0
}

# lab_main - the command line
lab_main() {
	case "${1:-}" in
	up)	LAB_ID=${2:-$LAB_ID}; lab_up && echo "$LAB_ID" ;;
	down)	[ -n "${2:-}" ] || { echo "usage: lab.sh down ID" >&2; return 2; }
		LAB_ID=$2; lab_down ;;
	exec)	[ $# -ge 4 ] || { echo "usage: lab.sh exec ID NODE CMD..." >&2; return 2; }
		LAB_ID=$2; _n=$3; shift 3; lab_x "$_n" "$@" ;;
	counts)	[ -n "${2:-}" ] || { echo "usage: lab.sh counts ID" >&2; return 2; }
		LAB_ID=$2
		for _h in lan1 lan2; do for _p in tcp udp; do
			echo "$_h $_p attempted $(lab_flows $_h $_h $_p)" \
			     "escaped $(lab_flows srv $_h $_p)"
		done; done ;;
	*)	echo "usage: lab.sh up [ID] | down ID | exec ID NODE CMD... | counts ID" >&2
		return 2 ;;
	esac
}

# Run as a command unless sourced by a script that set LAB_LIB.
[ -n "${LAB_LIB:-}" ] || lab_main "$@"
