#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - make bench: run every tests/bench/*.sh in turn, then one
# summary table of them all.
#
# Each benchmark prints its own table (medians of several runs and the
# ratio against a baseline measured in the same run) and the command
# that reproduces it; BENCHMARKS.md records the results.
#
# The summary is made from the benchmarks' own output: every line of
# the form
#
#	SUMMARY name|target|measured|ratio|met
#
# becomes one row (tests/bench/summary.sh's bench_summary writes it:
# target is "OP VALUE" or "-", ratio is measured value / target, met is
# yes, no or "-"). A new benchmark joins the table by printing such
# lines; nothing here names it. A benchmark that failed gets a row
# saying so. BENCH_ONLY="a b" runs only tests/bench/a.sh and b.sh.
set -u
dir=$(dirname "$0")
fail=0
sum=$(mktemp /tmp/sluice-bench-summary.XXXXXX)
trap 'rm -f "$sum"' EXIT
for b in "$dir"/*.sh; do
	name=$(basename "$b" .sh)
	case $name in run|summary|engine) continue ;; esac
	case " ${BENCH_ONLY:-$name} " in *" $name "*) ;; *) continue ;; esac
	echo "== $name"
	# the status of sh, not of tee (pipefail is not POSIX)
	{ sh "$b"; echo "rc=$?" >"$sum.rc"; } 2>&1 | tee "$sum.out"
	if [ "$(cat "$sum.rc")" != rc=0 ]; then
		echo "bench: $name failed" >&2
		echo "SUMMARY $name: FAILED|-|-|-|no" >>"$sum"
		fail=1
	fi
	grep '^SUMMARY ' "$sum.out" >>"$sum"
	rm -f "$sum.out" "$sum.rc"
done
echo
echo "== summary (BENCHMARKS.md explains each line)"
sed 's/^SUMMARY //' "$sum" | awk -F'|' '
	BEGIN { printf "%-70s %-9s %-34s %6s %4s\n", "benchmark", "target", "measured", "ratio", "met" }
	{ printf "%-70s %-9s %-34s %6s %4s\n", substr($1, 1, 70), $2, substr($3, 1, 34), $4, $5 }'
exit $fail
