/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_policy - the per-packet and per-event costs of the policy core
 * SYNOPSIS
 *	bench_policy [-r runs]
 * DESCRIPTION
 *	One thread; inputs are generated before timing. Each line is the
 *	median of the runs and its ratio to a baseline timed in the same
 *	process on the same inputs:
 *
 *	  prefixset  longest-prefix lookups in a set of 20 (a whitelist)
 *	             and 10,000 prefixes, IPv4 and IPv6 mixed; baseline:
 *	             a linear longest-match scan over the same prefixes
 *	  event      event_format of a lockout event with five fields;
 *	             baseline: one snprintf of the same text, no escaping
 *	  dnsmsg     dnsmsg_answers on a response with a CNAME, an A and
 *	             an AAAA; baseline: memchr over the same bytes
 *	  cmeasure   cmeasure_signal for no-DNS signals from 100,000 sources
 *	             (whitelist checked, score kept, nothing enforced);
 *	             baseline: prefixset_lookup of the same sources alone
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmeasure.h"
#include "dnsmsg.h"
#include "event.h"
#include "prefixset.h"

#define NLOOK 2000000
#define MAXRUNS 15

struct pfx { struct sl_addr a; unsigned len; };

static struct sl_addr *look;
static volatile uint64_t sink;

/* now_s - monotonic seconds */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* cmp_d - qsort doubles */
static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median - of n rates */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* rand_addr - IPv4 or IPv6 in a small space so prefixes match often */
static void rand_addr(struct sl_addr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = rand() % 2 ? 4 : 6;
	a->b[0] = (uint8_t)(10 + rand() % 4);
	for (i = 1; i < (a->family == 4 ? 4 : 16); i++)
		a->b[i] = (uint8_t)rand();
}

/* linear - the longest match by scanning every prefix */
static int linear(const struct pfx *p, size_t n, const struct sl_addr *a)
{
	int best = -1;
	size_t i;
	unsigned b, full;

	for (i = 0; i < n; i++) {
		if (p[i].a.family != a->family || (int)p[i].len <= best)
			continue;
		full = p[i].len / 8;
		if (memcmp(p[i].a.b, a->b, full))
			continue;
		b = p[i].len % 8;
		if (b && ((p[i].a.b[full] ^ a->b[full]) & (0xff << (8 - b))))
			continue;
		best = (int)p[i].len;
	}
	return best;
}

/* bench_prefixset - n prefixes: trie and linear scan */
static void bench_prefixset(size_t n, int runs)
{
	struct pfx *p = calloc(n, sizeof(*p));
	struct prefixset *s = prefixset_create();
	double tr[MAXRUNS], lr[MAXRUNS], t;
	size_t i, nl = n > 100 ? NLOOK / 50 : NLOOK;
	int r;

	for (i = 0; i < n; i++) {
		rand_addr(&p[i].a);
		p[i].len = p[i].a.family == 4 ? 8 + (unsigned)rand() % 25 : 16 + (unsigned)rand() % 113;
		prefixset_add(s, &p[i].a, p[i].len, i);
	}
	for (r = 0; r < runs; r++) {
		uint64_t hits = 0;

		t = now_s();
		for (i = 0; i < nl; i++)
			hits += (uint64_t)prefixset_lookup(s, &look[i], NULL);
		tr[r] = nl / (now_s() - t);
		t = now_s();
		for (i = 0; i < nl; i++)
			hits += (uint64_t)(linear(p, n, &look[i]) >= 0);
		lr[r] = nl / (now_s() - t);
		sink += hits;
	}
	t = median(tr, runs);
	printf("prefixset %6zu prefixes  %8.2f M lookups/s  linear scan %8.2f M/s  ratio %.1f\n",
	       n, t / 1e6, median(lr, runs) / 1e6, t / median(lr, runs));
	prefixset_free(s);
	free(p);
}

/* bench_event - event_format against a bare snprintf */
static void bench_event(int runs)
{
	struct sl_addr s, d;
	struct event_field f[] = {
		EF_S("reason", "queue over high watermark"), EF_U("queue", 101),
		EF_S("sender", "worm@example.com"), EF_B("dry_run", 0), EF_D("ratio", 0.25),
	};
	struct event ev = { .type = "lockout", .wall_ns = 1795811908123456789ULL,
		.src = &s, .src_port = 40000, .dst = &d, .dst_port = 25,
		.proto = "TCP", .fields = f, .nfields = 5 };
	double er[MAXRUNS], br[MAXRUNS], t;
	char line[EVENT_MAX];
	int r, i, n = 500000;

	addr_parse("192.0.2.7", &s);
	addr_parse("2001:db8::25", &d);
	for (r = 0; r < runs; r++) {
		t = now_s();
		for (i = 0; i < n; i++)
			sink += event_format(line, sizeof(line), &ev);
		er[r] = n / (now_s() - t);
		t = now_s();
		for (i = 0; i < n; i++)
			sink += (uint64_t)snprintf(line, sizeof(line),
				"{\"timestamp\":\"%s\",\"event_type\":\"%s\",\"src_ip\":\"%s\","
				"\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":%u,\"proto\":\"%s\","
				"\"%s\":{\"reason\":\"%s\",\"queue\":%u,\"sender\":\"%s\","
				"\"dry_run\":false,\"ratio\":%g}}\n", "2026-11-27T20:38:28.123456+0000",
				"lockout", "192.0.2.7", 40000, "2001:db8::25", 25, "TCP", "lockout",
				"queue over high watermark", 101, "worm@example.com", 0.25);
		br[r] = n / (now_s() - t);
	}
	t = median(er, runs);
	printf("event_format              %8.2f M lines/s    bare snprintf %8.2f M/s  ratio %.2f\n",
	       t / 1e6, median(br, runs) / 1e6, t / median(br, runs));
}

/* bench_dnsmsg - parse a three-answer response */
static void bench_dnsmsg(int runs)
{
	static const uint8_t msg[] =
		"\x12\x34\x81\x80\x00\x01\x00\x03\x00\x00\x00\x00"
		"\x03" "www" "\x07" "example" "\x03" "com" "\x00\x00\x01\x00\x01"
		"\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x06\x03" "web" "\xc0\x10"
		"\xc0\x2d\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02\x01"
		"\xc0\x2d\x00\x1c\x00\x01\x00\x00\x00\x1e\x00\x10"
		"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01";
	double dr[MAXRUNS], br[MAXRUNS], t;
	int r, i, n = 2000000;

	if (dnsmsg_answers(msg, sizeof(msg) - 1, NULL, NULL) != 2) {
		fprintf(stderr, "bench_policy: the sample DNS message is wrong\n");
		exit(1);
	}
	for (r = 0; r < runs; r++) {
		t = now_s();
		for (i = 0; i < n; i++)
			sink += (uint64_t)dnsmsg_answers(msg, sizeof(msg) - 1, NULL, NULL);
		dr[r] = n / (now_s() - t);
		t = now_s();
		for (i = 0; i < n; i++)
			sink += (uintptr_t)memchr((const uint8_t *)msg + (i & 1), 0xfe, sizeof(msg) - 2);
		br[r] = n / (now_s() - t);
	}
	t = median(dr, runs);
	printf("dnsmsg_answers            %8.2f M msgs/s     memchr        %8.2f M/s  ratio %.2f\n",
	       t / 1e6, median(br, runs) / 1e6, t / median(br, runs));
}

/* bench_cmeasure - weak signals from many sources */
static void bench_cmeasure(int runs)
{
	struct prefixset *wl = prefixset_create();
	struct cmeasure_params p;
	struct cmeasure_decision d;
	struct cmeasure *c;
	double cr[MAXRUNS], br[MAXRUNS], t;
	size_t i, n = 100000;
	int r;

	prefixset_add_str(wl, "127.0.0.0/8", 1);
	prefixset_add_str(wl, "::1", 1);
	cmeasure_defaults(&p);
	c = cmeasure_create(&p, 64u << 20, wl);
	for (r = 0; r < runs; r++) {
		t = now_s();
		for (i = 0; i < NLOOK; i++)
			cmeasure_signal(c, CMEASURE_SIG_NODNS, &look[i % n], 80, 1000000000ULL * 1000 + i * 1000, &d);
		cr[r] = NLOOK / (now_s() - t);
		t = now_s();
		for (i = 0; i < NLOOK; i++)
			sink += (uint64_t)prefixset_lookup(wl, &look[i % n], NULL);
		br[r] = NLOOK / (now_s() - t);
	}
	t = median(cr, runs);
	printf("cmeasure_signal (no-DNS)        %8.2f M signals/s  whitelist only %7.2f M/s  ratio %.2f\n",
	       t / 1e6, median(br, runs) / 1e6, t / median(br, runs));
	cmeasure_free(c);
	prefixset_free(wl);
}

int main(int argc, char **argv)
{
	int runs = 5, o;
	size_t i;

	while ((o = getopt(argc, argv, "r:")) != -1) {
		if (o != 'r' || (runs = atoi(optarg)) < 1 || runs > MAXRUNS) {
			fprintf(stderr, "usage: bench_policy [-r runs (1-%d)]\n", MAXRUNS);
			return 2;
		}
	}
	srand(1);
	look = calloc(NLOOK, sizeof(*look));
	for (i = 0; i < NLOOK; i++)
		rand_addr(&look[i]);
	printf("bench_policy: median of %d runs, one thread\n", runs);
	bench_prefixset(20, runs);
	bench_prefixset(10000, runs);
	bench_event(runs);
	bench_dnsmsg(runs);
	bench_cmeasure(runs);
	return 0;
}
