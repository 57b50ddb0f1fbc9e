#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# claim_nd.py - IPv6 neighbour discovery from a lab host, for
# sluiced_capture_claim6.t (the IPv6 twin of claim_arp.py)
#   ask IFACE TARGET SOURCE SECONDS: a solicitation from SOURCE every
#	0.5 s; prints "T MAC" for each advertisement for TARGET
#	(T: seconds since the first solicitation)
#   probe IFACE TARGET: one duplicate-address-detection solicitation
#	(from ::), then 1 s of listening; prints advertisements
#   announce IFACE ADDR: an unsolicited advertisement (override) for
#	ADDR to all nodes, as a host that took ADDR sends
import sys, time
from scapy.all import (Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA,
                       ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
                       AsyncSniffer, sendp, get_if_hwaddr, conf)
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import inet_pton, inet_ntop, AF_INET6

conf.verb = 0
op, iface, addr = sys.argv[1], sys.argv[2], sys.argv[3]
mac = get_if_hwaddr(iface)
group = inet_ntop(AF_INET6, in6_getnsma(inet_pton(AF_INET6, addr)))
gmac = in6_getnsmac(inet_pton(AF_INET6, addr))


def solicit(src):
    p = Ether(src=mac, dst=gmac) / IPv6(src=src, dst=group, hlim=255) / \
        ICMPv6ND_NS(tgt=addr)
    if src != "::":
        p = p / ICMPv6NDOptSrcLLAddr(lladdr=mac)
    return p


if op == "announce":
    sendp(Ether(src=mac, dst="33:33:00:00:00:01") /
          IPv6(src=addr, dst="ff02::1", hlim=255) /
          ICMPv6ND_NA(tgt=addr, R=0, S=0, O=1) /
          ICMPv6NDOptDstLLAddr(lladdr=mac), iface=iface)
    sys.exit(0)
s = AsyncSniffer(iface=iface, filter="icmp6 and ip6[40] = 136", store=True)
s.start()
time.sleep(0.3)
t0 = time.time()
if op == "ask":
    while time.time() - t0 < float(sys.argv[5]):
        sendp(solicit(sys.argv[4]), iface=iface)
        time.sleep(0.5)
else:
    sendp(solicit("::"), iface=iface)
time.sleep(1)
for p in s.stop():
    if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == addr and p[Ether].src != mac:
        print("%.2f %s" % (p.time - t0, p[Ether].src))
