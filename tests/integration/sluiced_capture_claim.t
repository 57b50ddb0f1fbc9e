#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_capture_claim.t - on-link addresses nobody answers for are
# claimed by ARP and answered by the capture path (issue 12)
#
# [capture] claim = br0 10.77.1.0/24, claim_after = 3s, on the gateway
# whose br0 bridges lan1 (.11) and lan2 (.12, .13). lan1 asks (ARP) for
# the unused .50 every half second: no answer before claim_after, then
# the gateway's MAC; .50 lands in the kernel's claimed4 set and lan1's
# SYN to it is answered (open). lan2's own address is never answered
# by the gateway. An ARP probe (sender 0.0.0.0) is never answered and
# lets its address go. A LAN host scanning its own /24 (nmap -sn,
# twice, claim_after apart) finds every address up. Then lan2 takes a
# claimed address (ip addr add, then the probe and gratuitous ARP a
# host taking an address sends): sluiced lets it go at once and lan1
# reaches lan2 at it within claim_after: a SYN to a closed port is
# answered by lan2's kernel (closed), not by the capture path (open).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need nmap
sd_need_scapy
sd_lab
sd_base_conf <<EOF
[capture]
claim = br0 10.77.1.0/24
claim_after = 3s
action = log
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = off
EOF
ARP=$SLUICE_TOP/tests/integration/sluiced/claim_arp.py
GWMAC=$(lab_x gw cat /sys/class/net/br0/address)
L2MAC=$(lab_x lan2 cat /sys/class/net/eth0/address)
sd_start || bail "sluiced did not start"

# in_claimed ADDR - is ADDR in the gateway's claimed4 set
in_claimed() { lab_x gw nft list set ip sluice claimed4 2>/dev/null | grep -qw "$1"; }
# port80 ADDR - nmap's word for lan1's SYN to ADDR port 80
port80() {
	lab_x lan1 nmap -sS -Pn -n -p 80 --max-retries 0 --host-timeout 2s "$1" 2>&1 |
		awk '$1 == "80/tcp" { print $2 }'
}

# 1. an unused address: silent for claim_after, then ours
lab_x lan1 /usr/bin/python3 "$ARP" ask eth0 10.77.1.50 5 >"$SD_RUN/ask50"
first=$(awk -v m="$GWMAC" '$2 == m { print $1; exit }' "$SD_RUN/ask50")
ok $([ -n "$first" ]; echo $?) "the unused 10.77.1.50 is answered with the gateway's MAC (got '$first' s)"
cmp "$(awk -v t="$first" 'BEGIN { print (t >= 2.9) }')" -eq 1 "... but not before claim_after (3 s after the first request; got $first s)"
in_claimed 10.77.1.50; ok $? "10.77.1.50 is in the kernel's claimed4 set"
is "$(port80 10.77.1.50)" open "lan1's SYN to the claimed address is answered (open)"

# 2. an address that answers for itself is never claimed
lab_x lan1 /usr/bin/python3 "$ARP" ask eth0 $LAB_LAN2_4 5 >"$SD_RUN/ask12"
is "$(awk -v m="$GWMAC" '$2 == m' "$SD_RUN/ask12" | wc -l)" 0 "lan2's own address: no answer from the gateway"
cmp "$(awk -v m="$L2MAC" '$2 == m' "$SD_RUN/ask12" | wc -l)" -ge 8 "... lan2 answers every request itself"

# 3. a probe (duplicate-address detection) is never answered, and lets go
lab_x lan1 /usr/bin/python3 "$ARP" probe eth0 10.77.1.50 >"$SD_RUN/probe50"
is "$(wc -l <"$SD_RUN/probe50")" 0 "an ARP probe for a claimed address gets no answer"
in_claimed 10.77.1.50; is $? 1 "... and the probed address is let go (out of claimed4)"

# 4. lan1 scans its own /24
lab_x lan1 nmap -sn -n 10.77.1.0/24 >"$SD_RUN/sn1" 2>&1
sleep 3
lab_x lan1 nmap -sn -n 10.77.1.0/24 >"$SD_RUN/sn2" 2>&1
is "$(grep -c 'Host is up' "$SD_RUN/sn2")" 254 "nmap -sn of lan1's /24 a claim_after after a first: every address but network and broadcast is up"
in_claimed 10.77.1.60; ok $? "10.77.1.60 is claimed"
is "$(port80 10.77.1.60)" open "lan1's SYN to it is answered by the capture path (open)"

# 5. lan2 takes the claimed 10.77.1.60
lab_x lan2 ip addr add 10.77.1.60/24 dev eth0
lab_x lan2 /usr/bin/python3 "$ARP" announce eth0 10.77.1.60
# since - seconds since t0
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'; }
t0=$(date +%s.%N) reached=
while [ "$(since | awk '{ print ($1 < 3) }')" = 1 ]; do
	if [ "$(port80 10.77.1.60)" = closed ]; then
		reached=$(since); break
	fi
done
ok $([ -n "$reached" ]; echo $?) "lan1 reaches lan2 at 10.77.1.60 within claim_after: lan2's kernel answers (closed; got ${reached:-never} s)"
in_claimed 10.77.1.60; is $? 1 "10.77.1.60 is out of claimed4"
lab_x lan1 ip neigh show 10.77.1.60 | grep -q "$L2MAC"; ok $? "lan1's neighbour entry for it holds lan2's MAC"
lab_x lan1 /usr/bin/python3 "$ARP" ask eth0 10.77.1.60 4 >"$SD_RUN/ask60"
is "$(awk -v m="$GWMAC" '$2 == m' "$SD_RUN/ask60" | wc -l)" 0 "the gateway never answers for it again"
grep -q "capture: let go 10.77.1.60" "$SD_RUN/sluiced.log"; ok $? "the log says it was let go"

sd_alive; ok $? "sluiced is still running"
done_testing
