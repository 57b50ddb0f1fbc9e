/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_vddns - unit test of the no-DNS signal in the verdict path
 *	(nft-expr/verdict/vddns.c)
 * DESCRIPTION
 *	The engine runs with fake operations and a dnssnoop fed one
 *	answer (for client 10.1.0.5: 10.9.0.1). Each first contact of a
 *	table is decided and must give the signal, the nodns event and
 *	the counters it says: an answered address none, an unanswered one
 *	all three, the own zone, port 53, the answering resolver and the
 *	whitelist none; a repeat contact is no first contact and is not
 *	asked; a client whose neighbour asked is not justified by that.
 *	Every packet is accepted whatever the signal (it never decides a
 *	verdict). The events are rate-limited per source, the rest
 *	counted and reported by vddns_tick.
 */
#include <stdio.h>
#include <string.h>

#include "dns/dnssnoop.h"
#include "verdict/vddns.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "../tap.h"
#include "sluiced_vtest.h"

#define SEC 1000000000ULL

static struct {
	int accepted, dropped, signals, events, suppressed_events;
	uint16_t last_port;
	char last_src[ADDR_STRLEN];
} rec;

static void f_answer(void *ctx, uint64_t c, int accept)
{
	(void)ctx;
	(void)c;
	if (accept)
		rec.accepted++;
	else
		rec.dropped++;
}

static void f_hold(void *ctx, uint64_t c) { (void)ctx; (void)c; }

static void f_quarantine(void *ctx, const struct sl_addr *a, uint64_t ttl)
{
	(void)ctx; (void)a; (void)ttl;
}

static void f_event(void *ctx, const struct event *ev)
{
	size_t i;

	(void)ctx;
	if (strcmp(ev->type, "nodns") != 0)
		return;
	for (i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, "suppressed") == 0)
			rec.suppressed_events += (int)ev->fields[i].v.u;
	if (ev->dst != NULL)
		rec.events++;
}

/* f_signal - verdict_ops: the signal, which must be the weak one */
static void f_signal(void *ctx, enum cmeasure_signal sig,
		     const struct sl_addr *src, uint16_t port)
{
	(void)ctx;
	if (sig != CMEASURE_SIG_NODNS)
		return;
	rec.signals++;
	rec.last_port = port;
	addr_format(src, rec.last_src);
}

static const struct verdict_ops ops = { f_answer, f_hold, f_quarantine, f_event,
					f_signal, NULL, NULL, NULL };
static const uint8_t seed[16] = { 9 };

static const char conf_text[] =
	"[core]\nwhitelist = 127.0.0.0/8, 10.8.0.8\nevents =\n"
	"[sluiced]\nmax_held = 100\n"
	"[zone lan]\nprefixes = 10.1.0.0/16\nwset_size = 64\n"
	"[zone cred]\nprefixes = 10.2.0.0/16\nmode = credit\ncredit_start = 50\n"
	"[dns]\nby_address = 10.3.0.25/32\n";

/* answer - a UDP reply from resolver 10.7.0.53 to client naming 10.9.0.1 */
static void answer(struct dnssnoop *s, uint8_t client_last)
{
	uint8_t p[] = {
		0x45, 0, 0, 28 + 12 + 17 + 4 + 16, 0, 0, 0x40, 0, 64, 17, 0, 0,
		10, 7, 0, 53, 10, 1, 0, client_last,
		0, 53, 0x9c, 0x40, 0, 8 + 12 + 17 + 4 + 16, 0, 0,
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c',
		'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 2, 0x58, 0, 4, 10, 9, 0, 1,
	};

	is_int(dnssnoop_packet(s, p, sizeof(p), SEC), 1, "the answer is read");
}

struct vcase {
	const char *name;
	const char *src, *dst;
	uint16_t port;
	int signal;		/* 1: raised */
};

static const struct vcase cases[] = {
	{ "answered address", "10.1.0.5", "10.9.0.1", 80, 0 },
	{ "unanswered address", "10.1.0.5", "10.9.0.2", 443, 1 },
	{ "the same again (not a first contact)", "10.1.0.5", "10.9.0.2", 443, 0 },
	{ "another port of it (not a first contact)", "10.1.0.5", "10.9.0.2", 22, 0 },
	{ "the neighbour's answer justifies nothing", "10.1.0.6", "10.9.0.1", 80, 1 },
	{ "own zone", "10.1.0.5", "10.1.3.3", 445, 0 },
	{ "port 53 (a resolver by configuration)", "10.1.0.5", "10.7.7.7", 53, 0 },
	{ "the resolver that answered, another port", "10.1.0.5", "10.7.0.53", 853, 0 },
	{ "whitelisted destination", "10.1.0.5", "10.8.0.8", 80, 0 },
	{ "the mail relay, [dns] by_address", "10.1.0.5", "10.3.0.25", 25, 0 },
	{ "its neighbour, not by_address (control)", "10.1.0.5", "10.3.0.26", 25, 1 },
	{ "credit zone, unanswered", "10.2.0.9", "10.9.0.3", 80, 1 },
	{ "credit zone, repeat", "10.2.0.9", "10.9.0.3", 80, 0 },
	{ "unzoned source", "10.99.0.1", "10.9.0.4", 80, 0 },
};

int main(void)
{
	struct sd_conf *conf = vt_load(conf_text);
	struct dnssnoop *snoop = dnssnoop_create(300 * SEC, 1 << 20, seed);
	struct vddns_stats st;
	struct verdict *v;
	struct pkt_info p;
	char err[256];
	uint64_t now = 2 * SEC;
	size_t i;
	int before, signals = 0, n;

	if (conf == NULL || snoop == NULL
	    || (v = vdsetup_create(conf, &ops, NULL, seed, err, sizeof(err))) == NULL)
		return !ok(0, "engine: %s", conf ? err : "config");
	answer(snoop, 5);
	p = vt_syn("10.1.0.5", "10.9.0.9", 80);
	verdict_packet(v, &p, 1, now);
	is_int(rec.signals, 0, "not attached: nothing is asked");
	is_int(vddns_attach(v, snoop, 2, seed), 0, "attached");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		before = rec.signals;
		p = vt_syn(cases[i].src, cases[i].dst, cases[i].port);
		verdict_packet(v, &p, 100 + i, now);
		if (!ok(rec.signals - before == cases[i].signal, "%s: %s",
			cases[i].name, cases[i].signal ? "signal" : "no signal"))
			diag("  got %d signals, want %d", rec.signals - before,
			     cases[i].signal);
		if (cases[i].signal) {
			is_str(rec.last_src, cases[i].src, "%s: from its source",
			       cases[i].name);
			is_uint(rec.last_port, cases[i].port, "%s: its port",
				cases[i].name);
		}
		signals += cases[i].signal;
	}
	is_int(rec.dropped, 0, "no packet was dropped");
	is_int(rec.events, signals, "one nodns event per signal (under the rate)");
	vddns_stats(v, &st);
	is_uint(st.signals, signals, "signals counted");
	is_uint(st.justified, 1, "one contact justified");
	is_uint(st.exempt, 4, "own zone, port 53, the resolver, by_address exempt");
	/* a burst from one source: 2 events a second, the rest counted */
	before = rec.events;
	for (n = 0; n < 10; n++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "10.9.1.%d", n + 1);
		p = vt_syn("10.1.0.7", dst, 80);
		verdict_packet(v, &p, 200 + (uint64_t)n, now + 1);
	}
	is_int(rec.events - before, 2, "a burst of 10 gives 2 events");
	vddns_tick(v, now + 2 * SEC);
	is_int(rec.suppressed_events, 8, "the tick reports the other 8");
	vddns_stats(v, &st);
	is_uint(st.events_suppressed, 8, "and counts them");
	ok(dnssnoop_justified(snoop, &(struct sl_addr){ 0 }, &p.dst, now) == 0,
	   "a family-0 client is never justified");
	vdsetup_free(v);	/* detaches */
	dnssnoop_free(snoop);
	sdconf_release(conf);
	free(conf);
	return done_testing();
}
