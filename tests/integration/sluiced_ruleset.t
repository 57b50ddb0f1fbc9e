#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_ruleset.t - sluiced's own table, and the machine's ruleset left as it was
#
# In the lab's gateway, with an operator's table already loaded:
# "ruleset = own" installs tables ip sluice and ip6 sluice (quarantine,
# whitelist and fail-closed sets, forward and output chains) with the
# queue expression the kernel has (native nft queue, else the x_tables
# NFQUEUE target through nft_compat, and the log says which), which
# `nft list ruleset` prints without libxtables complaints, leaves
# the operator's table alone, queues the first packet of new flows, and
# on SIGTERM or SIGINT removes exactly what it added: `nft list
# ruleset` is the same before the start and after the stop, twice in a
# row. "ruleset = none" installs nothing and serves the queue an
# operator's iptables-nft rule feeds (examples/nft/own-ruleset-iptables.sh):
# normal requests pass, a scan is throttled and sluiced drops the
# scanner's packets by verdict (there is no kernel set of its own).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
need iptables-nft ip6tables-nft

# conf - the test's configuration with ruleset = $1
conf() {
	sd_conf <<EOF2
[core]
control_socket = @RUN@/sluiced.sock
state_dir = @RUN@/state
events = @RUN@/events.json
syslog_events = no
[sluiced]
ruleset = $1
queue_num = 0
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = williamson
EOF2
}

# The operator's own table, there before sluiced and after it.
lab_x gw nft -f - <<'EOF2' || bail "cannot load the operator's table"
table inet operator {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 192.0.2.0/24 }
	}
	chain forward {
		type filter hook forward priority 10; policy accept;
		ip daddr @blocked counter drop
	}
}
EOF2
lab_x gw nft list ruleset >"$SD_RUN/before" 2>/dev/null

# Which queue expression this kernel has: try the native one in srv.
if lab_x srv nft -f - >/dev/null 2>&1 <<'EOF2'
table inet probe { chain c { type filter hook output priority 0; meta l4proto 253 queue num 9 bypass; } }
EOF2
then kind="native"; lab_x srv nft delete table inet probe
else kind="nft_compat"; fi
diag "this kernel's queue expression: $kind"

for sig in TERM INT; do
	conf own >/dev/null
	sd_start; ok $? "SIG$sig round: sluiced starts with ruleset = own"
	for fam in 4 6; do
		lab_x gw nft list table $(sd_table $fam) >"$SD_RUN/sluice.nft" 2>/dev/null
		ok $? "SIG$sig round: table $(sd_table $fam) is installed"
		for obj in "set quarantine$fam" "set whitelist$fam" "set closed$fam" \
			   "set queued$fam" "type filter hook forward" \
			   "type filter hook output" "queue num 0 bypass"; do
			grep -q "$obj" "$SD_RUN/sluice.nft"
			ok $? "SIG$sig round: table $(sd_table $fam) has '$obj'"
		done
	done
	lab_x gw nft list ruleset >/dev/null 2>"$SD_RUN/list.err"
	grep -q libxtables "$SD_RUN/list.err"
	ok $((! $?)) "SIG$sig round: nft list ruleset prints no libxtables complaint" ||
		sed 's/^/#   /' "$SD_RUN/list.err"
	grep -q "$kind" "$SD_RUN/sluiced.log"
	ok $? "SIG$sig round: the log says the queue expression is the $kind one"
	lab_x gw nft list table inet operator >/dev/null 2>&1
	ok $? "SIG$sig round: the operator's table is still there"
	s0=$(sd_queue 0 seq)
	lab_x lan2 perl "$LAB_DIR/browse.pl" -n 3 -t 3 10.77.16.1 fd77:3::1 10.77.16.2 >/dev/null
	ok $? "SIG$sig round: lan2's requests pass"
	s1=$(sd_queue 0 seq)
	cmp "$((s1 - s0))" -ge 3 "SIG$sig round: their first packets went through sluiced's queue"
	kill -"$sig" "$SD_PID"; wait "$SD_PID"; st=$?; SD_PID=""
	is "$st" 0 "SIG$sig round: sluiced exits 0 on SIG$sig"
	lab_x gw nft list ruleset >"$SD_RUN/after" 2>/dev/null
	if diff "$SD_RUN/before" "$SD_RUN/after" >/dev/null; then ok 0 "SIG$sig round: nft list ruleset is as before"
	else ok 1 "SIG$sig round: nft list ruleset is as before"; diff "$SD_RUN/before" "$SD_RUN/after" | sed 's/^/# /'; fi
done

# Sources sluiced would only accept are accepted by the kernel: lan2 in
# a zone of mode off and lan2's second address, in no zone, never meet
# the queue; lan1, in a throttled zone, does.
sd_base_conf <<EOF2
[zone lan1]
prefixes = $LAB_LAN1_4/32, $LAB_LAN1_6/128
mode = williamson
[zone lan2]
prefixes = $LAB_LAN2_4/32, $LAB_LAN2_6/128
mode = off
EOF2
sd_start; ok $? "sluiced starts with a throttled and an unthrottled zone"
for fam in 4 6; do
	lab_x gw nft list set $(sd_table $fam) queued$fam >"$SD_RUN/queued" 2>/dev/null
	eval "a1=\$LAB_LAN1_$fam a2=\$LAB_LAN2_$fam"
	grep -q "$a1" "$SD_RUN/queued"; ok $? "set queued$fam holds lan1's zone ($a1)"
	grep -q "$a2" "$SD_RUN/queued"; ok $((! $?)) "set queued$fam does not hold lan2's zone of mode off"
done
s0=$(sd_queue 0 seq)
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 4 -t 3 10.77.16.1 fd77:3::1 10.77.16.2 fd77:3::2 >/dev/null
ok $? "lan2's requests (mode off) pass"
lab_x lan2 perl "$LAB_DIR/browse.pl" -b "$LAB_LAN3_4" -n 1 -t 3 10.77.16.3 >/dev/null
ok $? "requests from lan2's second address (no zone) pass"
s1=$(sd_queue 0 seq)
is "$((s1 - s0))" 0 "none of their first packets went through sluiced's queue"
n=$(sd_tables 2>/dev/null |
	sed -n 's/.*@queued.*packets \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
cmp "$n" -ge 5 "the kernel accepted them, counted by the rules on set queued4/6"
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 3 -t 3 10.77.16.1 fd77:3::1 10.77.16.2 >/dev/null
ok $? "lan1's requests (williamson) pass"
s2=$(sd_queue 0 seq)
cmp "$((s2 - s1))" -ge 3 "lan1's first packets went through sluiced's queue"
sd_stop; is "$?" 0 "sluiced exits 0"

# examples/nft/own-ruleset.nft loads (checked, not kept): whole where
# the kernel has nft's queue, without its queue rule elsewhere (which
# is what its comments tell the operator to do).
if [ "$kind" = native ]; then
	lab_x gw nft -c -f "$SLUICE_TOP/examples/nft/own-ruleset.nft"
else
	grep -v 'queue num 0 bypass$' "$SLUICE_TOP/examples/nft/own-ruleset.nft" |
		lab_x gw nft -c -f -
fi
ok $? "examples/nft/own-ruleset.nft is a valid ruleset for this kernel"

# ruleset = none: nothing installed; the operator's iptables-nft rules
# feed the queue.
conf none >/dev/null
sd_start; ok $? "sluiced starts with ruleset = none"
lab_x gw nft list ruleset >"$SD_RUN/during" 2>/dev/null
diff "$SD_RUN/before" "$SD_RUN/during" >/dev/null
ok $? "ruleset = none installs nothing"
lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" br0 0
ok $? "examples/nft/own-ruleset-iptables.sh loads in the gateway"
lab_x gw nft list ruleset 2>/dev/null | grep -c 'queue num 0 bypass' >"$SD_RUN/n"
is "$(cat "$SD_RUN/n")" 4 "nft shows the four iptables-nft rules as 'queue num 0 bypass'"
s0=$(sd_queue 0 seq)
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 4 -t 3 10.77.16.1 fd77:3::1 10.77.16.2 fd77:3::2 >/dev/null
ok $? "lan2's requests pass through the operator's queue rules"
s1=$(sd_queue 0 seq)
cmp "$((s1 - s0))" -ge 4 "their first packets (IPv4 and IPv6) went through sluiced's queue"
lab_count_reset srv
sd_scan tcp 4 300 100
wait "$SD_SCAN"
sleep 1
esc=$(lab_first srv lan1 tcp 4)
cmp "$esc" -le $((5 + 4 + 2)) "a scan through the operator's rules is throttled ($esc of 300 escaped in ~3 s)"
cmp "$(sd_show "$LAB_LAN1_4" dropped)" -gt 0 "sluiced drops the scanner's first packets itself (no kernel set)"
lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" -D br0 0
ok $? "the iptables-nft rules come out again"
sd_stop; is "$?" 0 "sluiced exits 0"
# iptables-nft -D leaves its empty tables behind: the operator's, not ours.
lab_x gw nft delete table ip security 2>/dev/null; lab_x gw nft delete table ip6 security 2>/dev/null
lab_x gw nft list ruleset >"$SD_RUN/after" 2>/dev/null
diff "$SD_RUN/before" "$SD_RUN/after" >/dev/null
ok $? "nft list ruleset is as before"

done_testing
