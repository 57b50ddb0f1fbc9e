#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_bypass.t - sluiced says when it is bypassed, and the
# operator's emergency bypass
#
# Noticed: with ruleset = none and the queue rule appended behind a
# Docker-like FORWARD accept, lan2's new flows succeed (conntrack sees
# them) but none reaches the queue; with bypass_warn = 2s sluiced
# warns, and status and metrics say so. With the recipe in its place
# the flows reach the queue again, the log says so and no new warning
# comes. The emergency bypass: sluicectl bypass on accepts the held
# packets at once and lets a scan through the kernel unqueued (ruleset
# = own: sluiced's bypass sets), status and the log shout it, bypass
# off throttles again; with ruleset =
# none the queued packets are accepted undecided and counted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
need iptables-nft
plan 25

# conf - the lab zone, ruleset $1, bypass_warn 2 s, no lockout
conf() {
	sd_lan_conf <<EOF
mode = williamson
high_watermark = 1000
low_watermark = 900
EOF
	sed -i "/^\[sluiced\]$/a ruleset = $1\nbypass_warn = 2s" "$SD_RUN/sluice.conf"
}

# browse SECONDS - lan2's requests to four servers, SECONDS long
browse() {
	_end=$(( $(date +%s) + $1 ))
	while [ "$(date +%s)" -lt "$_end" ]; do
		lab_x lan2 perl "$LAB_DIR/browse.pl" -n 4 -t 2 10.77.16.1 10.77.16.2 \
			10.77.16.3 10.77.16.4 >/dev/null 2>&1
		sleep 0.3
	done
}

# metric NAME - its value in sluicectl metrics
metric() { sd_ctl metrics | awk -v m="$1" '$1 == m { print $2 }'; }

# scan_escaped - a 100-address scan from lan1; prints how many escaped
scan_escaped() {
	lab_count_reset srv
	sd_scan tcp 4 100 100
	wait "$SD_SCAN"
	sleep 1
	lab_first srv lan1 tcp 4
}

# Docker's FORWARD accepts LAN traffic first; the queue appended after it.
lab_x gw sh -e <<'EOF' || bail "cannot build the Docker-like ruleset"
iptables-nft -P FORWARD DROP
iptables-nft -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A FORWARD -i br0 -o eth1 -j ACCEPT
iptables-nft -A FORWARD -i br0 -m conntrack --ctstate NEW -p tcp -j NFQUEUE --queue-num 0 --queue-bypass
EOF
conf none
sd_start; ok $? "sluiced starts with ruleset = none, bypass_warn = 2s"
browse 4
grep -q "sluiced is bypassed: sources of throttled zones opened new flows" "$SD_RUN/sluiced.log"
ok $? "the log warns that sluiced is bypassed" || sd_log
st=$(sd_ctl status)
case $st in *"BYPASSED for"*"missed the queue"*) ok 0 "status says it is bypassed" ;;
*) ok 1 "status says it is bypassed"; diag "$st" ;; esac
is "$(metric sluice_bypassed)" 1 "metrics: sluice_bypassed 1"
is "$(metric sluice_bypass_warnings_total)" 1 "metrics: one warning"
cmp "$(metric sluice_unqueued_flows_total)" -ge 3 "metrics: the flows that missed the queue are counted"

# The recipe where it belongs; the misplaced rule out.
lab_x gw iptables-nft -D FORWARD -i br0 -m conntrack --ctstate NEW -p tcp -j NFQUEUE --queue-num 0 --queue-bypass
lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" br0 0
ok $? "the recipe loads"
browse 4
grep -q "new flows reach queue 0 again" "$SD_RUN/sluiced.log"
ok $? "the log says the flows reach the queue again" || sd_log
is "$(metric sluice_bypassed)" 0 "metrics: sluice_bypassed 0"
is "$(metric sluice_bypass_warnings_total)" 1 "no new warning while the queue sees the flows"

# The emergency bypass with ruleset = none: packets accepted undecided.
out=$(sd_ctl bypass on); ok $? "sluicectl bypass on (ruleset = none)"
esc=$(scan_escaped)
cmp "$esc" -ge 95 "with the bypass on, the scan is not throttled ($esc of 100)"
cmp "$(metric sluice_bypass_accepted_total)" -ge 95 "the queued packets were accepted undecided, and counted"
sd_ctl bypass off >/dev/null
sd_stop
lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" -D br0 0
lab_x gw sh -c 'iptables-nft -P FORWARD ACCEPT; iptables-nft -F; nft delete table ip filter
	nft delete table ip security; nft delete table ip6 security' 2>/dev/null

# The emergency bypass with ruleset = own.
conf own
sd_start; ok $? "sluiced starts with ruleset = own"
esc=$(scan_escaped)
cmp "$esc" -le 12 "a scan is throttled ($esc of 100 escaped)"
held() { sd_ctl --json status | sed -n 's/.*"held_now":\([0-9]*\).*/\1/p'; }
cmp "$(held)" -ge 50 "its first packets are held ($(held))"
out=$(sd_ctl bypass on)
case $out in *"EMERGENCY BYPASS ON"*) ok 0 "sluicectl bypass on says what it does" ;;
*) ok 1 "sluicectl bypass on says what it does"; diag "$out" ;; esac
grep -q "EMERGENCY BYPASS ON (sluicectl): the kernel accepts every packet" "$SD_RUN/sluiced.log"
ok $? "the log shouts it" || sd_log
sd_ctl status | grep -q "EMERGENCY BYPASS ON for"; ok $? "status shows it"
is "$(held)" 0 "the held packets were accepted at once"
s0=$(sd_queue 0 seq)
esc=$(scan_escaped)
cmp "$esc" -ge 95 "with the bypass on, the kernel lets the scan through ($esc of 100)"
is "$(( $(sd_queue 0 seq) - s0 ))" 0 "and nothing reaches the queue"
sd_ctl bypass off | grep -q "bypass off"; ok $? "sluicectl bypass off"
esc=$(scan_escaped)
cmp "$esc" -le 12 "then the scan is throttled again ($esc of 100)"
out=$(sd_ctl bypass maybe 2>&1); r=$?
is "$r: $out" "1: sluicectl: bypass maybe: expected on or off" "bypass maybe: refused"
sd_stop

done_testing
