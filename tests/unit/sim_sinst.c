/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sim_sinst - the simulator's sluice instance decides as sluiced does
 * DESCRIPTION
 *	The same contact sequences (300 seeded mixes of browsing, bursts
 *	and scans from 8 hosts, with gaps long enough for releases,
 *	lockouts and quarantine expiry) go through sluiced's verdict
 *	engine (nft-expr/verdict*.c, configured from sluice.conf text) and
 *	through sinst(3) (examples/sim/sinst.c, the epidemic simulator's
 *	instance over the same throttle). Every contact must get the same
 *	fate on both paths: accepted or dropped, at the same time (at once,
 *	or when a release or a lockout came). The counts show every kind of
 *	fate was exercised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "sinst.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "../tap.h"

#define NC 3000			/* contacts per sequence */
#define HOSTS 8

struct fate {
	int verdict;		/* -1 pending, 0 dropped, 1 accepted */
	uint64_t at;
};

static struct fate va[NC], sa[NC];
static uint64_t arrived[NC];
static uint64_t now;

/* v_answer - verdict_ops: sluiced's verdict */
static void v_answer(void *ctx, uint64_t c, int accept)
{
	(void)ctx;
	if (c < NC)
		va[c] = (struct fate){ accept, now };
}

static void v_hold(void *ctx, uint64_t c) { (void)ctx; (void)c; }
static void v_quar(void *ctx, const struct sl_addr *a, uint64_t t)
{
	(void)ctx; (void)a; (void)t;
}
static void v_event(void *ctx, const struct event *ev) { (void)ctx; (void)ev; }

/* s_release - sinst_fn: the simulator's verdict on a held contact */
static void s_release(void *ctx, uint64_t c, int pass)
{
	(void)ctx;
	if (c < NC)
		sa[c] = (struct fate){ pass, now };
}

static const struct verdict_ops ops = { v_answer, v_hold, v_quar, v_event, NULL,
					  NULL, NULL, NULL };
static const uint8_t seed[16] = { 7 };

static const char conf_text[] =
	"[core]\nevents =\n[sluiced]\nmax_held = 100000\ncontact_timeout = 3s\n"
	"[zone lan]\nprefixes = 10.1.0.0/16\nwset_size = 5\n"
	"release_interval = 1s\nhigh_watermark = 20\nlow_watermark = 10\n"
	"quarantine_ttl = 30s\ntrw = off\n";

/* load - the configuration from text through a temporary file */
static int load(struct sd_conf *c)
{
	char path[] = "/tmp/sim_sinst.XXXXXX", err[512];
	int fd = mkstemp(path), r;

	if (fd < 0 || write(fd, conf_text, strlen(conf_text)) < 0)
		return -1;
	close(fd);
	if ((r = sdconf_load(path, c, err, sizeof(err))) < 0)
		diag("config: %s", err);
	unlink(path);
	return r;
}

static uint64_t rs;

/* rnd - xorshift64 */
static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

/* contact - one contact through both paths */
static void contact(struct verdict *v, struct sinst *s, uint32_t c,
		    uint32_t host, uint32_t dst)
{
	struct pkt_info p;
	enum sinst_verdict sv;

	memset(&p, 0, sizeof(p));
	p.kind = PKT_TCP;
	p.proto = 6;
	p.src.family = p.dst.family = 4;
	p.src.b[0] = 10, p.src.b[1] = 1, p.src.b[3] = (uint8_t)(host + 1);
	p.dst.b[0] = (uint8_t)(dst >> 24), p.dst.b[1] = (uint8_t)(dst >> 16);
	p.dst.b[2] = (uint8_t)(dst >> 8), p.dst.b[3] = (uint8_t)dst;
	p.sport = (uint16_t)(40000 + c % 20000);
	p.dport = 445;
	p.tcp_flags = PKT_TCP_SYN;
	arrived[c] = now;
	verdict_packet(v, &p, c, now);
	sv = sinst_contact(s, host, dst, c, now);
	if (sv != SINST_HOLD)
		sa[c] = (struct fate){ sv == SINST_PASS, now };
}

/* tick - both engines' timers at now */
static void tick(struct verdict *v, struct sinst *s)
{
	verdict_tick(v, now);
	sinst_tick(s, now);
}

/* next_dst - browsing, a burst or a scan, by the host's nature */
static uint32_t next_dst(uint32_t host, uint32_t c)
{
	if (host < 5)		/* browsers: 8 usual servers, a new one now and then */
		return rnd(20) ? (10u << 24 | 8u << 16 | host << 8 | rnd(8))
			       : (10u << 24 | 7u << 16 | rnd(65536));
	return 10u << 24 | 9u << 16 | (c * 7919 + host) % 65536;	/* scanners */
}

/* run - one sequence; 0 if both paths agree on every contact */
static int run(const struct sd_conf *conf, uint64_t sd, unsigned counts[4])
{
	struct sinst_params sp = { { 5, NS_PER_SEC, 20, 10, 64u << 20, 100000 },
				   30 * NS_PER_SEC, 0 };
	struct verdict *v;
	struct sinst *s;
	char err[256];
	uint32_t c, host, bad = 0;

	rs = sd * 2654435761u + 1;
	now = 1000 * NS_PER_SEC;
	v = vdsetup_create(conf, &ops, NULL, seed, err, sizeof(err));
	s = sinst_create(&sp, HOSTS, seed, s_release, NULL);
	if (v == NULL || s == NULL)
		return -1;
	for (c = 0; c < NC; c++) {
		va[c].verdict = sa[c].verdict = -1;
		/* mostly short gaps (bursts), some of seconds, a few long */
		now += rnd(10) ? rnd(50) * NS_PER_MS
		     : rnd(10) ? rnd(3000) * NS_PER_MS : rnd(40) * NS_PER_SEC;
		tick(v, s);
		host = rnd(HOSTS);
		contact(v, s, c, host, next_dst(host, c));
	}
	for (c = 0; c < 4000; c++) {	/* release what is still held */
		now += 100 * NS_PER_MS;
		tick(v, s);
	}
	for (c = 0; c < NC; c++) {
		if (va[c].verdict != sa[c].verdict || va[c].at != sa[c].at) {
			if (bad++ < 3)
				diag("  seed %llu contact %u: sluiced %d at %llu, "
				     "sinst %d at %llu", (unsigned long long)sd, c,
				     va[c].verdict, (unsigned long long)va[c].at,
				     sa[c].verdict, (unsigned long long)sa[c].at);
			continue;
		}
		/* 0 passed at once, 1 passed late, 2 dropped, 3 never answered */
		counts[va[c].verdict < 0 ? 3 : va[c].verdict == 0 ? 2
		       : va[c].at > arrived[c] ? 1 : 0]++;
	}
	vdsetup_free(v);
	sinst_free(s);
	return bad ? -1 : 0;
}

int main(void)
{
	struct sd_conf conf;
	unsigned counts[4] = { 0, 0, 0, 0 }, i, failed = 0;

	memset(&conf, 0, sizeof(conf));
	if (!ok(load(&conf) == 0, "the configuration loads"))
		return done_testing();
	for (i = 0; i < 300; i++)
		failed += run(&conf, i, counts) != 0;
	is_uint(failed, 0, "300 sequences: every contact has the same fate and "
		"time through sluiced's engine and the simulator's instance");
	diag("fates: %u accepted at once, %u after a wait, %u dropped, %u "
	     "unanswered", counts[0], counts[1], counts[2], counts[3]);
	cmp_ok(counts[1], >, 0, "some contacts were held and released");
	cmp_ok(counts[2], >, 0, "some contacts were dropped (lockouts, quarantines)");
	is_uint(counts[3], 0, "every contact was answered in the end");
	sdconf_release(&conf);
	return done_testing();
}
