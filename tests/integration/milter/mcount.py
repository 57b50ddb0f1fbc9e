#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# mcount.py - a counting proxy between an MTA and a milter
#
# usage: mcount.py LISTEN_PORT MILTER_PORT LOG
#
# Listens on 127.0.0.1:LISTEN_PORT, forwards each connection to
# 127.0.0.1:MILTER_PORT and parses the milter protocol both ways
# (4-byte length, command byte, data). Appends one line per packet to
# LOG: "cmd X" for each MTA command except macros (D), and
# "reply X Y" for each milter packet, X being the MTA command it
# answers (the last non-macro command forwarded), Y its reply byte
# (c continue, a accept, q quarantine, t tempfail, r reject, ...).
# Each connection's lines start with "conn N". Stops on SIGTERM.
import socket
import struct
import sys
import threading

lock = threading.Lock()
nconn = 0


def packets(sock):
    """Yield (whole packet bytes, command byte) from sock until EOF."""
    buf = b""
    while True:
        while len(buf) >= 5:
            n = struct.unpack(">I", buf[:4])[0]
            if len(buf) < 4 + n:
                break
            yield buf[:4 + n], chr(buf[4])
            buf = buf[4 + n:]
        data = sock.recv(65536)
        if not data:
            return
        buf += data


def session(mta, log):
    global nconn
    milter = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
    state = {"last": "?"}
    with lock:
        nconn += 1
        log.write("conn %d\n" % nconn)
        log.flush()

    def up():
        try:
            for pkt, c in packets(mta):
                if c != "D":
                    with lock:
                        state["last"] = c
                        log.write("cmd %s\n" % c)
                        log.flush()
                milter.sendall(pkt)
        except OSError:
            pass
        milter.close()

    t = threading.Thread(target=up, daemon=True)
    t.start()
    try:
        for pkt, c in packets(milter):
            with lock:
                log.write("reply %s %s\n" % (state["last"], c))
                log.flush()
            mta.sendall(pkt)
    except OSError:
        pass
    mta.close()


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: mcount.py LISTEN_PORT MILTER_PORT LOG\n")
        sys.exit(2)
    log = open(sys.argv[3], "a")
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(sys.argv[1])))
    ls.listen(64)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=session, args=(c, log), daemon=True).start()


main()
