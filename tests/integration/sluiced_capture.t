#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_capture.t - dark addresses answered as a honeypot: scans,
# samples, events, quarantine, odd packets (issue 12)
#
# Dark space 10.77.9.0/24 and fd77:9::/64, with no route in the gateway.
# lan1 (zone lan) scans the /24 with nmap -sS -Pn and lan2 (zone lan,
# whitelisted) with masscan: every probe must be answered (open), and
# for each source the honeypot events of stage syn plus their
# suppressed counts must equal the probes sent (events_per_second = 5
# suppresses most). lan1 is quarantined for it (action = quarantine),
# lan2 never (whitelist), and lan1's probes to dark space are still
# answered in quarantine. An IPv6 nmap scan of 40 addresses is
# answered too. A client sends 200,000 bytes starting with NULs: the
# first segment's payload (its first sample_bytes) is stored
# byte-exact under its SHA-256 (mode 0600), the event carries that
# hash, and exactly that first segment is acknowledged. A UDP flow's first datagram is kept, its second not.
# Conntrack in the gateway holds no dark flow. Then oddpkt.pl's and
# scapy's truncated, fragmented, oversized and malformed packets go to
# dark addresses: sluiced stays up and answers the next SYN.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need masscan conntrack sha256sum base64
sd_need_scapy
sd_lab
sd_base_conf <<EOF
[capture]
dark = 10.77.9.0/24, fd77:9::/64
sample_dir = @RUN@/samples
action = quarantine
quarantine_ttl = 5m
events_per_second = 5
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = off
EOF
sed -i "s|^\[core\]|[core]\nwhitelist = $LAB_LAN2_4|" "$SD_RUN/sluice.conf"
mkdir -m 0700 "$SD_RUN/samples"
EV=$SD_RUN/events.json
CLIENT=$SLUICE_TOP/tests/integration/sluiced/capture_client.py
ct0=$(sd_ct_flows)
sd_start || bail "sluiced did not start"

# syn_hits SRC PORT - honeypot events of stage syn from SRC to PORT plus
#	every suppressed count reported for SRC
syn_hits() {
	awk -v s="\"src_ip\":\"$1\"" -v p="\"dest_port\":$2," '
		index($0, "\"event_type\":\"honeypot\"") && index($0, s) {
			if (index($0, "\"stage\":\"syn\"") && index($0, p)) n++
			if (match($0, /"suppressed":[0-9]+/))
				n += substr($0, RSTART + 13, RLENGTH - 13)
		} END { print n + 0 }' "$EV"
}

# 1. nmap -sS across the dark /24 from lan1
lab_x lan1 nmap -sS -Pn -n -p 80 --max-retries 0 10.77.9.0/24 >"$SD_RUN/nmap4" 2>&1
is "$(grep -c '^80/tcp open' "$SD_RUN/nmap4")" 256 \
	"nmap -sS: all 256 dark addresses answer port 80 (open)"
sleep 2		# the suppressed counts of the last second are reported
is "$(syn_hits $LAB_LAN1_4 80)" 256 "lan1: syn events + suppressed = 256 probes"
cmp "$(grep -c '"stage":"syn"' "$EV")" -lt 50 "most of them suppressed (5 a second)"
sd_wait_quarantine $LAB_LAN1_4 4 5 1 >/dev/null
ok $? "lan1 (zone lan) is quarantined for it"
# by the countermeasures' ladder, once: the rest of its hits find it in force
cm=$(grep '"event_type":"countermeasure"' "$EV" | grep "\"src_ip\":\"$LAB_LAN1_4\"")
is "$(printf '%s\n' "$cm" | grep -c '"state":"started"')" 1 "one countermeasure started against lan1"
case $cm in
*'"action":"quarantine"'*'"signal":"honeypot"'*'"signals":"honeypot"'*'"score":100'*"\"target\":\"$LAB_LAN1_4/32\""*'"dry_run":false'*)
	ok 0 "it names action, signal, score and target" ;;
*)	ok 1 "it names action, signal, score and target"; diag "got: $cm" ;;
esac

# 2. masscan from lan2 (whitelisted)
# (masscan misses replies above about 100 packets a second in the lab,
# from the kernel's own listeners too: 191 of 256 at 500 a second)
lab_x lan2 masscan -p 8080 10.77.9.0/24 --rate 100 --wait 2 \
	--router-ip $LAB_GW_4 >"$SD_RUN/masscan" 2>"$SD_RUN/masscan.err"
is "$(grep -c 'open port 8080/tcp' "$SD_RUN/masscan")" 256 "masscan: all 256 answer port 8080" ||
	sed 's/^/#   /' "$SD_RUN/masscan.err" | tail -5
sleep 2
is "$(syn_hits $LAB_LAN2_4 8080)" 256 "lan2: syn events + suppressed = 256 probes"
sd_quarantined $LAB_LAN2_4 4
ok $((! $?)) "lan2 (whitelisted) is not quarantined"

# 3. lan1 in quarantine still meets the honeypot; IPv6 too
lab_x lan1 nmap -sS -Pn -n -p 22 --max-retries 0 10.77.9.1-20 >"$SD_RUN/nmapq" 2>&1
is "$(grep -c '^22/tcp open' "$SD_RUN/nmapq")" 20 \
	"quarantined lan1's probes to dark space are answered"
for i in $(seq 1 40); do printf 'fd77:9::%x\n' "$i"; done >"$SD_RUN/t6"
lab_x lan1 nmap -6 -sS -Pn -n -p 443 --max-retries 0 -iL "$SD_RUN/t6" >"$SD_RUN/nmap6" 2>&1
is "$(grep -c '^443/tcp open' "$SD_RUN/nmap6")" 40 "IPv6: nmap -6 -sS, all 40 answer"

# 4. a payload, stored byte-exact under its SHA-256
/usr/bin/python3 -c 'import sys, random; random.seed(12); sys.stdout.buffer.write(b"\0EXPLOIT\r\n" + bytes(random.getrandbits(8) for _ in range(199990)))' \
	>"$SD_RUN/payload"
out=$(lab_x lan2 /usr/bin/python3 "$CLIENT" send 10.77.9.7 445 "$SD_RUN/payload" 2>&1)
diag "client: $out"
sleep 1
ev=$(grep '"dest_ip":"10.77.9.7"' "$EV" | grep '"stage":"payload"' | head -n 1)
hash=$(echo "$ev" | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
len=$(echo "$ev" | sed -n 's/.*"length":\([0-9]*\).*/\1/p')
seen=$(echo "$ev" | sed -n 's/.*"seen":\([0-9]*\).*/\1/p')
# the client's first segment (a GSO one in the lab) may be shorter
# than sample_bytes; then all of it is kept and "seen" is left out
if [ -n "$seen" ]; then
	is "$len" 4096 "the payload event: sample_bytes kept of the $seen seen"
else
	cmp "${len:-0}" -gt 0 "the payload event: all $len bytes of the first segment kept"
	seen=${len:-0}
fi
head -c "${len:-0}" "$SD_RUN/payload" >"$SD_RUN/payload.first"
is "$hash" "$(sha256sum <"$SD_RUN/payload.first" | cut -d' ' -f1)" \
	"the event's sha256 is the first segment's"
command cmp -s "$SD_RUN/samples/$hash" "$SD_RUN/payload.first"
ok $? "the sample file is byte-exact"
is "$(stat -c %a "$SD_RUN/samples/$hash" 2>/dev/null)" 600 "the sample is mode 0600"
b64=$(echo "$ev" | sed -n 's/.*"payload":"\([^"]*\)".*/\1/p')
is "$(echo "$b64" | base64 -d 2>/dev/null | head -c 10 | od -An -tx1)" \
	"$(head -c 10 "$SD_RUN/payload" | od -An -tx1)" "the event quotes the payload (base64)"
is "$(echo "$out" | sed -n 's/^sent 200000 unacked \([0-9]*\)$/\1/p')" "$((200000 - seen))" \
	"the first segment ($seen bytes) is acknowledged, the rest is not"

# 5. UDP: the first datagram of a flow is kept
for i in 1 2; do
	lab_x lan2 /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("", 40053)); s.sendto(b"\x12\x34udp-probe", ("10.77.9.9", 53))'
done
sleep 1
is "$(grep '"dest_ip":"10.77.9.9"' "$EV" | grep -c '"stage":"datagram"')" 1 \
	"UDP: one event for the flow's first datagram"
[ -f "$SD_RUN/samples/$(printf '\022\064udp-probe' | sha256sum | cut -d' ' -f1)" ]
ok $? "its sample is stored"

# 6. conntrack holds no dark flow
is "$(lab_x gw conntrack -L 2>/dev/null | grep -c '10\.77\.9\.\|fd77:9::')" 0 \
	"no conntrack entry for a dark address"
is "$(sd_ct_flows)" "$ct0" "conntrack's TCP and UDP flows flat ($ct0 before)"

is "$(sd_ctl metrics | sed -n 's/^sluice_capture_samples_stored_total //p')" 2 \
	"metrics: two samples stored"

# 7. odd packets never crash it
lab_x lan2 perl "$SLUICE_TOP/tests/integration/sluiced/oddpkt.pl" \
	$LAB_LAN2_4 10.77.9.50 $LAB_LAN2_6 fd77:9::50 >"$SD_RUN/odd" 2>&1
cmp "$(grep -c ' sent$' "$SD_RUN/odd")" -ge 20 "oddpkt.pl sent its packets"
lab_x lan2 /usr/bin/python3 "$SLUICE_TOP/tests/integration/sluiced/capture_odd.py" \
	10.77.9.60 fd77:9::60 >"$SD_RUN/scapy" 2>&1
grep -q '^sent [0-9]*$' "$SD_RUN/scapy"
ok $? "scapy's malformed and fragmented packets sent" || sed 's/^/#   /' "$SD_RUN/scapy"
sleep 1
sd_alive
ok $? "sluiced is still running"
lab_x lan1 nmap -sS -Pn -n -p 25 --max-retries 1 10.77.9.61 >"$SD_RUN/after" 2>&1
grep -q '^25/tcp open' "$SD_RUN/after"
ok $? "and still answers a SYN"
m=$(sd_ctl metrics)
hits=$(echo "$m" | sed -n 's/^sluice_capture_hits_total{proto="tcp"} //p')
cmp "${hits:-0}" -ge $((256 + 256 + 20 + 40 + 1)) "metrics: TCP hits counted ($hits)"
sd_stop
ok $? "sluiced stops cleanly"
done_testing
