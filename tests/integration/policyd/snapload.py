#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# snapload.py - fill sluice-policyd with identities, then probe it.
#
# snapload.py fill PORT N     N distinct senders, one RCPT request each,
#                             pipelined on 4 connections; prints the
#                             number of answers
# snapload.py probe PORT FILE SECONDS
#                             one request at a time for SECONDS, from a
#                             known sender; prints "answers A maxgap_ms G
#                             snapshots S": G is the longest wait between
#                             two answers while FILE (the snapshot) was
#                             replaced, S how many times it was replaced
import os
import socket
import sys
import time

REQ = ("request=smtpd_access_policy\nprotocol_state=RCPT\n"
       "client_address=10.9.0.1\nsender=%s@fill.example.org\n"
       "recipient=r@example.net\n\n")
CHUNK = 5000


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def answers(s, want):
    """read until want answers (each ends with an empty line)"""
    got, buf = 0, b""
    while got < want:
        b = s.recv(1 << 20)
        if not b:
            break
        buf += b
        got += buf.count(b"\n\n")
        buf = buf[buf.rfind(b"\n\n") + 2:] if b"\n\n" in buf else buf
    return got


def fill(port, n):
    conns = [connect(port) for _ in range(4)]
    total, i = 0, 0
    while i < n:
        batch = []
        for s in conns:
            k = min(CHUNK, n - i)
            if k <= 0:
                break
            s.sendall("".join(REQ % ("u%d" % j)
                              for j in range(i, i + k)).encode())
            batch.append((s, k))
            i += k
        for s, k in batch:
            total += answers(s, k)
    print(total)


def stamp(path):
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns)
    except FileNotFoundError:
        return None


def probe_loop(ask, path, secs):
    """ask() one request at a time for secs (False: no answer, stop);
    prints the answers, the longest wait between two, and how many
    times path was replaced meanwhile (sluice-milter's snapload.py
    probes through this too)"""
    end = time.monotonic() + secs
    last = time.monotonic()
    old, snaps, n, gap = stamp(path), 0, 0, 0.0
    while time.monotonic() < end:
        if not ask(n):
            break
        now = time.monotonic()
        n += 1
        cur = stamp(path)
        if cur != old:
            snaps += 1
            old = cur
        gap = max(gap, now - last)
        last = now
    print("answers %d maxgap_ms %.1f snapshots %d" % (n, gap * 1000, snaps))


def probe(port, path, secs):
    s = connect(port)
    req = (REQ % "probe").encode()

    def ask(_):
        s.sendall(req)
        return answers(s, 1) == 1
    probe_loop(ask, path, secs)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(int(sys.argv[2]), int(sys.argv[3]))
    else:
        probe(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
