#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# snapload.py - fill sluice-milter with identities over the milter
# protocol, then probe it (the milter's twin of policyd/snapload.py).
#
# snapload.py fill PORT N     N distinct SASL users, one message with
#                             one RCPT each, pipelined on 4 sessions
#                             (MAIL, RCPT, abort per message); prints
#                             the number of RCPT answers
# snapload.py probe PORT FILE SECONDS
#                             one RCPT at a time for SECONDS, from a
#                             known user; prints "answers A maxgap_ms G
#                             snapshots S": G is the longest wait between
#                             two answers, S how many times FILE (a
#                             shard's snapshot) was replaced meanwhile
# snapload.py paced PORT FILE SECONDS
#                             the same, each RCPT to a new recipient of
#                             another user: past its working set each
#                             waits for the ticker's next release, so G
#                             is the release interval plus how late the
#                             ticker was
#
# Speaks as Postfix does: offers to leave out connect and HELO and sends
# the client address and SASL user as macros at MAIL.
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "policyd"))
from snapload import probe_loop  # noqa: E402 (policyd's, shared)

NOCONNECT, NOHELO, NR_MAIL = 0x1, 0x2, 0x4000
SETSYMLIST = 0x100
CHUNK = 2000
Z = b"\0"


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


class Session:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
        self.s.sendall(pkt(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff)))
        r, d = self.reply()
        if r != "O":
            sys.exit("snapload: negotiation answered %r" % r)
        self.noreply_mail = struct.unpack(">III", d[:12])[2] & NR_MAIL

    def reply(self):
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    body = self.buf[4:4 + n]
                    self.buf = self.buf[4 + n:]
                    return chr(body[0]), body[1:]
            b = self.s.recv(1 << 20)
            if not b:
                sys.exit("snapload: the filter closed the connection")
            self.buf += b

    def message(self, user, rcpt="r@example.net"):
        """the packets of one message (MAIL, RCPT, abort) and how many
        replies they draw"""
        u, r = user.encode(), rcpt.encode()
        p = (pkt(b"D", b"M{client_addr}" + Z + b"10.9.0.1" + Z +
                 b"{auth_authen}" + Z + u + Z) +
             pkt(b"M", b"<" + u + b"@fill.example.org>" + Z) +
             pkt(b"D", b"Ri" + Z + b"Q" + Z) +
             pkt(b"R", b"<" + r + b">" + Z) + pkt(b"A"))
        return p, (1 if self.noreply_mail else 2)

    def answers(self, want):
        got = 0
        for _ in range(want):
            r, _ = self.reply()
            got += r in "cat"
        return got


def fill(port, n):
    conns = [Session(port) for _ in range(4)]
    total, i = 0, 0
    while i < n:
        batch = []
        for c in conns:
            k = min(CHUNK, n - i)
            if k <= 0:
                break
            data, per = [], 0
            for j in range(i, i + k):
                p, per = c.message("u%d" % j)
                data.append(p)
            c.s.sendall(b"".join(data))
            batch.append((c, k, per))
            i += k
        for c, k, per in batch:
            c.answers(k * per)
            total += k
    print(total)


def probe(port, path, secs, fresh):
    c = Session(port)
    req, per = c.message("probe")

    def ask(n):
        r, k = c.message("paced", "r%d@example.net" % n) if fresh \
            else (req, per)
        c.s.sendall(r)
        return c.answers(k) == k
    probe_loop(ask, path, secs)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(int(sys.argv[2]), int(sys.argv[3]))
    else:
        probe(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]),
              sys.argv[1] == "paced")
