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
nx=$build/nft-expr
for f in "$build/libsluice.a" "$nx/verdict/vddns.o" "$nx/dns/dnssnoop.o"; do
	[ -f "$f" ] || { echo "nodns.sh: no $f (run make all)" >&2; exit 1; }
done
mkdir -p "$build/bench"
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-I"$top/common" -I"$top/nft-expr" $(pkg-config --cflags glib-2.0) \
	-o "$build/bench/bench_nodns" "$top/tests/bench/bench_nodns.c" \
	"$nx"/verdict/*.o "$nx/quarantine/quar.o" "$nx/queue/pkt.o" \
	"$nx/daemon/sdconf.o" "$nx/capture/cap_conf.o" "$nx/apps/appconf.o" \
	"$nx/fairshare/fs_conf.o" "$nx/outbound/outpol.o" "$nx/dns/dnsconf.o" \
	"$nx/dns/dnssnoop.o" "$nx/capture/cap_limit.o" \
	"$build/libsluice.a" \
	$(pkg-config --libs glib-2.0 hiredis) -lm
echo "-- $build/bench/bench_nodns -r 7"
. "$top/tests/bench/summary.sh"
out=$(mktemp /tmp/sluice-bench-nodns.XXXXXX)
trap 'rm -f "$out"' EXIT
"$build/bench/bench_nodns" -r 7 | tee "$out"
v=$(bench_grab "$out" 'justified [(]one lookup[)]: median [0-9.]+ ns, ratio')
bench_summary "first contact with the no-DNS lookup vs without (no target)" - - "$v" "$v x"
