#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_capture_claim6.t - on-link IPv6 addresses nobody answers for
# are claimed by neighbour discovery and answered by the capture path
# (issue 12; the IPv6 twin of sluiced_capture_claim.t)
#
# [capture] claim = br0 fd77:1::/64, claim_after = 3s, on the gateway
# whose br0 bridges lan1 (::11) and lan2 (::12, ::13). lan1 solicits
# the unused fd77:1::50 every half second: no advertisement before
# claim_after, then one with the gateway's MAC; ::50 lands in the
# kernel's claimed6 set and lan1's SYN to it is answered (open). lan2's
# own address is never answered for by the gateway. A duplicate-address
# detection solicitation (from ::) is never answered and lets its
# address go. Then lan2 takes a claimed address with the kernel's own
# duplicate-address detection, which must succeed (sluiced stays
# silent), and announces it: sluiced lets it go at once and lan1
# reaches lan2 at it within claim_after (a SYN to a closed port is
# answered by lan2's kernel, closed, not by the capture path, open).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need nmap
sd_need_scapy
sd_lab
sd_base_conf <<EOF
[capture]
claim = br0 fd77:1::/64
claim_after = 3s
action = log
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = off
EOF
ND=$SLUICE_TOP/tests/integration/sluiced/claim_nd.py
GWMAC=$(lab_x gw cat /sys/class/net/br0/address)
L2MAC=$(lab_x lan2 cat /sys/class/net/eth0/address)
sd_start || bail "sluiced did not start"

# in_claimed ADDR - is ADDR in the gateway's claimed6 set
in_claimed() { lab_x gw nft list set ip6 sluice claimed6 2>/dev/null | grep -qw "$1"; }
# port80 ADDR - nmap's word for lan1's SYN to ADDR port 80
port80() {
	lab_x lan1 nmap -6 -sS -Pn -n -p 80 --max-retries 0 --host-timeout 2s "$1" 2>&1 |
		awk '$1 == "80/tcp" { print $2 }'
}

# 1. an unused address: silent for claim_after, then ours
lab_x lan1 /usr/bin/python3 "$ND" ask eth0 fd77:1::50 "$LAB_LAN1_6" 5 >"$SD_RUN/ask50"
first=$(awk -v m="$GWMAC" '$2 == m { print $1; exit }' "$SD_RUN/ask50")
ok $([ -n "$first" ]; echo $?) "the unused fd77:1::50 is advertised with the gateway's MAC (got '$first' s)"
cmp "$(awk -v t="$first" 'BEGIN { print (t >= 2.9) }')" -eq 1 "... but not before claim_after (3 s after the first solicitation; got $first s)"
in_claimed fd77:1::50; ok $? "fd77:1::50 is in the kernel's claimed6 set"
is "$(port80 fd77:1::50)" open "lan1's SYN to the claimed address is answered (open)"
grep -q "capture: claimed fd77:1::50" "$SD_RUN/sluiced.log"; ok $? "the log says it was claimed"

# 2. an address that answers for itself is never claimed
lab_x lan1 /usr/bin/python3 "$ND" ask eth0 "$LAB_LAN2_6" "$LAB_LAN1_6" 5 >"$SD_RUN/ask12"
is "$(awk -v m="$GWMAC" '$2 == m' "$SD_RUN/ask12" | wc -l)" 0 "lan2's own address: no advertisement from the gateway"
cmp "$(awk -v m="$L2MAC" '$2 == m' "$SD_RUN/ask12" | wc -l)" -ge 8 "... lan2 answers every solicitation itself"

# 3. duplicate-address detection is never answered, and lets go
lab_x lan1 /usr/bin/python3 "$ND" probe eth0 fd77:1::50 >"$SD_RUN/probe50"
is "$(wc -l <"$SD_RUN/probe50")" 0 "a DAD solicitation for a claimed address gets no answer"
in_claimed fd77:1::50; is $? 1 "... and the probed address is let go (out of claimed6)"

# 4. lan2 takes a claimed address
lab_x lan1 /usr/bin/python3 "$ND" ask eth0 fd77:1::60 "$LAB_LAN1_6" 4.5 >"$SD_RUN/ask60"
in_claimed fd77:1::60; ok $? "fd77:1::60 is claimed"
is "$(port80 fd77:1::60)" open "lan1's SYN to it is answered by the capture path (open)"
# (the lab turns duplicate-address detection off; lan2 turns it on)
lab_x lan2 sysctl -qw net.ipv6.conf.eth0.accept_dad=1
lab_x lan2 ip -6 addr add fd77:1::60/64 dev eth0
sleep 0.2
i=0
while lab_x lan2 ip -6 addr show dev eth0 | grep 'fd77:1::60' | grep -q tentative && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
lab_x lan2 ip -6 addr show dev eth0 | grep 'fd77:1::60' >"$SD_RUN/addr60"
grep -q . "$SD_RUN/addr60" && ! grep -q 'dadfailed\|tentative' "$SD_RUN/addr60"
ok $? "lan2's duplicate-address detection for it succeeds (sluiced stayed silent)"
in_claimed fd77:1::60; is $? 1 "the detection alone let it go (out of claimed6)"
lab_x lan2 /usr/bin/python3 "$ND" announce eth0 fd77:1::60
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'; }
t0=$(date +%s.%N) reached=
while [ "$(since | awk '{ print ($1 < 3) }')" = 1 ]; do
	if [ "$(port80 fd77:1::60)" = closed ]; then
		reached=$(since); break
	fi
done
ok $([ -n "$reached" ]; echo $?) "lan1 reaches lan2 at fd77:1::60 within claim_after: lan2's kernel answers (closed; got ${reached:-never} s)"
lab_x lan1 ip -6 neigh show fd77:1::60 | grep -q "$L2MAC"; ok $? "lan1's neighbour entry for it holds lan2's MAC"
lab_x lan1 /usr/bin/python3 "$ND" ask eth0 fd77:1::60 "$LAB_LAN1_6" 4 >"$SD_RUN/ask60b"
is "$(awk -v m="$GWMAC" '$2 == m' "$SD_RUN/ask60b" | wc -l)" 0 "the gateway never answers for it again"
grep -q "capture: let go fd77:1::60" "$SD_RUN/sluiced.log"; ok $? "the log says it was let go"

sd_alive; ok $? "sluiced is still running"
done_testing
