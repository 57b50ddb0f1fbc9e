#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# oldmta.py - one message to a milter from an MTA that cannot leave out
# connect and HELO (as sendmail before 8.14 or any MTA not offering
# SMFIP_NOCONNECT | SMFIP_NOHELO), speaking the milter protocol itself
#
# usage: oldmta.py MILTER_PORT CLIENT_IP SENDER RECIPIENT
#
# Offers protocol version 6, every action and every protocol step but
# SMFIP_NOCONNECT and SMFIP_NOHELO; sends connect (CLIENT_IP, IPv4),
# HELO, MAIL, RCPT, DATA, a header, end of headers, a body and end of
# message, each as the filter negotiated it, and prints one line per
# reply: "COMMAND REPLY" (e.g. "C c", "T a", "E q"). Exit 1 on a
# protocol error.
import socket
import struct
import sys

NOCONNECT, NOHELO, NOHDRS, NOEOH, NOBODY = 0x1, 0x2, 0x20, 0x40, 0x10
NR_MAIL = 0x4000


def send(s, cmd, data=b""):
    s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)


def recv(s):
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                sys.exit("oldmta: the filter closed the connection")
            b += c
        return b
    n = struct.unpack(">I", exact(4))[0]
    body = exact(n)
    return chr(body[0]), body[1:]


def ask(s, cmd, data=b""):
    """Send cmd, print replies until a final one; return it."""
    send(s, cmd, data)
    while True:
        r, _ = recv(s)
        print(cmd.decode(), r)
        if r not in "+-hmq":     # modification actions precede the final
            return r


def main():
    port, ip, sender, rcpt = sys.argv[1:5]
    s = socket.create_connection(("127.0.0.1", int(port)))
    send(s, b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff & ~(NOCONNECT | NOHELO)))
    r, d = recv(s)
    if r != "O":
        sys.exit("oldmta: negotiation answered %r" % r)
    _, _, proto = struct.unpack(">III", d[:12])
    if proto & (NOCONNECT | NOHELO):
        sys.exit("oldmta: the filter refused connect or HELO: %#x" % proto)
    z = b"\0"
    if ask(s, b"C", b"client.example" + z + b"4" + struct.pack(">H", 25000) +
           ip.encode() + z) != "c":
        return 1
    ask(s, b"H", b"client.example" + z)
    send(s, b"M", ("<%s>" % sender).encode() + z)
    if not proto & NR_MAIL:
        recv(s)
    if ask(s, b"R", ("<%s>" % rcpt).encode() + z) != "c":
        return 1
    if ask(s, b"T") == "a":
        return 0
    if not proto & NOHDRS:
        ask(s, b"L", b"Subject" + z + b"old mta" + z)
    if not proto & NOEOH:
        ask(s, b"N")
    if not proto & NOBODY:
        ask(s, b"B", b"payload from an old MTA\r\n")
    ask(s, b"E")
    send(s, b"Q")
    return 0


sys.exit(main())
