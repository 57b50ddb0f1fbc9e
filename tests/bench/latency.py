# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	latency.py - TCP connect times to a few servers, in microseconds
# SYNOPSIS
#	/usr/bin/python3 latency.py COUNT INTERVAL_S PORT SERVER...
# DESCRIPTION
#	Connects COUNT times to the servers in turn (a new flow each), one
#	every INTERVAL_S seconds, and prints one line per connection: the
#	microseconds from connect() to the handshake's end, or "fail".
import socket
import sys
import time

count, gap, port = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
servers = sys.argv[4:]
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    t0 = time.perf_counter()
    try:
        s.connect((servers[i % len(servers)], port))
        print(int((time.perf_counter() - t0) * 1e6))
    except OSError:
        print("fail")
    s.close()
    time.sleep(gap)
