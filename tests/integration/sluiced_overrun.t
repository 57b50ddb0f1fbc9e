#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_overrun.t - a queue overrun (issue 20, "Faults") is counted,
# logged, and leaves no packet stuck
#
# The queue socket gets the smallest buffer (socket_buffer = 64k) and
# every first packet is queued (fast_path = no), all to one destination
# that lan1's working set holds, so each is accepted at once. Control:
# 60 SYNs at 50 a second: the ids move by 60 and
# sluice_queue_overrun_total stays 0. Then sluiced is stopped
# (SIGSTOP) while hping3 sends a burst of 3,000 SYNs: the socket
# fills, the fail-open kernel accepts the rest after numbering them,
# and on SIGCONT sluiced finds the ids missing (with the queue's next
# packet, which the test sends): the per-queue counter
# moves (by about what the kernel numbered and we never read), status
# says so, the log has one notice, sluiced keeps answering, and every
# packet it did read gets its verdict (nothing waits in the kernel's
# queue). Last, queue_maxlen = 64 instead: the packets the kernel
# refuses for a full queue are never numbered, so they leave no gap
# and the counter does not see them (written down in sluiced(8)).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"
LAB_ID=slqover$$

sd_lab
dst=10.77.30.1

conf() {
	sd_base_conf <<EOF2
socket_buffer = 64k
queue_maxlen = $1
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = williamson
wset_size = 5
fast_path = no
EOF2
}

# overruns - sluice_queue_overrun_total of queue 0
overruns() {
	sd_ctl metrics 2>/dev/null |
		awk '$1 == "sluice_queue_overrun_total{queue=\"0\"}" { print $2 }'
}

# read_ids - sluice_queue_packets_total of queue 0
read_ids() {
	sd_ctl metrics 2>/dev/null |
		awk '$1 == "sluice_queue_packets_total{queue=\"0\"}" { print $2 }'
}

# settle - poll up to 30 s until the kernel's queue 0 holds nothing
settle() {
	_i=0
	while [ "$(sd_queue 0 total)" != 0 ] && [ $_i -lt 300 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	[ "$(sd_queue 0 total)" = 0 ]
}

# burst N - hping3 sends N SYNs from lan1 to $dst while sluiced is
#	stopped, then one more once it runs again: ids missing at the end
#	of a burst show only when the queue's next packet comes
burst() {
	kill -STOP "$SD_PID"
	lab_x lan1 hping3 -q -S -p 80 -c "$1" -i u50 "$dst" >/dev/null 2>&1
	kill -CONT "$SD_PID"
	settle
	lab_x lan1 hping3 -q -S -p 80 -c 1 "$dst" >/dev/null 2>&1
}

conf 65536
sd_start || bail "sluiced did not start"
lab_x lan1 hping3 -q -S -p 80 -c 1 "$dst" >/dev/null 2>&1	# into the set
settle || diag "the first SYN still waits"
s0=$(sd_queue 0 seq)
lab_x lan1 hping3 -q -S -p 80 -c 60 -i u20000 "$dst" >/dev/null 2>&1
settle
ok $? "control: after 60 slow SYNs nothing waits in the kernel's queue"
cmp "$(( $(sd_queue 0 seq) - s0 ))" -ge 60 "control: the 60 SYNs were queued ($(( $(sd_queue 0 seq) - s0 )) ids)"
is "$(overruns)" 0 "control: a slow sequence counts no overrun"

burst 3000
seq=$(sd_queue 0 seq)
settle
ok $? "after the burst nothing waits in the kernel's queue (every id read got a verdict)"
sd_alive && sd_ctl status >"$SD_RUN/status"
ok $? "sluiced is alive and answers status after the burst" || sd_log
got=$(read_ids) over=$(overruns)
diag "queue 0: $seq ids numbered, $got read, $over overruns"
cmp "${over:-0}" -ge 500 "the burst's lost packets are counted as overruns ($over)"
is "$(( ${got:-0} + ${over:-0} ))" "$seq" "read + overruns = every id the kernel numbered"
grep -q "^queue 0 (fail-open): .* $over overruns" "$SD_RUN/status"
r=$?; ok $r "sluicectl status shows queue 0's overruns"
[ $r = 0 ] || sed 's/^/#   /' "$SD_RUN/status"
_i=0
until grep -q 'queue overrun:' "$SD_RUN/sluiced.log" || [ $_i -ge 50 ]; do
	sleep 0.1; _i=$((_i + 1))
done
is "$(grep -c 'queue overrun:' "$SD_RUN/sluiced.log")" 1 "the log says so once"
burst 3000
settle
is "$(grep -c 'queue overrun:' "$SD_RUN/sluiced.log")" 1 "a second burst within the minute adds no line (rate-limited)"
cmp "$(overruns)" -gt "$over" "... but the counter moves again ($(overruns))"
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 1 -i 0.05 "$dst" >"$SD_RUN/after.out"
set -- $(lab_latency "$SD_RUN/after.out" 0 500)
is "$1 $2 $3" "1 0 0" "a new connection after the bursts passes at once (none failed, none slow)"
sd_stop
ok $? "sluiced stops cleanly"

conf 64
sd_start || bail "sluiced did not start with queue_maxlen = 64"
lab_x lan1 hping3 -q -S -p 80 -c 1 "$dst" >/dev/null 2>&1
settle
burst 3000
settle
seq=$(sd_queue 0 seq) got=$(read_ids)
diag "queue_maxlen 64: $seq ids numbered, $got read, $(overruns) overruns"
cmp "$seq" -lt 2000 "queue_maxlen 64: the kernel numbered only what fit ($seq of 3,002)"
is "$(( ${got:-0} + $(overruns) ))" "$seq" "... and every id it numbered is read or counted"
sd_stop
done_testing
