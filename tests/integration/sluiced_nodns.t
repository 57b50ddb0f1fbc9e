#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_nodns.t - the no-DNS signal: a host that browses by name
# raises none, a host that connects by address does, neither is
# quarantined for it (issue 14)
#
# dnsmasq in srv (10.77.2.2) is the resolver, beyond the gateway, so
# its answers cross sluiced's forward chain, whose first rules log
# them to [dns] log_group. lan2 looks up two names through it (glibc,
# with a resolv.conf of the test's own bind-mounted in a private mount
# namespace; the second with "options use-vc", so over TCP with its
# length prefix) and then connects to each address: the answers are
# read (sluice_dns_answers_total, records), both first contacts are
# justified, lan2 has no nodns event and its signal count stays 0.
# lan1 connects to three addresses by number: three signals, a nodns
# event naming lan1 (events_per_second = 1: the rest are counted as
# suppressed, and events plus suppressed add up to the signals).
# A fourth name has an AAAA record only, asked over IPv6 (the ip6
# table's rules). A second dnsmasq on the gateway itself (10.77.1.1) answers a third
# name: its replies leave through the output chain, and lan2's contact
# to that address is justified too. Neither host is in the kernel's
# quarantine set; the control is the operator's quarantine of lan1,
# which the same check then sees. sluiced -n names the rules, nft lists
# them in the table, and a reload that changes a [dns] key is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need dnsmasq unshare mount
sd_lab
sd_lan_conf <<EOF
[dns]
nodns = yes
log_group = 53
events_per_second = 1
EOF
EV=$SD_RUN/events.json
BROWSE=$LAB_DIR/browse.pl
NAME1=web1.nodns-test NAME2=web2.nodns-test NAME3=web3.nodns-test
ADDR1=10.77.16.21 ADDR2=10.77.16.22 ADDR3=10.77.16.23
NAME6=web6.nodns-test ADDR6=fd77:3::26

# the resolver, in srv
lab_x srv dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=$LAB_SRV_4,$LAB_SRV_6 --bind-interfaces --user=root \
	--pid-file="$SD_RUN/dnsmasq.pid" --address=/$NAME1/$ADDR1 \
	--address=/$NAME2/$ADDR2 --address=/$NAME6/$ADDR6 --log-queries \
	--log-facility="$SD_RUN/dnsmasq.log" </dev/null >/dev/null 2>&1 &
# and one on the gateway, whose answers go out through the output hook
lab_x gw dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=$LAB_GW_4 --bind-interfaces --user=root \
	--pid-file="$SD_RUN/dnsmasq-gw.pid" --address=/$NAME3/$ADDR3 \
	</dev/null >/dev/null 2>&1 &
printf 'nameserver %s\n' $LAB_SRV_4 >"$SD_RUN/resolv.udp"
printf 'nameserver %s\n' $LAB_GW_4 >"$SD_RUN/resolv.gw"
printf 'nameserver %s\n' $LAB_SRV_6 >"$SD_RUN/resolv.v6"
printf 'nameserver %s\noptions use-vc\n' $LAB_SRV_4 >"$SD_RUN/resolv.tcp"

# by_name NODE RESOLV NAME - browse.pl to NAME, resolved through RESOLV
by_name() {
	lab_x "$1" unshare -m sh -c "mount --bind '$2' /etc/resolv.conf &&
		exec perl '$BROWSE' -n 1 -t 3 '$3'"
}

# metric NAME - sluiced's value of a metric (0 if absent)
metric() {
	sd_ctl metrics | awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}

# nodns_from SRC - nodns events naming SRC, and their suppressed counts
nodns_from() {
	awk -v s="\"src_ip\":\"$1\"" '
		index($0, "\"event_type\":\"nodns\"") && index($0, s) {
			if (index($0, "\"dest_ip\"")) n++
			if (match($0, /"suppressed":[0-9]+/))
				n += substr($0, RSTART + 13, RLENGTH - 13)
		} END { print n + 0 }' "$EV"
}

out=$("$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" 2>&1)
echo "$out" | grep -q "no-DNS signal: answers read from NFLOG group 53; chains forward and output .*log prefix \"dns\" group 53"
ok $? "sluiced -n names the log rules of the answers"
sd_start || bail "sluiced did not start"
i=0
until [ -s "$SD_RUN/dnsmasq.pid" ] && [ -s "$SD_RUN/dnsmasq-gw.pid" ] ||
	[ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
lab_x gw nft list chain ip sluice forward >"$SD_RUN/forward" 2>&1
grep -q 'udp sport 53 ip daddr @queued4 ct state established log prefix "dns" group 53' "$SD_RUN/forward" &&
	grep -q 'tcp sport 53 ip daddr @queued4 ct state established log prefix "dns" group 53' "$SD_RUN/forward"
ok $? "the forward chain logs UDP and TCP answers to the zone's hosts" ||
	sed 's/^/#   /' "$SD_RUN/forward"

# the host that browses by name
by_name lan2 "$SD_RUN/resolv.udp" $NAME1 >"$SD_RUN/b1" 2>&1
ok $? "lan2 resolves $NAME1 over UDP and connects"
by_name lan2 "$SD_RUN/resolv.tcp" $NAME2 >"$SD_RUN/b2" 2>&1
ok $? "lan2 resolves $NAME2 over TCP (use-vc) and connects"
grep -q "query\[A\] $NAME2" "$SD_RUN/dnsmasq.log" 2>/dev/null
ok $? "dnsmasq answered (its log)"
by_name lan2 "$SD_RUN/resolv.gw" $NAME3 >"$SD_RUN/b3" 2>&1
ok $? "lan2 resolves $NAME3 through the gateway's own dnsmasq and connects"
by_name lan2 "$SD_RUN/resolv.v6" $NAME6 >"$SD_RUN/b6" 2>&1
ok $? "lan2 resolves $NAME6 (AAAA) over IPv6 and connects to $ADDR6"
sd_ctl metrics | grep -E '^sluice_(dns|nodns)' >"$SD_RUN/m1"
cmp "$(metric sluice_dns_answers_total)" -ge 2 "sluiced read the answers"
cmp "$(metric sluice_dns_records_total)" -ge 2 "and recorded their A and AAAA records"
is "$(metric sluice_dns_malformed_total)" 0 "no answer was malformed"
cmp "$(metric sluice_nodns_justified_total)" -ge 4 "lan2's first contacts were justified (forward and output hooks, IPv6)"
is "$(nodns_from $LAB_LAN2_4)" 0 "lan2 raised no nodns event"
is "$(metric sluice_nodns_signals_total)" 0 "and no signal"

# the host that connects by address (the control)
for a in 10.77.16.31 10.77.16.32 10.77.16.33; do
	lab_x lan1 perl "$BROWSE" -n 1 -t 3 $a >/dev/null 2>&1
done
# the suppressed count of the last second is reported within two
i=0
until [ "$(nodns_from $LAB_LAN1_4)" -ge 3 ] || [ $i -ge 40 ]; do
	sleep 0.1; i=$((i + 1)); done
is "$(metric sluice_nodns_signals_total)" 3 "lan1's three contacts by address are three signals"
is "$(nodns_from $LAB_LAN1_4)" 3 "its nodns events and their suppressed counts say so"
grep '"event_type":"nodns"' "$EV" | head -n 1 | grep -q '"zone":"lan"'
ok $? "a nodns event names the zone"
sd_ctl status | grep -q '^no-DNS signal: NFLOG group 53, .* 3 signals$'
ok $? "sluicectl status says the signal is on and counts the three"

# neither is quarantined by the weak signal
sd_quarantined $LAB_LAN1_4 4
ok $((! $?)) "lan1 is not in the kernel's quarantine set"
sd_quarantined $LAB_LAN2_4 4
ok $((! $?)) "lan2 is not in it either"
sd_ctl quarantine $LAB_LAN1_4 nodns test control >/dev/null 2>&1 &&
	sd_wait_quarantine $LAB_LAN1_4 4 3 1 >/dev/null
ok $? "control: the operator's quarantine of lan1 is seen by the same check"

# every [dns] key needs a restart
sed -i 's/^events_per_second = 1$/events_per_second = 5/' "$SD_RUN/sluice.conf"
kill -HUP "$SD_PID"
i=0
until grep -q 'reload refused' "$SD_RUN/sluiced.log" || [ $i -ge 30 ]; do
	sleep 0.1; i=$((i + 1)); done
grep -q 'reload refused.*\[dns\] events_per_second changed: that needs a restart' "$SD_RUN/sluiced.log"
ok $? "a reload changing [dns] events_per_second is refused, naming the key"

sd_alive
ok $? "sluiced is still running"
sd_stop
ok $? "sluiced stops cleanly"
[ $T_FAILED -eq 0 ] || { sd_log; grep nodns "$EV" | sed 's/^/#   /'; sed 's/^/#   /' "$SD_RUN/m1"; }
done_testing
