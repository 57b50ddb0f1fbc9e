#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# epidemic.sh - how long the full epidemic scenarios take to simulate
#
# 10,000 hosts, one simulated hour in 10 ms steps, seed 1: the CPU time
# (user + system) of each run and its result line. The figures and
# plots themselves come from examples/sim/epidemic.sh.
set -eu
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
SIM=$SLUICE_BUILD/sluice-sim
t=$(mktemp /tmp/sluice-bench-epi.XXXXXX)
trap 'rm -f "$t" "$t.s" "$t.all" "$t.cpu"' EXIT
for run in "code-red" "code-red --gateways 1" "code-red --host-cover 0.5" \
	"slammer" "slammer --gateways 1" "slammer --gateways 1 --host-cover 1" \
	"topo --gateways 1 --host-cover 1"; do
	/usr/bin/time -f "%U %S" -o "$t" "$SIM" epidemic --preset $run --summary 2>"$t.s"
	awk '{ print $1 + $2 }' "$t" >>"$t.all"
	printf '%-40s %6.2f s CPU  %s\n' "$run" "$(awk '{ print $1 + $2 }' "$t")" \
		"$(sed -n 's/^# hosts [0-9]*, vulnerable \([0-9]*\), infected \([^;]*\);.*/V \1, infected \2/p' "$t.s")"
done
awk '{ n += $1 } END { printf "%.2f\n", n }' "$t.all" >"$t.cpu"
echo "command: sh tests/bench/epidemic.sh"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "sluice-sim epidemic, the seven presets above, s CPU (no target)" - - \
	"$(cat "$t.cpu")" "$(cat "$t.cpu") s"
