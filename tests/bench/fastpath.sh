#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	fastpath.sh - a LAN's usual mix through sluiced's kernel fast path
#	vs a kernel-only rule; connect latency of kernel-accepted and of
#	queued flows
# SYNOPSIS
#	make bench
#	SLUICE_BUILD=build SLUICE_TOP=. sh tests/bench/fastpath.sh
#	(environment: BENCH_RUNS=5, BENCH_SECS=5, BENCH_PROBES=2000,
#	BENCH_REPEAT=90, BENCH_CONFIGS="kernel fast queue queue2 queue2x")
# DESCRIPTION
#	In the namespace lab, lan1 sends TCP SYNs as fast as one core can
#	(tests/bench/bench_mix.c) from 1,000 source addresses (10.77.4.0
#	and on, a zone of sluiced's), 90% of them to one of the source's
#	five usual destinations and 10% to a one-off destination among
#	4,096 in 10.77.16.0/20, each a new flow that the gateway forwards to srv,
#	whose prerouting drops it (BENCH_REPEAT=100: every flow to one of
#	the five, so after the first five nothing is held: the queue's own
#	rate). The configurations, interleaved run by run:
#
#	  kernel  no sluiced; the gateway's first-packet rule accepts
#	  fast    sluiced, Williamson zone (working set 5, release 1 s),
#	          fast_path = yes: flows to a destination of the working
#	          set are accepted by the kernel's fast rule, the rest
#	          queued (new destinations are held, one a second a host;
#	          high_watermark 1,000,000 so that no host is locked out
#	          and the mix stays the same through the run)
#	  queue   the same zone with fast_path = no: every first packet
#	          through sluiced's queue
#	  queue2  the same with queue_num = 0-1 (issue 18): the sources
#	          spread over two queues by jhash of the source, a reader
#	          thread each, sluiced still on CPU 1 alone
#	  queue2x the same with sluiced on CPUs 0 and 1 (the readers may
#	          run beside the sender)
#
#	handled: first packets the configuration decided in the run (the
#	kernel rule: all that arrived; sluiced: its queue's packets plus
#	its fast rule's accepts); its rate's ratio to the kernel's, median
#	of BENCH_RUNS floods of BENCH_SECS s (target for fast: 0.97).
#	bench_mix on CPU 0, sluiced on CPU 1, both nice -20, as
#	tests/bench/sluiced.sh.
#
#	Then, with no flood, lan2 (in the zone) connects BENCH_PROBES
#	times, every 5 ms, to its five usual servers (srv's listener,
#	tests/bench/latency.py): connect-to-handshake microseconds, median
#	and p99 per configuration and added to the kernel's: in fast the
#	flows the kernel accepts (the first five, and one a second whose
#	slot aged out, go through the queue: counted and shown), in queue
#	every flow through sluiced. Target: p99 added under 100 us for the
#	kernel-accepted flows. Requires root, nft, python3, cc.

top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
LAB_DIR=$top/examples/lab
LAB_LIB=1
LAB_ID=sf$$
. "$LAB_DIR/lab.sh"

runs=${BENCH_RUNS:-5}
secs=${BENCH_SECS:-5}
probes=${BENCH_PROBES:-2000}
repeat=${BENCH_REPEAT:-90}
configs=${BENCH_CONFIGS:-"kernel fast queue queue2 queue2x"}
servers="10.77.30.1 10.77.30.2 10.77.30.3 10.77.30.4 10.77.30.5"
run=""
pid=""

die() { echo "bench fastpath: $*" >&2; exit 1; }

cleanup() {
	trap - EXIT INT TERM HUP
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	lab_down
	[ -n "$run" ] && rm -rf "$run"
}

# conf - sluiced's configuration, fast_path $1, queue_num $2
conf() {
	cat <<EOF2
[core]
control_socket = unix:$run/sluiced.sock
state_dir = $run/state
events = $run/events.json
syslog_events = no

[sluiced]
queue_num = $2
max_held = 1000000
queue_maxlen = 1000000

[zone lan]
prefixes = 10.77.1.0/24, 10.77.4.0/22
mode = williamson
wset_size = 5
release_interval = 1s
high_watermark = 1000000
low_watermark = 999999
quarantine_ttl = 0
fast_path = $1
EOF2
}

setup() {
	lab_up || die "cannot build the lab"
	for _n in lan1 lan2 srv; do
		lab_x $_n nft delete table inet labcount || die "cannot clear $_n"
	done
	lab_sysctl gw net.netfilter.nf_conntrack_tcp_timeout_syn_sent=1 ||
		die "cannot shorten the gateway's conntrack timeout"
	# the mix's sources are not lan1's own: no kernel reverse-path
	# check, and a route through lan1 so that sluiced's own (fib saddr
	# . iif) finds them on the LAN side rather than dropping them
	for _k in all default br0; do
		lab_sysctl gw net.ipv4.conf.$_k.rp_filter=0 || die "rp_filter"
	done
	lab_x gw ip route add 10.77.4.0/22 via 10.77.1.11 dev br0 ||
		die "cannot route the mix's sources through lan1"
	lab_x srv nft -f - <<EOF2 || die "cannot load the sink in srv"
table inet benchsink {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		tcp dport 9 drop
	}
}
EOF2
	lab_x gw nft -f - <<EOF2 || die "cannot load the counters in gw"
table inet bench {
	counter arrived { }
	chain count {
		type filter hook forward priority -10; policy accept;
		ct state new meta l4proto tcp counter name arrived
	}
}
EOF2
}

kernel_rule() {
	if [ "$1" = 1 ]; then
		lab_x gw nft -f - <<EOF2
table inet benchkernel {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ct state != new accept
		meta l4proto tcp accept
		meta l4proto udp accept
	}
}
EOF2
	else
		lab_x gw nft delete table inet benchkernel
	fi
}

# queue_seq - ids of queues 0 and 1 (empty until queue 0 is bound)
queue_seq() {
	lab_x gw cat /proc/net/netfilter/nfnetlink_queue |
		awk '$1 == 0 { z = 1 } $1 <= 1 { n += $8 } END { if (z) print n + 0 }'
}

# queue1_seq - ids of queue 1 alone (0: not bound)
queue1_seq() {
	lab_x gw cat /proc/net/netfilter/nfnetlink_queue |
		awk '$1 == 1 { n = $8 } END { print n + 0 }'
}

# fast_count - packets sluiced's fast rule accepted (ip table)
fast_count() {
	lab_x gw nft list chain ip sluice first_contact 2>/dev/null |
		awk 'index($0, "@fast4") { for (i = 1; i < NF; i++)
			if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}

arrived() {
	lab_x gw nft list counter inet bench arrived | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# up C / down C - the configuration in force
up() {
	if [ "$1" = kernel ]; then kernel_rule 1; return; fi
	_q=0 _cpus=1
	case $1 in queue2) _q=0-1 ;; queue2x) _q=0-1 _cpus=0,1 ;; esac
	conf "$([ "$1" = fast ] && echo yes || echo no)" $_q >"$run/$1.conf"
	rm -rf "$run/state"
	ip netns exec "$(lab_ns gw)" nice -n -20 taskset -c $_cpus "$build/sluiced" -f \
		-c "$run/$1.conf" 2>"$run/$1.log" &
	pid=$!
	_i=0
	until [ -n "$(queue_seq)" ]; do
		kill -0 "$pid" 2>/dev/null || { cat "$run/$1.log" >&2; die "sluiced did not start"; }
		[ $_i -lt 100 ] || die "sluiced did not bind queue 0"
		sleep 0.1; _i=$((_i + 1))
	done
}
down() {
	if [ "$1" = kernel ]; then kernel_rule 0; return; fi
	kill -TERM "$pid" && wait "$pid"
	pid=""
}

# handled - first packets decided so far (kernel: all that arrived)
handled() {
	if [ "$1" = kernel ]; then arrived; return; fi
	echo $(( $(queue_seq) + $(fast_count) ))
}

# flood C - one run: appends "HANDLED/s ARRIVED/s FAST_SHARE Q1_SHARE"
#	to run/C (Q1_SHARE: queue 1's part of the queued ids)
flood() {
	lab_x gw nft reset counter inet bench arrived >/dev/null
	_h0=$(handled "$1") _f0=$(fast_count) _o0=$(queue1_seq)
	_t0=$(date +%s%N)
	lab_x lan1 nice -n -20 taskset -c 0 "$run/bench_mix" -s 10.77.4.0 -n 1000 \
		-d 10.77.16.0 -D 4096 -t "$secs" -r "$repeat" >"$run/mix.out" ||
		die "bench_mix failed"
	sleep 0.2	# the last verdicts
	_t1=$(date +%s%N)
	_a=$(arrived) _h=$(( $(handled "$1") - _h0 )) _f=$(( $(fast_count) - _f0 ))
	_o=$(( $(queue1_seq) - _o0 ))
	awk -v a="$_a" -v h="$_h" -v f="$_f" -v ms="$(( (_t1 - _t0) / 1000000 ))" \
	    -v k="$1" -v o="$_o" 'BEGIN { printf "%d %d %.3f %.3f\n", h * 1000 / ms,
		a * 1000 / ms, (k == "kernel" || h == 0) ? 0 : f / h,
		(k == "kernel" || h - f <= 0) ? 0 : o / (h - f) }' >>"$run/$1"
	printf '  %-7s arrived %9d handled %9d fast %9d\n' "$1" "$_a" "$_h" "$_f"
}

# probe C - the latency phase: appends microseconds to run/lat-C
probe() {
	_q0=$(queue_seq)
	lab_x lan2 /usr/bin/python3 "$top/tests/bench/latency.py" "$probes" 0.005 80 \
		$servers >"$run/lat-$1" || die "latency probe failed"
	[ "$1" = kernel ] || echo "  $1: $(( $(queue_seq) - ${_q0:-0} )) of $probes probe flows went through the queue"
}

median() { awk -v c="$2" '{ print $c }' "$1" | lab_quantile 0.5; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b; else print "-" }'; }

trap cleanup EXIT
trap 'exit 130' INT TERM HUP
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$build/sluiced" ] || die "$build/sluiced is missing: run 'make all'"
run=$(mktemp -d /tmp/sluice-benchfast.XXXXXX)
cc -O2 -Wall -Wextra -Werror -o "$run/bench_mix" "$top/tests/bench/bench_mix.c" ||
	die "cannot build bench_mix"
setup
echo "fastpath bench: 1,000 sources, 90% to their five usual destinations"
echo "command: SLUICE_BUILD=$build sh tests/bench/fastpath.sh (BENCH_RUNS=$runs BENCH_SECS=$secs BENCH_PROBES=$probes BENCH_REPEAT=$repeat BENCH_CONFIGS=\"$configs\")"
echo "start: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
i=1
while [ $i -le "$runs" ]; do
	echo "run $i/$runs"
	for c in $configs; do up "$c"; flood "$c"; down "$c"; done
	i=$((i + 1))
done
echo "latency probes"
for c in $configs; do up "$c"; probe "$c"; down "$c"; done
k=$(median "$run/kernel" 1)
echo
printf '%-7s %10s %10s %7s %10s %9s\n' config handled/s arrived/s ratio "fast share" "q1 share"
for c in $configs; do
	printf '%-7s %10s %10s %7s %10s %9s\n' "$c" "$(median "$run/$c" 1)" \
		"$(median "$run/$c" 2)" "$(ratio "$(median "$run/$c" 1)" "$k")" \
		"$(median "$run/$c" 3)" "$(median "$run/$c" 4)"
done
echo
kp50=$(grep -v fail "$run/lat-kernel" | lab_quantile 0.5)
kp99=$(grep -v fail "$run/lat-kernel" | lab_quantile 0.99)
printf '%-7s %8s %8s %12s %12s %6s\n' config "p50 us" "p99 us" "p50 added" "p99 added" fails
for c in $configs; do
	p50=$(grep -v fail "$run/lat-$c" | lab_quantile 0.5)
	p99=$(grep -v fail "$run/lat-$c" | lab_quantile 0.99)
	printf '%-7s %8s %8s %12s %12s %6s\n' "$c" "$p50" "$p99" "$((p50 - kp50))" \
		"$((p99 - kp99))" "$(grep -c fail "$run/lat-$c")"
done
cat <<EOF2
(medians of $runs floods of ${secs}s; handled: first packets decided (sluiced:
 queued + fast rule); ratio: handled/s over the kernel rule's; fast share:
 the fast rule's part of what sluiced handled; q1 share: queue 1's part of
 the queued flows (queue2, queue2x: two queues). Latency: $probes connects
 from lan2, 5 ms apart, no flood; added: minus the kernel rule's)
EOF2
echo "end: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
. "$top/tests/bench/summary.sh"
q=""
case " $configs " in *" queue "*) q=$(median "$run/queue" 1) ;; esac
for c in queue2 queue2x; do
	case " $configs " in *" $c "*) ;; *) continue ;; esac
	[ -n "$q" ] || continue
	bench_summary "new flows/s, 2 queues ($c) / 1 queue, all queued (issue 18)" "-" "" \
		"$(ratio "$(median "$run/$c" 1)" "$q")" \
		"$(ratio "$(median "$run/$c" 1)" "$q") ($(median "$run/$c" 1) vs $q flows/s)"
done
