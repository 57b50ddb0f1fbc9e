# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	labnet.py - what the site lab's Python programs share
# DESCRIPTION
#	The lab's address plan, the guard that keeps every packet inside
#	the lab (labnet.guard and labnet.allowed), a stub DNS resolver
#	(the lab's clients ask dnsmasq themselves: the host's own
#	resolv.conf is never used), and one-line appends to the shared
#	log files (several processes in several namespaces write them).
#
#	The plan (examples/lab/site.sh builds it):
#	  10.77.8.0/22   the LAN: four subnets 10.77.8-11.0/24 behind the
#	                 gateway, hosts .11-.16 in each
#	  10.77.3.25     the site's mail server (Postfix, sluice-policyd)
#	  10.77.16.0/21  "the Internet": every address answers (web on 80)
#	  10.77.20.53    dnsmasq; www1-5.lab at 10.77.20.1-5
#	  10.77.24.0/21  dark: nobody uses it; sluiced's capture answers it
#	  the site's /22s, what a scanning worm draws its targets from:
#	                 the LAN, 10.77.16.0/22 and 10.77.24.0/22 (3,072
#	                 addresses, 24 of them vulnerable hosts)
import ipaddress
import os
import random
import re
import socket
import struct
import time

LAB = ipaddress.ip_network("10.77.0.0/16")
SPACE = [ipaddress.ip_network(n) for n in
         ("10.77.8.0/22", "10.77.16.0/22", "10.77.24.0/22")]
LAN = ipaddress.ip_network("10.77.8.0/22")
INTERNET = ipaddress.ip_network("10.77.16.0/21")
DNS = "10.77.20.53"
MAIL = "10.77.3.25"
VULN_PORT = 8445
SHARE_PORT = 8080
WEB_PORT = 80


class Refused(Exception):
    """A target or a place outside the lab."""


# local_addrs - this namespace's own IPv4 addresses (the kernel's LOCAL routes)
def local_addrs():
    addrs, last = set(), None
    for line in open("/proc/net/fib_trie"):
        m = re.search(r"\|-- (\d+\.\d+\.\d+\.\d+)", line)
        if m:
            last = m.group(1)
        elif "/32 host LOCAL" in line and last:
            addrs.add(last)
    return addrs


# guard - refuse to run outside a lab namespace: every address this
#	namespace owns must be a lab address or loopback (the machine's
#	own namespace has others), and it must own at least one
def guard():
    try:
        if os.stat("/proc/self/ns/net").st_ino == os.stat("/proc/1/ns/net").st_ino:
            raise Refused("refusing to run in the machine's own network "
                          "namespace: run me inside the lab (ip netns exec)")
    except PermissionError:
        pass	# in a container /proc/1 may be closed: the addresses tell
    mine = [ipaddress.ip_address(a) for a in local_addrs()]
    foreign = [str(a) for a in mine if not a.is_loopback and a not in LAB]
    if foreign or not [a for a in mine if a in LAB]:
        raise Refused("refusing to run here: this network namespace owns "
                      "%s, not only lab addresses (%s): run me inside the "
                      "lab (ip netns exec)" % (", ".join(foreign) or "none", LAB))


# allowed - the address as a string if it is a lab address, else Refused
def allowed(addr):
    a = ipaddress.ip_address(addr)
    if a not in LAB:
        raise Refused("%s is outside the lab (%s): refused" % (a, LAB))
    return str(a)


# rand_target - a random address of the scan space, uniform over it
def rand_target():
    i = random.randrange(sum(n.num_addresses for n in SPACE))
    for n in SPACE:
        if i < n.num_addresses:
            return str(n[i])
        i -= n.num_addresses


# now - seconds since the epoch, as every log of the lab writes them
def now():
    return time.time()


# append - one line to a shared log (O_APPEND: lines never interleave)
def append(path, line):
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


# dns_query - the A record of NAME from SERVER: (address, ttl) or None
def dns_query(name, server=DNS, timeout=2.0):
    allowed(server)
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(q, (server, 53))
        r, _ = s.recvfrom(2048)
    return dns_parse(r, qid)


# dns_skip - the offset past the name at OFF (labels or a pointer)
def dns_skip(r, off):
    while r[off] != 0:
        if r[off] & 0xC0 == 0xC0:
            return off + 2
        off += 1 + r[off]
    return off + 1


# dns_parse - the first A record of answer R to query QID, or None
def dns_parse(r, qid):
    rid, flags, qd, an = struct.unpack(">HHHH", r[:8])
    if rid != qid or flags & 0x000F:
        return None
    off = 12
    for _ in range(qd):
        off = dns_skip(r, off) + 4
    for _ in range(an):
        off = dns_skip(r, off)
        typ, cls, ttl, ln = struct.unpack(">HHIH", r[off:off + 10])
        off += 10
        if typ == 1 and cls == 1 and ln == 4:
            return socket.inet_ntoa(r[off:off + 4]), ttl
        off += ln
    return None
