# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	sluiced/lib.sh - what the sluiced integration tests share
# SYNOPSIS
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/sluiced/lib.sh"
#	sd_lab                       (lab up, cleanup registered)
#	sd_conf <<EOF ... EOF        (config; @RUN@ = the run directory)
#	sd_start; sd_ctl status; sd_stop
# DESCRIPTION
#	Each test builds its own lab (examples/lab/lab.sh) with a unique
#	id, writes its own configuration into a private run directory and
#	runs build/sluiced in the gateway namespace in the foreground.
#	Everything is removed at exit and on signals (lib.sh's at_exit).
#	A missing program, a daemon that does not start or a lab that
#	cannot be built is a failure with a message, never a skip.

LAB_DIR=$SLUICE_TOP/examples/lab
LAB_LIB=1
LAB_ID=st$$
. "$LAB_DIR/lab.sh"

SD_PID=""
SD_RUN=""

# sd_lab - root, the tools, the lab, a run directory; bails on failure
sd_lab() {
	[ "$(id -u)" = 0 ] || bail "the sluiced tests need root (namespaces, nftables)"
	need ip nft perl nmap hping3 awk
	for _p in sluiced sluicectl; do
		[ -x "$SLUICE_BUILD/$_p" ] ||
			bail "$SLUICE_BUILD/$_p is missing: run 'make all'"
	done
	SD_RUN=$(mktemp -d "/tmp/sluice-test.$$.XXXXXX") || bail "mktemp failed"
	at_exit "rm -rf '$SD_RUN'"
	at_exit "lab_down"
	at_exit "sd_kill"
	lab_up || bail "cannot build the namespace lab $LAB_ID"
}

# sd_need_scapy - bail unless Debian's scapy imports (it is only under
#	/usr/bin/python3, not the python3 on PATH)
sd_need_scapy() {
	need /usr/bin/python3
	/usr/bin/python3 -c 'import scapy' 2>/dev/null ||
		bail "python3-scapy is missing: run 'make deps' (as root)"
}

# sd_ct_flows - TCP and UDP entries in the gateway's conntrack table
#	(the bridge's own IGMP reports come and go, and are no flow)
sd_ct_flows() {
	lab_x gw conntrack -L -p tcp 2>/dev/null >"$SD_RUN/ct"
	lab_x gw conntrack -L -p udp 2>/dev/null >>"$SD_RUN/ct"
	grep -c 'src=' "$SD_RUN/ct"
}

# sd_conf - the configuration from stdin, @RUN@ replaced; prints its path
sd_conf() {
	sed "s|@RUN@|$SD_RUN|g" >"$SD_RUN/sluice.conf"
	echo "$SD_RUN/sluice.conf"
}

# sd_base_conf - sd_conf with the usual head: the control socket, state
#	and events in $SD_RUN, queue 0; stdin holds more [sluiced] keys,
#	then the zones
sd_base_conf() {
	{
		printf '%s\n' '[core]' 'control_socket = @RUN@/sluiced.sock' 'state_dir = @RUN@/state' \
			'events = @RUN@/events.json' 'syslog_events = no' \
			'[sluiced]' 'queue_num = 0'
		cat
	} | sd_conf >/dev/null
}

# sd_lan_conf - sd_base_conf with a [zone lan] over lan1 and lan2;
#	stdin holds the zone's own keys
sd_lan_conf() {
	{
		printf '%s\n' '[zone lan]' 'prefixes = 10.77.1.0/24, fd77:1::/64'
		cat
	} | sd_base_conf
}

# sd_start - sluiced -f in the gateway with $SD_RUN/sluice.conf; waits
#	until it has bound queue QUEUE (default 0) and answers status (0),
#	or 1 with its log as diagnostics
sd_start() {
	: >"$SD_RUN/sluiced.log"
	ip netns exec "$(lab_ns gw)" "$SLUICE_BUILD/sluiced" -f -c "$SD_RUN/sluice.conf" \
		2>>"$SD_RUN/sluiced.log" </dev/null &
	SD_PID=$!
	_i=0
	until [ -n "$(sd_queue "${1:-0}" seq)" ] && sd_ctl status >/dev/null 2>&1; do
		if ! kill -0 "$SD_PID" 2>/dev/null || [ $_i -ge 100 ]; then
			diag "sluiced did not start; its log:"
			sed 's/^/#   /' "$SD_RUN/sluiced.log"
			return 1
		fi
		sleep 0.1; _i=$((_i + 1))
	done
}

# sd_stop - SIGTERM and wait; returns sluiced's exit status
sd_stop() {
	[ -n "$SD_PID" ] || return 1
	kill -TERM "$SD_PID" 2>/dev/null
	wait "$SD_PID"
	_st=$?
	SD_PID=""
	return $_st
}

# sd_kill - kill -9 (cleanup, and the fail-open tests)
sd_kill() {
	[ -n "$SD_PID" ] || return 0
	kill -9 "$SD_PID" 2>/dev/null
	wait "$SD_PID" 2>/dev/null
	SD_PID=""
}

# sd_alive - is sluiced still running?
sd_alive() { [ -n "$SD_PID" ] && kill -0 "$SD_PID" 2>/dev/null; }

# sd_ctl - sluicectl against the test's daemon
sd_ctl() { "$SLUICE_BUILD/sluicectl" -s "$SD_RUN/sluiced.sock" "$@"; }

# sd_table FAMILY - sluiced's table of family 4|6 as nft names it
#	("ip sluice", "ip6 sluice")
sd_table() { if [ "$1" = 6 ]; then echo "ip6 sluice"; else echo "ip sluice"; fi; }

# sd_tables - nft list of both of sluiced's tables; 1 if either is missing
sd_tables() { lab_x gw nft list table ip sluice && lab_x gw nft list table ip6 sluice; }

# sd_quarantined - is ADDR in the kernel's quarantine set (family 4|6),
#	as an element or inside one (quarantine6 holds prefixes)?
sd_quarantined() {
	lab_x gw nft get element $(sd_table "$2") "quarantine$2" "{ $1 }" >/dev/null 2>&1
}

# sd_wait_quarantine - poll up to SECONDS for ADDR (family) to be in
#	(want=1) or out of (want=0) the set; prints the seconds it took
sd_wait_quarantine() {
	_t0=$(date +%s%N) _lim=$(($3 * 10)) _i=0
	while [ $_i -le $_lim ]; do
		if sd_quarantined "$1" "$2"; then _in=1; else _in=0; fi
		if [ "$_in" = "$4" ]; then
			echo $(( ($(date +%s%N) - _t0) / 1000000 ))
			return 0
		fi
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# sd_queue - a field of the gateway's nfnetlink_queue line for QUEUE:
#	total (waiting for a verdict), dropped, user_dropped, seq (ids)
sd_queue() {
	lab_x gw cat /proc/net/netfilter/nfnetlink_queue |
		awk -v q="$1" -v f="$2" '$1 == q {
			if (f == "total") print $3; else if (f == "dropped") print $6
			else if (f == "user_dropped") print $7; else if (f == "seq") print $8 }'
}

# sd_scan - run a scanner from lan1 in the background: PROTO (tcp|udp)
#	FAMILY (4|6) COUNT RATE; sets SD_SCAN (its pid)
sd_scan() {
	lab_targets "$2" "$3" >"$SD_RUN/targets$2"
	_fl=""; [ "$2" = 6 ] && _fl=-6
	if [ "$1" = tcp ]; then _ty="-sS -p 80"; else _ty="-sU -p 9"; fi
	# One probe per address at a fixed rate; a short RTT timeout keeps
	# nmap from waiting long for answers that throttled probes never get.
	lab_x lan1 nmap $_fl $_ty -Pn -n --max-retries 0 --min-rate "$4" \
		--max-rate "$4" --max-rtt-timeout 200ms -iL "$SD_RUN/targets$2" \
		>"$SD_RUN/nmap.out" 2>&1 &
	SD_SCAN=$!
}

# sd_log - show sluiced's log as diagnostics
sd_log() { sed 's/^/#   /' "$SD_RUN/sluiced.log"; }

# sd_show - a field of `sluicectl show ADDR` (e.g. quarantined, locked,
#	delayed), without its unit: "quarantined=12s" gives 12
sd_show() {
	sd_ctl show "$1" 2>/dev/null | tr ' ' '\n' |
		sed -n "s/^$2=\\([^[:space:]]*\\)$/\\1/p" | sed 's/s$//' | head -n 1
}

# sd_fast_count FAMILY - packets the fast path's rule (ip[6] saddr .
#	daddr @fastN) accepted in the gateway, 0 when it never did
sd_fast_count() {
	lab_x gw nft list chain $(sd_table "$1") first_contact 2>/dev/null |
		awk -v s="@fast$1" 'index($0, s) { for (i = 1; i < NF; i++)
			if ($i == "packets") { n += $(i + 1) } } END { print n + 0 }'
}

# sd_classes NAME PLAN... - lan1 replays PLAN (contacts.py: period 1 s,
#	port 80) into $SD_RUN/contacts.NAME, and classes each contact
#	(at-once under SD_LATE_MS, default 150 ms, late, failed) into
#	$SD_RUN/classes.NAME; 1 if the schedule did not run
sd_classes() {
	_cn=$1; shift
	lab_x lan1 /usr/bin/python3 "$SLUICE_TOP/tests/integration/sluiced/contacts.py" \
		1 80 "$@" >"$SD_RUN/contacts.$_cn" || return 1
	awk -v t="${SD_LATE_MS:-150}" '{ c = $4 == "fail" ? "failed" : $3 < t + 0 ? "at-once" : "late"
	       print $1, $2, c }' "$SD_RUN/contacts.$_cn" >"$SD_RUN/classes.$_cn"
}
