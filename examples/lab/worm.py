#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	worm.py - the lab's worm emulator
# SYNOPSIS
#	worm.py release ADDR PARAMS-JSON   (infect the lab host ADDR first)
#	worm.py run SELF PARAMS-JSON       (what the toy service starts)
# DESCRIPTION
#	A worm that spreads only among the lab's hosts, and only through
#	the deliberately vulnerable toy service of examples/lab/host.py
#	(TCP port 8445): a victim's service reads "EXPLOIT {json}" and
#	starts "worm.py run" on that host with the parameters it was sent.
#	It never sends a packet outside the lab: it refuses to run in the
#	machine's own network namespace, and every target and server is
#	checked against 10.77.0.0/16 before a socket is made (labnet.py).
#	It stops by itself at the "until" time of its parameters.
#
#	Strategies (PARAMS "strategy"; "mail": true adds a mass mailer):
#	  random    uniform over the scan space (labnet.SPACE: the site's /22s)
#	  local     half of the targets in its own /24, half random
#	  hitlist   only the addresses of its list; half of what is left
#	            is passed on to each new victim (Staniford et al.)
#	  topo      only peers it learns from its host: the connections in
#	            /proc/net/tcp and the neighbours in /proc/net/arp
#	  slow      random, one at a time, below the release rate
#	  mix       each scan followed by a first contact to an address of
#	            the Internet range, which all answer (credit earned
#	            against Schechter et al.'s throttle)
#	  dns       names h1.lab ... h64.lab resolved through the lab's
#	            dnsmasq before each connection (no "no-DNS" signal)
#	  parallel  random with 1024 connections in flight, so held
#	            (tarpitted) connections do not slow it
#	  mail      no scanning: mass mail through the site's Postfix to
#	            the addresses harvested on the host (its address book,
#	            a salted honeytoken among them)
#	Every scan waits for the service's reply up to reply_timeout (10 s):
#	that is what a tarpit costs a worm with few connections in flight.
#
#	Counts go to DIR/worm/SELF.json every second and at the end:
#	attempts (connections tried to the vulnerable port), connected,
#	owned (new victims), mix (known-live contacts), dns lookups,
#	mails tried/accepted/refused.
import ipaddress
import json
import os
import random
import selectors
import smtplib
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labnet  # noqa: E402

DEFAULTS = {"strategy": "random", "mail": False, "rate": 50.0, "conc": 64,
            "connect_timeout": 1.0, "reply_timeout": 10.0, "until": 0,
            "hitlist": [], "dir": "/tmp", "mail_conc": 4}
TUNING = {"slow": {"rate": 0.7, "conc": 1},
          "parallel": {"conc": 1024},
          "hitlist": {"rate": 20.0}}
STOP = "stop"


# rand_in - a random address of NET as a string
def rand_in(net):
    return str(net[random.randrange(1, net.num_addresses - 1)])


class Scan:
    """random: a uniform target over the scan space"""

    def __init__(self, w):
        self.w = w

    # next - (address, port) to try, None for nothing now, or STOP
    def next(self):
        return labnet.rand_target(), labnet.VULN_PORT

    # owned - a victim was taken; what to pass on to it
    def owned(self, addr):
        return {}


class Local(Scan):
    """local: half of the targets in its own /24"""

    def next(self):
        if random.random() < 0.5:
            return rand_in(self.w.subnet), labnet.VULN_PORT
        return Scan.next(self)


class HitList(Scan):
    """hitlist: its list only; half of the rest to each victim"""

    def __init__(self, w):
        Scan.__init__(self, w)
        self.todo = [a for a in w.p["hitlist"] if a != w.me]

    def next(self):
        return (self.todo.pop(0), labnet.VULN_PORT) if self.todo else STOP

    def owned(self, addr):
        half = len(self.todo) // 2
        give, self.todo = self.todo[:half], self.todo[half:]
        return {"hitlist": give}


class Topo(Scan):
    """topo: peers learned from the host's own connections and ARP"""

    def __init__(self, w):
        Scan.__init__(self, w)
        self.seen, self.todo, self.read_at = set([w.me]), [], 0.0

    # learn - the lab addresses the host talks to (TCP table, ARP cache)
    def learn(self):
        peers = []
        for line in open("/proc/net/tcp").read().splitlines()[1:]:
            rem = line.split()[2].split(":")[0]
            peers.append(socket.inet_ntoa(bytes.fromhex(rem)[::-1]))
        for line in open("/proc/net/arp").read().splitlines()[1:]:
            f = line.split()
            if f[2] != "0x0":
                peers.append(f[0])
        for a in peers:
            if a not in self.seen and ipaddress.ip_address(a) in labnet.LAB:
                self.seen.add(a)
                self.todo.append(a)

    def next(self):
        if not self.todo and time.time() - self.read_at > 1.0:
            self.read_at = time.time()
            self.learn()
        return (self.todo.pop(0), labnet.VULN_PORT) if self.todo else None


class Mix(Scan):
    """mix: each scan followed by a contact to a live Internet address"""

    def __init__(self, w):
        Scan.__init__(self, w)
        self.live = False

    def next(self):
        self.live = not self.live
        if self.live:
            self.w.st["mix"] += 1
            return rand_in(labnet.INTERNET), labnet.WEB_PORT
        return Scan.next(self)


class Dns(Scan):
    """dns: a name resolved through the lab's DNS before each connection"""

    def next(self):
        self.w.st["dns"] += 1
        try:
            got = labnet.dns_query("h%d.lab" % random.randint(1, 64))
        except OSError:
            return None
        return (got[0], labnet.VULN_PORT) if got else None


class NoScan(Scan):
    """mail: the worm only mails"""

    def next(self):
        return STOP


STRATEGIES = {"random": Scan, "local": Local, "hitlist": HitList,
              "topo": Topo, "slow": Scan, "mix": Mix, "dns": Dns,
              "parallel": Scan, "mail": NoScan}


class Worm:
    """one infected host's worm: scans with a budget, then mails"""

    def __init__(self, me, params):
        self.me = labnet.allowed(me)
        p = dict(DEFAULTS)
        p.update(TUNING.get(params.get("strategy"), {}))
        p.update(params)
        p["mail"] = p["mail"] or p["strategy"] == "mail"
        self.p = p
        self.subnet = ipaddress.ip_network(me + "/24", strict=False)
        self.st = {"host": me, "strategy": p["strategy"], "start": time.time(),
                   "attempts": 0, "connected": 0, "owned": 0, "mix": 0,
                   "dns": 0, "mails": 0, "mail_ok": 0, "mail_refused": 0,
                   "mail_ms": []}
        self.strategy = STRATEGIES[p["strategy"]](self)
        self.sel = selectors.DefaultSelector()
        self.stats_path = os.path.join(p["dir"], "worm", me + ".json")
        self.lock = threading.Lock()

    # save - the counts, written whole (rename) so a reader never sees half
    def save(self):
        with self.lock:
            data = json.dumps(self.st)
        tmp = self.stats_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(data + "\n")
        os.rename(tmp, self.stats_path)

    # start - one nonblocking connection to ADDR:PORT from our address
    def start(self, addr, port):
        addr = labnet.allowed(addr)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((self.me, 0))
        s.connect_ex((addr, port))
        if port == labnet.VULN_PORT:
            self.st["attempts"] += 1
        st = {"addr": addr, "port": port, "phase": "connect",
              "deadline": time.time() + self.p["connect_timeout"], "buf": b""}
        self.sel.register(s, selectors.EVENT_WRITE, st)

    # close - forget a connection
    def close(self, s):
        self.sel.unregister(s)
        s.close()

    # exploit - the request that makes the victim's service start us there
    def exploit(self, addr):
        child = {k: v for k, v in self.p.items() if k != "hitlist"}
        child.update(self.strategy.owned(addr))
        return ("EXPLOIT %s\n" % json.dumps(child)).encode()

    # event - a connection became writable or readable
    def event(self, s, st):
        if st["phase"] == "connect":
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                return self.close(s)
            if st["port"] != labnet.VULN_PORT:
                return self.close(s)	# a live host: that was all
            self.st["connected"] += 1
            try:
                s.send(self.exploit(st["addr"]))
            except OSError:
                return self.close(s)
            st.update(phase="reply",
                      deadline=time.time() + self.p["reply_timeout"])
            self.sel.modify(s, selectors.EVENT_READ, st)
            return
        try:
            got = s.recv(512)
        except OSError:
            got = b""
        st["buf"] += got
        if b"\n" in st["buf"] or not got:
            if st["buf"].startswith(b"OWNED"):
                self.st["owned"] += 1
            self.close(s)

    # expire - connections past their deadline (held, or never answered)
    def expire(self, t):
        for key in list(self.sel.get_map().values()):
            if key.data["deadline"] < t:
                self.close(key.fileobj)

    # scan - the scanning loop until STOP or the until time
    def scan(self):
        rate, conc, until = self.p["rate"], self.p["conc"], self.p["until"]
        tokens, last, saved, done = 1.0, time.time(), 0.0, False
        while time.time() < until:
            t = time.time()
            tokens = min(tokens + (t - last) * rate, max(1.0, rate / 10))
            last = t
            while not done and tokens >= 1 and len(self.sel.get_map()) < conc:
                nxt = self.strategy.next()
                if nxt == STOP:
                    done = True
                    break
                tokens -= 1
                if nxt is None:
                    break
                try:
                    self.start(*nxt)
                except OSError:
                    pass
            if done and not self.sel.get_map():
                break
            for key, _ in self.sel.select(timeout=0.02):
                self.event(key.fileobj, key.data)
            self.expire(time.time())
            if t - saved >= 1.0:
                saved = t
                self.save()

    # harvest - the addresses on this host: its address book
    def harvest(self):
        path = os.path.join(self.p["dir"], "hosts", self.me, "addressbook")
        try:
            return [a.strip() for a in open(path) if "@" in a]
        except OSError:
            return []

    # mail_one - one message to RCPT through the site's mail server
    def mail_one(self, rcpt):
        t0 = time.time()
        try:
            with smtplib.SMTP(labnet.allowed(labnet.MAIL), 25, timeout=60,
                              source_address=(self.me, 0)) as smtp:
                smtp.sendmail("worm-%s@lab.example" % self.me.replace(".", "-"), [rcpt],
                              "Subject: look at this\r\n\r\nopen me\r\n")
            ok = True
        except (OSError, smtplib.SMTPException):
            ok = False
        with self.lock:
            self.st["mails"] += 1
            self.st["mail_ok" if ok else "mail_refused"] += 1
            self.st["mail_ms"].append(round((time.time() - t0) * 1000))

    # mailer - mass mail, mail_conc sessions at once, until done or until
    def mailer(self):
        todo, lock = self.harvest(), threading.Lock()

        def worker():
            while time.time() < self.p["until"]:
                with lock:
                    if not todo:
                        return
                    rcpt = todo.pop(0)
                self.mail_one(rcpt)
        ts = [threading.Thread(target=worker, daemon=True)
              for _ in range(self.p["mail_conc"])]
        for t in ts:
            t.start()
        return ts

    # run - scan and mail until the until time
    def run(self):
        mailers = self.mailer() if self.p["mail"] else []
        self.scan()
        for t in mailers:
            t.join(max(0.0, self.p["until"] - time.time()))
        self.save()


# release - infect ADDR by its vulnerable service, as a victim would be
def release(addr, params):
    with socket.create_connection((labnet.allowed(addr), labnet.VULN_PORT),
                                  timeout=5) as s:
        s.sendall(("EXPLOIT %s\n" % json.dumps(params)).encode())
        return s.recv(64).decode().strip()


# main - the command line
def main(argv):
    try:
        labnet.guard()
        if len(argv) == 4 and argv[1] == "release":
            print(release(argv[2], json.loads(argv[3])))
            return 0
        if len(argv) == 4 and argv[1] == "run":
            Worm(argv[2], json.loads(argv[3])).run()
            return 0
    except labnet.Refused as e:
        print("worm.py: %s" % e, file=sys.stderr)
        return 2
    print("usage: worm.py release ADDR PARAMS | run SELF PARAMS", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
