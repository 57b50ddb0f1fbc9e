#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_state.t - the throttle state survives a restart and a kill -9
#
# lan1 scans 40 addresses with nmap: 5 pass (its working set), 35 wait
# (release interval 1 h, so none leaves during the test). lan2, the
# control host, talks to three servers. After SIGTERM and a new start
# the log says the state was restored (2 hosts, 35 queued), sluicectl
# shows lan1's queue, lan1's next new destination is held, not passed
# by a fresh working set, and lan2's three servers still pass at once.
# The same after kill -9 with snapshot_interval = 1s (the snapshot of a
# second ago is what the new start loads). A damaged state file is
# refused with a message naming it, moved aside (PATH.corrupt-STAMP, as
# every snapshot's loader does) and sluiced starts empty: then
# lan1's next new destination passes, which shows what the restored
# state prevented. Held packets themselves cannot survive: the kernel's
# queue goes with the process (sluiced accepts them at SIGTERM; after
# kill -9 the kernel drops them); their places come back as stand-ins.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_base_conf <<EOF2
snapshot_interval = 1s
[zone lan]
prefixes = $LAB_LAN1_4/32, $LAB_LAN2_4/32
wset_size = 5
release_interval = 1h
high_watermark = 1000
low_watermark = 900
EOF2
state=$SD_RUN/state/sluiced.state

# get - one request from HOST to SERVER; 0 if it got an answer in 2 s
get() { lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t 2 "$2" >/dev/null 2>&1; }

# control - lan2 reaches its three servers; prints how many answered
control() {
	_c=0
	for _s in 10.77.20.1 10.77.20.2 10.77.20.3; do get lan2 "$_s" && _c=$((_c + 1)); done
	echo $_c
}

# restored - the start-up log's "restored" line, or nothing
restored() { grep -o 'throttle state restored from [^:]*: [0-9]* host(s), [0-9]* queued' "$SD_RUN/sluiced.log" | tail -n 1; }

# saved_within - poll up to 3 s for a state file newer than FILE
saved_within() {
	_i=0
	while [ $_i -lt 30 ]; do
		[ "$state" -nt "$1" ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

sd_start || bail "sluiced did not start"
is "$(control)" 3 "lan2 reaches its three servers"
sd_scan tcp 4 40 100
wait "$SD_SCAN"
q=$(sd_show "$LAB_LAN1_4" queued)
is "${q:-none}" 35 "the scan fills lan1's working set (5) and queue (35 held)"

sd_stop; is "$?" 0 "sluiced stops (SIGTERM)"
[ -s "$state" ]; ok $? "the state file was written at stop"
sd_start || bail "sluiced did not start again"
restored | grep -q "2 host(s), 35 queued"; ok $? "the log: state restored, 2 hosts, 35 queued ($(restored))"
q=$(sd_show "$LAB_LAN1_4" queued)
is "${q:-none}" 35 "sluicectl shows lan1's restored queue"
get lan1 10.77.30.1; is "$?" 1 "lan1's next new destination is held, not passed by a fresh working set"
is "$(control)" 3 "lan2's known servers still pass"

touch "$SD_RUN/mark"
saved_within "$SD_RUN/mark"; ok $? "a snapshot within snapshot_interval (1 s)"
sd_kill
sd_start || bail "sluiced did not start after kill -9"
restored | grep -q "2 host(s), 3[5-9] queued"; ok $? "after kill -9 the last snapshot is restored ($(restored))"
get lan1 10.77.30.2; is "$?" 1 "lan1's next new destination is still held"
is "$(control)" 3 "lan2's known servers still pass"

sd_stop
# damage a byte in the middle: the checksum no longer matches
size=$(stat -c %s "$state")
printf 'X' | dd of="$state" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
sd_start || bail "sluiced did not start with a damaged state file"
grep -q "$state: .*moved aside to $state.corrupt-.*: throttle state refused (checksum mismatch (torn or damaged)), starting empty" "$SD_RUN/sluiced.log"
ok $? "a damaged file is refused with a message naming it and where it went"
n=$(ls "$state".corrupt-* 2>/dev/null | wc -l)
is "$n" 1 "it is kept aside for the operator"
[ -z "$(restored)" ]; ok $? "and nothing is restored from it"
q=$(sd_show "$LAB_LAN1_4" queued)
is "${q:-0}" 0 "sluiced starts empty: lan1 has no queue"
get lan1 10.77.30.3; ok $? "an empty start passes lan1's next new destination (what the state prevented)"
sd_stop; is "$?" 0 "sluiced exits 0"
head -c 100 "$state" >"$state.torn" && mv "$state.torn" "$state"
sd_start || bail "sluiced did not start with a torn state file"
grep -q "$state: .*moved aside.*throttle state refused (checksum mismatch" "$SD_RUN/sluiced.log"
ok $? "a torn file (the first 100 bytes) is refused too"
n=$(ls "$state".corrupt-* 2>/dev/null | wc -l)
is "$n" 2 "and kept aside beside the first"
sd_stop; is "$?" 0 "sluiced exits 0"

done_testing
