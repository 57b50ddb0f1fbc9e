#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nodns.sh - what the no-DNS signal costs the verdict path per first
# contact (make bench): the engine with the signal off, with an answer
# behind every contact (one dnscorr lookup), and with none (the lookup,
# the exemptions, the rate-limited event, the signal), alternated.
#
# Builds tests/bench/bench_nodns.c against the verdict engine's objects
# (make all builds them); see its head comment for what is timed.
# Reproduce: make all && sh tests/bench/nodns.sh
set -eu
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
. "$top/tests/bench/engine.sh"
engine_cc bench_nodns bench_nodns.c
echo "-- $build/bench/bench_nodns -r 7"
. "$top/tests/bench/summary.sh"
out=$(mktemp /tmp/sluice-bench-nodns.XXXXXX)
trap 'rm -f "$out"' EXIT
"$build/bench/bench_nodns" -r 7 | tee "$out"
v=$(bench_grab "$out" 'justified [(]one lookup[)]: median [0-9.]+ ns, ratio')
bench_summary "first contact with the no-DNS lookup vs without (no target)" - - "$v" "$v x"
