#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sdstate.sh - how long sluiced's throttle-state snapshot holds up its
# loop (packets wait meanwhile), and how long the load at start takes,
# at a million hosts (make bench).
#
# Builds tests/bench/bench_vdsave.c against the verdict engine's objects
# (make all builds them); see its head comment for the state and what
# is timed. The file goes to /tmp (give -f for another disk).
# Reproduce: make all && sh tests/bench/sdstate.sh
set -eu
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
. "$top/tests/bench/engine.sh"
engine_cc bench_vdsave bench_vdsave.c
echo "-- $build/bench/bench_vdsave -H 1000000 -r 5"
. "$top/tests/bench/summary.sh"
out=$(mktemp /tmp/sluice-bench-sdstate.XXXXXX)
trap 'rm -f "$out"' EXIT
"$build/bench/bench_vdsave" -H 1000000 -r 5 | tee "$out"
v=$(bench_grab "$out" 'snapshot [(]write, fsync, rename[)]: median')
bench_summary "sluiced snapshot of 1 M hosts, ms (no target)" - - "$v" "$v ms"
v=$(bench_grab "$out" 'load at start: median')
bench_summary "sluiced state load of 1 M hosts, ms (no target)" - - "$v" "$v ms"
