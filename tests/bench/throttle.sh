#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# throttle.sh - working-set and delay-queue decisions per second, and
# bytes per tracked host, for IPv4 and IPv6 keys; then the host table's
# eviction and walk costs (make bench).
#
# Builds tests/bench/bench_throttle.c against libsluice.a and runs it over
# one million source hosts: see the program's head comment for the
# request stream, the baselines and how time is measured. Then
# tests/bench/bench_hosttab.c (its head comment says what it times).
# -s times a second throttle with the SipHash-1-3 index (the fallback
# where the CPU has no AES rounds) in the same rounds.
# Reproduce: make build/libsluice.a && sh tests/bench/throttle.sh
set -eu
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
[ -f "$build/libsluice.a" ] || { echo "throttle.sh: no $build/libsluice.a (run make)" >&2; exit 1; }
mkdir -p "$build/bench"
for p in bench_throttle bench_hosttab; do
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-I"$top/common" -o "$build/bench/$p" "$top/tests/bench/$p.c" \
		"$build/libsluice.a"
done
. "$top/tests/bench/summary.sh"
out=$(mktemp /tmp/sluice-bench-throttle.XXXXXX)
trap 'rm -f "$out" "$out".*' EXIT
for k in 4 16; do
	echo "-- key $k bytes: $build/bench/bench_throttle -s -k $k -H 1000000 -n 10000000 -r 5"
	"$build/bench/bench_throttle" -s -k "$k" -H 1000000 -n 10000000 -r 5 | tee "$out.$k"
done
echo "-- $build/bench/bench_hosttab -H 1000000 -r 5"
"$build/bench/bench_hosttab" -H 1000000 -r 5
v=$(bench_grab "$out.4" 'throttle decisions/s, batches of [0-9]+ [(]median of [0-9]+[)]:')
bench_summary "throttle decisions/s, IPv4, 1 M hosts (issue 2)" ">=" 20 "$v" "$v M/s"
v=$(bench_grab "$out.4" 'throttle/baseline')
bench_summary "throttle / ideal one-line state, same stream (issue 18)" ">=" 0.85 "$v"
v=$(bench_grab "$out.4" 'bytes per tracked host:')
bench_summary "bytes per tracked IPv4 host at 1 M hosts (issue 2)" "<=" 64 "$v" "$v bytes"
