#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	plot.sh - the demo's pictures, with gnuplot
# SYNOPSIS
#	sh examples/lab/plot.sh DIR SECONDS
# DESCRIPTION
#	From DIR/infected-{all,none}.dat (seconds after the release, hosts
#	infected) and DIR/escapes-{all,none}.dat (second, first contacts
#	that escaped the gateway in it), written by report.py, makes
#	DIR/infected.png (infected hosts over time, with every defence on
#	and without sluice) and DIR/escapes.png (first contacts escaping
#	per second, the same two runs).
[ $# -eq 2 ] || { echo "usage: plot.sh DIR SECONDS" >&2; exit 2; }
cd "$1" || exit 1
gnuplot <<EOF
set terminal pngcairo size 900,500 noenhanced
set grid
set key top left
set xlabel "seconds after the worm's release on h1"
set xrange [0:$2]

set output "infected.png"
set title "Hosts infected (of 24), the same worm with and without sluice"
set ylabel "hosts infected"
set yrange [0:25]
plot "infected-none.dat" using 1:2 with steps lw 2 title "without sluice", \
     "infected-all.dat" using 1:2 with steps lw 2 title "sluice: every defence on"

set output "escapes.png"
set title "Worm first contacts that escaped the gateway, per second"
set ylabel "first contacts per second"
set yrange [0:*]
plot "escapes-none.dat" using 1:2 with lines lw 2 title "without sluice", \
     "escapes-all.dat" using 1:2 with lines lw 2 title "sluice: every defence on"
EOF
