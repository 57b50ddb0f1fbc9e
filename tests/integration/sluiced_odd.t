#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_odd.t - truncated and odd packets get a verdict and never crash sluiced
#
# lan2 sends hand-made packets (tests/integration/sluiced/oddpkt.pl:
# impossible TCP flags, a lone ACK, IP options, odd TCP options, cut
# headers, port 0, fragments, IPv6 extension headers reaching past
# what sluiced copies, other protocols) 20 times over, and hping3's
# odd ones (SYN+FIN, ECN bits, record route, fragments, raw GRE,
# ICMP). What the kernel's conntrack takes for a new TCP or UDP flow
# reaches the queue (17 hand-made packets in the first round, 15 in
# later ones, where the port-0 UDP flows repeat: checked with the
# queue's own counter); the rest never gets there. Then sluiced must
# still be running, no packet may be left waiting for a
# verdict, and it must still answer sluicectl and pass normal traffic.
# Last, lan1 scans with SYNs padded past the copy range: throttled.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
# (fast_path = no: the odd packets go to the same few destinations, which
# the kernel's working-set mirror would accept without asking sluiced;
# the point here is that sluiced's parser meets every one of them)
sd_lan_conf <<'EOF2'
mode = williamson
fast_path = no
EOF2
sd_start || bail "sluiced did not start"
s0=$(sd_queue 0 seq)

rounds=20 i=0 sent=0 errors=0
while [ $i -lt $rounds ]; do
	lab_x lan2 perl "$SLUICE_TOP/tests/integration/sluiced/oddpkt.pl" \
		$LAB_LAN2_4 10.77.16.200 $LAB_LAN2_6 fd77:3::200 $((20000 + i * 100)) \
		>"$SD_RUN/odd.out" 2>&1
	sent=$((sent + $(grep -c ' sent$' "$SD_RUN/odd.out")))
	errors=$((errors + $(grep -vc ' sent$' "$SD_RUN/odd.out")))
	i=$((i + 1))
done
is "$errors" 0 "every hand-made packet was sent ($sent)"
[ "$errors" = 0 ] || sed 's/^/# /' "$SD_RUN/odd.out"

for args in "-S -F -p 81" "-S -X -Y -p 82" "-A -p 83" "-G -S -p 84" "-2 -f -d 600 -p 85" \
	    "-F -P -U -p 86" "-0 -H 47" "-0 -H 132" "-1" "-2 -d 0 -p 0" "-S -p 0 -s 0 -k"; do
	lab_x lan2 hping3 -n -q -c 3 -i u20000 $args 10.77.16.201 >/dev/null 2>&1
	# hping3 exits 1 when nothing answered: that is fine here, 2+ is not
	[ $? -le 1 ]; ok $? "hping3 $args ran"
done
sleep 1.5
s1=$(sd_queue 0 seq)
diag "first packets queued during the test: $((s1 - s0))"
cmp "$((s1 - s0))" -ge $((15 * rounds)) "the odd new flows reached sluiced's queue"
sd_alive; ok $? "sluiced is still running"
is "$(sd_queue 0 total)" 0 "no packet is left waiting for a verdict"
sd_ctl status >"$SD_RUN/status" 2>&1; ok $? "sluicectl status answers"
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 2 -t 3 10.77.16.200 fd77:3::200 >/dev/null
ok $? "lan2 still gets through"
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 2 -t 3 10.77.16.1 fd77:3::1 >/dev/null
ok $? "lan1 still gets through"
if grep -qi 'assert\|sanitizer\|abort\|segmentation' "$SD_RUN/sluiced.log"
then ok 1 "nothing alarming in sluiced's log"; sd_log
else ok 0 "nothing alarming in sluiced's log"; fi
# A scan that pads its SYNs with 1.2 KB of IPv6 destination options, so
# that the TCP header lies past what sluiced copies, is throttled like
# any other: it must not pass unread.
lab_count_reset srv
sent=$(lab_x lan1 perl "$SLUICE_TOP/tests/integration/sluiced/oddpkt.pl" -s 200 100 \
	"$LAB_LAN1_6" fd77:3::a:)
is "$sent" 200 "lan1 sent 200 padded IPv6 SYNs to new destinations in 2 s"
sleep 1
esc=$(lab_first srv lan1 tcp 6)
cmp "$esc" -ge 1 "some reached srv, where they are counted (the working set's)"
cmp "$esc" -le $((5 + 3 + 2)) "at most the working set and the releases: $esc of 200 escaped"
sd_stop; is "$?" 0 "sluiced stops cleanly"
done_testing
