#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - make bench: run every tests/bench/*.sh in turn.
#
# Each benchmark prints its own table (medians of several runs and the
# ratio against a baseline measured in the same run) and the command
# that reproduces it; BENCHMARKS.md records the results.
set -u
dir=$(dirname "$0")
fail=0
for b in "$dir"/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $(basename "$b" .sh)"
	sh "$b" || { echo "bench: $(basename "$b") failed" >&2; fail=1; }
done
exit $fail
