#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# simtrace.py - a synthetic site's conntrack log for the replay benchmark
#
# usage: simtrace.py FLOWS HOSTS SECONDS [BURST] > trace.log
# HOSTS sources in 10.1.0.0/16 over SECONDS of time, FLOWS flows in all
# (a [NEW] line and, for answered ones, an [UPDATE] line each): 95% of a
# host's flows go to one of its 6 usual servers, 5% to a new one; one
# host in 1,000 is a scanner (random destinations, unanswered). A host
# opens its flows in bursts of 1 to 2*BURST-1 (mean BURST, as a page
# load does); BURST 1 draws a new host for every flow, the worst case
# for the caches. Seeded: the same arguments give the same file.
import random
import sys

flows, hosts, span = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
burst = int(sys.argv[4]) if len(sys.argv) > 4 else 1
rnd = random.Random(16)
base = 1796190000.0
usual = [["10.%d.%d.%d" % (rnd.randrange(100, 200), rnd.randrange(256),
                          rnd.randrange(1, 255)) for _ in range(6)]
         for _ in range(hosts)]
scanner = set(rnd.sample(range(hosts), max(1, hosts // 1000)))
out = sys.stdout
w = out.write
step = span / flows
t = base
left = 0
for i in range(flows):
    t += step
    if left == 0:
        h = rnd.randrange(hosts)
        left = rnd.randrange(1, 2 * burst)
    left -= 1
    src = "10.1.%d.%d" % (h // 250, 1 + h % 250)
    if h in scanner:
        dst = "10.%d.%d.%d" % (rnd.randrange(2, 250), rnd.randrange(256),
                               rnd.randrange(1, 255))
        ok = False
    elif rnd.random() < 0.95:
        dst = usual[h][rnd.randrange(6)]
        ok = True
    else:
        dst = "10.%d.%d.%d" % (rnd.randrange(2, 250), rnd.randrange(256),
                               rnd.randrange(1, 255))
        ok = True
    sp = 1024 + i % 60000
    tup = "src=%s dst=%s sport=%d dport=443" % (src, dst, sp)
    rev = "src=%s dst=%s sport=443 dport=%d" % (dst, src, sp)
    w("[%.6f]\t    [NEW] tcp      6 120 SYN_SENT %s [UNREPLIED] %s\n"
      % (t, tup, rev))
    if ok:
        w("[%.6f]\t [UPDATE] tcp      6 60 SYN_RECV %s %s\n"
          % (t + step / 2, tup, rev))
