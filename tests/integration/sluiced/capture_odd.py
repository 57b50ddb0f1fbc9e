#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	capture_odd.py - malformed packets to dark addresses, with scapy
# SYNOPSIS
#	/usr/bin/python3 capture_odd.py DARK4 DARK6
# DESCRIPTION
#	What oddpkt.pl does not send: a SYN with 40 bytes of repeated MSS
#	options, an IP header length past the packet, a TCP data offset
#	past it, a SYN-ACK and a lone ACK with data to a connection never
#	opened, a UDP length below its header, a datagram of 1,472 bytes
#	(past sample_bytes and the copy range), an IPv6 SYN with a window
#	scale of 200, and a SYN with 3,000 bytes of data in IPv4
#	fragments. Prints "sent N". For the lab only.
import sys

from scapy.all import IP, IPv6, TCP, UDP, Raw, conf, fragment, send

conf.verb = 0
d4, d6 = sys.argv[1], sys.argv[2]
pkts = [
    IP(dst=d4) / TCP(dport=80, flags="S", options=[("MSS", 1460)] * 10),
    IP(dst=d4, ihl=15) / TCP(dport=80, flags="S"),
    IP(dst=d4) / TCP(dport=80, flags="S", dataofs=15),
    IP(dst=d4) / TCP(dport=80, flags="SA", ack=1),
    IP(dst=d4) / TCP(dport=80, flags="A", ack=12345) / Raw(b"x" * 1400),
    IP(dst=d4) / UDP(dport=53, len=4) / Raw(b"abcd"),
    IP(dst=d4) / UDP(dport=53) / Raw(b"u" * 1472),
    IPv6(dst=d6) / TCP(dport=80, flags="S",
                       options=[("WScale", 200), ("SAckOK", b""), ("Timestamp", (1, 2))]),
]
pkts += fragment(IP(dst=d4) / TCP(dport=80, flags="S") / Raw(b"F" * 3000), fragsize=512)
for p in pkts:
    send(p)
print("sent", len(pkts))
