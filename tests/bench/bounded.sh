#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	bounded.sh - ten million of everything, and memory stays under the caps
# SYNOPSIS
#	make bench
#	SLUICE_BUILD=build SLUICE_TOP=. sh tests/bench/bounded.sh
#	(environment: BOUNDED_N=10000000, BOUNDED_SECS=60, BOUNDED_PARTS=
#	"engine policyd sluiced")
# DESCRIPTION
#	engine   sluiced's verdict engine linked in-process
#	         (tests/bench/bench_bounded.c, [sluiced] mem_cap 64M):
#	         N first contacts to N distinct destinations from 256
#	         scanners, then N first contacts from N distinct sources
#	         (2^24 - 2 at most). Peak VmHWM against mem_cap (target
#	         <= 1), and the growth of VmRSS from the first million
#	         sources to the last (target <= 1.05: a plateau); the
#	         snapshot's size and the loop's wait for the fork.
#	policyd  sluice-policyd (mem_cap 64M, snapshot_interval 1s) on
#	         its real socket: N distinct senders, pipelined by
#	         policy-senders (tests/bench/policyd/senders.c), VmRSS and
#	         VmHWM from /proc/PID/status every million; then 5 s of one
#	         request at a time while snapshots of the full table are
#	         written (longest wait); identities, identities_max,
#	         evictions and the snapshot's size. Target: VmHWM <=
#	         mem_cap + 16 MB (the process's own).
#	sluiced  the real daemon in the namespace lab (examples/lab/lab.sh,
#	         gateway namespace): lan1 floods SYNs with hping3 to random
#	         destinations of 20.0.0.0/8 (routed to srv, which drops
#	         them) for BOUNDED_SECS seconds, a williamson zone with
#	         quarantine_ttl 0 so every first packet meets sluiced;
#	         VmRSS every 5 s and VmHWM, the packets its queue saw.
#	         Reported, no target.
#	Requires root, hping3, nft (sluiced part).
set -u
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
N=${BOUNDED_N:-10000000}
SECS=${BOUNDED_SECS:-60}
PARTS=${BOUNDED_PARTS:-"engine policyd sluiced"}
. "$top/tests/bench/summary.sh"
. "$top/tests/bench/engine.sh"
run=$(mktemp -d /tmp/sluice-bench-bounded.XXXXXX)
pd=""
sd=""
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# cleanup - stop what runs, remove the lab and the files
cleanup() {
	trap - EXIT INT TERM HUP
	[ -n "$pd" ] && kill "$pd" 2>/dev/null && wait "$pd" 2>/dev/null
	[ -n "$sd" ] && kill "$sd" 2>/dev/null && wait "$sd" 2>/dev/null
	[ -n "${LAB_ID:-}" ] && lab_down
	rm -rf "$run"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

# engine - the in-process run
engine() {
	engine_cc bench_bounded bench_bounded.c
	echo "-- $build/bench/bench_bounded -D $N -S $N -m 64M"
	"$build/bench/bench_bounded" -D "$N" -S "$N" -m 64M -f "$run/engine.state" |
		tee "$run/engine.out"
	hwm=$(bench_grab "$run/engine.out" 'peak: hwm')
	bench_summary "sluiced engine, $N dests + $N sources: peak RSS / mem_cap 64M" \
		"<=" 1 "$(awk -v h="$hwm" 'BEGIN { printf "%.2f", h / 65536 }')" "$hwm kB"
	first=$(awk '/^sources 1000000 /{ for (i = 1; i <= NF; i++) if ($i == "rss") print $(i + 1) }' "$run/engine.out")
	last=$(awk '/^sources /{ for (i = 1; i <= NF; i++) if ($i == "rss") v = $(i + 1) } END { print v }' "$run/engine.out")
	bench_summary "sluiced engine: RSS at the last / the first million sources" \
		"<=" 1.05 "$(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.3f", a / b }')" \
		"$last / $first kB"
}

# policyd - the real socket
policyd() {
	make -s -C "$top" B="$(basename "$build")" "$(basename "$build")/bench/policy-senders" \
		>/dev/null || { echo "bounded.sh: build failed" >&2; return 1; }
	port=$((10300 + $$ % 50))
	cat >"$run/pd.conf" <<EOC
[core]
events = $run/pd-events.json
state_dir = $run/pd-state
syslog_events = no
[policyd]
listen = inet:127.0.0.1:$port
control_listen = $run/pd.sock
identity = sender
own_networks = 10.0.0.0/8
mem_cap = 64M
snapshot_interval = 1s
EOC
	"$build/sluice-policyd" -f -c "$run/pd.conf" 2>"$run/pd.log" &
	pd=$!
	_i=0
	until ss -Htln "sport = :$port" | grep -q . ; do
		[ $_i -lt 100 ] || { cat "$run/pd.log"; return 1; }
		sleep 0.1; _i=$((_i + 1))
	done
	echo "-- policy-senders $port $N (sluice-policyd pid $pd)"
	"$build/bench/policy-senders" "$port" "$N" "$pd" 5 | tee "$run/pd.out"
	"$build/sluicectl" -s "$run/pd.sock" status |
		grep -E '^(identities|identities_max|evictions) ' | tee -a "$run/pd.out"
	size=$(stat -c %s "$run/pd-state/policyd.state")
	echo "snapshot: $size bytes"
	hwm=$(vm "$pd" VmHWM)
	echo "peak: hwm $hwm kB"
	kill "$pd"; wait "$pd" 2>/dev/null; pd=""
	bench_summary "sluice-policyd, $N senders: peak RSS / (mem_cap 64M + 16M)" \
		"<=" 1 "$(awk -v h="$hwm" 'BEGIN { printf "%.2f", h / 81920 }')" "$hwm kB"
	w=$(bench_grab "$run/pd.out" 'longest wait')
	bench_summary "sluice-policyd at the cap: longest wait while snapshots are written, ms (no target)" \
		- - "$w" "$w ms, snapshot $size bytes"
}

# sluiced - the real daemon in the lab
sluiced() {
	for c in hping3 nft ip; do
		command -v $c >/dev/null || { echo "bounded.sh: no $c" >&2; return 1; }
	done
	LAB_DIR=$top/examples/lab LAB_LIB=1 LAB_ID=sl-mem-$$
	. "$LAB_DIR/lab.sh"
	lab_up || { echo "bounded.sh: no lab" >&2; LAB_ID=""; return 1; }
	lab_sysctl gw net.netfilter.nf_conntrack_tcp_timeout_syn_sent=1
	lab_x gw ip route add 20.0.0.0/8 via "$LAB_SRV_4"
	lab_x srv nft -f - <<EOF
table inet benchsink {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		ip daddr 20.0.0.0/8 drop
	}
}
EOF
	cat >"$run/sd.conf" <<EOC
[core]
control_socket = unix:$run/sd.sock
state_dir = $run/sd-state
events = $run/sd-events.json
syslog_events = no
[sluiced]
mem_cap = 64M
[zone lan]
prefixes = 10.77.1.0/24
mode = williamson
quarantine_ttl = 0
EOC
	ip netns exec "$(lab_ns gw)" "$build/sluiced" -f -c "$run/sd.conf" 2>"$run/sd.log" &
	sd=$!
	_i=0
	until [ -S "$run/sd.sock" ]; do
		kill -0 "$sd" 2>/dev/null || { cat "$run/sd.log"; return 1; }
		[ $_i -lt 100 ] || return 1
		sleep 0.1; _i=$((_i + 1))
	done
	echo "-- hping3 -S -p 445 --flood --rand-dest 20.x.x.x from lan1 for $SECS s (sluiced pid $sd)"
	lab_x lan1 timeout "$SECS" hping3 -q -S -p 445 --flood --rand-dest -I eth0 20.x.x.x \
		>/dev/null 2>&1 &
	hp=$!
	_t=0
	while [ $_t -lt "$SECS" ]; do
		sleep 5; _t=$((_t + 5))
		echo "t=${_t}s rss $(vm "$sd" VmRSS) kB hwm $(vm "$sd" VmHWM) kB queued $(queued)"
	done | tee "$run/sd.out"
	wait "$hp" 2>/dev/null
	"$build/sluicectl" -s "$run/sd.sock" status | tee -a "$run/sd.out"
	hwm=$(vm "$sd" VmHWM)
	q=$(queued)
	kill "$sd"; wait "$sd" 2>/dev/null; sd=""
	bench_summary "sluiced daemon, $q first packets to random 20/8 in ${SECS}s: peak RSS kB (no target)" \
		- - "$hwm" "$hwm kB"
}

# vm PID KEY - a Vm line of /proc/PID/status, kB
vm() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# queued - the packets queue 0 has seen in the gateway
queued() {
	lab_x gw cat /proc/net/netfilter/nfnetlink_queue | awk '$1 == 0 { print $8 }'
}

for p in $PARTS; do
	echo "== $p"
	$p
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
