#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_fanout_reload.t - [countermeasures] fanout_threshold and
# fanout_window are re-read on SIGHUP (issue 14)
#
# lan1 opens TCP flows to 8 new addresses on port 80, first with
# fanout_threshold = 50: no fan-out signal (the control). A reload with
# fanout_threshold = 6 (the file changed, sluiced kept running), then 8
# more new addresses: a fan-out signal, which the ladder turns into
# throttle harder (its only rung here). A reload with a threshold out of
# range is refused and names the key and what is accepted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need jq
sd_lab
EV=$SD_RUN/events.json
sd_lan_conf <<EOF2
wset_size = 64
[countermeasures]
rung_quarantine = 0
rung_block_port = 0
rung_throttle = 10
fanout_threshold = 50
EOF2
# fanout_cm - countermeasure events of lan1 started by a fan-out
fanout_cm() {
	jq -c "select(.event_type == \"countermeasure\" and .src_ip == \"$LAB_LAN1_4\"
		and .countermeasure.signal == \"fanout\")" "$EV" 2>/dev/null
}
# reload - SIGHUP, then wait for the Nth reload line of the log
reload() {
	kill -HUP "$SD_PID"
	_i=0
	until [ "$(grep -c -e 'configuration reloaded' -e 'reload refused' "$SD_RUN/sluiced.log")" -ge "$1" ] ||
		[ $_i -ge 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}
sd_start || bail "sluiced did not start"
plan 5

lab_x lan1 perl "$LAB_DIR/browse.pl" -n 8 -i 0 -t 2 $(lab_targets 4 8 1) >/dev/null 2>&1
ok $? "lan1 reached 8 new addresses on port 80"
sleep 1
is "$(fanout_cm)" "" "threshold 50: no fan-out signal (control)"

sed -i 's/^fanout_threshold = 50$/fanout_threshold = 6/' "$SD_RUN/sluice.conf"
reload 1
grep -q 'configuration reloaded' "$SD_RUN/sluiced.log"; ok $? "SIGHUP: configuration reloaded"
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 8 -i 0 -t 2 $(lab_targets 4 8 101) >/dev/null 2>&1
i=0; until [ -n "$(fanout_cm)" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
case $(fanout_cm) in *'"action":"throttle"'*'"state":"started"'*) ok 0 "after the reload (threshold 6) the same pattern is a fan-out: lan1 throttled harder" ;;
*) ok 1 "after the reload (threshold 6) the same pattern is a fan-out: lan1 throttled harder"; sd_log ;; esac

sed -i 's/^fanout_threshold = 6$/fanout_threshold = 5000/' "$SD_RUN/sluice.conf"
reload 2
grep -q 'reload refused.*fanout_threshold.*5000.*2\.\.1024\|reload refused.*fanout_threshold.*5000' "$SD_RUN/sluiced.log"
ok $? "a reload with fanout_threshold = 5000 is refused, naming the key ($(grep 'reload refused' "$SD_RUN/sluiced.log" | tail -n 1))"
