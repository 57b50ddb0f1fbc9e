#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_audit.t - every quarantine and its end leave an event, and the counts add up
#
# Issue 21 ("Operating": audit trail, output that adds up) and issue 20
# point 10. In one lab run:
#   - an operator's quarantine with a reason of several words (the
#     rest of the line, as in the mail filters) writes "quarantine" with
#     reason operator and the operator's words beside it, not instead;
#   - the operator's unquarantine (with a reason) and release write
#     "unquarantine" (reason operator, the words beside it) for a host
#     that was quarantined; a TTL running out writes "unquarantine"
#     with reason expired;
#   - after a scan's lockout and quarantine the per-host drop counters
#     (sluicectl hosts all) add up to the status line's dropped;
#   - a restore of one valid quarantine and two whose addresses are
#     whitelisted now logs "1 restored, 2 skipped (whitelisted)", and
#     the kernel's quarantine set then holds exactly the valid one
#     (no 0.0.0.0, nothing else).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
# conf - zone lan (TTL 1 h) and zone short (lan2, TTL 2 s); $1 whitelist
conf() {
	sd_base_conf <<EOF2
[zone short]
prefixes = $LAB_LAN2_4/32
quarantine_ttl = 2s
[zone lan]
prefixes = 10.77.1.0/24
high_watermark = 50
low_watermark = 30
quarantine_ttl = 1h
EOF2
	[ -n "$1" ] && sed -i "s|^\[core\]|[core]\nwhitelist = 127.0.0.0/8; ::1; $1|" "$SD_RUN/sluice.conf"
	return 0
}

# ev TYPE ADDR - the events of TYPE for ADDR
ev() { grep "\"event_type\":\"$1\"" "$SD_RUN/events.json" | grep "\"src_ip\":\"$2\""; }

conf ""
sd_start || bail "sluiced did not start"
sd_ctl quarantine 10.77.1.50 ticket 4711 by ops >/dev/null; ok $? "sluicectl quarantine 10.77.1.50 ticket 4711 by ops (a reason of words)"
e=$(ev quarantine 10.77.1.50)
case $e in *'"reason":"operator"'*'"operator_reason":"ticket 4711 by ops"'*) ok 0 "quarantine event: reason operator, the operator's reason beside it" ;;
*) ok 1 "quarantine event: reason operator, the operator's reason beside it"; diag "  got: $e" ;; esac
sd_ctl unquarantine 10.77.1.50 false alarm >/dev/null; ok $? "sluicectl unquarantine 10.77.1.50 false alarm"
e=$(ev unquarantine 10.77.1.50)
case $e in *'"reason":"operator"'*'"operator_reason":"false alarm"'*) ok 0 "unquarantine event: reason operator, the reason beside it" ;;
*) ok 1 "unquarantine event: reason operator, the reason beside it"; diag "  got: $e" ;; esac
sd_quarantined 10.77.1.50 4; is $? 1 "10.77.1.50 left the kernel's set"

sd_ctl quarantine "$LAB_LAN2_4" >/dev/null
sleep 3.5
e=$(ev unquarantine "$LAB_LAN2_4")
case $e in *'"reason":"expired"'*) ok 0 "a TTL that ran out: unquarantine event, reason expired" ;;
*) ok 1 "a TTL that ran out: unquarantine event, reason expired"; diag "  got: $e" ;; esac

sd_scan tcp 4 300 100
wait "$SD_SCAN"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1's scan: quarantined"
sd_ctl release "$LAB_LAN1_4" >/dev/null
e=$(ev unquarantine "$LAB_LAN1_4")
case $e in *'"reason":"operator"'*) ok 0 "release of a quarantined host: unquarantine event" ;;
*) ok 1 "release of a quarantined host: unquarantine event"; diag "  got: $e" ;; esac
hosts=$(sd_ctl hosts all | sed -n 's/.* dropped=\([0-9]*\) .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
status=$(sd_ctl status | sed -n 's/^packets: .*dropped \([0-9]*\)).*/\1/p')
cmp "$status" -gt 0 "status counts drops ($status)"
is "$hosts" "$status" "the hosts' dropped= add up to the status line's dropped"
sd_stop

# A restore: one valid quarantine, two addresses whitelisted since.
conf "10.77.1.60; 10.77.1.61"
mkdir -p "$SD_RUN/state"
printf '# sluiced quarantines\nsaved %s\n%s 3600000\n10.77.1.60 3600000\n10.77.1.61 3600000\n' \
	"$(date +%s)" "$LAB_LAN1_4" >"$SD_RUN/state/sluiced.quarantine"
sd_start || bail "sluiced did not start with the state file"
grep -q "1 restored, 2 skipped (whitelisted)" "$SD_RUN/sluiced.log"
ok $? "the log says 1 restored, 2 skipped (whitelisted)" || sd_log
set4=$(lab_x gw nft list set ip sluice quarantine4 | tr ',{}' '\n\n\n' | awk '/[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/ { print $1 }' | sort | tr '\n' ' ')
is "$set4" "$LAB_LAN1_4 " "the kernel's quarantine4 holds exactly lan1 (no 0.0.0.0)"
sd_stop

done_testing
