#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	quarset.sh - quarantine set updates a second: sluiced's batches vs
#	one "nft add element" per host vs one "nft -f" file (issue 14)
# SYNOPSIS
#	make bench    (or: make all && sh tests/bench/quarset.sh)
#	environment: BENCH_HOSTS=100000 BENCH_RUNS=5 BENCH_SINGLE=300
# DESCRIPTION
#	In a namespace of its own, interleaved run by run:
#	  batch    bench_quarset: BENCH_HOSTS hosts through quarbatch, one
#	           netlink transaction (what sluiced does with a burst)
#	  single   BENCH_SINGLE hosts, one "nft add element" command each,
#	           the way common ban tools add them
#	  file     the same BENCH_HOSTS hosts in one "nft -f" file
#	each into an emptied set of type ipv4_addr with timeouts (1 h).
#	Medians of elements a second; the ratios are against single.
#	Targets: batch >= 300,000 elements/s and >= 2,000 x single.
#	Then the restart: sluiced starts in the namespace with BENCH_HOSTS
#	saved quarantines in its state file; its log says how long the
#	restore took (file read, engine, kernel set), and the set is
#	counted. Target: within a second.
set -eu
top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
nx=$build/nft-expr
H=${BENCH_HOSTS:-100000} R=${BENCH_RUNS:-5} S=${BENCH_SINGLE:-300}
for f in "$build/libsluice.a" "$nx/quarantine/quarbatch.o"; do
	[ -f "$f" ] || { echo "quarset.sh: no $f (run make all)" >&2; exit 1; }
done
mkdir -p "$build/bench"
cc -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-I"$top/common" -I"$top/nft-expr" $(pkg-config --cflags glib-2.0 libnftnl libmnl) \
	-o "$build/bench/bench_quarset" "$top/tests/bench/bench_quarset.c" \
	"$nx/quarantine/quarbatch.o" "$nx/quarantine/quarset.o" "$nx"/table/*.o \
	"$build/libsluice.a" $(pkg-config --libs glib-2.0 libnftnl libmnl) -lm
. "$top/tests/bench/summary.sh"
ns=sluice-bq$$
dir=$(mktemp -d /tmp/sluice-bench-quarset.XXXXXX)
trap 'ip netns del $ns 2>/dev/null; rm -rf "$dir"' EXIT
ip netns add $ns
X() { ip netns exec $ns "$@"; }
X nft 'add table ip bq; add set ip bq q { type ipv4_addr; flags timeout; }'
# the same hosts as bench_quarset's: 10.x.y.z counting up
awk -v n="$H" 'BEGIN { print "add element ip bq q {"
	for (i = 0; i < n; i++) printf "10.%d.%d.%d timeout 1h%s\n", int(i / 65536) % 256,
		int(i / 256) % 256, i % 256, i + 1 < n ? "," : ""
	print "}" }' >"$dir/file.nft"
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$dir/batch"; : >"$dir/single"; : >"$dir/file"
r=1
while [ $r -le "$R" ]; do
	X "$build/bench/bench_quarset" -n "$H" -r 1 -t bqs$r >"$dir/b.out"
	sed -n 's/.*ms, \([0-9]*\) elements\/s$/\1/p' "$dir/b.out" >>"$dir/batch"
	X nft flush set ip bq q
	t0=$(now); i=0
	while [ $i -lt "$S" ]; do
		X nft add element ip bq q "{ 10.$((i / 65536 % 256)).$((i / 256 % 256)).$((i % 256)) timeout 1h }"
		i=$((i + 1))
	done
	t1=$(now)
	echo "$S $t0 $t1" | awk '{ printf "%.1f\n", $1 / ($3 - $2) }' >>"$dir/single"
	X nft flush set ip bq q
	t0=$(now); X nft -f "$dir/file.nft"; t1=$(now)
	echo "$H $t0 $t1" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }' >>"$dir/file"
	X nft flush set ip bq q
	r=$((r + 1))
done
b=$(median <"$dir/batch") s=$(median <"$dir/single") f=$(median <"$dir/file")
echo "-- quarantine set updates a second, medians of $R runs (command: sh tests/bench/quarset.sh)"
printf '%-44s %12s %10s\n' "way" "elements/s" "x single"
printf '%-44s %12s %10s\n' "sluiced's batches ($H hosts, one transaction)" "$b" \
	"$(echo "$b $s" | awk '{ printf "%.0f", $1 / $2 }')"
printf '%-44s %12s %10s\n' "one nft -f file ($H hosts)" "$f" \
	"$(echo "$f $s" | awk '{ printf "%.0f", $1 / $2 }')"
printf '%-44s %12s %10s\n' "nft add element once per host ($S hosts)" "$s" 1
echo "runs: batch $(tr '\n' ' ' <"$dir/batch")| single $(tr '\n' ' ' <"$dir/single")| file $(tr '\n' ' ' <"$dir/file")"
bench_summary "quarantine set updates, sluiced batches, elements/s" ">=" 300000 "$b" "$b/s"
bench_summary "quarantine set updates, batches vs nft add element per host" ">=" 2000 \
	"$(echo "$b $s" | awk '{ printf "%.0f", $1 / $2 }')" "$(echo "$b $s" | awk '{ printf "%.0fx", $1 / $2 }')"

# the restart: BENCH_HOSTS saved quarantines back in the kernel
mkdir -p "$dir/state"
{ echo "# sluiced quarantines 2: ADDRESS MILLISECONDS_LEFT"; echo "saved $(date +%s)"
  awk -v n="$H" 'BEGIN { for (i = 0; i < n; i++) printf "10.%d.%d.%d 3600000\n",
	int(i / 65536) % 256 + 100, int(i / 256) % 256, i % 256 }'
  echo "# end $H"; } >"$dir/state/sluiced.quarantine"
printf '%s\n' '[core]' "control_socket = $dir/sd.sock" "state_dir = $dir/state" \
	"events = $dir/events.json" 'syslog_events = no' '[sluiced]' 'queue_num = 0' \
	'[zone lan]' 'prefixes = 10.77.1.0/24' >"$dir/sluice.conf"
X ip link set lo up
# not through X: a backgrounded function is a subshell, and its pid not
# sluiced's
ip netns exec $ns "$build/sluiced" -f -c "$dir/sluice.conf" </dev/null >/dev/null 2>"$dir/sd.log" &
sd=$!
trap 'kill -9 $sd 2>/dev/null; ip netns del $ns 2>/dev/null; rm -rf "$dir"' EXIT
i=0; until grep -q 'quarantine(s) restored' "$dir/sd.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
ms=$(sed -n 's/.*quarantine(s) restored from .* in \([0-9]*\) ms.*/\1/p' "$dir/sd.log")
in=$(X nft list set ip sluice quarantine4 | grep -o expires | wc -l)
kill -TERM $sd; wait $sd || true
echo "restart: $H saved quarantines restored in ${ms:-?} ms (file, engine, kernel set); $in in the kernel set"
bench_summary "sluiced restart, $H saved quarantines into the kernel, ms" "<=" 1000 "${ms:--}" "${ms:-?} ms, $in in set"
