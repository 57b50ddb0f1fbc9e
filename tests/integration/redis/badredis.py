#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# badredis.py SOCKET HOW - a stand-in for Redis that speaks RESP badly:
#   garbage  answers every read with bytes that are not RESP
#   slow     answers one byte of "+PONG" every 30 ms, never the end
#   huge     announces a 100 MB bulk string and streams it
#   cluster  answers every command as a Redis Cluster node's INFO would
import os
import socket
import sys
import threading
import time

path, how = sys.argv[1], sys.argv[2]


def serve(c):
    try:
        while True:
            if not c.recv(65536):
                return
            if how == "garbage":
                c.sendall(b"!#~ not resp\r\n")
            elif how == "cluster":
                info = b"# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\n"
                c.sendall(b"$%d\r\n%s\r\n" % (len(info), info))
            elif how == "slow":
                for b in b"+PONG":
                    c.sendall(bytes([b]))
                    time.sleep(0.03)
                time.sleep(3600)
            else:
                c.sendall(b"$100000000\r\n")
                chunk = b"x" * 65536
                while True:
                    c.sendall(chunk)
    except OSError:
        pass
    finally:
        c.close()


if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
