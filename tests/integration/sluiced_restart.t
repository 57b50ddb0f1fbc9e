#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_restart.t - quarantines survive a restart and a kill -9
#
# sluiced removes its table at stop and replaces a killed one's at start,
# so the kernel's quarantine set cannot carry quarantines over; the file
# [core] state_dir/sluiced.quarantine does. The operator quarantines lan1
# (zone TTL 1 h, IPv4 and IPv6) and lan2 (zone TTL 3 s); within a second
# the file names them. After SIGTERM and a new start lan1 is in the
# kernel's set again with the time it had left, its flows get nowhere,
# and the log says how many were restored; lan2's quarantine ran out
# while sluiced was down and is not restored. The same after kill -9.
# A damaged line in the file is skipped with its line number and the
# rest still restored. After `sluicectl release` the file forgets lan1,
# so the next start does not shut it out again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_base_conf <<EOF2
[zone lan1]
prefixes = $LAB_LAN1_4/32, $LAB_LAN1_6/128
quarantine_ttl = 1h
[zone lan2]
prefixes = $LAB_LAN2_4/32
quarantine_ttl = 3s
EOF2
state=$SD_RUN/state/sluiced.quarantine

# get - one request from HOST to SERVER; 0 if it got an answer
get() { lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t 2 "$2" >/dev/null 2>&1; }

# saved - poll up to 3 s until the state file holds (1) or lacks (0) ADDR
saved() {
	_i=0
	while [ $_i -lt 30 ]; do
		if grep -q "^$1 " "$state" 2>/dev/null; then _in=1; else _in=0; fi
		[ "$_in" = "$2" ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# restored - the start-up log's count of restored quarantines
restored() { sed -n 's/.*\([0-9][0-9]*\) quarantine(s) restored.*/\1/p' "$SD_RUN/sluiced.log" | tail -n 1; }

sd_start || bail "sluiced did not start"
for a in "$LAB_LAN1_4" "$LAB_LAN1_6" "$LAB_LAN2_4"; do
	sd_ctl quarantine "$a" test >/dev/null 2>&1; ok $? "sluicectl quarantine $a"
done
saved "$LAB_LAN1_4" 1; ok $? "within a second the state file names lan1 (IPv4)"
saved "$LAB_LAN1_6" 1; ok $? "and lan1 (IPv6)"
sd_stop; is "$?" 0 "sluiced stops (SIGTERM), removing its table"
lab_x gw nft list table ip sluice >/dev/null 2>&1; is "$?" 1 "the ip table is gone, and its quarantine set with it"
lab_x gw nft list table ip6 sluice >/dev/null 2>&1; is "$?" 1 "the ip6 table is gone too"
sleep 3		# lan2's 3 s run out while sluiced is down

sd_start || bail "sluiced did not start again"
is "$(restored)" 2 "the log says 2 quarantines were restored"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1 (IPv4) is in the new table's quarantine set"
sd_quarantined "$LAB_LAN1_6" 6; ok $? "lan1 (IPv6) too"
left=$(sd_show "$LAB_LAN1_4" quarantined)
cmp "${left:-0}" -gt 3500 "with the time it had left (${left:-?} s of the hour)"
cmp "${left:-9999}" -le 3600 "not a new hour"
sd_quarantined "$LAB_LAN2_4" 4; is "$?" 1 "lan2's quarantine ran out while sluiced was down: not restored"
get lan1 10.77.16.1; is "$?" 1 "a restored quarantine holds: lan1 gets nowhere"
get lan2 10.77.16.2; ok $? "lan2 gets through"

sd_kill
sd_start || bail "sluiced did not start after kill -9"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "after kill -9 and a new start lan1 is still quarantined"
is "$(restored)" 2 "both of lan1's addresses restored"

# A damaged state file: the bad line is named, the rest restored (each
# quarantine stands alone), the file kept aside for the operator.
sd_stop
printf 'garbage here\n' >>"$state"
sd_start || bail "sluiced did not start with a damaged state file"
grep -q "sluiced.quarantine:[0-9]*: .*line skipped" "$SD_RUN/sluiced.log"
ok $? "a damaged line is logged with its number ($(grep -o 'sluiced.quarantine:[0-9]*: [^:]*' "$SD_RUN/sluiced.log" | head -n 1))"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "and the good lines are still restored"
aside=$(sed -n "s|.*sluiced.quarantine: damaged.*moved aside to ||p" "$SD_RUN/sluiced.log" | tail -n 1)
case $aside in "$state.corrupt-"*) ok 0 "the damaged file is moved aside, named in the log ($aside)" ;;
*) ok 1 "the damaged file is moved aside, named in the log (got '$aside')"; sd_log ;; esac
grep -q '^garbage here$' "$aside" 2>/dev/null; ok $? "and kept as it was, for the operator"

sd_ctl release "$LAB_LAN1_4" >/dev/null 2>&1; ok $? "sluicectl release lan1 (IPv4)"
saved "$LAB_LAN1_4" 0; ok $? "within a second the state file forgets it"
_i=0; until [ -s "$state" ] || [ $_i -ge 30 ]; do sleep 0.1; _i=$((_i + 1)); done
[ -s "$state" ] && ! grep -q garbage "$state" && grep -q '^garbage here$' "$aside"
ok $? "a fresh state file beside the damaged one, which stays"
sd_stop
sd_start || bail "sluiced did not start after the release"
sd_quarantined "$LAB_LAN1_4" 4; is "$?" 1 "a released host is not shut out again by the next start"
sd_stop; is "$?" 0 "sluiced exits 0"

done_testing
