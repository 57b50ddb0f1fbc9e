#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	capture_hold.py - hold N TCP connections open, for tests/bench/capture.sh
# SYNOPSIS
#	capture_hold.py N PORT PREFIX [PAYLOAD]
# DESCRIPTION
#	Opens N connections to PREFIX.1 .. PREFIX.250 (round robin) on PORT,
#	non-blocking, at most 2,000 in flight; each established one writes
#	PAYLOAD bytes once (0: nothing). Prints "established E failed F"
#	once all have settled (10 s at most after the last connect), then
#	keeps them all open until stdin closes. Raise the descriptor limit
#	before (ulimit -n).
import errno
import select
import socket
import sys
import time


def main():
    n, port, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    payload = b"P" * int(sys.argv[4]) if len(sys.argv) > 4 else b""
    ep = select.epoll()
    pending, done, socks, failed = {}, 0, [], 0
    i = 0
    last = time.time()
    while done + failed < n and time.time() - last < 10:
        while i < n and len(pending) < 2000:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            rc = s.connect_ex(("%s.%d" % (prefix, 1 + i % 250), port))
            if rc not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
            else:
                pending[s.fileno()] = s
                ep.register(s.fileno(), select.EPOLLOUT)
            i += 1
            last = time.time()
        for fd, _ in ep.poll(0.2):
            s = pending.pop(fd)
            ep.unregister(fd)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                if payload:
                    try:
                        s.send(payload)
                    except OSError:
                        pass
                socks.append(s)
                done += 1
            else:
                failed += 1
                s.close()
    print("established %d failed %d" % (done, failed + len(pending)), flush=True)
    sys.stdin.read()


main()
