#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	policy.sh - per-packet and per-event costs of the policy core
# SYNOPSIS
#	make bench
#	SLUICE_BUILD=build SLUICE_TOP=. sh tests/bench/policy.sh
#	(environment: BENCH_RUNS=5)
# DESCRIPTION
#	Builds tests/bench/bench_policy.c against libsluice.a and runs it:
#	prefix-set lookups against a linear scan, event lines against a
#	bare snprintf, DNS answers parsed, countermeasure signals against
#	the whitelist lookup alone. Medians of BENCH_RUNS runs.
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
runs=${BENCH_RUNS:-5}
[ -f "$build/libsluice.a" ] || { echo "policy.sh: $build/libsluice.a missing: run make" >&2; exit 1; }
bin=$(mktemp /tmp/sluice-bench-policy.$$.XXXXXX) || exit 1
trap 'rm -f "$bin"' EXIT INT TERM
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$top/common" -o "$bin" \
	"$top/tests/bench/bench_policy.c" "$build/libsluice.a" \
	$(pkg-config --libs glib-2.0) -lm || exit 1
echo "command: BENCH_RUNS=$runs SLUICE_BUILD=$build sh tests/bench/policy.sh"
. "$top/tests/bench/summary.sh"
"$bin" -r "$runs" | tee "$bin.out"
# no targets: each figure against its baseline, for the record
for w in prefixset event_format dnsmsg_answers cmeasure_signal; do
	bench_summary "$w / its baseline (bench_policy)" - - "$(bench_grab "$bin.out" "^$w.*ratio")"
done
rm -f "$bin.out"
