#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# epidemic.sh - the simulator's figures: curves, plots and the table
#
# usage: sh examples/sim/epidemic.sh [OUTDIR]     (default /tmp/sluice-epidemic)
# Runs sluice-sim epidemic (SLUICE_BUILD, default build/) with fixed seeds:
#   codered.csv, codered-model.csv  Code Red (10 scans/s, 10 first victims)
#                                   without sluice, and
#                                   the logistic curve of its parameters
#   slammer-{none,gw,gwhost}.csv    Slammer (4,000 scans/s) without sluice,
#                                   on every gateway, on gateways and hosts
#   williamson-{off,on}.csv         the 16-host testbed without/with the throttle
#   table.txt                       infected fraction after an hour against
#                                   deployment, working set, release, reaction
# and plots them with gnuplot into slammer.png and codered.png. A full run
# takes a few minutes on two cores.
set -eu
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
SIM=$SLUICE_BUILD/sluice-sim
out=${1:-/tmp/sluice-epidemic}
mkdir -p "$out"
ep() { "$SIM" epidemic "$@"; }

ep --preset code-red --seed 1 --initial 10 --every 30 >"$out/codered.csv" 2>"$out/codered.txt"
# the model: I(t) = V / (1 + (V/I0 - 1) e^(-beta t)), beta = 10 V / 2^24
awk 'BEGIN { V = 5000; I0 = 10; b = 10 * V / 16777216;
	for (t = 0; t <= 3600; t += 30) printf "%d,%.6f\n", t, 1 / (1 + (V / I0 - 1) * exp(-b * t)) }' \
	>"$out/codered-model.csv"
ep --preset slammer --seed 1 --every 2 >"$out/slammer-none.csv" 2>"$out/slammer-none.txt"
ep --preset slammer --seed 1 --every 2 --gateways 1 >"$out/slammer-gw.csv" 2>"$out/slammer-gw.txt"
ep --preset slammer --seed 1 --every 2 --gateways 1 --host-cover 1 \
	>"$out/slammer-gwhost.csv" 2>"$out/slammer-gwhost.txt"
ep --preset williamson16 --seed 1 --every 10 >"$out/williamson-off.csv" 2>"$out/williamson-off.txt"
ep --preset williamson16 --seed 1 --every 10 --host-cover 1 >"$out/williamson-on.csv" 2>"$out/williamson-on.txt"

# final - "infected% contained escaped/contained" of one summary run
final() {
	ep "$@" --summary 2>&1 | awk '
	/^# hosts/ { for (i = 1; i <= NF; i++) if ($i ~ /%\)$/) { p = $i; gsub(/[()%]/, "", p) } }
	/^# second/ { h = $7; sub(/,/, "", h) }
	/^# scans/ { pc = $NF; for (i = 1; i <= NF; i++) if ($i == "host") e = $(i + 1); sub(/,/, "", e) }
	END { printf "%8.2f %10s %8s", p, h, e }'
}
{
	echo "# infected % of the vulnerable after an hour (seed 1), time to half"
	echo "# infected (-1: never), scans past a gateway per contained host;"
	echo "# coverage rows start from 10 victims, so that whether the first one"
	echo "# is protected does not decide the row"
	for w in slammer code-red; do
		echo "## $w, sluice on a share of the gateways (no host sluice)"
		for g in 0 0.25 0.5 0.75 0.9 1; do
			printf "gateways %-5s %s\n" "$g" "$(final --preset $w --seed 1 --initial 10 --gateways $g)"
		done
		echo "## $w, sluice on a share of the hosts (no gateway sluice)"
		for h in 0 0.25 0.5 0.75 0.9 0.99 1; do
			printf "hosts %-8s %s\n" "$h" "$(final --preset $w --seed 1 --initial 10 --host-cover $h)"
		done
		echo "## $w, every gateway and host, working-set size"
		for n in 1 5 20 64; do
			printf "wset %-9s %s\n" "$n" "$(final --preset $w --seed 1 --gateways 1 --host-cover 1 --wset $n)"
		done
		echo "## $w, every gateway, release interval (s)"
		for r in 0.01 0.1 1 10; do
			printf "release %-6s %s\n" "$r" "$(final --preset $w --seed 1 --gateways 1 --release $r)"
		done
		echo "## $w, every gateway and host, reaction time (s) before sluice enforces"
		for a in 0 10 30 60 120 300; do
			printf "reaction %-5s %s\n" "$a" "$(final --preset $w --seed 1 --gateways 1 --host-cover 1 --reaction $a)"
		done
	done
	echo "## other strategies, 10 scans/s, every gateway and host"
	for p in local hitlist topo; do
		printf "%-14s %s\n" "$p" "$(final --preset $p --seed 1 --gateways 1 --host-cover 1)"
		printf "%-14s %s\n" "$p-none" "$(final --preset $p --seed 1)"
	done
	echo "## slow: local preference at 0.5 scans/s, under the release rate"
	printf "%-14s %s\n" slow "$(final --preset local --rate 0.5 --seed 1 --gateways 1 --host-cover 1)"
	printf "%-14s %s\n" slow-none "$(final --preset local --rate 0.5 --seed 1)"
} >"$out/table.txt"

command -v gnuplot >/dev/null || { echo "epidemic.sh: gnuplot is missing: run 'make deps'" >&2; exit 1; }
gnuplot <<GP
set datafile separator ","
set terminal png size 800,480
set key right bottom
set grid
set output "$out/slammer.png"
set title "Slammer-speed random scanner (4,000 scans/s), 10,000 hosts, 340 vulnerable"
set xlabel "seconds"
set ylabel "infected fraction of the vulnerable hosts (log)"
set logscale y
set yrange [0.001:1.5]
plot "$out/slammer-none.csv" using 1:3 every ::1 with lines lw 2 title "no sluice", \
     "$out/slammer-gw.csv" using 1:3 every ::1 with lines lw 2 title "sluice on every gateway", \
     "$out/slammer-gwhost.csv" using 1:3 every ::1 with lines lw 2 title "sluice on every gateway and host"
set output "$out/codered.png"
unset logscale y
set yrange [0:1.05]
set key left top
set title "Code Red (10 scans/s, 10 first victims) without sluice: simulation and model" noenhanced
set xlabel "seconds"
set ylabel "infected fraction of the vulnerable hosts"
plot "$out/codered.csv" using 1:3 every ::1 with points pt 7 ps 0.6 title "simulation (seed 1)", \
     "$out/codered-model.csv" using 1:2 with lines lw 2 title "logistic model, beta = 10 V / 2**24" noenhanced
GP
cat "$out/table.txt"
echo "epidemic.sh: CSV, table and plots in $out"
