/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_verdict - unit test of sluiced's decisions (nft-expr/verdict/,
 *	quarantine/quar.c)
 * DESCRIPTION
 *	The engine runs against fake operations that record every verdict,
 *	hold, quarantine change and event, with time passed in: a browsing
 *	host never waits, a scanner gets its working set plus one release
 *	per interval and is quarantined past the high watermark (its held
 *	packets dropped), quarantine expires at its TTL, the operator's
 *	release and quarantine work and the whitelist holds, credit and
 *	TRW react to outcomes, and a reload keeps or releases what is held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "quarantine/quar.h"
#include "verdict/vdflow.h"
#include "verdict/vdhost.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "../tap.h"
#include "sluiced_vtest.h"

#define MAXC 4096

static struct {
	int verdict[MAXC];	/* -1 none, 0 drop, 1 accept */
	int held[MAXC];
	int quarantines, unquarantines;
	uint64_t last_ttl;
	char last_q[ADDR_STRLEN];
	int ev_throttle, ev_lockout, ev_quarantine, ev_release, ev_trw;
	int ev_unquarantine;
	int ev_observe;		/* events marked "observe": true */
	int answers;		/* calls of f_answer */
	char last_reason[32];
} rec;

/* fake operations */
static void f_answer(void *ctx, uint64_t c, int accept)
{
	(void)ctx;
	rec.answers++;
	if (c < MAXC) {
		rec.verdict[c] = accept;
		rec.held[c] = 0;
	}
}

static void f_hold(void *ctx, uint64_t c)
{
	(void)ctx;
	if (c < MAXC)
		rec.held[c] = 1;
}

static void f_quarantine(void *ctx, const struct sl_addr *a, uint64_t ttl)
{
	(void)ctx;
	addr_format(a, rec.last_q);
	if (ttl) {
		rec.quarantines++;
		rec.last_ttl = ttl;
	} else
		rec.unquarantines++;
}

static void f_event(void *ctx, const struct event *ev)
{
	size_t i;

	(void)ctx;
	if (strcmp(ev->type, "throttle") == 0)
		rec.ev_throttle++;
	else if (strcmp(ev->type, "lockout") == 0)
		rec.ev_lockout++;
	else if (strcmp(ev->type, "quarantine") == 0)
		rec.ev_quarantine++;
	else if (strcmp(ev->type, "release") == 0)
		rec.ev_release++;
	else if (strcmp(ev->type, "unquarantine") == 0)
		rec.ev_unquarantine++;
	else if (strcmp(ev->type, "trw") == 0)
		rec.ev_trw++;
	for (i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, "observe") == 0 && ev->fields[i].v.b)
			rec.ev_observe++;
	for (i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, "reason") == 0)
			snprintf(rec.last_reason, sizeof(rec.last_reason), "%s",
				 ev->fields[i].v.s);
}

static const struct verdict_ops ops = { f_answer, f_hold, f_quarantine, f_event,
					  NULL, NULL, NULL, NULL };
static const uint8_t seed[16] = { 1, 2, 3 };

static const char conf_text[] =
	"[core]\nwhitelist = 127.0.0.0/8\nevents =\n"
	"[sluiced]\nmax_held = 2000\ncontact_timeout = 3s\n"
	"[zone lan]\nprefixes = 10.1.0.0/16, 127.0.0.0/8, fd00::/8\n"
	"high_watermark = 100\nlow_watermark = 60\nquarantine_ttl = 10m\n"
	"[zone srv]\nprefixes = 10.1.9.0/24\nmode = off\n"
	"[zone cred]\nprefixes = 10.2.0.0/16\nmode = credit\ncredit_start = 3\n"
	"trw = off\n"
	"[zone credrop]\nprefixes = 10.3.0.0/16\nmode = credit\ncredit_start = 2\n"
	"credit_action = drop\n"
	"[zone trwq]\nprefixes = 10.4.0.0/16\ntrw = quarantine\n"
	"[zone watch]\nprefixes = 10.5.0.0/16\nobserve = yes\n"
	"high_watermark = 100\nlow_watermark = 60\nquarantine_ttl = 10m\n"
	"[zone watchc]\nprefixes = 10.6.0.0/16\nmode = credit\ncredit_start = 2\n"
	"observe = yes\ntrw = off\n";

/* dst_n - the n-th scan target */
static const char *dst_n(int n, char *buf)
{
	snprintf(buf, 32, "10.9.%d.%d", n / 250, 1 + n % 250);
	return buf;
}

/* count - how many cookies in [lo, hi) have verdict v (or are held) */
static int count(int lo, int hi, int v)
{
	int i, n = 0;

	for (i = lo; i < hi; i++)
		n += v == 2 ? rec.held[i] : rec.verdict[i] == v;
	return n;
}

/* reset - forget what was recorded */
static void reset(void)
{
	memset(&rec, 0, sizeof(rec));
	memset(rec.verdict, 0xff, sizeof(rec.verdict));
}

/* test_browsing - five servers again and again: never held */
static void test_browsing(struct verdict *v, uint64_t t0)
{
	static const char *servers[] = { "10.9.0.1", "10.9.0.2", "10.9.0.3",
					 "10.9.0.4", "10.9.0.5" };
	struct pkt_info p;
	int i;

	reset();
	for (i = 0; i < 1000; i++) {
		p = vt_syn("10.1.1.1", servers[i % 5], 443);
		verdict_packet(v, &p, (uint64_t)i, t0 + (uint64_t)i * 10 * NS_PER_MS);
	}
	is_int(count(0, 1000, 1), 1000, "browsing five servers: all 1000 accepted at once");
	is_int(rec.ev_throttle, 0, "browsing: no throttle event");
}

/* test_scanner - working set, releases, lockout, quarantine, expiry */
static void test_scanner(struct verdict *v, uint64_t t0)
{
	struct verdict_stats st;
	struct pkt_info p;
	char d[32];
	int i;

	reset();
	for (i = 0; i < 50; i++) {
		p = vt_syn("10.1.2.2", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0);
	}
	is_int(count(0, 50, 1), 5, "scanner: the working set (5) passes at once");
	is_int(count(0, 50, 2), 45, "scanner: the other 45 are held");
	is_int(rec.ev_throttle, 1, "scanner: one throttle event when waiting starts");
	verdict_tick(v, t0 + 3 * NS_PER_SEC + 1);
	i = count(0, 50, 1);
	ok(i >= 7 && i <= 9, "three intervals later 2 to 4 more released (got %d)", i - 5);
	for (i = 50; i < 200; i++) {
		p = vt_syn("10.1.2.2", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0 + 3 * NS_PER_SEC + 2);
	}
	is_int(rec.quarantines, 1, "scanner: quarantined once past the high watermark");
	is_str(rec.last_q, "10.1.2.2", "scanner: its own address in the set");
	is_uint(rec.last_ttl, 600 * NS_PER_SEC, "scanner: with the zone's TTL");
	is_int(rec.ev_lockout, 1, "scanner: a lockout event");
	is_int(rec.ev_quarantine, 1, "scanner: a quarantine event");
	is_str(rec.last_reason, "lockout", "scanner: reason lockout");
	is_int(count(0, 200, 2), 0, "scanner: nothing left held (dropped)");
	i = count(0, 200, 1);
	ok(i >= 7 && i <= 9, "scanner: only working set and releases escaped (%d)", i);
	p = vt_syn("10.1.2.2", "10.9.0.1", 80);
	verdict_packet(v, &p, 300, t0 + 4 * NS_PER_SEC);
	is_int(rec.verdict[300], 0, "quarantined host: even a known server is dropped");
	verdict_stats(v, &st);
	is_uint(st.quarantined, 1, "stats: one host quarantined");
	verdict_tick(v, t0 + 605 * NS_PER_SEC);
	is_int(rec.ev_unquarantine, 1, "quarantine expires at its TTL: unquarantine event");
	is_int(rec.ev_release, 0, "and no release event (nobody released it)");
	is_str(rec.last_reason, "expired", "release reason: expired");
	p = vt_syn("10.1.2.2", "10.9.0.1", 80);
	verdict_packet(v, &p, 301, t0 + 606 * NS_PER_SEC);
	is_int(rec.verdict[301], 1, "after expiry the host is let out");
}

/* test_observe - an observe zone decides as test_scanner's and enforces
   nothing: every packet accepted as it comes, answered once, nothing
   held, no quarantine set change; the lockout and the quarantine are
   events marked "observe": true and counted; then the same for a
   credit zone */
static void test_observe(struct verdict *v, uint64_t t0)
{
	struct verdict_stats st0, st;
	struct verdict_host h;
	struct pkt_info p;
	char d[32];
	int i, late = 0;

	reset();
	verdict_stats(v, &st0);
	for (i = 0; i < 300; i++) {
		p = vt_syn("10.5.2.2", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0 + (uint64_t)i * NS_PER_MS);
		late += rec.verdict[i] != 1;
		if (i == 59) {	/* 55 stand-ins wait in the queue now */
			verdict_stats(v, &st);
			is_uint(st.held_now, st0.held_now,
				"observe: held now unchanged (stand-ins are no packets)");
		}
	}
	is_int(late, 0, "observe: every one of 300 packets accepted as it came (got %d not)", late);
	is_int(count(0, 300, 2), 0, "observe: none held");
	is_int(rec.answers, 300, "observe: 300 answers for 300 packets");
	is_int(rec.quarantines, 0, "observe: no quarantine set change");
	is_int(rec.ev_lockout, 1, "observe: one lockout event");
	is_int(rec.ev_quarantine, 1, "observe: one quarantine event");
	is_str(rec.last_reason, "lockout", "observe: its reason lockout");
	is_int(rec.ev_observe, rec.ev_throttle + rec.ev_lockout + rec.ev_quarantine,
	       "observe: every event marked \"observe\": true (%d of %d)", rec.ev_observe,
	       rec.ev_throttle + rec.ev_lockout + rec.ev_quarantine);
	verdict_tick(v, t0 + 5 * NS_PER_SEC);
	is_int(rec.answers, 300, "observe: the releases answer nothing again");
	verdict_stats(v, &st);
	is_uint(st.observed_quarantines - st0.observed_quarantines, 1, "stats: one quarantine observed");
	is_uint(st.observed_holds - st0.observed_holds, 100, "stats: 100 holds observed (up to the watermark)");
	is_uint(st.observed_drops - st0.observed_drops, 295,
	       "stats: 295 drops observed (the one over the watermark, the 100 held, 194 after)");
	is_uint(st.quarantined, st0.quarantined, "stats: no quarantine in force");
	ok(vdhost_show(v, &p.src, t0 + 5 * NS_PER_SEC, &h) == 0 && h.observe &&
	   h.queued == 0 && !h.locked && h.quarantine_left_ns == 0 && h.observed == 295,
	   "show: observe, nothing queued, not quarantined, observed 295 (got %u)", h.observed);
	reset();
	for (i = 0; i < 20; i++) {
		p = vt_syn("10.6.2.2", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0 + 10 * NS_PER_SEC);
	}
	is_int(count(0, 20, 1), 20, "observe, credit: all 20 accepted at once");
	is_int(count(0, 20, 2), 0, "observe, credit: none held");
	ok(rec.ev_throttle == 1 && rec.ev_observe == 1, "observe, credit: one throttle event, "
	   "marked (%d, %d)", rec.ev_throttle, rec.ev_observe);
	verdict_tick(v, t0 + 20 * NS_PER_SEC);
	is_int(rec.answers, 20, "observe, credit: credits coming answer nothing again");
}

/* test_operator - quarantine, release, whitelist */
static void test_operator(struct verdict *v, uint64_t t0)
{
	struct verdict_host h;
	struct pkt_info p;
	struct sl_addr a;

	reset();
	addr_parse("10.1.3.3", &a);
	is_int(quar_addr(v, &a, "operator", t0), 0, "operator quarantine");
	is_int(rec.quarantines, 1, "operator quarantine: set element added");
	p = vt_syn("10.1.3.3", "10.9.0.1", 80);
	verdict_packet(v, &p, 1, t0 + 1);
	is_int(rec.verdict[1], 0, "operator quarantine: packets dropped");
	ok(vdhost_show(v, &a, t0 + 2, &h) == 0 && h.quarantine_left_ns > 0,
	   "show: quarantined");
	is_int(quar_release(v, &a, NULL, t0 + 3), 0, "release a known host");
	is_int(rec.unquarantines, 1, "release: set element removed");
	verdict_packet(v, &p, 2, t0 + 4);
	is_int(rec.verdict[2], 1, "released: packets pass at once");
	addr_parse("127.0.0.5", &a);
	is_int(quar_addr(v, &a, NULL, t0), -1, "whitelisted: never quarantined");
	p = vt_syn("127.0.0.5", "10.9.0.9", 80);
	verdict_packet(v, &p, 3, t0 + 5);
	is_int(rec.verdict[3], 1, "whitelisted: accepted");
	addr_parse("172.16.5.5", &a);		/* in no zone */
	is_int(quar_addr(v, &a, "operator", t0), 0, "quarantine a source in no zone");
	is_uint(rec.last_ttl, 3600 * NS_PER_SEC, "... for the default hour");
	p = vt_syn("172.16.5.5", "10.9.0.9", 80);
	verdict_packet(v, &p, 4, t0 + 6);
	is_int(rec.verdict[4], 0, "... and its packets are dropped (ruleset none)");
	quar_release(v, &a, NULL, t0 + 7);
	verdict_packet(v, &p, 5, t0 + 8);
	is_int(rec.verdict[5], 1, "released: accepted again");
	addr_parse("10.77.77.77", &a);
	is_int(quar_release(v, &a, NULL, t0), -1, "release of an unknown host says so");
}

/* quar_seen - quar_fn: remember 10.1.4.4's time left */
static void quar_seen(void *ctx, const struct sl_addr *a, uint64_t left_ns)
{
	char buf[ADDR_STRLEN];

	if (strcmp(addr_format(a, buf), "10.1.4.4") == 0)
		*(uint64_t *)ctx = left_ns;
}

/* test_restore - a saved quarantine put back for the time it had left,
   and the list sluiced saves */
static void test_restore(struct verdict *v, uint64_t t0)
{
	struct pkt_info p;
	struct sl_addr a;
	uint64_t left = 0;

	reset();
	addr_parse("10.1.4.4", &a);
	is_int(quar_addr_for(v, &a, 90 * NS_PER_SEC, "restored", t0), 0,
	       "restore: a quarantine with 90 s left");
	is_uint(rec.last_ttl, 90 * NS_PER_SEC, "restore: the set element gets the 90 s, not the zone's 10 min");
	is_str(rec.last_reason, "restored", "restore: the event says so");
	p = vt_syn("10.1.4.4", "10.9.0.1", 80);
	verdict_packet(v, &p, 1, t0 + 1);
	is_int(rec.verdict[1], 0, "restore: its packets are dropped");
	quar_each(v, t0 + 30 * NS_PER_SEC, quar_seen, &left);
	is_uint(left, 60 * NS_PER_SEC, "the list to save: 60 s left 30 s later");
	left = 0;
	verdict_tick(v, t0 + 91 * NS_PER_SEC);
	quar_each(v, t0 + 91 * NS_PER_SEC, quar_seen, &left);
	is_uint(left, 0, "after 90 s it has run out and is no longer listed");
	verdict_packet(v, &p, 2, t0 + 92 * NS_PER_SEC);
	is_int(rec.verdict[2], 1, "... and its packets pass");
	addr_parse("127.0.0.9", &a);
	is_int(quar_addr_for(v, &a, 90 * NS_PER_SEC, "restored", t0), -1,
	       "restore: a whitelisted address is not quarantined again");
}

/* test_pass_through - bad packets, unzoned and mode off */
static void test_pass_through(struct verdict *v, uint64_t t0)
{
	struct verdict_stats before, after;
	struct pkt_info p;
	char d[32];
	int i;

	reset();
	verdict_stats(v, &before);
	memset(&p, 0, sizeof(p));
	p.kind = PKT_BAD;
	verdict_packet(v, &p, 1, t0);
	p.kind = PKT_OTHER;
	verdict_packet(v, &p, 2, t0);
	for (i = 0; i < 300; i++) {
		p = vt_syn("10.1.9.9", dst_n(i, d), 80);	/* zone srv, mode off */
		verdict_packet(v, &p, (uint64_t)(10 + i), t0);
		p = vt_syn("172.16.0.1", dst_n(i, d), 80);	/* no zone */
		verdict_packet(v, &p, (uint64_t)(1000 + i), t0);
	}
	ok(rec.verdict[1] == 1 && rec.verdict[2] == 1, "unreadable packets (no addresses): accepted");
	is_int(count(10, 310, 1), 300, "mode off: 300 new destinations accepted");
	is_int(count(1000, 1300, 1), 300, "no zone: 300 new destinations accepted");
	verdict_stats(v, &after);
	is_uint(after.hosts, before.hosts, "neither is tracked as a host");
	is_uint(after.bad - before.bad, 2, "stats: both counted unreadable");
}

/* test_cut_short - a scan whose transport headers sluiced cannot read
   (cut off by the copy range, or fragments) is throttled all the same */
static void test_cut_short(struct verdict *v, uint64_t t0)
{
	struct pkt_info p;
	char d[32];
	int i;

	reset();
	for (i = 0; i < 50; i++) {
		p = vt_syn("10.1.5.5", dst_n(i, d), 0);
		p.kind = PKT_OTHER;
		p.dport = 0;
		verdict_packet(v, &p, (uint64_t)i, t0 + (uint64_t)i * NS_PER_MS);
	}
	is_int(count(0, 50, 1), 5, "cut-short scan: the working set's 5 pass");
	is_int(count(0, 50, 2), 45, "cut-short scan: the other 45 are held");
	p = vt_syn("10.1.5.6", "10.9.0.1", 80);
	p.kind = PKT_ICMP;
	verdict_packet(v, &p, 60, t0);
	is_int(rec.verdict[60], 1, "ICMP (queued only by an operator's rule): accepted");
	quar_release(v, &p.src, NULL, t0);
	addr_parse("10.1.5.5", &p.src);
	quar_release(v, &p.src, NULL, t0 + NS_PER_SEC);
}

/* test_credit - balance, outcomes, delay and drop */
static void test_credit(struct verdict *v, uint64_t t0)
{
	struct sl_addr src, dst;
	struct pkt_info p;
	char d[32];
	int i;

	reset();
	for (i = 0; i < 6; i++) {
		p = vt_syn("10.2.0.1", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0);
	}
	is_int(count(0, 6, 1), 3, "credit: the starting balance (3) passes");
	is_int(count(0, 6, 2), 3, "credit: then packets wait (delay)");
	addr_parse("10.2.0.1", &src);
	addr_parse(dst_n(0, d), &dst);
	vdflow_outcome(v, &src, &dst, 6, 80, 1, t0 + 1);	/* a success: +2 */
	verdict_tick(v, t0 + 200 * NS_PER_MS);
	is_int(count(0, 6, 1), 5, "credit: a success releases two waiting packets");
	p = vt_syn("10.2.0.1", dst_n(0, d), 80);
	verdict_packet(v, &p, 10, t0 + 300 * NS_PER_MS);
	is_int(rec.verdict[10], 1, "credit: a recent destination costs nothing");
	for (i = 20; i < 24; i++) {
		p = vt_syn("10.3.0.1", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0);
	}
	is_int(count(20, 24, 1), 2, "credit drop: the balance (2) passes");
	is_int(count(20, 24, 0), 2, "credit drop: the rest is dropped");
	verdict_tick(v, t0 + 5 * NS_PER_SEC);
	is_int(count(0, 6, 1), 6, "credit: the zero-balance grant releases the last one");
	for (i = 30; i < 34; i++) {
		p = vt_syn("10.2.0.1", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0 + 6 * NS_PER_SEC);
	}
	is_int(count(30, 34, 2), 4, "credit: at zero again, four wait");
	addr_parse("10.2.0.1", &src);
	quar_release(v, &src, NULL, t0 + 6 * NS_PER_SEC + 1);
	is_int(count(30, 34, 1), 4, "release: the waiting packets are accepted");
}

/* test_trw - failed first contacts make a scanner */
static void test_trw(struct verdict *v, uint64_t t0)
{
	struct pkt_info p;
	char d[32];
	int i;

	reset();
	for (i = 0; i < 5; i++) {
		p = vt_syn("10.4.0.1", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0);
	}
	is_int(count(0, 5, 1), 5, "trw: five first contacts go out");
	verdict_tick(v, t0 + 4 * NS_PER_SEC);		/* all time out: failures */
	is_int(rec.ev_trw, 1, "trw: five failures make a scanner (event)");
	is_int(rec.quarantines, 1, "trw = quarantine: quarantined");
	is_str(rec.last_reason, "trw", "trw: reason");
}

/* test_reload - state kept by zone name; a zone that goes releases */
static void test_reload(struct verdict *v, struct sd_conf **conf, uint64_t t0)
{
	struct sd_conf *same = vt_load(conf_text), *gone;
	char err[256], d[32], text[sizeof(conf_text) + 64];
	struct pkt_info p;
	int i;

	reset();
	for (i = 0; i < 20; i++) {
		p = vt_syn("10.1.5.5", dst_n(i, d), 80);
		verdict_packet(v, &p, (uint64_t)i, t0);
	}
	is_int(count(0, 20, 2), 15, "before reload: 15 held");
	is_int(vdsetup_reconfigure(v, same, err, sizeof(err)), 0, "reload, same zones");
	sdconf_release(*conf);
	free(*conf);
	*conf = same;
	is_int(count(0, 20, 2), 15, "after reload: still 15 held");
	snprintf(text, sizeof(text), "%s", conf_text);
	memcpy(strstr(text, "[zone lan]"), "[zone new]", 10);
	gone = vt_load(text);
	is_int(vdsetup_reconfigure(v, gone, err, sizeof(err)), 0, "reload, zone renamed");
	sdconf_release(*conf);
	free(*conf);
	*conf = gone;
	is_int(count(0, 20, 2), 0, "the old zone's held packets were released");
	is_int(count(0, 20, 1), 20, "... accepted, fail-open");
}

/* The hosts a walk gives, in order (addresses as text). */
struct walked {
	char addr[64][48];
	int n, total;
};

/* walk_note - verdict_walk callback */
static int walk_note(void *ctx, const struct verdict_host *h)
{
	struct walked *w = ctx;

	if (w->n < 64)
		addr_format(&h->addr, w->addr[w->n++]);
	w->total++;
	return 0;
}

/* walked_has - a walk gave host a */
static int walked_has(const struct walked *w, const char *a)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->addr[i], a) == 0)
			return 1;
	return 0;
}

/* test_walk - "hosts all" lists the most recently seen first; plain
   "hosts" walks the same hosts in any order */
static void test_walk(struct verdict *v, uint64_t t0)
{
	static const char *h[] = { "10.1.7.1", "10.1.7.2", "10.1.7.3" };
	struct walked recent = { .n = 0 }, any = { .n = 0 };
	struct pkt_info p;
	int i, all = 1;

	for (i = 0; i < 3; i++) {
		p = vt_syn(h[i], "10.9.0.1", 443);
		verdict_packet(v, &p, (uint64_t)(5000 + i), t0 + (uint64_t)i);
	}
	vdhost_walk(v, t0 + 10, 1, walk_note, &recent);
	ok(recent.n >= 3 && strcmp(recent.addr[0], h[2]) == 0
	   && strcmp(recent.addr[1], h[1]) == 0
	   && strcmp(recent.addr[2], h[0]) == 0,
	   "walk, most recent first: %s, %s, %s", recent.addr[0],
	   recent.addr[1], recent.addr[2]);
	vdhost_walk(v, t0 + 10, 0, walk_note, &any);
	for (i = 0; i < 3; i++)
		all &= walked_has(&any, h[i]);
	ok(all && any.total == recent.total,
	   "walk in table order: the same %d hosts", recent.total);
}

int main(void)
{
	struct sd_conf *conf = vt_load(conf_text);
	struct verdict *v;
	char err[256];
	uint64_t t0 = 1000 * NS_PER_SEC;

	if (conf == NULL)
		return 1;
	v = vdsetup_create(conf, &ops, NULL, seed, err, sizeof(err));
	ok(v != NULL, "verdict_create: %s", v ? "ok" : err);
	if (v == NULL)
		return done_testing();
	test_browsing(v, t0);
	test_scanner(v, t0 + 100 * NS_PER_SEC);
	test_operator(v, t0 + 800 * NS_PER_SEC);
	test_restore(v, t0 + 850 * NS_PER_SEC);
	test_pass_through(v, t0 + 900 * NS_PER_SEC);
	test_cut_short(v, t0 + 950 * NS_PER_SEC);
	test_credit(v, t0 + 1000 * NS_PER_SEC);
	test_trw(v, t0 + 1100 * NS_PER_SEC);
	test_observe(v, t0 + 1120 * NS_PER_SEC);
	test_walk(v, t0 + 1150 * NS_PER_SEC);
	test_reload(v, &conf, t0 + 1200 * NS_PER_SEC);
	vdsetup_free(v);
	sdconf_release(conf);
	free(conf);
	return done_testing();
}
