#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mail_caps.t - both mail filters keep no more identities than mem_cap
# holds: the least recently seen are forgotten and counted.
#
# sluice-policyd (identity = sender) and sluice-milter (SASL users) at
# the smallest mem_cap (1M: identities_max in status, a few thousand)
# get 20,000 distinct identities each (the snapload.py clients,
# pipelined): status must show identities_max under 20,000, at most
# that many identities kept (the milter with 2 shards: 16 would leave
# each too small a part of 1M to start), and at least the rest counted in
# evictions (also in metrics). Control: the same 20,000 under the
# default 64M are all kept, none evicted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/milter/common.sh"	# start_milter
need ss /usr/bin/python3
[ -x "$SLUICE_BUILD/sluice-policyd" ] || bail "sluice-policyd is missing: run make"
[ -x "$MILTER" ] || bail "$MILTER is missing: run make"
N=20000
T=$(mktemp -d /tmp/sluice-mem-caps.$$.XXXXXX)
at_exit "rm -rf '$T'"
PD="/usr/bin/python3 $SLUICE_TOP/tests/integration/policyd/snapload.py"
ML="/usr/bin/python3 $SLUICE_TOP/tests/integration/milter/snapload.py"

# conf CAP PPORT MPORT - both filters' configuration into $T/CAP.conf
conf() {
	cat >"$T/$1.conf" <<EOC
[core]
events = $T/events-$1.json
state_dir = $T/state-$1
syslog_events = no
[policyd]
user =
listen = inet:127.0.0.1:$2
control_listen = $T/policyd-$1.sock
identity = sender
own_networks = 10.0.0.0/8
mem_cap = $1
max_held = 1000
[milter]
user =
listen = inet:$3@127.0.0.1
control_listen = $T/milter-$1.sock
own_networks = 10.0.0.0/8
mem_cap = $1
max_held = 1000
shards = 2
EOC
}


# check CAP WHO SOCK - what status says after the fill, as TAP lines
check() {
	kept=$(ctl_number "$3" identities)
	max=$(ctl_number "$3" identities_max)
	ev=$(ctl_number "$3" evictions)
	diag "$2 at mem_cap $1: identities $kept of at most $max, evictions $ev"
	if [ "$1" = 1M ]; then
		cmp "$max" -lt "$N" "$2 ($1): the cap holds fewer than $N"
		cmp "$kept" -le "$max" "$2 ($1): no more kept than the cap holds"
		cmp "$kept" -gt 0 "$2 ($1): the latest are kept"
		cmp "$ev" -ge "$((N - max))" "$2 ($1): the rest counted as evicted"
		m=$("$SLUICE_BUILD/sluicectl" -s "$3" metrics |
			sed -n 's/^sluice_mail_evictions \([0-9]*\)$/\1/p')
		is "${m:-none}" "${ev:-unset}" "$2 ($1): evictions in metrics too"
	else
		cmp "$kept" -ge "$N" "$2 ($1): all $N kept"
		is "$ev" 0 "$2 ($1): none evicted"
	fi
}

for cap in 1M 64M; do
	PPORT=$(t_port 17) || bail "no free loopback port"
	MPORT=$(t_port 13) || bail "no free loopback port"
	conf "$cap" "$PPORT" "$MPORT"
	"$SLUICE_BUILD/sluice-policyd" -f -c "$T/$cap.conf" 2>>"$T/policyd.log" &
	pid=$!
	at_exit "kill $pid 2>/dev/null"
	i=0
	while ! ss -Htln "sport = :$PPORT" | grep -q . && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	is "$($PD fill "$PPORT" "$N")" "$N" "sluice-policyd ($cap): $N senders answered"
	check "$cap" sluice-policyd "$T/policyd-$cap.sock"
	kill "$pid"
	wait "$pid" 2>/dev/null
	start_milter "$T/$cap.conf" "$MPORT"
	is "$($ML fill "$MPORT" "$N")" "$N" "sluice-milter ($cap): $N users answered"
	check "$cap" sluice-milter "$T/milter-$cap.sock"
	kill "$MILTER_PID"
	wait "$MILTER_PID" 2>/dev/null
done
is "$(cat "$T/policyd.log" "$T/milter.log" | grep -c Sanitizer)" 0 "no sanitizer report"
done_testing
