# SPDX-License-Identifier: GPL-2.0-or-later
# listen.py PORT - accept TCP connections on 127.0.0.1:PORT and close
# them, forever (sluiced_apps.t's peer; it runs outside the test cgroup).
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
