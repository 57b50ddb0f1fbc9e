#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd.sh - sluice-policyd throughput (make bench).
#
# 1. Requests per second on loopback, 16 persistent connections
#    (policy-load, one thread each, Postfix-sized RCPT requests), in
#    one run against: the minimal C responder that answers DUNNO
#    (policy-dunno), sluice-policyd (default throttle; every request
#    passes: each connection is a SASL user mailing its five usual
#    recipients) and Debian's postfwd1 with a rate rule per SASL user
#    (limit set high so it too answers DUNNO). Interleaved, RUNS runs
#    of SECS seconds each; medians. Targets: >= 0.8 x the responder,
#    >= 10 x postfwd.
# 2. Postfix end to end: smtp-source, 16 sessions, MSGS messages to a
#    private loopback instance (discard transport), with the policy
#    check at RCPT and END-OF-MESSAGE against without (and, for scale,
#    with the check at RCPT only, and with the DUNNO responder as the
#    policy server); rounds in
#    alternating order, medians of E2E_RUNS (5). Target >= 0.95.
#
# Reproduce: make bench, or
#   SLUICE_TOP=$PWD SLUICE_BUILD=$PWD/build sh tests/bench/policyd.sh
set -u
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
: "${RUNS:=5}" "${SECS:=5}" "${CONNS:=16}" "${MSGS:=3000}" "${E2E_RUNS:=5}"
B=$(basename "$SLUICE_BUILD")
make -s -C "$SLUICE_TOP" B="$B" "$B/sluice-policyd" "$B/bench/policy-dunno" \
	"$B/bench/policy-load" >/dev/null || { echo "policyd.sh: build failed" >&2; exit 1; }
for c in postfwd1 smtp-source postfix postconf ss; do
	command -v $c >/dev/null || { echo "policyd.sh: $c missing (make deps)" >&2; exit 1; }
done
. "$SLUICE_TOP/tests/integration/lib.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"

T=$(mktemp -d /tmp/sluice-bench-policyd.$$.XXXXXX)
chmod 755 "$T"
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	[ -f "$T/postfwd.pid" ] && kill "$(cat "$T/postfwd.pid")" 2>/dev/null
	pf_stop
	rm -rf "$T"
	t_ports_free
}
trap cleanup EXIT
trap 'exit 1' INT TERM

P_DUNNO=$(t_port 0)
P_SLUICE=$(t_port 1)
P_FWD=$(t_port 2)
P_SMTP=$(t_port 3)

cat >"$T/sluice.conf" <<EOC
[core]
events = $T/events.json
state_dir = $T/state
syslog_events = no
[policyd]
user =
control_listen = $T/policyd-ctl7.sock
listen = inet:127.0.0.1:$P_SLUICE
own_networks = 127.0.0.0/8 192.0.2.0/24
EOC
cat >"$T/postfwd.cf" <<EOC
id=RATE; sasl_username=~/./; action=rate(sasl_username/100000000/60/DEFER_IF_PERMIT too many requests)
EOC

echo "start: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$SLUICE_BUILD/bench/policy-dunno" "$P_DUNNO" & PIDS="$PIDS $!"
"$SLUICE_BUILD/sluice-policyd" -c "$T/sluice.conf" -f 2>"$T/policyd.log" &
PIDS="$PIDS $!"
postfwd1 -d -f "$T/postfwd.cf" -i 127.0.0.1 -p "$P_FWD" --nodns --norulelog \
	-u root -g root --pidfile "$T/postfwd.pid" -c 0 >"$T/postfwd.log" 2>&1
sleep 2

# median - of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'; }

: >"$T/dunno" >"$T/sluice" >"$T/postfwd"
r=1
while [ $r -le "$RUNS" ]; do
	"$SLUICE_BUILD/bench/policy-load" "$P_DUNNO" "$CONNS" "$SECS" >>"$T/dunno"
	"$SLUICE_BUILD/bench/policy-load" "$P_SLUICE" "$CONNS" "$SECS" >>"$T/sluice"
	"$SLUICE_BUILD/bench/policy-load" "$P_FWD" "$CONNS" "$SECS" >>"$T/postfwd"
	r=$((r + 1))
done
d=$(median <"$T/dunno")
s=$(median <"$T/sluice")
f=$(median <"$T/postfwd")
echo "policy requests/s, $CONNS persistent connections, median of $RUNS x ${SECS}s:"
printf '  %-28s %8s   runs: %s\n' "minimal DUNNO responder (C)" "$d" "$(tr '\n' ' ' <"$T/dunno")"
printf '  %-28s %8s   runs: %s\n' "sluice-policyd" "$s" "$(tr '\n' ' ' <"$T/sluice")"
printf '  %-28s %8s   runs: %s\n' "postfwd1 (rate rule)" "$f" "$(tr '\n' ' ' <"$T/postfwd")"
# per-round ratios: the two runs of a round see the same machine load
rr=$(paste "$T/sluice" "$T/dunno" | awk '{printf "%.2f\n", $1 / $2}')
echo "  sluice-policyd / responder: $(ratio "$s" "$d") (target >= 0.80);" \
	"per round: $(echo "$rr" | tr '\n' ' ')median $(echo "$rr" | median)"
echo "  sluice-policyd / postfwd:   $(ratio "$s" "$f") (target >= 10)"

# Postfix end to end
pf_setup "$T/pf" "$P_SMTP"
pf_start || { echo "policyd.sh: Postfix did not start" >&2; exit 1; }
smtp_run() {
	t0=$(date +%s%N)
	smtp-source -s 16 -m "$MSGS" -f sender@example.org -t rcpt@example.net \
		"127.0.0.1:$P_SMTP" >/dev/null 2>&1
	t1=$(date +%s%N)
	awk -v m="$MSGS" -v ns=$((t1 - t0)) 'BEGIN {printf "%.0f\n", m / (ns / 1e9)}'
}
# e2e VARIANT - one run with the policy check of VARIANT (plain: none)
e2e() {
	eod=
	case $1 in
	plain) pol= ;;
	sluice) pol="check_policy_service inet:127.0.0.1:$P_SLUICE" eod=$pol ;;
	rcpt) pol="check_policy_service inet:127.0.0.1:$P_SLUICE" ;;
	dunno) pol="check_policy_service inet:127.0.0.1:$P_DUNNO" eod=$pol ;;
	esac
	pf_conf "smtpd_recipient_restrictions = $pol" \
		"smtpd_end_of_data_restrictions = $eod"
	pf_reload
	sleep 2
	smtp_run >>"$T/e2e.$1"
}
: >"$T/e2e.plain" >"$T/e2e.sluice" >"$T/e2e.rcpt" >"$T/e2e.dunno"
r=1
while [ $r -le "$E2E_RUNS" ]; do
	# alternate the order: the machine's load drifts during a round
	if [ $((r % 2)) -eq 1 ]; then order="plain sluice rcpt dunno"
	else order="dunno rcpt sluice plain"; fi
	for v in $order; do e2e "$v"; done
	r=$((r + 1))
done
a=$(median <"$T/e2e.plain")
b=$(median <"$T/e2e.sluice")
c=$(median <"$T/e2e.dunno")
e=$(median <"$T/e2e.rcpt")
echo "Postfix end to end, smtp-source -s 16 -m $MSGS, messages/s, median of $E2E_RUNS:"
printf '  %-28s %8s   runs: %s\n' "without policy check" "$a" "$(tr '\n' ' ' <"$T/e2e.plain")"
printf '  %-28s %8s   runs: %s\n' "with sluice-policyd" "$b" "$(tr '\n' ' ' <"$T/e2e.sluice")"
printf '  %-28s %8s   runs: %s\n' "with sluice-policyd, RCPT only" "$e" "$(tr '\n' ' ' <"$T/e2e.rcpt")"
printf '  %-28s %8s   runs: %s\n' "with the DUNNO responder" "$c" "$(tr '\n' ' ' <"$T/e2e.dunno")"
er=$(paste "$T/e2e.sluice" "$T/e2e.plain" | awk '{printf "%.2f\n", $1 / $2}')
echo "  sluice-policyd / without: $(ratio "$b" "$a") (target >= 0.95);" \
	"per round: $(echo "$er" | tr '\n' ' ')median $(echo "$er" | median)"
echo "  sluice-policyd RCPT only / without: $(ratio "$e" "$a")"
echo "  DUNNO responder / without: $(ratio "$c" "$a") (the protocol's own cost in Postfix)"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "policy requests/s, sluice-policyd / C DUNNO responder (issue 4)" ">=" 0.80 \
	"$(ratio "$s" "$d")" "$(ratio "$s" "$d") ($s vs $d requests/s)"
bench_summary "policy requests/s, sluice-policyd / postfwd1 (issue 4)" ">=" 10 \
	"$(ratio "$s" "$f")" "$(ratio "$s" "$f") ($s vs $f requests/s)"
bench_summary "Postfix + sluice-policyd / Postfix alone, smtp-source (issue 4)" ">=" 0.95 \
	"$(ratio "$b" "$a")" "$(ratio "$b" "$a") ($b vs $a msg/s)"
echo "end: $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
rej=$(pf_count 'reject: RCPT')
[ "$rej" -eq 0 ] || echo "  warning: $rej recipients were rejected during the runs"
