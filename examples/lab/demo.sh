#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	demo.sh - make demo: a worm loose in a site, with and without sluice
# SYNOPSIS
#	make demo  [FULL=1]      (as root; installs and builds first)
#	SLUICE_BUILD=build SLUICE_TOP=. sh examples/lab/demo.sh [full]
# DESCRIPTION
#	Two site labs side by side (examples/lab/site.sh: 24 LAN hosts in
#	four subnets, a gateway, the Internet with dnsmasq and web
#	servers, a mail server with Postfix and sluice-policyd). In both,
#	the hosts' users browse by name and send mail; after a few seconds
#	of that (their usual latency) the worm emulator (worm.py, random
#	scanning and mass mail) is released on h1. One lab has every
#	defence on (column "all": sluiced's throttle, honeypot and claims,
#	TRW, the mail throttle and a honeytoken), the other none. A
#	progress line every 5 s follows the defended lab; at the end the
#	report of both, and two pictures (gnuplot): infected hosts over
#	time with and without containment, and first contacts escaping
#	the gateway per second. Their paths are printed; they stay in
#	DEMO_OUT (default build/demo), with the reports.
#
#	"full" (make demo FULL=1) runs the whole strategy table instead
#	(examples/lab/table.sh) and writes it into README.md.
#
#	Everything the demo starts is removed on exit and on Ctrl-C:
#	daemons, processes, namespaces, run directories. It can run again
#	at once. Environment: DEMO_SECONDS (60), DEMO_STRATEGY
#	(random+mail), DEMO_OUT.

top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
lab=$top/examples/lab
out=${DEMO_OUT:-$build/demo}
secs=${DEMO_SECONDS:-60}
strategy=${DEMO_STRATEGY:-random+mail}
run=""
pids=""
ids="sd$$a sd$$b"

# say - a progress line
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }

# die - stop with a message (the EXIT trap cleans up)
die() { echo "demo: $*" >&2; exit 1; }

# cleanup - stop the runs (each removes its lab), then make sure
cleanup() {
	trap - EXIT INT TERM HUP
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	for id in $ids; do
		(SITE_DIR=$lab; LAB_ID=$id; LAB_LIB=1; . "$lab/site.sh"; lab_down)
	done
	[ -n "$run" ] && rm -rf "$run"
}

# preflight - root and every program the demo runs
preflight() {
	[ "$(id -u)" = 0 ] || die "run as root (network namespaces, nftables, Postfix)"
	for c in ip nft perl /usr/bin/python3 dnsmasq postfix gnuplot awk; do
		command -v $c >/dev/null 2>&1 || die "$c is missing: run 'make deps'"
	done
	for p in sluiced sluicectl sluice-policyd; do
		[ -x "$build/$p" ] || die "$build/$p is missing: run 'make all'"
	done
}

# run_site ID COLUMN DIR - one lab run in the background (its pid in pids)
run_site() {
	mkdir -p "$3"
	SLUICE_BUILD=$build sh "$lab/site.sh" run "$1" "$2" "$strategy" "$secs" "$3" &
	pids="$pids $!"
}

trap cleanup EXIT
trap 'echo; say "interrupted: cleaning up"; exit 130' INT TERM HUP
preflight
if [ "${1:-}" = full ]; then
	SLUICE_BUILD=$build sh "$lab/table.sh" "$top/README.md"
	exit $?
fi
run=$(mktemp -d /tmp/sluice-demo.XXXXXX)
mkdir -p "$out"
say "two site labs: 24 LAN hosts in 4 subnets, a gateway, the Internet (DNS, web), a mail server"
say "the users browse by name and mail for a while; then the worm ($strategy) is released on h1"
say "one lab has every defence on (progress below), the other none; $secs s each"
SITE_QUIET=1 run_site sd$$b none "$run/none"
run_site sd$$a all "$run/all"
for p in $pids; do wait "$p" || die "a lab run failed (see above)"; done
pids=""

for c in all none; do
	/usr/bin/python3 "$lab/report.py" "$run/$c" >"$out/report-$c.txt" ||
		die "no report for $c"
	cp "$run/$c/infected.dat" "$out/infected-$c.dat"
	cp "$run/$c/escapes.dat" "$out/escapes-$c.dat"
done
echo
echo "== with every defence on"
cat "$out/report-all.txt"
echo
echo "== without sluice"
cat "$out/report-none.txt"
sh "$lab/plot.sh" "$out" "$secs" || die "gnuplot failed"
echo
say "pictures: $out/infected.png $out/escapes.png"
