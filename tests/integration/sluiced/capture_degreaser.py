#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	capture_degreaser.py - Degreaser's tarpit tests against one address
# SYNOPSIS
#	/usr/bin/python3 capture_degreaser.py ADDR PORT SPORT
# DESCRIPTION
#	The tests of Degreaser (Alt et al., 2014), with scapy: a SYN
#	offering MSS, SACK, timestamps and window scale; the SYN-ACK must
#	have a window above 20 and options beyond MSS (LaBrea and xtables
#	TARPIT fail here); the handshake is completed and no zero window
#	may follow it (TARPIT's tell); then the first min(window - 1, 1400)
#	of window - 1 bytes are sent and must be acknowledged in full
#	(LaBrea's tell is silence). The caller must keep its own kernel
#	from answering the SYN-ACK with a RST (an nft rule). Prints one
#	line per test, "ok NAME" or "not ok NAME: why", then "tarpit yes"
#	or "tarpit no".
import sys

from scapy.all import IP, IPv6, TCP, Raw, conf, send, sniff, sr1

conf.verb = 0
addr, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
L3 = IPv6 if ":" in addr else IP
fails = 0


def check(cond, name, why=""):
    global fails
    print(("ok %s" % name) if cond else ("not ok %s: %s" % (name, why)), flush=True)
    fails += 0 if cond else 1


opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)),
        ("NOP", None), ("WScale", 7)]
sa = sr1(L3(dst=addr) / TCP(sport=sport, dport=port, flags="S", seq=1000,
                            options=opts), timeout=3)
if sa is None or TCP not in sa or (sa[TCP].flags & 0x12) != 0x12:
    print("not ok synack: no SYN-ACK\ntarpit yes")
    sys.exit(0)
t = sa[TCP]
names = [o[0] for o in t.options]
ts = dict((o[0], o[1]) for o in t.options).get("Timestamp", (0, 0))
check(t.window > 20, "synack window %d above 20" % t.window, "window %d" % t.window)
check(any(n != "MSS" and n != "NOP" for n in names),
      "synack options beyond MSS (%s)" % ",".join(names), "only %s" % names)
tsopt = [("NOP", None), ("NOP", None), ("Timestamp", (12346, ts[0]))]
ack = L3(dst=addr) / TCP(sport=sport, dport=port, flags="A", seq=1001,
                         ack=t.seq + 1, options=tsopt)
flt = "tcp and src port %d and dst port %d" % (port, sport)
zero = sniff(filter=flt, timeout=1.0, started_callback=lambda: send(ack),
             lfilter=lambda p: TCP in p and p[TCP].window == 0)
check(len(zero) == 0, "no zero window after the handshake", "%d segments" % len(zero))
n = min(t.window - 1, 1400)
data = L3(dst=addr) / TCP(sport=sport, dport=port, flags="PA", seq=1001,
                          ack=t.seq + 1, options=tsopt) / Raw(b"D" * n)
r = sr1(data, timeout=3)
check(r is not None and TCP in r and r[TCP].ack == 1001 + n,
      "%d of window - 1 = %d bytes acknowledged" % (n, t.window - 1),
      "got %s" % (r[TCP].ack if r is not None and TCP in r else "nothing"))
print("tarpit %s" % ("yes" if fails else "no"))
