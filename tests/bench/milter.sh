#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# milter.sh - messages per second through Postfix with sluice-milter,
# against Postfix with the floor of milter cost (same libmilter, no
# logic, accepts at MAIL with every other stage negotiated away:
# tests/bench/milter/nullmilter.c -a), with a milter that continues
# everything (nullmilter without -a) and Postfix alone, in one run.
#
# One private Postfix instance (tests/integration/mail/pfix.sh) with
# four smtpd listeners on 127.0.0.1 that differ only in smtpd_milters;
# smtp-source sends MESSAGES messages over SESSIONS sessions (one
# message per connection, RCPTS recipients, a 1 kB body) to each in
# turn, ROUNDS times, waiting for the queue to drain in between. The
# sender keeps writing to the same recipients (working set 16), so
# sluice-milter decides every recipient (working-set hit) without
# delaying it. Prints the median rate of each and the ratios; targets:
# sluice / floor >= 0.9, sluice / alone >= 0.8.
#
# First, the shared state alone (tests/bench/milter/bench_mstate.c):
# recipient decisions per second from THREADS threads (default: the
# number of cores) with one shard, i.e. one lock for all, against 16.
#
# usage: sh tests/bench/milter.sh   (make bench runs it; root needed)
# env: ROUNDS (5), MESSAGES (2000), SESSIONS (16), RCPTS (1), THREADS (nproc)
: "${SLUICE_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SLUICE_BUILD:=$SLUICE_TOP/build}"
ROUNDS=${ROUNDS:-5}
MESSAGES=${MESSAGES:-2000}
SESSIONS=${SESSIONS:-16}
RCPTS=${RCPTS:-1}
. "$SLUICE_TOP/tests/integration/lib.sh"
. "$SLUICE_TOP/tests/integration/mail/pfix.sh"
# output piped into head must not leave Postfix and the milters running
trap 't_cleanup; exit 1' PIPE

need postfix postconf smtp-source ss
MILTER=$SLUICE_BUILD/sluice-milter
T=$(mktemp -d /tmp/sluice-milter-bench.$$.XXXXXX)
at_exit "rm -rf '$T'"
chmod 755 "$T"
mkdir "$T/state-bench"
B=${SLUICE_BUILD#"$SLUICE_TOP"/}
make -s -C "$SLUICE_TOP" B="$B" "$B/sluice-milter" "$B/bench/milter-null" \
	"$B/bench/milter-mstate" ||
	bail "cannot build sluice-milter and the benchmark helpers"

P_ALONE=$(t_port 0) || bail "no free port"
P_FLOOR=$(t_port 1) || bail "no free port"
P_NULL=$(t_port 2) || bail "no free port"
P_SLUICE=$(t_port 3) || bail "no free port"
M_NULL=$(t_port 4) || bail "no free port"
M_SLUICE=$(t_port 5) || bail "no free port"
M_FLOOR=$(t_port 6) || bail "no free port"

cat >"$T/sluice.conf" <<CONF
[core]
state_dir = $T/state-bench
events = $T/events.json
control_socket = unix:$T/ctl.sock
syslog_events = no
[milter]
user =
control_listen = $T/milter-ctl8.sock
listen = inet:127.0.0.1:$M_SLUICE
own_networks = 127.0.0.0/8 192.0.2.0/24
wset_size = 16
CONF
"$SLUICE_BUILD/bench/milter-null" -a "inet:$M_FLOOR@127.0.0.1" 2>"$T/floor.log" &
FPID=$!
at_exit "kill $FPID 2>/dev/null"
"$SLUICE_BUILD/bench/milter-null" "inet:$M_NULL@127.0.0.1" 2>"$T/null.log" &
NPID=$!
at_exit "kill $NPID 2>/dev/null"
"$MILTER" -f -c "$T/sluice.conf" 2>"$T/milter.log" &
SPID=$!
at_exit "kill $SPID 2>/dev/null"

pf_setup "$T/pf" "$P_ALONE"
pf_conf "smtpd_milters =" "milter_protocol = 6" \
	"milter_default_action = tempfail"
cat >>"$T/pf/etc/master.cf" <<MC
127.0.0.1:$P_FLOOR inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$M_FLOOR
127.0.0.1:$P_NULL inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$M_NULL
127.0.0.1:$P_SLUICE inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$M_SLUICE
MC
pf_start || bail "Postfix did not start: $(cat "$T/pf/check.log" "$T/pf/start.log")"
at_exit "pf_stop"
for p in $P_FLOOR $P_NULL $P_SLUICE $M_FLOOR $M_NULL $M_SLUICE; do
	i=0
	until ss -Htln "sport = :$p" | grep -q .; do
		i=$((i + 1)); [ $i -lt 100 ] || bail "nothing listens on $p"
		sleep 0.05
	done
done

# drain - wait until Postfix has delivered (discarded) everything
drain() {
	i=0
	while [ "$(find "$T/pf/spool/incoming" "$T/pf/spool/active" \
		"$T/pf/spool/maildrop" -type f 2>/dev/null | wc -l)" -gt 0 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || break
		sleep 0.1
	done
}

# run PORT - one smtp-source run; prints messages per second
run() {
	s=$(date +%s%N)
	smtp-source -s "$SESSIONS" -m "$MESSAGES" -r "$RCPTS" -l 1024 -f bench@example.org \
		-t rcpt@example.net "127.0.0.1:$1" >/dev/null 2>"$T/src.err" ||
		{ echo 0; return; }
	e=$(date +%s%N)
	echo "$MESSAGES $s $e" | awk '{ printf "%.1f\n", $1 / (($3 - $2) / 1e9) }'
}

# median - of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# 1. the shared state alone: one shard (every session on one mutex, as
# with a global lock) against the default 16, THREADS threads
THREADS=${THREADS:-$(nproc)}
: >"$T/s1"; : >"$T/s16"
r=1
while [ $r -le "$ROUNDS" ]; do
	"$SLUICE_BUILD/bench/milter-mstate" -t "$THREADS" -s 1 -n 500000 >>"$T/s1"
	"$SLUICE_BUILD/bench/milter-mstate" -t "$THREADS" -s 16 -n 500000 >>"$T/s16"
	r=$((r + 1))
done
echo "sluice-milter state: $THREADS threads, median of $ROUNDS (decisions/s; % of decisions that found their lock taken)"
for k in s1 s16; do
	[ $k = s1 ] && name="1 shard (one lock for all)" || name="16 shards"
	printf "  %-30s %10s/s %8s%%   runs: %s\n" "$name" \
		"$(cut -d' ' -f1 <"$T/$k" | median)" \
		"$(cut -d' ' -f2 <"$T/$k" | median)" \
		"$(cut -d' ' -f1 <"$T/$k" | tr '\n' ' ')"
done

# 2. Postfix end to end
run "$P_SLUICE" >/dev/null	# warm-up: processes, caches
drain
: >"$T/alone"; : >"$T/floor"; : >"$T/null"; : >"$T/sluice"
r=1
while [ $r -le "$ROUNDS" ]; do
	for c in alone floor null sluice; do
		eval "port=\$P_$(echo $c | tr a-z A-Z)"
		run "$port" >>"$T/$c"
		drain
	done
	r=$((r + 1))
done
a=$(median <"$T/alone"); f=$(median <"$T/floor"); n=$(median <"$T/null"); s=$(median <"$T/sluice")
echo "sluice-milter through Postfix: $MESSAGES messages of $RCPTS recipients, $SESSIONS sessions, median of $ROUNDS rounds"
printf "  %-40s %8s msg/s   runs: %s\n" "Postfix alone" "$a" "$(tr '\n' ' ' <"$T/alone")"
printf "  %-40s %8s msg/s   runs: %s\n" "Postfix + floor milter (accept at MAIL)" "$f" "$(tr '\n' ' ' <"$T/floor")"
printf "  %-40s %8s msg/s   runs: %s\n" "Postfix + continue-all milter" "$n" "$(tr '\n' ' ' <"$T/null")"
printf "  %-40s %8s msg/s   runs: %s\n" "Postfix + sluice-milter" "$s" "$(tr '\n' ' ' <"$T/sluice")"
# same-round ratios, then their median (the machine is shared: rounds
# differ more than the listeners within one)
ratios() { paste -d' ' "$T/$1" "$T/$2" | awk '$2 > 0 { printf "%.2f\n", $1 / $2 }'; }
echo "  ratio sluice / floor        = $(ratios sluice floor | median) (target >= 0.9; per round: $(ratios sluice floor | tr '\n' ' '))"
echo "  ratio sluice / alone        = $(ratios sluice alone | median) (target >= 0.8; per round: $(ratios sluice alone | tr '\n' ' '))"
echo "  ratio sluice / continue-all = $(ratios sluice null | median)"
echo "  ratio floor / alone         = $(ratios floor alone | median)"
. "$SLUICE_TOP/tests/bench/summary.sh"
bench_summary "Postfix + sluice-milter / floor milter, $RCPTS rcpt (issues 5, 22)" ">=" 0.9 \
	"$(ratios sluice floor | median)" "$(ratios sluice floor | median) ($s vs $f msg/s)"
bench_summary "Postfix + sluice-milter / Postfix alone, $RCPTS rcpt (issue 22)" ">=" 0.8 \
	"$(ratios sluice alone | median)" "$(ratios sluice alone | median) ($s vs $a msg/s)"
echo "  reproduce: ROUNDS=$ROUNDS MESSAGES=$MESSAGES SESSIONS=$SESSIONS RCPTS=$RCPTS sh tests/bench/milter.sh"
