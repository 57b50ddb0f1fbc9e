#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	capture.sh - SYN-ACK latency and memory per held connection:
#	sluiced's tarpit vs the kernel and endlessh
# SYNOPSIS
#	make bench
#	SLUICE_BUILD=build SLUICE_TOP=. sh tests/bench/capture.sh
#	(environment: BENCH_CONNS=15000, BENCH_SYN_RATE=10000,
#	BENCH_SYN_SECONDS=5)
# DESCRIPTION
#	First, SYN-ACK latency: two hping3 in lan1 send BENCH_SYN_RATE SYNs
#	a second together (the rate reached is printed) for
#	BENCH_SYN_SECONDS (each SYN from a new source port) to the
#	dark 10.77.9.20 port 80, answered by sluiced, then to a listening
#	socket of the gateway's own kernel (iperf3 -s in gw, 10.77.1.1 port
#	5399); for each, replies, median and 99th percentile of hping3's
#	round-trip times (target: sluiced's p99 within 2x the kernel's).
#	Then held connections:
#	In the namespace lab, lan1 opens BENCH_CONNS TCP connections
#	(tests/bench/capture_hold.py: 4 KB socket buffers, 100 bytes
#	written on each) and keeps them, first to sluiced's dark addresses
#	(10.77.9.1-250, port 80: each is answered, its payload taken and
#	held in a zero window), then to Debian's endlessh in srv
#	(10.77.16.1-250 port 2222, -d 10000, one socket per client). For
#	each: connections established, and the growth of the server's RSS
#	and of the machine's slab memory (/proc/meminfo Slab) from before
#	the connections to after. The clients' own sockets grow the slab in
#	both runs alike, and sluiced holds no socket (nor, untracked, a
#	conntrack entry): the slab growth of sluiced's run is the clients'
#	cost, and the server's cost per connection is its RSS growth plus
#	the slab growth beyond the clients', divided by the connections.
#	The ratio is endlessh's over sluiced's (target: 100).
#	One process may hold at most 20,000 descriptors on this machine:
#	above 15,000 connections the client is spread over processes of
#	15,000 at most, and endlessh over as many instances (ports 2222
#	upwards), whose RSS are summed (BENCH_CONNS=100000: seven each).
. "$SLUICE_TOP/tests/integration/lib.sh"
. "$SLUICE_TOP/tests/integration/sluiced/lib.sh"

N=${BENCH_CONNS:-15000}
P=$(( (N + 14999) / 15000 ))	# client processes (and endlessh ones): 20,000
				# descriptors at most each on this machine
need endlessh /usr/bin/python3
sd_lab
sd_base_conf <<EOF
[capture]
dark = 10.77.9.0/24
action = log
events_per_second = 1
mem_cap = 64M
EOF
HOLD=$SLUICE_TOP/tests/bench/capture_hold.py

# slab_kb - the machine's slab memory in kB
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
# rss_kb PID - a process's resident memory in kB
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# rss_sum PIDS - the summed resident memory of PIDS in kB
rss_sum() { for _p in $1; do rss_kb $_p; done | awk '{ t += $1 } END { print t + 0 }'; }

# hold PORT STEP PREFIX PIDS NAME - N connections held by P client
#	processes (client k to PORT + k * STEP); prints the table row
hold() {
	mkfifo "$SD_RUN/in.$5"
	sleep 2
	r0=$(rss_sum "$4") s0=$(slab_kb)
	_k=0 _cps=
	while [ $_k -lt $P ]; do
		lab_x lan1 sh -c "ulimit -n $((N / P + 1000)); exec /usr/bin/python3 '$HOLD' $((N / P)) $(($1 + _k * $2)) $3 100" \
			<"$SD_RUN/in.$5" >"$SD_RUN/out.$5.$_k" 2>&1 &
		_cps="$_cps $!" _k=$((_k + 1))
	done
	exec 7>"$SD_RUN/in.$5"
	_i=0
	until [ "$(cat "$SD_RUN"/out.$5.* | grep -c '^established')" -ge $P ] || [ $_i -ge 600 ]; do
		sleep 0.5; _i=$((_i + 1))
	done
	sleep 5
	r1=$(rss_sum "$4") s1=$(slab_kb)
	est=$(cat "$SD_RUN"/out.$5.* | awk '$1 == "established" { t += $2 } END { print t + 0 }')
	exec 7>&-
	wait $_cps
	printf '%-10s %12s %14s %14s\n' "$5" "$est" "$((r1 - r0))" "$((s1 - s0))"
	echo "$est $((r1 - r0)) $((s1 - s0))" >"$SD_RUN/grew.$5"
}

RATE=${BENCH_SYN_RATE:-10000} SECS=${BENCH_SYN_SECONDS:-5}
need hping3 iperf3
# latency ADDR PORT NAME - SYN-ACK round trips at RATE from two hping3
#	(one reaches about 5,000 a second here); prints the row
latency() {
	_t0=$(date +%s.%N) _hp=
	for _s in 1024 33000; do
		lab_x lan1 timeout $((SECS * 3 + 5)) hping3 -S -n -p "$2" -s $_s \
			-i u$((2000000 / RATE)) -c $((RATE * SECS / 2)) "$1" \
			>"$SD_RUN/hping.$3.$_s" 2>&1 &
		_hp="$_hp $!"
	done
	wait $_hp
	cat "$SD_RUN"/hping.$3.* | sed -n 's/.*flags=SA.*rtt=\([0-9.]*\) ms.*/\1/p' | sort -n |
		awk -v n="$3" -v sent=$((RATE * SECS)) '{ a[NR] = $1 } END {
			printf "%-10s %8d %8d %10.3f %10.3f\n", n, sent, NR,
			       a[int(NR / 2) + 1], a[int(NR * 0.99) + 1] }' | tee "$SD_RUN/lat.$3"
	awk -v a="$_t0" -v b="$(date +%s.%N)" -v n=$((RATE * SECS)) \
		'BEGIN { printf "#   %d SYNs in %.1f s: %.0f a second\n", n, b - a, n / (b - a) }'
}

sd_start || bail "sluiced did not start"
lab_x gw iperf3 -s -D -B $LAB_GW_4 -p 5399 -I "$SD_RUN/iperf3.pid" || bail "no listener in gw"
at_exit 'kill $(cat "$SD_RUN/iperf3.pid") 2>/dev/null'
printf '%-10s %8s %8s %10s %10s\n' answerer sent replies median_ms p99_ms
latency 10.77.9.20 80 sluiced
latency $LAB_GW_4 5399 kernel
cat "$SD_RUN/lat.sluiced" "$SD_RUN/lat.kernel" | awk '
	NR == 1 { p1 = $5 } NR == 2 { p2 = $5 }
	END { if (p2 > 0) printf "p99 sluiced / kernel: %.2f (target <= 2)\n", p1 / p2 }' | tee "$SD_RUN/capsum"
echo "(two hping3, send interval u$((2000000 / RATE)) each)"

printf '%-10s %12s %14s %14s\n' server held rss_kB_grew slab_kB_grew
hold 80 0 10.77.9 "$SD_PID" sluiced
held=$(sd_ctl metrics | awk '$1 == "sluice_capture_held" { print $2 }')
sd_stop
_k=0 EP=
while [ $_k -lt $P ]; do	# one endlessh a client process: a descriptor a client
	lab_x srv sh -c "ulimit -n $((N / P + 1000)); exec endlessh -4 -p $((2222 + _k)) -d 10000 -m $((N / P + 500))" \
		>/dev/null 2>&1 &
	_k=$((_k + 1))
done
sleep 1
# the endlessh processes themselves ($! is the shell running lab_x)
EP=$(ip netns pids "$LAB_ID-srv" | while read -r _p; do
	[ "$(cat /proc/$_p/comm 2>/dev/null)" = endlessh ] && echo $_p; done | tr '\n' ' ')
is "$(echo $EP | wc -w)" $P "$P endlessh processes run in srv"
at_exit "kill $EP 2>/dev/null"
hold 2222 1 10.77.16 "$EP" endlessh
kill $EP 2>/dev/null
echo "sluiced's own count of held connections: $held"
cat "$SD_RUN/grew.sluiced" "$SD_RUN/grew.endlessh" | awk '
	NR == 1 { n1 = $1; r1 = $2; clients = $3 }
	NR == 2 { n2 = $1; r2 = $2; s2 = $3 }
	END {
		a = n1 ? r1 * 1024 / n1 : 0
		b = n2 ? (r2 + s2 - clients) * 1024 / n2 : 0
		printf "server bytes per held connection: sluiced %.0f, endlessh %.0f\n", a, b
		if (a > 0) printf "endlessh / sluiced: %.1f (target 100)\n", b / a
	}' | tee -a "$SD_RUN/capsum"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "SYN-ACK p99 at 10,000 SYN/s, sluiced / kernel listener (issue 12)" "<=" 2 \
	"$(bench_grab "$SD_RUN/capsum" 'p99 sluiced / kernel:')"
bench_summary "memory per held connection, endlessh / sluiced, $N held (issue 12)" ">=" 100 \
	"$(bench_grab "$SD_RUN/capsum" 'endlessh / sluiced:')"
echo "command: BENCH_CONNS=$N SLUICE_BUILD=build SLUICE_TOP=. sh tests/bench/capture.sh"
