#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_normal.t - a host talking to its five servers again and again is never delayed
#
# lan2 requests pages from the same five servers (IPv4, then IPv6),
# 150 times each way, with sluiced throttling its zone (Williamson,
# working set 5, release 1 s). Each request is a new TCP flow whose
# first packet goes through sluiced's queue or, to a destination of the
# working set sluiced mirrored into the kernel, its fast-path rule
# (checked with the kernel's queue counter and the rule's); sluicectl must count none of them as held (the
# daemon's own count), none may take 500 ms more than the median
# without sluiced (a held first packet waits for a release, 1 s), and
# none may fail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_lan_conf <<'EOF2'
mode = williamson
wset_size = 5
release_interval = 1s
high_watermark = 50
low_watermark = 30
EOF2

v4="10.77.30.1 10.77.30.2 10.77.30.3 10.77.30.4 10.77.30.5"
v6="fd77:3::301 fd77:3::302 fd77:3::303 fd77:3::304 fd77:3::305"
n=150

lab_x lan2 perl "$LAB_DIR/browse.pl" -n 50 -i 0.01 $v4 $v6 >"$SD_RUN/base.out" ||
	bail "lan2 cannot reach its servers without sluiced: the lab is broken"
base=$(awk '{ print $3 }' "$SD_RUN/base.out" | lab_quantile 0.5)
diag "lan2's median latency without sluiced: $base ms"

sd_start || bail "sluiced did not start"
for fam in 4 6; do
	eval servers=\$v$fam
	s0=$(sd_queue 0 seq) k0=$(sd_fast_count $fam)
	lab_x lan2 perl "$LAB_DIR/browse.pl" -n $n -i 0.02 -t 5 $servers >"$SD_RUN/b$fam.out"
	s1=$(sd_queue 0 seq) k1=$(sd_fast_count $fam)
	set -- $(lab_latency "$SD_RUN/b$fam.out" "$base" 500)
	is "$1" $n "IPv$fam: lan2 made $n requests to its 5 servers"
	is "$2" 0 "IPv$fam: none failed"
	is "$3" 0 "IPv$fam: none was delayed by 500 ms or more (median added $4 ms, p99 $5 ms, max $6 ms)"
	cmp "$((s1 - s0 + k1 - k0))" -ge $n "IPv$fam: every request's first packet was decided by sluiced's queue or its fast path ($((s1 - s0)) queued, $((k1 - k0)) by the kernel)"
	cmp "$((k1 - k0))" -ge $((n / 2)) "IPv$fam: most went by the kernel's fast path ($((k1 - k0)))"
done
pairs=$(sd_ctl metrics 2>/dev/null | awk '$1 == "sluice_fast_pairs" { print $2 }')
cmp "${pairs:-0}" -ge 2 "the metrics count lan2's pairs in the kernel (sluice_fast_pairs $pairs)"
sd_ctl status 2>/dev/null | grep -q '^fast path: 2 hosts mirrored'
ok $? "sluicectl status: its IPv4 and IPv6 working sets are mirrored"
out=$(sd_ctl show "$LAB_LAN2_4" 2>&1)
ok $? "sluicectl show $LAB_LAN2_4 answers"
diag "$out"
for fam in 4 6; do
	eval a=\$LAB_LAN2_$fam
	is "$(sd_show "$a" delayed)" 0 "sluicectl show $a: none of its first packets was held"
	is "$(sd_show "$a" quarantined)" no "sluicectl show $a: quarantined=no"
	cmp "$(sd_show "$a" contacts)" -ge 5 "sluicectl show $a: sluiced saw its contacts"
done
sd_quarantined "$LAB_LAN2_4" 4
is "$?" 1 "lan2 is not in the kernel's quarantine set"
if grep -qs "\"src_ip\":\"$LAB_LAN2_4\"" "$SD_RUN/events.json"
then ok 1 "no event about lan2"; grep "$LAB_LAN2_4" "$SD_RUN/events.json" | sed 's/^/# /'
else ok 0 "no event about lan2"; fi
sd_stop
is "$?" 0 "sluiced stops cleanly"
done_testing
