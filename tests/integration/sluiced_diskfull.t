#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_diskfull.t - a full disk under the event file, the samples and
# the snapshots (issue 20, faults): said once, counted, enforcement
# unchanged, nothing half-written, and back to normal once there is room
#
# events, state_dir and sample_dir live on a 512 KB tmpfs of the test's
# own. lan1 hits three dark addresses with payloads while there is room
# (three samples, events, lan1 quarantined, the quarantine file saved).
# Then the tmpfs is filled, and lan2 hits five more: lan2 is still
# quarantined in the kernel and cut off from srv, sluiced stays up, the
# event file's loss is logged once and counted in the metrics, every
# line of the event file is whole JSON, no sample is stored in part (each
# file is its own SHA-256, no temporary file is left), the failed
# samples are counted, the quarantine file's save failure is logged once
# and the file on disk is the old one, whole. With room again a new hit
# writes its event and its sample, and a clean stop saves the state.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need sha256sum mount umount dd
sd_lab
FULL=$SD_RUN/full
mkdir "$FULL" && mount -t tmpfs -o size=512k,mode=0700 sluice-diskfull "$FULL" ||
	bail "cannot mount a tmpfs on $FULL"
at_exit "umount -l '$FULL'"
mkdir -m 0700 "$FULL/samples"
sd_base_conf <<EOF
[capture]
dark = 10.77.9.0/24
sample_dir = @RUN@/full/samples
action = quarantine
quarantine_ttl = 5m
events_per_second = 1000
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
EOF
sed -i "s|@*$SD_RUN/events.json|$FULL/events.json|; s|^state_dir = .*|state_dir = $FULL/state|" "$SD_RUN/sluice.conf"
EV=$FULL/events.json
sd_start || bail "sluiced did not start"

# hit SRC FIRST N - SRC sends a distinct 600-byte payload to each of N
#	dark addresses from 10.77.9.FIRST on, port 445
hit() {
	lab_x "$1" /usr/bin/python3 - "$2" "$3" "$1" <<'PY'
import socket, sys
first, n, who = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(first, first + n):
    s = socket.create_connection(("10.77.9.%d" % i, 445), timeout=3)
    s.sendall(("%s payload %d " % (who, i)).encode() * 30)
    s.settimeout(0.5)
    try:
        s.recv(1)
    except OSError:
        pass
    s.close()
PY
}
metric() { sd_ctl metrics | awk -v m="$1" '$1 == m { print $2 }'; }
# whole_json FILE - 0 when every line of FILE is a whole JSON object
whole_json() {
	/usr/bin/python3 -c 'import json, sys
for l in open(sys.argv[1], "rb"):
    json.loads(l)
    assert l.endswith(b"\n")' "$1"
}
# samples_ok - every sample file is named by its own SHA-256; no other file
samples_ok() {
	for f in "$FULL/samples"/*; do
		[ -e "$f" ] || continue
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || return 1
	done
	return 0
}
nsamples() { ls "$FULL/samples" | wc -l; }

# 1. room: three hits from lan1
hit lan1 10 3
sd_wait_quarantine $LAB_LAN1_4 4 5 1 >/dev/null
ok $? "lan1 is quarantined for its hits"
sleep 0.5
is "$(nsamples)" 3 "three samples stored"
is "$(grep -c '"event_type":"honeypot"' "$EV")" 6 "six honeypot events (syn and payload of each)"
quar0=$(cat "$FULL/state/sluiced.quarantine" 2>/dev/null)
printf '%s' "$quar0" | grep -q "$LAB_LAN1_4"; ok $? "the quarantine file holds lan1"

# 2. the disk fills
dd if=/dev/zero of="$FULL/filler" bs=4k >/dev/null 2>&1
lines0=$(wc -l <"$EV")
hit lan2 20 5
sd_wait_quarantine $LAB_LAN2_4 4 5 1 >/dev/null
ok $? "with the disk full lan2 is still quarantined in the kernel"
lab_x lan2 nmap -sS -Pn -n -p 80 --max-retries 1 --host-timeout 3s $LAB_SRV_4 2>&1 | grep -q '^80/tcp open'
is $? 1 "... and cannot reach srv"
sd_alive; ok $? "sluiced is still running"
is "$(grep -c 'event file: No space left on device' "$SD_RUN/sluiced.log")" 1 \
	"the event file's loss is logged once"
lost=$(metric sluice_events_lost_total)
cmp "$lost" -ge 1 "lost events counted (sluice_events_lost_total: $lost)"
# (the file's last page may still take a few lines after the filler)
cmp $(( $(wc -l <"$EV") - lines0 + lost )) -ge 10 \
	"every event of the ten hits' is either written or counted lost"
whole_json "$EV"; ok $? "every line of the event file is whole JSON"
is "$(nsamples)" 3 "no new sample stored"
samples_ok; ok $? "each sample file is its own SHA-256 (none stored in part)"
is "$(find "$FULL" -name '*.tmp*' | wc -l)" 0 "no temporary file left behind"
cmp "$(metric sluice_capture_samples_failed_total)" -ge 5 "the failed samples are counted"
is "$(grep -c 'cannot save the quarantines' "$SD_RUN/sluiced.log")" 1 \
	"the quarantine file's save failure is logged once"
is "$(cat "$FULL/state/sluiced.quarantine" 2>/dev/null)" "$quar0" "the quarantine file on disk is the old one, whole"

# 3. room again
rm -f "$FULL/filler"
hit lan1 40 1
sleep 0.5
cmp "$(wc -l <"$EV")" -gt "$lines0" "with room again the new hit's events are written"
whole_json "$EV"; ok $? "... as whole lines"
is "$(nsamples)" 4 "and its sample is stored"
samples_ok; ok $? "... whole"
sd_stop; is $? 0 "a clean stop"
grep -q "$LAB_LAN2_4" "$FULL/state/sluiced.quarantine"; ok $? "the quarantine file saved at stop holds lan2 too"
done_testing
