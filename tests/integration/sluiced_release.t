#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_release.t - sluicectl release, quarantine and unquarantine act at once
#
# lan1 scans 300 addresses in 3 s and lands in quarantine (TTL 1 h, so
# only the operator can let it out). While quarantined its new flows
# are dropped in the kernel. `sluicectl release` takes it out of the
# kernel's set at once (polled every 0.1 s), and a flow to a
# destination in its working set passes without delay (under 500 ms;
# a held one would wait for the 1 s release),
# one to a new destination within a release interval. Then the
# operator's own `sluicectl quarantine` shuts lan2 out (IPv4 and
# IPv6, with an event), and `unquarantine` lets it in again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_lan_conf <<'EOF2'
mode = williamson
wset_size = 5
release_interval = 1s
high_watermark = 30
low_watermark = 10
quarantine_ttl = 1h
EOF2
sd_start || bail "sluiced did not start"

# get - one request from HOST (lan1|lan2) to SERVER; prints the ms it took
get() {
	lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t 3 "$2" >"$SD_RUN/get.out" 2>&1
	_st=$?
	awk '{ printf "%d", $3 }' "$SD_RUN/get.out"
	return $_st
}

sd_scan tcp 4 300 100
wait "$SD_SCAN"
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1 is quarantined after its scan"
cmp "$(sd_show "$LAB_LAN1_4" quarantined)" -gt 3000 "sluicectl show: for the TTL of an hour"
get lan1 10.77.16.1 >/dev/null; is "$?" 1 "a quarantined lan1 gets nowhere"

sd_ctl release "$LAB_LAN1_4" >"$SD_RUN/release.out" 2>&1
ok $? "sluicectl release $LAB_LAN1_4 answers OK ($(cat "$SD_RUN/release.out"))"
took=$(sd_wait_quarantine "$LAB_LAN1_4" 4 2 0)
ok $? "lan1 is out of the kernel's quarantine set"
cmp "${took:-9999}" -le 500 "at once (${took:-?} ms after the command returned)"
is "$(sd_show "$LAB_LAN1_4" quarantined)" no "sluicectl show: quarantined=no"
is "$(sd_show "$LAB_LAN1_4" locked)" no "sluicectl show: not locked out"
ms=$(get lan1 10.77.16.1); st=$?
is "$st" 0 "lan1 reaches a server of its working set"
cmp "${ms:-9999}" -lt 500 "without delay (${ms:-?} ms; a held packet would wait 1 s)"
ms=$(get lan1 10.77.29.1); st=$?
is "$st" 0 "lan1 reaches a new server"
cmp "${ms:-9999}" -le 1500 "within a release interval (${ms:-?} ms)"

for fam in 4 6; do
	eval a=\$LAB_LAN2_$fam
	srv=10.77.29.2; [ $fam = 6 ] && srv=fd77:3::292
	get lan2 $srv >/dev/null; ok $? "IPv$fam: lan2 gets through before"
	sd_ctl quarantine "$a" "test" >/dev/null 2>&1
	ok $? "IPv$fam: sluicectl quarantine $a"
	sd_wait_quarantine "$a" $fam 1 1 >/dev/null
	ok $? "IPv$fam: lan2 is in the kernel's quarantine set at once"
	get lan2 $srv >/dev/null; is "$?" 1 "IPv$fam: lan2 gets nowhere"
	grep "\"src_ip\":\"$a\"" "$SD_RUN/events.json" 2>/dev/null | grep -qi quarantin
	ok $? "IPv$fam: an event says so"
	sd_ctl unquarantine "$a" >/dev/null 2>&1
	ok $? "IPv$fam: sluicectl unquarantine $a"
	sd_wait_quarantine "$a" $fam 1 0 >/dev/null
	ok $? "IPv$fam: lan2 is out of the set at once"
	get lan2 $srv >/dev/null; ok $? "IPv$fam: lan2 gets through again"
done
sd_stop; is "$?" 0 "sluiced stops cleanly"
done_testing
