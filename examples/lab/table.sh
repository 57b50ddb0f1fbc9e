#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	table.sh - make demo FULL=1: every worm strategy against every column
# SYNOPSIS
#	sh examples/lab/table.sh [README]
# DESCRIPTION
#	Runs examples/lab/site.sh once per strategy and column of
#	defences, TABLE_JOBS (5) labs at a time (one strategy's five
#	columns side by side, under the same load of the machine), each TABLE_SECONDS (60)
#	after the worm's release, and prints a Markdown table: per
#	strategy, hosts infected after 60 s (of 24) and the worm's first
#	contacts that escaped past the gateway (for the mass mailer: its
#	mails that Postfix accepted and did not hold). With README given,
#	the table replaces the lines between "<!-- lab-table begin -->"
#	and "<!-- lab-table end -->" in it. Every run's summary
#	(report.py -s) is kept in TABLE_OUT (build/demo/table);
#	TABLE_ONLY=1 makes the table of the summaries already there, and
#	TABLE_STRATEGIES="mix dns" and TABLE_COLUMNS="all" run only those.
top=$(cd "$(dirname "$0")/../.." && pwd)
lab=$top/examples/lab
build=${SLUICE_BUILD:-$top/build}
out=${TABLE_OUT:-$build/demo/table}
secs=${TABLE_SECONDS:-60}
jobs=${TABLE_JOBS:-5}
strategies=${TABLE_STRATEGIES:-random local hitlist topo slow mix dns parallel mail}
columns=${TABLE_COLUMNS:-williamson credit capture all none}
run=$(mktemp -d /tmp/sluice-table.XXXXXX)
pids=""

# cleanup - stop the runs still going (each removes its own lab)
cleanup() {
	trap - EXIT INT TERM HUP
	for f in "$run"/*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# one STRATEGY COLUMN N - one run, its summary into $out
one() {
	_d=$run/$1-$2
	mkdir -p "$_d"
	# in the background, so that cleanup can stop it (its own trap
	# then removes its lab)
	SITE_QUIET=1 SLUICE_BUILD=$build sh "$lab/site.sh" run "sl$$n$3" "$2" "$1" "$secs" "$_d" \
		>"$_d.log" 2>&1 &
	echo $! >"$run/$3.pid"
	if wait $! &&
	   /usr/bin/python3 "$lab/report.py" -s "$_d" >"$out/$1-$2.summary"; then
		echo "$(date +%T)  $1 / $2: $(grep -E '^(infected60|escapes|mails_ok|mail_held) ' "$out/$1-$2.summary" | tr '\n' ' ')"
	else
		echo "$(date +%T)  $1 / $2: FAILED: $(tail -3 "$_d.log")" >&2
		rm -f "$out/$1-$2.summary"
	fi
}

# value FILE KEY - one number of a summary
value() { sed -n "s/^$2 //p" "$1"; }

# cell STRATEGY COLUMN - "infected / escapes" for the table
cell() {
	_f=$out/$1-$2.summary
	[ -s "$_f" ] || { echo "failed"; return; }
	if [ "$1" = mail ]; then
		echo "$(value "$_f" infected60) / $(( $(value "$_f" mails_ok) - $(value "$_f" mail_held) )) mails"
	else
		echo "$(value "$_f" infected60) / $(value "$_f" escapes)"
	fi
}

# table - the Markdown table of every summary
table() {
	echo "| strategy (hosts infected after ${secs} s of 24 / escapes past the gateway) | williamson | credit | capture alone | everything on | nothing |"
	echo "|---|---|---|---|---|---|"
	for s in $strategies; do
		printf '| %s |' "$s"
		for c in $columns; do printf ' %s |' "$(cell "$s" "$c")"; done
		echo
	done
}

mkdir -p "$out"
if [ -n "${TABLE_ONLY:-}" ]; then	# the table from the summaries already there
	strategies=${TABLE_ALL:-random local hitlist topo slow mix dns parallel mail}
	columns="williamson credit capture all none"
	table >"$out/table.md"
	cat "$out/table.md"
	strategies=""
fi
n=0
for s in $strategies; do
	for c in $columns; do
		n=$((n + 1))
		one "$s" "$c" "$n" &
		pids="$pids $!"
		if [ $((n % jobs)) -eq 0 ]; then
			for p in $pids; do wait "$p"; done
			pids=""
		fi
	done
done
for p in $pids; do wait "$p"; done
pids=""
[ -n "${TABLE_ONLY:-}" ] || { table >"$out/table.md"; cat "$out/table.md"; }
if [ -n "${1:-}" ]; then
	awk -v f="$out/table.md" '
		/<!-- lab-table end -->/ { skip = 0 }
		!skip { print }
		/<!-- lab-table begin -->/ { while ((getline l < f) > 0) print l; skip = 1 }
	' "$1" >"$1.new" && mv "$1.new" "$1"
	echo "table: written into $1"
fi
