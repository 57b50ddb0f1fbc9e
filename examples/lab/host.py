#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	host.py - one LAN host of the site lab: a toy service and a user
# SYNOPSIS
#	host.py DIR ADDR          (inside the host's namespace)
# DESCRIPTION
#	Reads DIR/hosts/ADDR/conf.json and runs until its "until" time:
#
#	- the deliberately vulnerable toy service on TCP 8445: a request
#	  "EXPLOIT {json}" starts the worm emulator (worm.py run) on this
#	  host with those parameters, once (the file DIR/hosts/ADDR/infected
#	  is made with O_EXCL), writes "EPOCH ADDR PEER" to DIR/infections
#	  and answers OWNED (NOPE when already infected);
#	- a file share on TCP 8080 that greets and closes, which other
#	  hosts use as their usual peer;
#	- the user: with conf "web" (names), "peers" (addresses) and
#	  "rcpts" (mail addresses) set, one request every 0.4-0.8 s: a web
#	  page by name (resolved through the lab's dnsmasq, then port 80),
#	  a visit to a peer's share, and every fifth time a mail through
#	  the site's Postfix; one line each to DIR/hosts/ADDR/user.log:
#	  "EPOCH KIND TARGET MS ok|fail".
import json
import os
import random
import smtplib
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labnet  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


# infect - start the worm here once; the reply for the attacker
def infect(conf, line, peer):
    try:
        params = json.loads(line.split(" ", 1)[1])
    except (IndexError, ValueError):
        return b"BAD\n"
    mark = os.path.join(conf["hdir"], "infected")
    try:
        os.close(os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return b"NOPE\n"
    labnet.append(os.path.join(conf["dir"], "infections"),
                  "%.3f %s %s" % (labnet.now(), conf["me"], peer))
    params["dir"] = conf["dir"]
    params["until"] = min(params.get("until", conf["until"]), conf["until"])
    with open(os.path.join(conf["hdir"], "worm.log"), "ab") as log:
        subprocess.Popen([sys.executable, os.path.join(HERE, "worm.py"), "run",
                          conf["me"], json.dumps(params)],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
    return b"OWNED\n"


# serve_one - one client of the toy service or of the share
def serve_one(conf, c, peer, vulnerable):
    with c:
        c.settimeout(5)
        if not vulnerable:
            c.sendall(b"sluice-lab share\n")
            return
        buf = b""
        try:
            while b"\n" not in buf and len(buf) < 65536:
                got = c.recv(4096)
                if not got:
                    return
                buf += got
            line = buf.split(b"\n", 1)[0].decode(errors="replace")
            c.sendall(infect(conf, line, peer) if line.startswith("EXPLOIT ")
                      else b"BAD\n")
        except OSError:
            pass


# listen - accept on ADDR:PORT, one thread per client
def listen(conf, port, vulnerable):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((conf["me"], port))
    s.listen(256)
    while True:
        c, peer = s.accept()
        threading.Thread(target=serve_one, args=(conf, c, peer[0], vulnerable),
                         daemon=True).start()


# fetch - connect to ADDR:PORT and read the greeting; 1 when it came
def fetch(conf, addr, port):
    with socket.create_connection((labnet.allowed(addr), port), timeout=5,
                                  source_address=(conf["me"], 0)) as s:
        return s.recv(64).startswith(b"sluice-lab")


# web - a page by name: the name through DNS, then port 80
def web(conf, name):
    got = labnet.dns_query(name)
    return bool(got) and fetch(conf, got[0], labnet.WEB_PORT)


# mail - one message to one of the user's usual correspondents
def mail(conf, rcpt):
    with smtplib.SMTP(labnet.allowed(labnet.MAIL), 25, timeout=60,
                      source_address=(conf["me"], 0)) as smtp:
        smtp.sendmail("user-%s@lab.example" % conf["me"].replace(".", "-"), [rcpt],
                      "Subject: minutes\r\n\r\nsee you\r\n")
    return True


# user - the legitimate traffic of this host, logged with its latency
def user(conf):
    log = os.path.join(conf["hdir"], "user.log")
    n = 0
    while time.time() < conf["until"]:
        n += 1
        if n % 5 == 0 and conf.get("rcpts"):
            kind, target = "mail", random.choice(conf["rcpts"])
        elif n % 2 == 0 and conf.get("peers"):
            kind, target = "peer", random.choice(conf["peers"])
        else:
            kind, target = "web", random.choice(conf["web"])
        t0 = time.time()
        try:
            ok = {"web": lambda: web(conf, target),
                  "peer": lambda: fetch(conf, target, labnet.SHARE_PORT),
                  "mail": lambda: mail(conf, target)}[kind]()
        except (OSError, smtplib.SMTPException):
            ok = False
        labnet.append(log, "%.3f %s %s %.1f %s" % (
            t0, kind, target, (time.time() - t0) * 1000, "ok" if ok else "fail"))
        time.sleep(random.uniform(0.4, 0.8))


# main - the services in threads, the user in the main thread
def main(argv):
    if len(argv) != 3:
        print("usage: host.py DIR ADDR", file=sys.stderr)
        return 2
    try:
        labnet.guard()
        me = labnet.allowed(argv[2])
    except labnet.Refused as e:
        print("host.py: %s" % e, file=sys.stderr)
        return 2
    hdir = os.path.join(argv[1], "hosts", me)
    with open(os.path.join(hdir, "conf.json")) as f:
        conf = json.load(f)
    conf.update(dir=argv[1], me=me, hdir=hdir)
    for port, vuln in ((labnet.VULN_PORT, True), (labnet.SHARE_PORT, False)):
        threading.Thread(target=listen, args=(conf, port, vuln), daemon=True).start()
    if conf.get("web"):
        user(conf)
    while time.time() < conf["until"]:
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
