#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# claim_arp.py - ARP from a lab host, for sluiced_capture_claim.t
#   ask IFACE TARGET SECONDS: a request every 0.5 s; prints "T MAC" for
#	each reply (T: seconds since the first request)
#   probe IFACE TARGET: one ARP probe (sender 0.0.0.0, as duplicate-
#	address detection sends), then 1 s of listening; prints replies
#   announce IFACE ADDR: a probe then a gratuitous request for ADDR, as
#	a host taking ADDR does (arping -D, then arping -U)
import sys, time
from scapy.all import ARP, Ether, AsyncSniffer, sendp, get_if_hwaddr, conf

conf.verb = 0
op, iface, addr = sys.argv[1], sys.argv[2], sys.argv[3]
mac = get_if_hwaddr(iface)
bcast = "ff:ff:ff:ff:ff:ff"


def request(psrc):
    return Ether(src=mac, dst=bcast) / ARP(op=1, hwsrc=mac, psrc=psrc,
                                           pdst=addr)


def listen():
    s = AsyncSniffer(iface=iface, filter="arp and arp[6:2] = 2",
                     store=True)
    s.start()
    time.sleep(0.3)
    return s


if op == "announce":
    sendp(request("0.0.0.0"), iface=iface)
    time.sleep(0.2)
    sendp(request(addr), iface=iface)
    sys.exit(0)
from scapy.all import get_if_addr
s = listen()
t0 = time.time()
if op == "ask":
    while time.time() - t0 < float(sys.argv[4]):
        sendp(request(get_if_addr(iface)), iface=iface)
        time.sleep(0.5)
else:
    sendp(request("0.0.0.0"), iface=iface)
time.sleep(1)
for p in s.stop():
    if p[ARP].psrc == addr:
        print("%.2f %s" % (p.time - t0, p[ARP].hwsrc))
