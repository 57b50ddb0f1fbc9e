#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	demo.sh - make demo: a worm-like scan throttled by sluiced in a lab
# SYNOPSIS
#	make demo          (as root; builds first)
#	SLUICE_BUILD=build SLUICE_TOP=. sh examples/lab/demo.sh
# DESCRIPTION
#	Builds the namespace lab (examples/lab/lab.sh), measures the
#	browsing host's usual latency, starts sluiced in the gateway with
#	examples/lab/sluice-lab.conf, then lets lan1 scan 1,000 addresses
#	with nmap (100 a second, as a fast worm would) while lan2 keeps
#	requesting pages from its five usual servers. A progress line
#	each second says what is happening; the report at the end gives
#	the scanner's first contacts attempted and escaped, the time to
#	quarantine, and lan2's delayed requests with their added latency.
#
#	Everything is removed at the end and on Ctrl-C: sluiced is stopped
#	(it deletes its table), the namespaces are deleted. The demo can
#	run again at once, and beside a test run (unique names).
#	Environment: DEMO_TARGETS (1000), DEMO_RATE (100 a second).

top=${SLUICE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SLUICE_BUILD:-$top/build}
LAB_DIR=$top/examples/lab
LAB_LIB=1
LAB_ID=sd$$
. "$LAB_DIR/lab.sh"

targets=${DEMO_TARGETS:-1000}
rate=${DEMO_RATE:-100}
servers="10.77.30.1 10.77.30.2 10.77.30.3 10.77.30.4 10.77.30.5"
run=""
daemon_pid=""
event=""

# say - a progress line
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }

# die - stop with a message (the EXIT trap cleans up)
die() { echo "demo: $*" >&2; exit 1; }

# now - seconds since the epoch, with milliseconds
now() { date +%s.%3N; }

# since - seconds elapsed from T0 to now, one decimal
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# cleanup - stop sluiced, delete the lab and the run directory
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill -TERM "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
	fi
	lab_down
	[ -n "$run" ] && rm -rf "$run"
}

# preflight - root and every program the demo runs
preflight() {
	[ "$(id -u)" = 0 ] || die "run as root (network namespaces, nftables)"
	for c in ip nft nmap perl awk; do
		command -v $c >/dev/null 2>&1 || die "$c is missing: run 'make deps'"
	done
	for p in sluiced sluicectl; do
		[ -x "$build/$p" ] || die "$build/$p is missing: run 'make all'"
	done
}

# ctl - sluicectl against the demo's daemon
ctl() { "$build/sluicectl" -s "$run/sluiced.sock" "$@"; }

# start_daemon - sluiced in the gateway, in the foreground, until it answers
start_daemon() {
	sed "s|@RUN@|$run|g" "$LAB_DIR/sluice-lab.conf" >"$run/sluice.conf"
	"$build/sluiced" -n -c "$run/sluice.conf" >/dev/null ||
		die "sluiced refuses $LAB_DIR/sluice-lab.conf"
	ip netns exec "$(lab_ns gw)" "$build/sluiced" -f -c "$run/sluice.conf" 2>"$run/sluiced.log" &
	daemon_pid=$!
	_i=0
	until ctl status >/dev/null 2>&1; do
		kill -0 "$daemon_pid" 2>/dev/null ||
			{ cat "$run/sluiced.log" >&2; daemon_pid=""; die "sluiced did not start"; }
		[ $_i -lt 100 ] || die "sluiced does not answer on $run/sluiced.sock"
		sleep 0.1; _i=$((_i + 1))
	done
}

# stop_daemon - SIGTERM, and check the gateway's ruleset is as before
stop_daemon() {
	kill -TERM "$daemon_pid" && wait "$daemon_pid"
	daemon_pid=""
	lab_x gw nft list ruleset >"$run/after.nft"
	if cmp -s "$run/before.nft" "$run/after.nft"; then
		say "sluiced stopped; the gateway's ruleset is exactly as before"
	else
		say "WARNING: the gateway's ruleset differs after the stop:"
		diff "$run/before.nft" "$run/after.nft"
	fi
}

# show - one field of `sluicectl show ADDR` (queued, delayed, ...), 0
#	for a host sluiced has not seen
show() {
	_v=$(ctl show "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1)
	echo "${_v:-0}"
}

# quarantined - is lan1 in the kernel's quarantine set?
quarantined() {
	lab_x gw nft list set ip sluice quarantine4 2>/dev/null |
		grep -q "$LAB_LAN1_4"
}

# progress - one line a second while the scan runs; sets t_quar
progress() {
	_tick=0 t_quar=""
	while kill -0 "$scan_pid" 2>/dev/null; do
		if [ -z "$t_quar" ] && quarantined; then
			t_quar=$(since "$t0")
			say "lan1 quarantined ${t_quar}s after the scan began"
		fi
		_tick=$((_tick + 1))
		if [ $((_tick % 5)) -eq 0 ]; then
			_state="$(show "$LAB_LAN1_4" queued) held by sluiced"
			[ -n "$t_quar" ] && _state="quarantined, dropped in the kernel"
			say "t+$(since "$t0")s  lan1 scanning: $(lab_first lan1 lan1 tcp 4) attempted," \
			    "$(lab_first srv lan1 tcp 4) reached the servers, $_state;" \
			    "lan2 browsing: $(wc -l <"$run/browse.out" | tr -d ' ') requests," \
			    "$(show "$LAB_LAN2_4" delayed) held"
		fi
		sleep 0.2
	done
}

# quarantine_event - lan1's first quarantine event; sets event, and
#	t_quar to its time after the scan began (more exact than polling)
quarantine_event() {
	event=$(grep '"event_type":"quarantine"' "$run/events.json" 2>/dev/null |
		grep "\"src_ip\":\"$LAB_LAN1_4\"" | head -n 1)
	[ -n "$event" ] || return 0
	_ts=$(echo "$event" | sed -n 's/.*"timestamp":"\([^"]*\)".*/\1/p')
	_at=$(date -d "$_ts" +%s.%N 2>/dev/null) || return 0
	t_quar=$(awk -v a="$t0" -v b="$_at" 'BEGIN { printf "%.2f", b - a }')
}

# report - what the demo measured
report() {
	set -- $(lab_latency "$run/browse.out" "$base")
	echo
	echo "== sluice demo report"
	echo "scanner lan1 ($LAB_LAN1_4), nmap SYN scan of $targets addresses at $rate/s"
	echo "  first contacts attempted:  $attempted"
	echo "  first contacts escaped:    $escaped  (reached the servers beyond the gateway)"
	if [ -n "$t_quar" ]; then
		echo "  time to quarantine:        $t_quar s after the scan began"
	else
		echo "  time to quarantine:        never"
	fi
	[ -n "$event" ] && echo "  sluiced's event:           $event"
	echo "browsing host lan2 ($LAB_LAN2_4), requests to its 5 usual servers"
	echo "  baseline latency without sluiced: $base ms (median)"
	echo "  requests: $1, failed: $2; first packets sluiced held: $lan2_held"
	echo "  delayed (over 50 ms added): $3"
	echo "  added latency: median $4 ms, p99 $5 ms, max $6 ms"
}

trap cleanup EXIT
trap 'echo; say "interrupted: cleaning up"; exit 130' INT TERM HUP
preflight
run=$(mktemp -d /tmp/sluice-demo.XXXXXX)

say "building the lab $LAB_ID: lan1 scanner, lan2 browser, gateway gw, servers srv"
lab_up || die "cannot build the lab"
lab_x gw nft list ruleset >"$run/before.nft"

say "lan2 browses without sluiced to measure its usual latency"
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 25 -i 0.02 $servers >"$run/base.out" ||
	die "lan2 cannot reach its servers: the lab is broken"
base=$(awk '{ print $3 }' "$run/base.out" | lab_quantile 0.5)
say "usual latency: $base ms (median of 25 requests)"

say "starting sluiced in the gateway with $LAB_DIR/sluice-lab.conf"
start_daemon
say "sluiced answers: $(ctl status 2>&1 | head -n 3 | tr '\n' ' ')"

lab_targets 4 "$targets" 30 >"$run/targets"
lab_count_reset lan1; lab_count_reset srv
secs=$(( (targets + rate - 1) / rate ))
say "lan2 browses its usual servers; lan1 starts scanning $targets addresses (~${secs}s)"
lab_x lan2 perl "$LAB_DIR/browse.pl" -d $((secs + 4)) -i 0.1 $servers \
	>"$run/browse.out" 2>/dev/null &
browse_pid=$!
t0=$(now)
lab_x lan1 nmap -sS -Pn -n -p 80 --max-retries 0 --min-rate "$rate" \
	--max-rate "$rate" -iL "$run/targets" >"$run/nmap.out" 2>&1 &
scan_pid=$!
progress
wait "$scan_pid"
attempted=$(lab_first lan1 lan1 tcp 4)
escaped=$(lab_first srv lan1 tcp 4)
say "scan over after $(since "$t0")s; lan2 goes on browsing for a few seconds"
wait "$browse_pid"

quarantine_event
lan2_held=$(show "$LAB_LAN2_4" delayed)
say "sluicectl hosts:"
ctl hosts | sed 's/^/    /'
stop_daemon
report
