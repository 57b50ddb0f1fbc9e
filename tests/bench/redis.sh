#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# redis.sh - sluice-policyd with its throttle state in Redis against
# local mode (make bench).
#
# Two sluice-policyd with the same configuration, one with [core]
# redis pointing at a private redis-server on a unix socket on the same
# machine, one without; policy-load with 16 persistent connections
# (each a SASL user mailing its five usual recipients, so every
# request passes and every request is one EVALSHA). Interleaved, RUNS
# runs of SECS seconds; medians of requests/s, of the median and 99th
# percentile latency, and the added p99 latency (shared - local).
# Targets: shared / local >= 0.5, added p99 < 1 ms.
#
# Reproduce: make bench, or
#   SLUICE_TOP=$PWD SLUICE_BUILD=$PWD/build sh tests/bench/redis.sh
set -u
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
: "${RUNS:=3}" "${SECS:=5}" "${CONNS:=16}"
B=$(basename "$SLUICE_BUILD")
make -s -C "$SLUICE_TOP" B="$B" "$B/sluice-policyd" "$B/bench/policy-load" \
	>/dev/null || { echo "redis.sh: build failed" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis.sh: redis-server missing (make deps)" >&2; exit 1; }
. "$SLUICE_TOP/tests/integration/lib.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"

T=$(mktemp -d /tmp/sluice-bench-redis.$$.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
	t_ports_free
}
trap cleanup EXIT
trap 'exit 1' INT TERM

P_LOCAL=$(t_port 0)
P_SHARED=$(t_port 1)
head -c 32 /dev/urandom >"$T/key"
mkdir "$T/redis"
redis-server --port 0 --unixsocket "$T/redis.sock" --dir "$T/redis" \
	--save "" --appendonly no --logfile "$T/redis/log" &
PIDS="$PIDS $!"
# conf NAME PORT [REDIS-LINE]
conf() {
	cat >"$T/$1.conf" <<EOC
[core]
events = /dev/null
state_dir =
syslog_events = no
redis_keyfile = $T/key
${3:-}
[policyd]
user =
control_listen = $T/$1.ctl
listen = inet:127.0.0.1:$2
own_networks = 127.0.0.0/8 192.0.2.0/24
EOC
}
conf local "$P_LOCAL"
conf shared "$P_SHARED" "redis = unix:$T/redis.sock"
sleep 0.5
echo "start: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in local shared; do
	"$SLUICE_BUILD/sluice-policyd" -c "$T/$n.conf" -f 2>"$T/$n.log" &
	PIDS="$PIDS $!"
done
sleep 1
"$SLUICE_BUILD/sluicectl" -s "$T/shared.ctl" status | grep -q '^redis_shared yes$' ||
	{ echo "redis.sh: the shared policyd is not in shared mode: $(cat "$T/shared.log")" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$T/local" >"$T/shared"
r=1
while [ $r -le "$RUNS" ]; do
	"$SLUICE_BUILD/bench/policy-load" "$P_LOCAL" "$CONNS" "$SECS" lat >>"$T/local"
	"$SLUICE_BUILD/bench/policy-load" "$P_SHARED" "$CONNS" "$SECS" lat >>"$T/shared"
	r=$((r + 1))
done
"$SLUICE_BUILD/sluicectl" -s "$T/shared.ctl" status | grep -q '^redis_fallbacks 0$' ||
	echo "redis.sh: warning: the shared policyd fell back to local mode during the runs"
col() { awk -v c="$1" '{print $c}' "$2" | median; }
lr=$(col 1 "$T/local") ls=$(col 1 "$T/shared")
l50=$(col 2 "$T/local") s50=$(col 2 "$T/shared")
l99=$(col 3 "$T/local") s99=$(col 3 "$T/shared")
echo "command: RUNS=$RUNS SECS=$SECS SLUICE_BUILD=$SLUICE_BUILD sh tests/bench/redis.sh"
echo "policy requests/s, $CONNS persistent connections, median of $RUNS x ${SECS}s (rps p50_us p99_us per run):"
printf '  %-26s %8s  p50 %5s us  p99 %5s us   runs: %s\n' "local mode" "$lr" "$l50" "$l99" "$(tr '\n' ';' <"$T/local")"
printf '  %-26s %8s  p50 %5s us  p99 %5s us   runs: %s\n' "shared (Redis, unix socket)" "$ls" "$s50" "$s99" "$(tr '\n' ';' <"$T/shared")"
awk -v a="$ls" -v b="$lr" -v s="$s99" -v l="$l99" 'BEGIN {
	printf "  shared / local: %.2f (target >= 0.5); added p99 latency: %d us (target < 1000)\n", b ? a / b : 0, s - l }' | tee "$T/sum"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "policyd requests/s, Redis-shared / local (issue 17)" ">=" 0.5 \
	"$(bench_grab "$T/sum" 'shared / local:')" "$(bench_grab "$T/sum" 'shared / local:') ($ls vs $lr requests/s)"
bench_summary "policyd added p99 with Redis, us (issue 17)" "<=" 1000 \
	"$(bench_grab "$T/sum" 'added p99 latency:')" "$(bench_grab "$T/sum" 'added p99 latency:') us"
