#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# NAME
#	report.py - what one site-lab run measured (examples/lab/site.sh)
# SYNOPSIS
#	report.py DIR            (the report on stdout)
#	report.py -s DIR         (the summary: KEY VALUE lines)
# DESCRIPTION
#	Reads a run directory of site.sh: the infection log, the worms'
#	counts, the kernel's counting sets and quarantine set as the run
#	left them, sluiced's and sluice-policyd's events, the samples
#	captured, Postfix's hold queue and the users' request logs. The
#	summary is what the strategy table (table.sh) and the lab test
#	read; the report is what make demo prints. Times are seconds after
#	the worm's release; "added latency" is a request's time less the
#	median of its kind (web, peer, mail) before sluiced started; a
#	request is delayed when 50 ms were added. Also writes
#	DIR/infected.dat (time, hosts infected) and DIR/escapes.dat (second,
#	first contacts that escaped in it) for the pictures.
import glob
import json
import os
import sys
from datetime import datetime

DELAYED_MS = 50.0


# times - the run's marks (base_start, sluiced, release, end, column...)
def times(d):
    t = {}
    for line in open(os.path.join(d, "times")):
        k, v = line.split(None, 1)
        t[k] = v.strip()
    return t


# quantile - nearest-rank quantile Q of a list, None when empty
def quantile(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    r = max(1, -(-int(q * len(xs) * 1000) // 1000))
    return xs[min(r, len(xs)) - 1]


# observed - an event of observe mode (what would have been done)
def observed(e):
    sub = e.get(e.get("event_type"), {})
    return e.get("observe") is True or (isinstance(sub, dict) and sub.get("observe") is True)


# events - the events of FILE as dicts, each with "at" (epoch seconds);
#	observe mode's events are left out (nothing was done)
def events(path):
    out = []
    try:
        for line in open(path):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if observed(e):
                continue
            e["at"] = datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            out.append(e)
    except OSError:
        pass
    return out


# counts - "NODE N" lines of a count.* file summed
def counts(path):
    try:
        return sum(int(l.split()[1]) for l in open(path) if l.strip())
    except OSError:
        return 0


# read_int - the first number in FILE, 0 when absent
def read_int(path):
    try:
        return int(open(path).read().split()[0])
    except (OSError, IndexError, ValueError):
        return 0


# infections - [(epoch, host, by)] in time order
def infections(d):
    out = []
    for line in open(os.path.join(d, "infections")):
        f = line.split()
        if len(f) == 3:
            out.append((float(f[0]), f[1], f[2]))
    return sorted(out)


# worms - the worms' own counts
def worms(d):
    out = []
    for p in glob.glob(os.path.join(d, "worm", "*.json")):
        try:
            out.append(json.load(open(p)))
        except ValueError:
            pass
    return out


# users - added latency per request of the hosts never infected
def users(d, base_from, sluiced_at, release_at, infected):
    base, rows = {}, []
    for p in glob.glob(os.path.join(d, "hosts", "*", "user.log")):
        host = os.path.basename(os.path.dirname(p))
        for line in open(p):
            f = line.split()
            if len(f) != 5:
                continue
            t, kind, ms, ok = float(f[0]), f[1], float(f[3]), f[4] == "ok"
            if base_from <= t < sluiced_at and ok:
                base.setdefault(kind, []).append(ms)
            elif t >= release_at and host not in infected:
                rows.append((kind, ms, ok))
    med = {k: quantile(v, 0.5) for k, v in base.items()}
    out = {}
    for kind in ("web", "peer", "mail"):
        rs = [r for r in rows if r[0] == kind]
        added = [max(0.0, ms - (med.get(kind) or 0.0)) for _, ms, ok in rs if ok]
        out[kind] = {"requests": len(rs), "failed": sum(1 for r in rs if not r[2]),
                     "delayed": sum(1 for a in added if a >= DELAYED_MS),
                     "base": med.get(kind), "p50": quantile(added, 0.5),
                     "p99": quantile(added, 0.99)}
    return out


# first_of - the first event of TYPE (and SRC) at or after T0, or None
def first_of(evs, typ, src=None):
    for e in evs:
        if e["event_type"] == typ and (src is None or e.get("src_ip") == src):
            return e
    return None


# summarize - every number of the run, as a dict
def summarize(d):
    t = times(d)
    t0 = float(t["release"])
    inf = infections(d)
    ws = worms(d)
    ev = sorted(events(os.path.join(d, "events.json")), key=lambda e: e["at"])
    mev = sorted(events(os.path.join(d, "events-mail.json")), key=lambda e: e["at"])
    infected = set(h for _, h, _ in inf)
    quar = [l.strip() for l in open(os.path.join(d, "quarantine4")) if l.strip()]
    s = {"column": t.get("column"), "strategy": t.get("strategy"),
         "seconds": int(t.get("seconds", 0)),
         "infected": len(inf),
         "infected60": sum(1 for at, _, _ in inf if at - t0 <= 60.0),
         "attempts": sum(w["attempts"] for w in ws),
         "attempts_kernel": counts(os.path.join(d, "count.att")),
         "escapes": counts(os.path.join(d, "count.esc")),
         "reached": counts(os.path.join(d, "count.got")),
         "live_contacts": counts(os.path.join(d, "count.live")),
         "owned": sum(w["owned"] for w in ws),
         "worms": len(ws),
         "quarantined": len(quar),
         "quarantined_infected": len(set(quar) & infected),
         "quarantined_clean": len(set(quar) - infected),
         "samples": read_int(os.path.join(d, "samples.count")),
         "mails": sum(w["mails"] for w in ws),
         "mails_ok": sum(w["mail_ok"] for w in ws),
         "mails_refused": sum(w["mail_refused"] for w in ws),
         "mail_held": read_int(os.path.join(d, "mail.held"))}
    by_type = {}
    for e in ev + mev:
        by_type[e["event_type"]] = by_type.get(e["event_type"], 0) + 1
    for k, n in sorted(by_type.items()):
        s["events_" + k] = n
    reasons = {}
    for e in ev:
        if e["event_type"] == "quarantine":
            r = e.get("quarantine", {}).get("reason", "?")
            reasons[r] = reasons.get(r, 0) + 1
    s["quarantine_reasons"] = ",".join("%s:%d" % kv for kv in sorted(reasons.items())) or "-"
    acts = {}
    for e in ev:
        c = e.get("countermeasure", {})
        if e["event_type"] == "countermeasure" and c.get("state") == "started":
            k = "%s(%s)" % (c.get("action", "?"), c.get("signal", "?"))
            acts[k] = acts.get(k, 0) + 1
    s["reactions"] = ",".join("%s:%d" % kv for kv in sorted(acts.items())) or "-"
    p0 = inf[0][1] if inf else None
    for typ, key in (("lockout", "t_lockout"), ("quarantine", "t_quarantine")):
        e = first_of(ev, typ, p0)
        s[key] = round(e["at"] - t0, 2) if e else None
    e = first_of(mev, "lockout") or first_of(mev, "honeytoken")
    s["t_mail_lockout"] = round(e["at"] - t0, 2) if e else None
    # the first three seconds of the users' baseline are the hosts' and
    # Postfix's start (smtpd processes spawned): not their usual latency
    s["users"] = users(d, float(t["base_start"]) + 3.0,
                       float(t.get("sluiced", t["release"])), t0, infected)
    s["series"] = [(round(at - t0, 2), i + 1) for i, (at, _, _) in enumerate(inf)]
    return s


# dat - the pictures' data files
def dat(d, s):
    with open(os.path.join(d, "infected.dat"), "w") as f:
        f.write("0 %d\n" % (1 if s["series"] else 0))
        for at, n in s["series"]:
            f.write("%s %d\n" % (max(at, 0.0), n))
        f.write("%d %d\n" % (s["seconds"], s["infected"]))
    prev, rows = None, []
    try:
        for line in open(os.path.join(d, "escapes.log")):
            at, n = line.split()
            at, n = float(at), int(n)
            if prev is not None:
                rows.append((round(at - float(times(d)["release"]), 1),
                             (n - prev[1]) / max(at - prev[0], 0.1)))
            prev = (at, n)
    except OSError:
        pass
    with open(os.path.join(d, "escapes.dat"), "w") as f:
        for at, r in rows:
            f.write("%s %.1f\n" % (at, r))


# fmt - a value for the report
def fmt(v, unit=""):
    if isinstance(v, float):
        v = "%.1f" % v
    return "-" if v is None else "%s%s" % (v, unit)


# report - the text make demo prints
def report(s):
    L = []
    L.append("worm: strategy %s released on 10.77.8.11, defences: %s, %d s"
             % (s["strategy"], s["column"], s["seconds"]))
    L.append("  hosts infected:            %d of 24 (%d within 60 s)" % (s["infected"], s["infected60"]))
    L.append("  first contacts attempted:  %d by the worms (%d counted in the hosts' kernels)"
             % (s["attempts"], s["attempts_kernel"]))
    L.append("  escaped past the gateway:  %d (%d of them reached a LAN host in another subnet)"
             % (s["escapes"], s["reached"]))
    if s["live_contacts"]:
        L.append("  contacts to live Internet hosts (credit earned): %d" % s["live_contacts"])
    L.append("per mechanism:")
    L.append("  throttle:   %s throttle events, %s lockouts; first victim locked out %s, quarantined %s"
             % (s.get("events_throttle", 0), s.get("events_lockout", 0),
                fmt(s["t_lockout"], " s"), fmt(s["t_quarantine"], " s")))
    L.append("  TRW:        %s scanner verdicts" % s.get("events_trw", 0))
    L.append("  capture:    %s honeypot events, %d samples captured"
             % (s.get("events_honeypot", 0), s["samples"]))
    L.append("  mail:       %d worm mails, %d accepted, %d refused, %d on hold; %s honeytoken hits; sender locked %s"
             % (s["mails"], s["mails_ok"], s["mails_refused"], s["mail_held"],
                s.get("events_honeytoken", 0), fmt(s["t_mail_lockout"], " s")))
    L.append("  reactions:  %d hosts quarantined in the kernel (%d infected, %d clean); quarantine events by reason %s"
             % (s["quarantined"], s["quarantined_infected"], s["quarantined_clean"],
                s["quarantine_reasons"]))
    L.append("              countermeasures started (action(signal):count): %s" % s["reactions"])
    other = [k[7:] for k in s if k.startswith("events_") and k[7:] not in
             ("throttle", "lockout", "quarantine", "trw", "honeypot", "honeytoken",
              "release", "countermeasure")]
    if other:
        L.append("              other events: %s" % ", ".join(
            "%s %d" % (k, s["events_" + k]) for k in other))
    L.append("legitimate hosts (never infected), during the worm:")
    for kind, u in s["users"].items():
        L.append("  %-5s %4d requests, %d failed, %d delayed; added latency median %s, p99 %s (usual %s)"
                 % (kind, u["requests"], u["failed"], u["delayed"], fmt(u["p50"], " ms"),
                    fmt(u["p99"], " ms"), fmt(u["base"], " ms")))
    return "\n".join(L)


# main - the command line
def main(argv):
    if len(argv) == 3 and argv[1] == "-s":
        s = summarize(argv[2])
        for k, v in s.items():
            if k == "users":
                for kind, u in v.items():
                    for uk, uv in u.items():
                        print("%s_%s %s" % (kind, uk, "-" if uv is None else uv))
            elif k != "series":
                print(k, "-" if v is None else v)
        return 0
    if len(argv) == 2:
        s = summarize(argv[1])
        dat(argv[1], s)
        print(report(s))
        return 0
    print("usage: report.py [-s] DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
