#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# mktraces.py - write the replay test traces in every input format
#
# One scenario, four files (conntrack.log, conn.log, conn.json,
# trace.pcap); tests/integration/sim_replay.t holds the hand-worked
# expectation. Run from this directory; the outputs are committed.
#   browser 10.1.0.10: 60 connections, t=0..59 s, to 4 servers, all answered
#   burst   10.1.0.20: 8 new destinations at t=50.000..50.007, answered
#   scanner 10.1.0.66: 10.9.0.1..40 port 445 from t=100.00, every 10 ms,
#           no answer
#   relay   10.2.0.25: 30 mail servers port 25, t=0..29, answered
import struct

BASE = 1796190000
flows = []   # (t, src, dst, sport, dport, answered)
for i in range(60):
    flows.append((i * 1.0 + 0.25, "10.1.0.10", "10.8.0.%d" % (1 + i % 4),
                  30000 + i, 443, True))
for i in range(8):
    flows.append((50.0 + i * 0.001, "10.1.0.20", "10.7.0.%d" % (1 + i),
                  31000 + i, 80, True))
for i in range(40):
    flows.append((100.0 + i * 0.01, "10.1.0.66", "10.9.0.%d" % (1 + i),
                  32000 + i, 445, False))
for i in range(30):
    flows.append((i * 1.0 + 0.5, "10.2.0.25", "10.6.%d.25" % i,
                  33000 + i, 25, True))
flows.sort()
RTT = 0.002

def ts(t):
    return "%.6f" % (BASE + t)

# conntrack -E -o timestamp: NEW, then UPDATE SYN_RECV or DESTROY
ev = []
for (t, s, d, sp, dp, ok) in flows:
    tup = "src=%s dst=%s sport=%d dport=%d" % (s, d, sp, dp)
    rev = "src=%s dst=%s sport=%d dport=%d" % (d, s, dp, sp)
    ev.append((t, "    [NEW] tcp      6 120 SYN_SENT %s [UNREPLIED] %s" % (tup, rev)))
    if ok:
        ev.append((t + RTT, " [UPDATE] tcp      6 60 SYN_RECV %s %s" % (tup, rev)))
        ev.append((t + RTT + 0.0001, " [UPDATE] tcp      6 432000 ESTABLISHED %s %s [ASSURED]" % (tup, rev)))
    else:
        ev.append((t + 120, "[DESTROY] tcp      6 SYN_SENT %s [UNREPLIED] %s" % (tup, rev)))
ev.sort(key=lambda e: e[0])
with open("conntrack.log", "w") as f:
    for (t, line) in ev:
        f.write("[%s]\t%s\n" % (ts(t), line))

# Zeek conn.log: one line per connection, written when it ends (so in
# order of end time, not of ts), conn_state SF or S0
F = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p",
     "proto", "service", "duration", "orig_bytes", "resp_bytes",
     "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
     "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
     "tunnel_parents"]
ended = sorted(flows, key=lambda x: x[0] + (0.5 if x[5] else 5.0))
with open("conn.log", "w") as f:
    f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
            "#unset_field\t-\n#path\tconn\n#open\t2026-12-02-06-00-00\n")
    f.write("#fields\t" + "\t".join(F) + "\n")
    f.write("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\t"
            "interval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\t"
            "count\tcount\tcount\tcount\tset[string]\n")
    for n, (t, s, d, sp, dp, ok) in enumerate(ended):
        row = [ts(t), "C%05d" % n, s, str(sp), d, str(dp), "tcp",
               "ssl" if dp == 443 else "-", "0.500000" if ok else "5.000000",
               "100" if ok else "0", "200" if ok else "0",
               "SF" if ok else "S0", "T", "F", "0",
               "ShADadFf" if ok else "S", "5" if ok else "2", "300",
               "4" if ok else "0", "400" if ok else "0", "-"]
        f.write("\t".join(row) + "\n")
    f.write("#close\t2026-12-02-06-05-00\n")
with open("conn.json", "w") as f:
    for n, (t, s, d, sp, dp, ok) in enumerate(ended):
        f.write('{"ts":%s,"uid":"C%05d","id.orig_h":"%s","id.orig_p":%d,'
                '"id.resp_h":"%s","id.resp_p":%d,"proto":"tcp",'
                '"duration":%s,"conn_state":"%s","local_orig":true,'
                '"history":"%s","tunnel_parents":[]}\n'
                % (ts(t), n, s, sp, d, dp, "0.5" if ok else "5.0",
                   "SF" if ok else "S0", "ShADadFf" if ok else "S"))

# pcap (Ethernet): SYN, SYN-ACK for answered flows; a SYN retransmitted
# after 1 s for unanswered ones (counted once)
def ip4(a):
    return bytes(int(x) for x in a.split("."))

def frame(s, d, sp, dp, flags):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, ip4(s), ip4(d))
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp

pk = []
for (t, s, d, sp, dp, ok) in flows:
    pk.append((t, frame(s, d, sp, dp, 0x02)))
    if ok:
        pk.append((t + RTT, frame(d, s, dp, sp, 0x12)))
    else:
        pk.append((t + 1.0, frame(s, d, sp, dp, 0x02)))
pk.sort(key=lambda p: p[0])
with open("trace.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for (t, b) in pk:
        sec = BASE + int(t)
        usec = int(round((t - int(t)) * 1e6))
        f.write(struct.pack("<IIII", sec, usec, len(b), len(b)) + b)
