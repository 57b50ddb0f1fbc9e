/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_nodns - what the no-DNS signal costs a first contact
 * SYNOPSIS
 *	bench_nodns [-H hosts] [-D dests] [-n packets] [-r rounds]
 * DESCRIPTION
 *	One credit zone over 10.1.0.0/16 with a balance no contact uses
 *	up, so every packet is accepted and the engine's path is the same
 *	in every mode; H hosts (default 10,000) each cycle through D
 *	destinations (default 16, more than the 8 recent ones the engine
 *	keeps, so every packet is a first contact). Three modes, run
 *	alternately r times (default 7) over n packets each (default
 *	2,000,000), CPU time of this thread: "off" (no dnssnoop attached,
 *	the baseline), "justified" (attached, an answer read beforehand
 *	for every (host, destination) pair: one dnscorr lookup a packet)
 *	and "unjustified" (attached, no answers: the lookup, the
 *	exemptions, the rate-limited event and the signal operation).
 *	Prints the medians in ns a packet and their ratios to "off".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dnssnoop.h"
#include "verdict/vddns.h"
#include "verdict/vdsetup.h"
#include "verdict/verdict.h"
#include "benchutil.h"

#define ROUNDS_MAX 31
#define SEC 1000000000ULL

static void f_answer(void *c, uint64_t k, int a) { (void)c; (void)k; (void)a; }
static void f_hold(void *c, uint64_t k) { (void)c; (void)k; }
static void f_quar(void *c, const struct sl_addr *a, uint64_t t)
{
	(void)c; (void)a; (void)t;
}
static void f_event(void *c, const struct event *e) { (void)c; (void)e; }
static void f_signal(void *c, enum cmeasure_signal s, const struct sl_addr *a,
		     uint16_t p)
{
	(void)c; (void)s; (void)a; (void)p;
}
static const struct verdict_ops ops = { f_answer, f_hold, f_quar, f_event,
					f_signal, NULL, NULL, NULL };
static const uint8_t seed[16] = { 11 };

static const char conf_text[] =
	"[core]\nevents =\n[sluiced]\nmem_cap = 256M\n"
	"[zone lan]\nprefixes = 10.1.0.0/16\nmode = credit\n"
	"credit_start = 1000000\ncredit_cap = 1000000\ncredit_debit = 1\n"
	"trw = off\n";

/* conf - the configuration, through a temporary file */
static struct sd_conf *conf(void)
{
	char path[] = "/tmp/bench_nodns.XXXXXX", err[512];
	struct sd_conf *c = calloc(1, sizeof(*c));
	int fd = mkstemp(path);

	if (c == NULL || fd < 0 || write(fd, conf_text, strlen(conf_text)) < 0)
		exit(1);
	close(fd);
	if (sdconf_load(path, c, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_nodns: %s\n", err);
		exit(1);
	}
	unlink(path);
	return c;
}

/* pair - host h's d-th destination, as a SYN */
static void pair(struct pkt_info *p, unsigned h, unsigned d)
{
	memset(p, 0, sizeof(*p));
	p->kind = PKT_TCP;
	p->proto = 6;
	p->src.family = p->dst.family = 4;
	p->src.b[0] = 10, p->src.b[1] = 1;
	p->src.b[2] = (uint8_t)(h >> 8), p->src.b[3] = (uint8_t)h;
	p->dst.b[0] = 10, p->dst.b[1] = 9;
	p->dst.b[2] = (uint8_t)d, p->dst.b[3] = (uint8_t)(h % 250 + 1);
	p->sport = 40000;
	p->dport = 443;
}

/* answer - a UDP reply from 10.7.0.53 telling p's source p's destination */
static void answer(struct dnssnoop *s, const struct pkt_info *p)
{
	uint8_t b[] = {
		0x45, 0, 0, 28 + 12 + 17 + 4 + 16, 0, 0, 0x40, 0, 64, 17, 0, 0,
		10, 7, 0, 53, 0, 0, 0, 0,
		0, 53, 0x9c, 0x40, 0, 8 + 12 + 17 + 4 + 16, 0, 0,
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c',
		'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 0, 0, 0, 0,
	};

	memcpy(b + 16, p->src.b, 4);
	memcpy(b + sizeof(b) - 4, p->dst.b, 4);
	if (dnssnoop_packet(s, b, sizeof(b), SEC) != 1)
		exit(1);
}

/* run - n packets through v; ns a packet (CPU time) */
static double run(struct verdict *v, unsigned hosts, unsigned dests,
		  unsigned long n, uint64_t *cookie)
{
	struct pkt_info p;
	unsigned long i;
	double t0 = secs();

	for (i = 0; i < n; i++) {
		pair(&p, (unsigned)(i % hosts), (unsigned)(i / hosts % dests));
		verdict_packet(v, &p, ++*cookie, 2 * SEC + i);
	}
	return (secs() - t0) * 1e9 / (double)n;
}

int main(int argc, char **argv)
{
	unsigned hosts = 10000, dests = 16, rounds = 7, h, d, r, m;
	unsigned long n = 2000000;
	double t[3][ROUNDS_MAX];
	struct dnssnoop *full, *empty;
	struct sd_conf *c = conf();
	struct verdict *v[3];
	struct dnssnoop_stats st;
	struct pkt_info p;
	uint64_t cookie = 0;
	char err[256];
	int o;

	while ((o = getopt(argc, argv, "H:D:n:r:")) != -1) {
		if (o == 'H') hosts = (unsigned)atoi(optarg);
		else if (o == 'D') dests = (unsigned)atoi(optarg);
		else if (o == 'n') n = strtoul(optarg, NULL, 10);
		else if (o == 'r') rounds = (unsigned)atoi(optarg);
		else return 2;
	}
	if (hosts < 1 || hosts > 65000 || dests < 9 || dests > 250 || rounds < 1
	    || rounds > ROUNDS_MAX)
		return 2;
	full = dnssnoop_create(3600 * SEC, 256 << 20, seed);
	empty = dnssnoop_create(3600 * SEC, 1 << 20, seed);
	for (h = 0; h < hosts; h++)
		for (d = 0; d < dests; d++) {
			pair(&p, h, d);
			answer(full, &p);
		}
	dnssnoop_stats(full, &st);
	for (m = 0; m < 3; m++)
		if ((v[m] = vdsetup_create(c, &ops, NULL, seed, err, sizeof(err))) == NULL)
			return 1;
	if (vddns_attach(v[1], full, 1, seed) < 0 || vddns_attach(v[2], empty, 1, seed) < 0)
		return 1;
	printf("hosts %u, destinations each %u, pairs answered %zu, %lu packets a "
	       "round, %u rounds\n", hosts, dests, st.pairs, n, rounds);
	for (r = 0; r < rounds; r++)
		for (m = 0; m < 3; m++)
			t[m][r] = run(v[m], hosts, dests, n, &cookie);
	for (m = 0; m < 3; m++)
		t[m][0] = median(t[m], rounds);
	printf("off (no signal): median %.1f ns a first contact\n", t[0][0]);
	printf("justified (one lookup): median %.1f ns, ratio %.3f to off\n",
	       t[1][0], t[1][0] / t[0][0]);
	printf("unjustified (signal, event limit): median %.1f ns, ratio %.3f to off\n",
	       t[2][0], t[2][0] / t[0][0]);
	printf("added by the lookup: %.1f ns a first contact\n", t[1][0] - t[0][0]);
	return 0;
}
