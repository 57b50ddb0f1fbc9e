#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_beside.t - "ruleset = none" beside Docker-, ufw- and
# firewalld-like rulesets, with the documented recipe
#
# For each ruleset, built by the test in the lab's gateway (iptables-nft
# and nft; no real Docker, ufw or firewalld), with a drop of
# 10.77.17.128/25 and an accept of the LAN's traffic to the servers:
# examples/nft/own-ruleset-iptables.sh puts the queue where
# examples/nft/own-ruleset.nft says it must sit (after the operator's
# drops, before their accepts). Then a 200-address scan from lan1 that
# the operator's ruleset accepts is throttled by sluiced (appended to
# Docker's FORWARD, behind its accept, the queue saw nothing and the
# scan went through), 40 first packets from lan2 into the dropped /25
# never reach sluiced's queue nor the servers (a queue rule before the
# drop let them skip it), and lan2's own requests pass through the
# queue. The recipe comes out again with -D.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
need iptables-nft ip6tables-nft
plan 31

sd_lan_conf <<EOF
mode = williamson
high_watermark = 1000
low_watermark = 900
EOF
sed -i '/^\[sluiced\]$/a ruleset = none' "$SD_RUN/sluice.conf"

# docker - Docker's shape: FORWARD policy drop, DOCKER-USER first (the
#	operator's drop), then Docker's accepts
docker() {
	lab_x gw sh -e <<'EOF'
iptables-nft -N DOCKER-USER
iptables-nft -A DOCKER-USER -d 10.77.17.128/25 -j DROP
iptables-nft -A DOCKER-USER -j RETURN
iptables-nft -P FORWARD DROP
iptables-nft -A FORWARD -j DOCKER-USER
iptables-nft -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A FORWARD -i br0 -o eth1 -j ACCEPT
EOF
}

# ufw - ufw's shape: policy drop, before-forward, then the user's rules
ufw() {
	lab_x gw sh -e <<'EOF'
iptables-nft -P FORWARD DROP
iptables-nft -N ufw-before-forward
iptables-nft -N ufw-user-forward
iptables-nft -A FORWARD -j ufw-before-forward
iptables-nft -A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables-nft -A ufw-before-forward -j ufw-user-forward
iptables-nft -A ufw-user-forward -d 10.77.17.128/25 -j DROP
iptables-nft -A ufw-user-forward -i br0 -o eth1 -j ACCEPT
EOF
}

# firewalld - firewalld's shape: table inet firewalld at filter + 10
firewalld() {
	lab_x gw nft -f - <<'EOF'
table inet firewalld {
	chain filter_FORWARD {
		type filter hook forward priority filter + 10; policy accept;
		ct state established,related accept
		ip daddr 10.77.17.128/25 drop
		iifname "br0" oifname "eth1" accept
		reject
	}
}
EOF
}

# clear - the operator's ruleset away again
clear() {
	lab_x gw sh -c 'iptables-nft -P FORWARD ACCEPT; iptables-nft -F; iptables-nft -X
		nft delete table ip filter; nft delete table inet firewalld' 2>/dev/null
	return 0
}

for fw in docker ufw firewalld; do
	"$fw" || bail "cannot build the $fw-like ruleset"
	sd_start; ok $? "$fw: sluiced starts with ruleset = none"
	lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" br0 0
	ok $? "$fw: the recipe loads"
	lab_x gw nft list ruleset >/dev/null 2>"$SD_RUN/list.err"
	grep -q libxtables "$SD_RUN/list.err"
	ok $((! $?)) "$fw: nft list ruleset prints no libxtables complaint"

	s0=$(sd_queue 0 seq)
	lab_x lan2 perl "$LAB_DIR/browse.pl" -n 2 -t 3 10.77.16.1 10.77.16.2 >/dev/null
	ok $? "$fw: lan2's requests pass"
	cmp "$(( $(sd_queue 0 seq) - s0 ))" -ge 2 "$fw: their first packets went through sluiced's queue"

	lab_count_reset srv
	s0=$(sd_queue 0 seq)
	lab_x lan2 nmap -sS -p 80 -Pn -n --max-retries 0 --max-rtt-timeout 100ms \
		10.77.17.130-169 >/dev/null 2>&1
	is "$(( $(sd_queue 0 seq) - s0 ))" 0 "$fw: none of 40 first packets the operator drops reaches sluiced's queue"
	is "$(lab_first srv lan2 tcp 4)" 0 "$fw: nor the servers"

	lab_count_reset srv
	t0=$(date +%s)
	sd_scan tcp 4 200 100
	wait "$SD_SCAN"
	secs=$(( $(date +%s) - t0 + 1 ))
	sleep 1
	esc=$(lab_first srv lan1 tcp 4)
	# the working set (5), then one release a second
	cmp "$esc" -le $((5 + secs + 2)) "$fw: a scan the operator's ruleset accepts is throttled ($esc of 200 escaped in ${secs} s)"

	lab_x gw sh "$SLUICE_TOP/examples/nft/own-ruleset-iptables.sh" -D br0 0
	ok $? "$fw: the recipe comes out with -D"
	sd_stop; is "$?" 0 "$fw: sluiced stops"
	clear
	sd_ctl status >/dev/null 2>&1	# (nothing: sluiced is gone)
done

# own-ruleset.nft says plainly that it needs nft_queue, and loads (checked,
# not kept) without its queue rule, with the queue chain after filter.
grep -q '^# NEEDS nft_queue' "$SLUICE_TOP/examples/nft/own-ruleset.nft"
ok $? "examples/nft/own-ruleset.nft says it needs nft_queue"

done_testing
