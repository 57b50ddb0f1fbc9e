#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# apps.sh - added latency per new outbound connection of the
# per-application reverse firewall (issue 13), make bench.
#
# sluiced runs in a network namespace of its own with [applications]
# mode = enforce on a cgroup made here (cg-on); a second cgroup beside
# it (cg-off) has no program. tests/bench/apps_connect.c, approved,
# alternates blocks of 10 (BLOCK) timed connect()s to a loopback listener
# between the two (N each), in one run; then an unapproved copy of it
# connects N times in cg-on, and every one must be denied. Nothing
# outside the two cgroups is judged. The kernel's own count of the time
# spent in the connect4 program (kernel.bpf_stats_enabled, switched on
# for the run and back to what it was) gives its mean cost per call,
# free of the scheduling noise that dominates a p99 on a busy machine.
# Reproduce: make all && sh tests/bench/apps.sh [N]
set -eu
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
n=${1:-20000}
[ "$(id -u)" = 0 ] || { echo "apps.sh: needs root (cgroups, BPF)" >&2; exit 1; }
[ -x "$build/sluiced" ] || { echo "apps.sh: no $build/sluiced (run make all)" >&2; exit 1; }
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
t=$(mktemp -d /tmp/sluice-bench-apps.XXXXXX)
ns=sluice-bench-apps$$
sd=""
stats0=$(cat /proc/sys/kernel/bpf_stats_enabled)
cleanup() {
	echo "$stats0" >/proc/sys/kernel/bpf_stats_enabled
	[ -z "$sd" ] || { kill "$sd"; wait "$sd"; } 2>/dev/null || true
	rmdir "$cgroot/sluice-bench-on.$$" "$cgroot/sluice-bench-off.$$" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
mkdir "$cgroot/sluice-bench-on.$$" "$cgroot/sluice-bench-off.$$"
ip netns add "$ns"
ip -n "$ns" link set lo up
cc -O2 -DBLOCK=${BLOCK:-10} -o "$t/apps_connect" "$top/tests/bench/apps_connect.c"
cp "$t/apps_connect" "$t/unapproved"
cat >"$t/sluice.conf" <<EOC
[core]
control_socket = $t/sluiced.sock
events = $t/events.json
syslog_events = no
[sluiced]
queue_num = 0
pidfile = $t/sluiced.pid
[applications]
mode = enforce
approve = $t/apps_connect
cgroup = $cgroot/sluice-bench-on.$$
EOC
nsenter --net=/run/netns/$ns "$build/sluiced" -f -c "$t/sluice.conf" 2>"$t/log" &
sd=$!
i=0
until "$build/sluicectl" -s "$t/sluiced.sock" status >/dev/null 2>&1; do
	sleep 0.1; i=$((i + 1))
	[ $i -lt 100 ] || { cat "$t/log" >&2; exit 1; }
done
echo 1 >/proc/sys/kernel/bpf_stats_enabled
echo "-- nsenter --net=/run/netns/NS apps_connect 18714 $n cg-on cg-off"
nsenter --net=/run/netns/$ns "$t/apps_connect" 18714 "$n" \
	"$cgroot/sluice-bench-on.$$" "$cgroot/sluice-bench-off.$$" >"$t/out"
cat "$t/out"
awk '$1 == "on" || $1 == "off" { split($3, m, "="); split($4, p, "=")
	v[$1, "m"] = m[2]; v[$1, "p"] = p[2] }
	END { printf "added median_us=%.2f p99_us=%.2f\n",
		v["on", "m"] - v["off", "m"], v["on", "p"] - v["off", "p"] }' "$t/out" | tee "$t/added"
. "$top/tests/bench/summary.sh"
v=$(bench_grab "$t/added" 'p99_us=')
bench_summary "per-application check: added p99 per connect(), us (issue 13)" "<=" 100 "$v" "$v us (median $(bench_grab "$t/added" 'median_us=') us)"
bpftool prog show name apps_connect4 | awk '{ for (i = 1; i < NF; i++) {
	if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
	END { if (c) printf "connect4 program: %d runs, mean %.0f ns a run (kernel bpf stats)\n", c, t / c }'
echo "-- the unapproved copy, $n connections in cg-on"
nsenter --net=/run/netns/$ns "$t/unapproved" 18714 "-$n" "$cgroot/sluice-bench-on.$$" x
"$build/sluicectl" -s "$t/sluiced.sock" metrics | grep '^sluice_app_connections_total'
