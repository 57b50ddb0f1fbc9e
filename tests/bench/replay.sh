#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# replay.sh - sluice-sim replay: records per second with sluiced's
# decisions against reading the same file without them
#
# A synthetic conntrack log (simtrace.py: REPLAY_FLOWS flows of
# REPLAY_HOSTS hosts over a day, in bursts of REPLAY_BURST flows a host
# on average; 1 = every flow from a random host, the worst case) is read
# REPLAY_ROUNDS times each way,
# interleaved; the medians of CPU time give records/s and the share of
# the total the decisions take (target: at most half).
#   REPLAY_FLOWS=20000000 sh tests/bench/replay.sh   # a day at 230 flows/s
set -eu
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
: "${REPLAY_FLOWS:=2000000}" "${REPLAY_HOSTS:=10000}" "${REPLAY_ROUNDS:=3}"
: "${REPLAY_BURST:=4}"
SIM=$SLUICE_BUILD/sluice-sim
trace=/tmp/sluice-bench-replay.$REPLAY_FLOWS.$REPLAY_HOSTS.$REPLAY_BURST.log
conf=$(mktemp /tmp/sluice-bench-replay.XXXXXX.conf)
trap 'rm -f "$conf" "$conf.t"' EXIT
printf '[core]\nevents =\n[sluiced]\nmem_cap = 256M\n[zone lan]\nprefixes = 10.1.0.0/16\n' >"$conf"
[ -s "$trace" ] || /usr/bin/python3 "$SLUICE_TOP/tests/bench/simtrace.py" \
	"$REPLAY_FLOWS" "$REPLAY_HOSTS" 86400 "$REPLAY_BURST" >"$trace"
lines=$(wc -l <"$trace")

# secs CMD... - CPU seconds (user + system) of one run: on a shared
# machine the wall clock measures the neighbours too
secs() {
	/usr/bin/time -f "%U %S" -o "$conf.t" "$@" >/dev/null
	awk '{ printf "%.3f\n", $1 + $2 }' "$conf.t"
}
read_t="" dec_t=""
i=0
while [ $i -lt "$REPLAY_ROUNDS" ]; do
	read_t="$read_t $(secs "$SIM" replay --no-decisions "$trace")"
	dec_t="$dec_t $(secs "$SIM" replay -c "$conf" "$trace")"
	i=$((i + 1))
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
r=$(median $read_t) d=$(median $dec_t)
echo "records (lines): $lines, flows: $REPLAY_FLOWS, hosts: $REPLAY_HOSTS, burst: $REPLAY_BURST, rounds: $REPLAY_ROUNDS"
echo "read only:      $r s CPU  ($(echo "$lines $r" | awk '{ printf "%.0f", $1 / $2 }') lines/s)   runs:$read_t"
echo "with decisions: $d s CPU  ($(echo "$lines $d" | awk '{ printf "%.0f", $1 / $2 }') lines/s)   runs:$dec_t"
share=$(echo "$r $d" | awk '{ printf "%.2f", ($2 - $1) / $2 }')
echo "decisions' share of the total: $share (target <= 0.50)"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "sluice-sim replay: decisions' share of CPU (issue 16)" "<=" 0.50 "$share"
echo "command: REPLAY_FLOWS=$REPLAY_FLOWS REPLAY_HOSTS=$REPLAY_HOSTS REPLAY_BURST=$REPLAY_BURST sh tests/bench/replay.sh"
