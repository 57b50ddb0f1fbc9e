#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# flood.py SOCKET N - N honeytoken reports ("quarantine ADDR honeytoken",
# the mail filters' request) for N distinct addresses of 10.200.0.0/16,
# over 8 threads, one connection each as the control protocol wants;
# prints "sent N in S seconds, ok K"
import socket
import sys
import threading
import time

path, n = sys.argv[1], int(sys.argv[2])
ok = [0] * 8


def worker(t):
    for i in range(t, n, 8):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(b"quarantine 10.200.%d.%d honeytoken\n" % (i // 250, 1 + i % 250))
        got = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
        s.close()
        if got.startswith(b"OK"):
            ok[t] += 1


t0 = time.time()
ts = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("sent %d in %.2f seconds, ok %d" % (n, time.time() - t0, sum(ok)))
