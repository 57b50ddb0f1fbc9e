#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	capture_client.py - a TCP client of the dark addresses, for the lab
# SYNOPSIS
#	capture_client.py send HOST PORT FILE
#	capture_client.py hold HOST PORT SECONDS
#	capture_client.py many NET24 N SECONDS
# DESCRIPTION
#	send: connect with a send buffer of 4 MB (so that FILE fits in
#	it), write FILE's bytes, wait up to 3 s until the peer
#	has acknowledged them all (SIOCOUTQ: bytes not yet acknowledged),
#	print "sent N unacked M".
#	hold: connect with a 16 KB send buffer, write without blocking
#	until the kernel refuses more ("blocked after N bytes"), then keep
#	the connection SECONDS, printing every 10 s the TCP state
#	(tcp_info's tcpi_state: 1 is ESTABLISHED) and the bytes still
#	unacknowledged; last line "held S s state ST". Exit 1 on errors.
#	many: N connections to NET24.100 to NET24.199 (NET24 such as
#	10.77.9), ports 1000 upwards, each writing 4 KB it keeps unsent;
#	prints "holding N" once all are up, then keeps them SECONDS and
#	prints "held N established" (how many still are).
import fcntl
import socket
import struct
import sys
import termios
import time


def state(s):
    return struct.unpack("B", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1))[0]


def outq(s):
    return struct.unpack("i", fcntl.ioctl(s, termios.TIOCOUTQ, b"\0\0\0\0"))[0]


def connect(host, port, sndbuf=None):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    s.settimeout(5)
    s.connect((host, port))
    return s


def send(host, port, path):
    data = open(path, "rb").read()
    s = connect(host, port, 4 << 20)	# all of it fits: sendall returns
    s.sendall(data)
    for _ in range(30):
        if outq(s) == 0:
            break
        time.sleep(0.1)
    print("sent %d unacked %d" % (len(data), outq(s)))


def hold(host, port, seconds):
    s = connect(host, port, 16384)
    s.setblocking(False)
    total = 0
    chunk = b"W" * 1024
    for _ in range(100000):
        try:
            total += s.send(chunk)
        except BlockingIOError:
            break
    print("blocked after %d bytes" % total, flush=True)
    t0 = time.time()
    while time.time() - t0 < seconds:
        time.sleep(min(10, max(0.1, seconds - (time.time() - t0))))
        print("t %d state %d unacked %d" % (time.time() - t0, state(s), outq(s)),
              flush=True)
        if state(s) != 1:
            break
    print("held %d s state %d" % (time.time() - t0, state(s)), flush=True)


def many(net, n, seconds):
    socks = []
    for i in range(n):
        s = connect("%s.%d" % (net, 100 + i % 100), 1000 + i // 100, 16384)
        s.setblocking(False)
        s.send(b"M" * 4096)
        socks.append(s)
    print("holding %d" % n, flush=True)
    time.sleep(seconds)
    print("held %d established" % sum(state(s) == 1 for s in socks), flush=True)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("send", "hold", "many"):
        sys.exit("usage: capture_client.py send|hold|many HOST|NET24 PORT|N FILE|SECONDS")
    host, port = sys.argv[2], int(sys.argv[3])
    if sys.argv[1] == "many":
        many(host, port, float(sys.argv[4]))
    elif sys.argv[1] == "send":
        send(host, port, sys.argv[4])
    else:
        hold(host, port, float(sys.argv[4]))


main()
