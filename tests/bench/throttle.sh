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
for k in 4 16; do
	echo "-- key $k bytes: $build/bench/bench_throttle -s -k $k -H 1000000 -n 10000000 -r 5"
	"$build/bench/bench_throttle" -s -k "$k" -H 1000000 -n 10000000 -r 5
done
echo "-- $build/bench/bench_hosttab -H 1000000 -r 5"
"$build/bench/bench_hosttab" -H 1000000 -r 5
