#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_quar6.t - an IPv6 quarantine holds the whole keyed prefix in the kernel
#
# Issue 20 point 1: with v6_prefix = 64 the throttle keyed the /64, but
# quarantine6 got only the one /128 that tripped it, and after kill -9
# of sluiced 100 of 100 SYNs from other addresses of that /64 escaped.
# Here lan1 scans over IPv6 from fd77:1::11 until it is quarantined;
# then:
#   - quarantine6 holds fd77:1::/64 (an interval with the zone's TTL);
#   - sluicectl show of an address of the /64 that is whitelisted
#     (fd77:1::50, in [core] whitelist) says whitelisted, not
#     quarantined, and that address still reaches the servers; so does
#     the gateway's own fd77:1::1 (exempt_self), which lies in the /64;
#   - sluiced is killed with kill -9; 100 SYNs from fd77:1::99, another
#     address of the /64 that sluiced never saw, are all dropped by the
#     kernel: none reaches the servers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_base_conf <<'EOF2'
v6_prefix = 64
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/48
mode = williamson
wset_size = 5
high_watermark = 50
low_watermark = 30
quarantine_ttl = 1h
EOF2
sed -i "s|^whitelist = .*||; s|^\[core\]|[core]\nwhitelist = 127.0.0.0/8; ::1; fd77:1::50|" \
	"$SD_RUN/sluice.conf"
sd_start || bail "sluiced did not start"
sd_scan tcp 6 300 100
sd_wait_quarantine "$LAB_LAN1_6" 6 10 1 >/dev/null
ok $? "lan1 (fd77:1::11) is quarantined by its IPv6 scan"
wait "$SD_SCAN"
el=$(lab_x gw nft list set ip6 sluice quarantine6 | tr ',{}' '\n\n\n' | grep 'fd77:1::/64')
case $el in
*"fd77:1::/64 timeout 1h"*) ok 0 "quarantine6 holds fd77:1::/64 with the zone's TTL" ;;
*) ok 1 "quarantine6 holds fd77:1::/64 with the zone's TTL"
   lab_x gw nft list set ip6 sluice quarantine6 | sed 's/^/#   /' ;;
esac
lab_x gw nft get element ip6 sluice quarantine6 "{ fd77:1::99 }" >/dev/null 2>&1
ok $? "fd77:1::99, never seen, lies in a quarantine6 element"

cmp "$(sd_show fd77:1::11 quarantined)" -gt 3000 "sluicectl show fd77:1::11: quarantined"
out=$(sd_ctl show fd77:1::50 2>&1)
case $out in
*"fd77:1::50 is whitelisted"*) ok 0 "sluicectl show fd77:1::50 (whitelisted, same /64): whitelisted" ;;
*) ok 1 "sluicectl show fd77:1::50 (whitelisted, same /64): whitelisted"; diag "  got: $out" ;;
esac
case $out in *"quarantined="[1-9]*) ok 1 "and not reported quarantined"; diag "  got: $out" ;;
*) ok 0 "and not reported quarantined" ;; esac

lab_x lan2 ip -6 addr add fd77:1::50/64 dev eth0 nodad preferred_lft 0
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 1 -t 3 -b fd77:1::50 "$(lab_target6 900)" >/dev/null
ok $? "the whitelisted fd77:1::50 still reaches the servers"
lab_x gw perl "$LAB_DIR/browse.pl" -n 1 -t 3 -b "$LAB_GW_6" "$(lab_target6 901)" >/dev/null
ok $? "the gateway's own fd77:1::1 still reaches the servers"

sd_kill
sd_tables >/dev/null 2>&1; ok $? "kill -9: the tables stay"
lab_count_reset srv
lab_x lan1 ip -6 addr add fd77:1::99/64 dev eth0 nodad
lab_targets 6 100 1001 >"$SD_RUN/t99"
lab_x lan1 nmap -6 -sS -p 80 -Pn -n --max-retries 0 --min-rate 200 -S fd77:1::99 -e eth0 \
	-iL "$SD_RUN/t99" >"$SD_RUN/nmap99" 2>&1
ok $? "100 SYNs sent from fd77:1::99 after kill -9" || sed 's/^/#   /' "$SD_RUN/nmap99"
sleep 1
n99=$(lab_x srv nft list set inet labcount first6 | tr ',{}' '\n\n\n' |
	grep -c '^[[:space:]]*fd77:1::99 \. tcp \. ' || true)
is "$n99" 0 "none of them reached the servers (the kernel dropped the whole /64)"

done_testing
