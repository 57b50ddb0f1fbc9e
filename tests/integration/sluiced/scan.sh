# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	sluiced/scan.sh - the scan test shared by sluiced_scan_{tcp,udp,ipv6}.t
# SYNOPSIS
#	scan_test PROTO FAMILY        (tcp|udp, 4|6)
# DESCRIPTION
#	lan1 scans 1,000 addresses beyond the gateway with nmap for 10 s
#	(100 a second, one probe each) while lan2 keeps talking to its five
#	usual servers. The zone: Williamson, working set 5, release 1 s,
#	high watermark 50, low 30, quarantine TTL 15 s (longer than the scan,
#	so the one quarantine lasts past its end and its expiry can be timed).
#
#	Escaped first contacts are counted in srv (distinct destinations
#	that a new flow from lan1 reached) one second after the scan ends.
#	They must be at most the working set plus one release a second of
#	the scan (its duration rounded up: 10 s for TCP, 11-13 s for UDP,
#	whose probes nmap waits a little longer for), with a tolerance of 2
#	for a release at either edge of the window: 5 + 10 + 2 = 17 for a
#	10 s scan. The scan itself must take at most 15 s. At least the
#	working set (5) must have passed at once: the throttle delays, it
#	is no firewall. lan1 must land in the
#	kernel's quarantine set during the scan, only after more than the
#	high watermark of first contacts were attempted, sluicectl and the
#	events file must say so, the set element must carry the configured
#	TTL and leave the set when it runs out (within 1.5 s), after which
#	lan1 can connect again. lan2 meanwhile: no request fails, none is
#	held (sluicectl) or delayed by 500 ms or more.

SCAN_WSET=5 SCAN_RATE=100 SCAN_N=1000 SCAN_HIGH=50 SCAN_TTL=15 SCAN_TOL=2

# scan_conf - the scan tests' configuration
scan_conf() {
	sd_lan_conf <<EOF
mode = williamson
fail = open
wset_size = $SCAN_WSET
release_interval = 1s
high_watermark = $SCAN_HIGH
low_watermark = 30
quarantine_ttl = ${SCAN_TTL}s
EOF
}

# scan_expiry - after the scan: the element's TTL, and that it leaves
#	the set when the TTL says (ADDR FAMILY)
scan_expiry() {
	_el=$(lab_x gw nft list set $(sd_table "$2") "quarantine$2" | tr ',{}' '\n\n\n' |
		grep "^[[:space:]]*$1 ")
	case $_el in
	*"timeout ${SCAN_TTL}s"*) ok 0 "the quarantine element carries the TTL (${SCAN_TTL}s)" ;;
	*) ok 1 "the quarantine element carries the TTL (${SCAN_TTL}s)"; diag "  got: '$_el'" ;;
	esac
	# "expires 3s480ms": the kernel's own count-down, in ms
	_left=$(echo "$_el" | sed -n 's/.*expires \([0-9ms]*\).*/\1/p' |
		awk '{ s = 0; if (match($0, /[0-9]+s/)) s = substr($0, RSTART, RLENGTH - 1) * 1000
		       if (match($0, /[0-9]+ms/)) s += substr($0, RSTART, RLENGTH - 2)
		       print s }')
	[ -n "$_left" ] || _left=0
	_took=$(sd_wait_quarantine "$1" "$2" $((SCAN_TTL + 3)) 0)
	ok $? "the quarantine element leaves the set"
	cmp "$(( ${_took:-99999} - _left ))" -le 1500 \
		"it leaves when its TTL runs out (${_took:-?} ms after the kernel said ${_left} ms)"
	cmp "$(( _left - ${_took:-0} ))" -le 1500 "and not before"
}

# scan_test - the whole test for PROTO and FAMILY
scan_test() {
	sc_proto=$1 sc_fam=$2
	sc_src=$(eval echo "\$LAB_LAN1_$sc_fam")
	sd_lab
	scan_conf
	sd_start || bail "sluiced did not start"
	ok 0 "sluiced runs in the gateway"
	lab_count_reset lan1; lab_count_reset srv

	lab_x lan2 perl "$LAB_DIR/browse.pl" -d $((SCAN_N / SCAN_RATE + 2)) -i 0.2 -t 5 \
		10.77.30.1 10.77.30.2 10.77.30.3 10.77.30.4 10.77.30.5 \
		>"$SD_RUN/browse.out" 2>/dev/null &
	sc_browse=$!
	sc_t0=$(date +%s%N)
	sd_scan "$sc_proto" "$sc_fam" "$SCAN_N" "$SCAN_RATE"
	sc_tq=$(sd_wait_quarantine "$sc_src" "$sc_fam" $((SCAN_N / SCAN_RATE)) 1)
	sc_q=$?
	sc_attq=$(lab_first lan1 lan1 "$sc_proto" "$sc_fam")
	sc_ctl=$(sd_ctl hosts 2>&1)
	wait "$SD_SCAN"
	# releases the scan could have had: one a second, rounded up
	sc_secs=$(( ($(date +%s%N) - sc_t0 + 999999999) / 1000000000 ))
	sleep 1
	sc_att=$(lab_first lan1 lan1 "$sc_proto" "$sc_fam")
	sc_esc=$(lab_first srv lan1 "$sc_proto" "$sc_fam")
	diag "$sc_proto/IPv$sc_fam: attempted $sc_att in $sc_secs s, escaped $sc_esc," \
	     "quarantined after ${sc_tq:-never} ms with $sc_attq attempted"

	cmp "$sc_att" -ge $((SCAN_N * 9 / 10)) "nmap attempted (nearly) all $SCAN_N first contacts"
	cmp "$sc_secs" -le $((SCAN_N / SCAN_RATE + 5)) "the scan took about 10 s ($sc_secs s)"
	cmp "$sc_esc" -le $((SCAN_WSET + sc_secs + SCAN_TOL)) \
		"escaped first contacts <= working set + $sc_secs releases + $SCAN_TOL"
	cmp "$sc_esc" -ge "$SCAN_WSET" "the working set passed at once (>= $SCAN_WSET escaped)"
	ok $sc_q "lan1 landed in the kernel's quarantine set during the scan"
	cmp "${sc_attq:-0}" -gt $((SCAN_HIGH + SCAN_WSET)) \
		"only after more than the high watermark ($SCAN_HIGH) + working set were attempted"
	case $sc_ctl in
	*"$sc_src"*) ok 0 "sluicectl hosts lists lan1" ;;
	*) ok 1 "sluicectl hosts lists lan1"; diag "  got: $sc_ctl" ;;
	esac
	sc_left=$(sd_show "$sc_src" quarantined)
	cmp "${sc_left:-0}" -gt 0 "sluicectl show: lan1 quarantined (${sc_left:-?} s left)"
	cmp "${sc_left:-99}" -le "$SCAN_TTL" "sluicectl show: no more than the TTL left"
	grep "\"src_ip\":\"$sc_src\"" "$SD_RUN/events.json" 2>/dev/null | grep -qi 'quarantin'
	ok $? "the events file has lan1's quarantine"
	sd_quarantined "$sc_src" "$sc_fam"
	ok $? "lan1 is still quarantined when the scan ends"
	scan_expiry "$sc_src" "$sc_fam"
	sc_dst=$(lab_target$sc_fam 2000)
	lab_x lan1 perl "$LAB_DIR/browse.pl" -n 1 -t 4 "$sc_dst" >"$SD_RUN/after.out"
	ok $? "after the TTL lan1 can connect again ($(cat "$SD_RUN/after.out"))"
	is "$(sd_show "$sc_src" quarantined)" no "sluicectl show: lan1 no longer quarantined (quarantined=no)"

	wait "$sc_browse"
	set -- $(lab_latency "$SD_RUN/browse.out" 1 500)
	cmp "$1" -ge 30 "lan2 kept browsing during the scan ($1 requests)"
	is "$2" 0 "none of lan2's requests failed"
	is "$3" 0 "none of lan2's requests was delayed by 500 ms or more (max added $6 ms)"
	is "$(sd_show "$LAB_LAN2_4" delayed)" 0 "sluicectl show: none of lan2's first packets was held"
	sd_alive
	ok $? "sluiced is still running"
	sd_stop
	is "$?" 0 "sluiced stops cleanly"
}
