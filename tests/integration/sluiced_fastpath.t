#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_fastpath.t - the kernel fast path decides exactly as the throttle alone
#
# lan1 replays one schedule of TCP contacts, IPv4 and IPv6 side by
# side, placed on the release grid (working set 3, release 1 s): fills
# its set, touches it again (the kernel path), asks for new
# destinations that wait and evict the least recently used, where the
# kernel's own contacts decide which one that is, returns to evicted
# and aged-out destinations, and ends with a burst that locks it out
# and quarantines it, after which a destination of its working set
# must not pass. The schedule runs twice: with the zone's fast_path
# and with fast_path = no (every first packet through the queue).
# Each contact is classed as passed at once, passed late (held for a
# release) or failed; the two runs must class every contact alike,
# the schedule must hold each class, and the fast path's rule must
# have accepted packets in the first run (so an empty kernel set, i.e.
# the queue deciding everything, cannot pass) and none in the second.
# Last, a restart: the pairs come back only as the restored working
# set is used, and then agree with it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
need /usr/bin/python3

# the schedule: PERIOD:OFFSET:DESTINATION, destinations a..m per family
sched() {
	_a=$1 _b=$2 _c=$3 _d=$4 _e=$5
	shift 5
	echo "0:0.1:$_a 0:0.2:$_b 0:0.3:$_c 0:0.4:$_a 0:0.5:$_b 0:0.6:$_c" \
	     "0:0.7:$_d 0:0.8:$_a 1:0.3:$_b 1:0.4:$_a 2:0.3:$_c 3:0.3:$_d" \
	     "3:0.4:$_a 4:0.3:$_b 7:0.3:$_e 7:0.4:$_a 7:0.5:$_c 7:0.6:$_b"
	_o=10
	for _x in "$@"; do echo "9:0.$_o:$_x"; _o=$((_o + 5)); done
	echo "9:0.8:$_a 9:0.9:$_b"
}
p4=""; p6=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
	p4="$p4 10.77.30.$i"; p6="$p6 fd77:3::3$(printf %02d $i)"
done
plan="$(sched $p4) $(sched $p6)"

# run FAST - sluiced with fast_path FAST, the schedule from lan1; the
#	classes into $SD_RUN/classes.FAST, the rule's counters printed
run() {
	rm -rf "$SD_RUN/state"	# the other run's quarantine stays behind
	sd_lan_conf <<EOF2
mode = williamson
wset_size = 3
release_interval = 1s
high_watermark = 4
low_watermark = 2
fast_path = $1
EOF2
	sd_start || bail "sluiced did not start (fast_path = $1)"
	sd_classes "$1" $plan || bail "the contact schedule did not run"
	echo "$(sd_fast_count 4) $(sd_fast_count 6)"
	sd_stop || diag "sluiced (fast_path = $1) did not stop cleanly"
}

set -- $(run yes)
f4=$1 f6=$2
set -- $(run no)
n4=$1 n6=$2
paste "$SD_RUN/classes.yes" "$SD_RUN/classes.no" | sed 's/^/# /'
diff "$SD_RUN/classes.yes" "$SD_RUN/classes.no" >"$SD_RUN/diff"
ok $? "every contact is decided alike with and without the fast path" ||
	sed 's/^/#   /' "$SD_RUN/diff"
for c in at-once late failed; do
	cmp "$(grep -c " $c\$" "$SD_RUN/classes.no")" -ge 4 \
		"the schedule holds contacts that pass $c (IPv4 and IPv6)"
done
cmp "$f4" -ge 5 "IPv4: the fast path's rule accepted packets with fast_path = yes ($f4)"
cmp "$f6" -ge 5 "IPv6: the fast path's rule accepted packets with fast_path = yes ($f6)"
is "$n4 $n6" "0 0" "with fast_path = no the rule accepted nothing"

# A restart: the kernel's pairs agree with the restored working sets.
# lan2 fills its set with five servers; after the restart the set
# starts empty, the restored set lets each server through at once (by
# the queue), and then holds exactly those five, lan2's, and no others.
rm -rf "$SD_RUN/state"
sd_lan_conf <<EOF2
mode = williamson
wset_size = 5
release_interval = 1s
EOF2
five="10.77.30.21 10.77.30.22 10.77.30.23 10.77.30.24 10.77.30.25"
sd_start || bail "sluiced did not start (restart part)"
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 5 -i 0.05 $five >/dev/null ||
	bail "lan2 cannot reach its five servers"
sd_stop || diag "sluiced did not stop cleanly before the restart"
sd_start || bail "sluiced did not start again"
set4() { lab_x gw nft list set ip sluice fast4 | tr -d ' \t' | grep -o "$LAB_LAN2_4\.[0-9.]*" | sort; }
is "$(set4 | wc -l)" 0 "after the restart the kernel holds no pairs yet"
q0=$(sd_queue 0 seq)
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 5 -i 0.05 $five >"$SD_RUN/again.out"
set -- $(lab_latency "$SD_RUN/again.out" 0 500)
is "$3" 0 "the five pass at once, decided by the queue ($(( $(sd_queue 0 seq) - q0 )) queued), not by pairs left from before"
sleep 0.3
want=$(for a in $five; do echo "$LAB_LAN2_4.$a"; done | sort)
is "$(set4 | tr '\n' ' ')" "$(echo "$want" | tr '\n' ' ')" "then the kernel holds exactly lan2's five pairs"
sd_stop
done_testing
