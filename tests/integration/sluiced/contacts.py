# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	contacts.py - a fixed schedule of TCP contacts, placed on the
#	release grid of the monotonic clock
# SYNOPSIS
#	/usr/bin/python3 contacts.py PERIOD_S PORT PERIOD:OFFSET:ADDRESS...
# DESCRIPTION
#	Waits for the next multiple of PERIOD_S of CLOCK_MONOTONIC (the
#	gateway's throttle releases on that grid: namespaces share the
#	clock), then opens each connection at PERIOD + OFFSET periods
#	after it (in time order, whatever the order given), each in its
#	own thread, and prints one line per contact
#	in the order given:  INDEX ADDRESS MILLISECONDS ok|fail
#	(connect timeout 2.5 s). ADDRESS may be SOURCE/DESTINATION: the
#	contact is made from that local address.
import socket
import sys
import threading
import time

period = float(sys.argv[1])
port = int(sys.argv[2])
plan = []
for a in sys.argv[3:]:
    p, off, addr = a.split(":", 2)
    plan.append((int(p) + float(off), addr))
res = [None] * len(plan)


def contact(i, addr):
    src, _, dst = addr.rpartition("/")
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(2.5)
    t0 = time.monotonic()
    try:
        s.connect((dst, port))
        res[i] = (time.monotonic() - t0, "ok")
    except OSError:
        res[i] = (time.monotonic() - t0, "fail")
    s.close()


now = time.clock_gettime(time.CLOCK_MONOTONIC)
start = (int(now / period) + 1) * period
threads = []
# started in time order (a plan of several hosts lists each host's
# schedule in turn; in list order a later host's early contacts would
# all go at once after the earlier host's last), printed in plan order
for i in sorted(range(len(plan)), key=lambda k: plan[k][0]):
    at, addr = plan[i]
    d = start + at * period - time.clock_gettime(time.CLOCK_MONOTONIC)
    if d > 0:
        time.sleep(d)
    t = threading.Thread(target=contact, args=(i, addr))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
for i, (at, addr) in enumerate(plan):
    print(i, addr, int(res[i][0] * 1000), res[i][1])
