#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_priority.t - sluiced's chains after the operator's firewall,
# and the base chains beside them named
#
# The gateway has a firewalld-like table (inet fw, forward at priority
# 10, dropping a /25 of the server network) and an output chain at
# priority 30. With the default [sluiced] priority (filter + 20),
# sluiced -n and the start log name both chains with priority, policy
# and whether they run before sluiced's; sluiced's chains are at 20;
# 40 first packets from lan1 to the dropped /25 never reach sluiced's
# queue (they took no working-set slot). With priority = filter - 20
# the same packets are queued first (the key places the chains), the
# log says the operator's chain runs after; priority = raw is refused
# (before conntrack), and the old priority = high is taken as
# process_priority with a warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
plan 17

lab_x gw nft -f - <<'EOF' || bail "cannot load the operator's tables"
table inet fw {
	chain f1 {
		type filter hook forward priority 10; policy accept;
		ip daddr 10.77.17.128/25 counter drop
	}
	chain o1 {
		type filter hook output priority 30; policy accept;
	}
}
EOF

# with_keys KEYS... - the lan configuration with these [sluiced] lines
with_keys() {
	sd_lan_conf <<EOF2
mode = williamson
high_watermark = 1000
low_watermark = 900
EOF2
	for _k in "$@"; do
		sed -i "/^\[sluiced\]$/a $_k" "$SD_RUN/sluice.conf"
	done
}

# dropped_probes - 40 SYNs from lan1 into the dropped /25; prints how
#	many reached sluiced's queue
dropped_probes() {
	_s0=$(sd_queue 0 seq)
	lab_x lan1 nmap -sS -p 80 -Pn -n --max-retries 0 --max-rtt-timeout 100ms \
		10.77.17.130-169 >/dev/null 2>&1
	echo $(( $(sd_queue 0 seq) - _s0 ))
}

with_keys
out=$(lab_x gw "$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" 2>&1)
is "$?" 0 "sluiced -n accepts the configuration"
case $out in
*"forward hook: inet fw f1, priority 10, policy accept, runs before sluiced's chains"*) ok 0 "-n names the operator's forward chain, runs before sluiced" ;;
*) ok 1 "-n names the operator's forward chain, runs before sluiced"; diag "$out" ;;
esac
case $out in
*"output hook: inet fw o1, priority 30, policy accept, runs after sluiced's chains"*) ok 0 "-n names the output chain at 30, runs after sluiced" ;;
*) ok 1 "-n names the output chain at 30, runs after sluiced"; diag "$out" ;;
esac
case $out in
*"sluiced's chains: priority 20 (filter + 20)"*) ok 0 "-n gives sluiced's own priority, filter + 20 by default" ;;
*) ok 1 "-n gives sluiced's own priority, filter + 20 by default"; diag "$out" ;;
esac

sd_start; ok $? "sluiced starts with the default priority"
grep -q "forward hook: inet fw f1, priority 10, policy accept, runs before" "$SD_RUN/sluiced.log"
ok $? "the start log names the operator's chain too" || sd_log
lab_x gw nft list chain ip sluice forward | grep -q 'hook forward priority 20;'
ok $? "sluiced's forward chain is at priority 20"
n=$(dropped_probes)
is "$n" 0 "first packets the operator's firewall drops never reach sluiced's queue"
s0=$(sd_queue 0 seq)
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 2 -t 3 10.77.16.1 10.77.16.2 >/dev/null
cmp "$(( $(sd_queue 0 seq) - s0 ))" -ge 2 "the ones it accepts still do"
sd_stop; is "$?" 0 "sluiced stops"

with_keys "priority = filter - 20"
sd_start; ok $? "sluiced starts with priority = filter - 20"
lab_x gw nft list chain ip sluice forward | grep -q 'hook forward priority -20;'
ok $? "sluiced's forward chain is at priority -20"
grep -q "forward hook: inet fw f1, priority 10, policy accept, runs after" "$SD_RUN/sluiced.log"
ok $? "the log says the operator's chain now runs after sluiced's" || sd_log
n=$(dropped_probes)
cmp "$n" -ge 30 "before the operator's drop, those first packets are queued ($n of 40)"
sd_stop

with_keys "priority = raw"
out=$(lab_x gw "$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" 2>&1)
st=$?
case "$st $out" in
"2 "*"[sluiced] priority = \"raw\": expected a number from -199"*"before conntrack"*) ok 0 "priority = raw is refused: it would run before conntrack" ;;
*) ok 1 "priority = raw is refused: it would run before conntrack"; diag "  got $st: $out" ;;
esac

with_keys "priority = high"
out=$(lab_x gw "$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" 2>&1)
case $out in
*"priority = high: taken as process_priority = high"*"configuration ok"*) ok 0 "the old priority = high still works, with a warning to rename it" ;;
*) ok 1 "the old priority = high still works, with a warning to rename it"; diag "$out" ;;
esac

lab_x gw nft list table inet fw >/dev/null 2>&1
ok $? "the operator's table is still there"

done_testing
