/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_throttle - working-set and delay-queue decisions per second
 * SYNOPSIS
 *	bench_throttle [-b] [-s] [-k key_len] [-H hosts] [-n requests] [-r runs]
 * DESCRIPTION
 *	One thread. A request stream is generated first (so the random
 *	number generator is not measured): the source is one of `hosts`
 *	drawn uniformly at random; 90% of requests repeat one of that
 *	source's five most recent destinations, 10% are first contacts to a
 *	new random destination. Simulated time advances 1 us a request and
 *	throttle_tick() runs whenever throttle_next() falls due, inside the
 *	timed loop.
 *
 *	Decisions go through throttle_contact_batch() in batches of 64
 *	(as packets come from the kernel); the unbatched rate is printed
 *	too. Every source is tracked before timing starts (one contact each).
 *	Each run replays the whole stream; the median of the runs is
 *	reported together with two baselines timed in the same process on
 *	the same stream: a host-table lookup of the source alone
 *	(hosttab_get on a table of the same size), and a plain array
 *	increment indexed by the source, packed (4 MB for a million hosts)
 *	and a cache line per host (64 MB, the throttle's footprint: the
 *	least any per-host state in memory can cost), and for IPv4 the
 *	smallest state that can make the working-set decisions at all
 *	(bench_ideal.h). With -s, a second throttle whose host table was
 *	made under SLUICE_HASH=siphash (the SipHash-1-3 index, the
 *	fallback where the CPU has no AES) is timed in the same rounds
 *	too, so the two index hashes compare on the same stream. Keys are
 *	4 bytes (IPv4) or 16 (IPv6); destinations have the same length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "clock.h"
#include "hosttab.h"
#include "throttle.h"
#include "benchutil.h"
#include "bench_ideal.h"

#define HIST 5

struct req {
	uint32_t src;
	uint32_t dst;		/* destination id */
};

struct bench {
	size_t key_len, hosts, n, runs;
	struct req *req;
	unsigned char *keys, *dsts;	/* request i's bytes at i * key_len */
	uint64_t now;
};

/* make_key - the key (or destination) bytes of an id */
static inline void make_key(unsigned char *out, size_t len, uint32_t id,
			    uint8_t net)
{
	if (len == 4) {
		out[0] = net;
		out[1] = (unsigned char)(id >> 16);
		out[2] = (unsigned char)(id >> 8);
		out[3] = (unsigned char)id;
		return;
	}
	memset(out, 0, 12);
	out[0] = 0x20;
	out[1] = 0x01;
	out[2] = 0x0d;
	out[3] = 0xb8;
	out[4] = net;
	memcpy(out + 12, &id, 4);
}

/* gen - the request stream */
static void gen(struct bench *b)
{
	uint32_t *hist = calloc(b->hosts * HIST, sizeof(uint32_t));
	uint8_t *nh = calloc(b->hosts, 1);
	uint64_t s = 0x9e3779b97f4a7c15ULL, r;
	uint32_t src, next_dst = 1;
	size_t i;

	b->req = malloc(b->n * sizeof(*b->req));
	for (i = 0; i < b->n; i++) {
		r = rng(&s);
		src = (uint32_t)((r >> 32) % b->hosts);
		b->req[i].src = src;
		if (nh[src] > 0 && (r & 0xffff) % 10 != 0) {
			b->req[i].dst = hist[src * HIST + (r >> 16) % nh[src]];
			continue;
		}
		/* First contact: a new destination enters the history. */
		b->req[i].dst = next_dst++ & 0xffffff;
		memmove(&hist[src * HIST + 1], &hist[src * HIST],
			(HIST - 1) * sizeof(uint32_t));
		hist[src * HIST] = b->req[i].dst;
		if (nh[src] < HIST)
			nh[src]++;
	}
	free(hist);
	free(nh);
	/* The bytes too, so that formatting them is not measured either. */
	b->keys = malloc(b->n * b->key_len);
	b->dsts = malloc(b->n * b->key_len);
	for (i = 0; i < b->n; i++) {
		make_key(b->keys + i * b->key_len, b->key_len, b->req[i].src, 10);
		make_key(b->dsts + i * b->key_len, b->key_len, b->req[i].dst,
			 172);
	}
}

#define BATCH 64

/* run_throttle - one timed pass in batches; decisions per second */
static double run_throttle(struct bench *b, struct throttle *t,
			   uint64_t *verdicts)
{
	struct throttle_req rq[BATCH];
	enum throttle_verdict v[BATCH];
	double t0 = secs();
	size_t i, j, m;

	for (i = 0; i < b->n; i += m) {
		m = b->n - i < BATCH ? b->n - i : BATCH;
		b->now += 1000 * m;
		if (throttle_next(t) <= b->now)
			throttle_tick(t, b->now);
		for (j = 0; j < m; j++) {
			rq[j].key = b->keys + (i + j) * b->key_len;
			rq[j].dst = b->dsts + (i + j) * b->key_len;
			rq[j].dst_len = b->key_len;
			rq[j].cookie = i + j;
		}
		throttle_contact_batch(t, rq, m, b->now, v);
		for (j = 0; j < m; j++)
			verdicts[v[j]]++;
	}
	return (double)b->n / (secs() - t0);
}

/* run_single - one timed pass, one throttle_contact call a request */
static double run_single(struct bench *b, struct throttle *t,
			 uint64_t *verdicts)
{
	double t0 = secs();
	enum throttle_verdict v;
	size_t i;

	for (i = 0; i < b->n; i++) {
		b->now += 1000;
		if (throttle_next(t) <= b->now)
			throttle_tick(t, b->now);
		v = throttle_contact(t, b->keys + i * b->key_len,
				     b->dsts + i * b->key_len, b->key_len, i,
				     b->now);
		verdicts[v]++;
	}
	return (double)b->n / (secs() - t0);
}

/* run_ideal - baseline (IPv4): bench_ideal.h's minimal decisions, the
   same stream, time and batches as run_throttle */
static double run_ideal(struct bench *b, struct ideal *d,
			const struct wset_key *wk)
{
	double t0 = secs();
	uint64_t now = 0;
	size_t i, m;

	for (i = 0; i < b->n; i += m) {
		m = b->n - i < BATCH ? b->n - i : BATCH;
		now += 1000 * m;
		ideal_batch(d, wk, b->keys + i * 4, b->dsts + i * 4, m,
			    (uint16_t)(now / NS_PER_SEC));
	}
	return (double)b->n / (secs() - t0);
}

/* run_lookup - baseline: the host-table lookup alone */
static double run_lookup(struct bench *b, struct hosttab *h, uint64_t *found)
{
	double t0 = secs();
	size_t i;

	for (i = 0; i < b->n; i++)
		*found += hosttab_get(h, b->keys + i * b->key_len) != NULL;
	return (double)b->n / (secs() - t0);
}

/* run_array - baseline: a plain array increment per request, `stride`
   32-bit words apart per host (1: packed; 16: one cache line a host,
   the footprint of the throttle's own records) */
static double run_array(struct bench *b, uint32_t *count, size_t stride)
{
	double t0 = secs();
	size_t i;

	for (i = 0; i < b->n; i++)
		count[b->req[i].src * stride]++;
	return (double)b->n / (secs() - t0);
}

/* chase_ns - dependent-load latency over 64 MiB (huge pages), to say
   what the memory of this machine was doing during the run */
static double chase_ns(void)
{
	const size_t n = (64u << 20) / sizeof(uint64_t), steps = 2000000;
	uint64_t *a = mmap(NULL, n * sizeof(*a), PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t s = 0x853c49e6748fea9bULL, p = 0, t;
	size_t i, j, line = 8;	/* one word a cache line */
	double t0;

	if (a == MAP_FAILED)
		return 0;
	(void)madvise(a, n * sizeof(*a), MADV_HUGEPAGE);
	/* One random cycle through every line (Sattolo's shuffle). */
	for (i = 0; i < n / line; i++)
		a[i * line] = i;
	for (i = n / line - 1; i > 0; i--) {
		j = (size_t)(rng(&s) % i);
		t = a[i * line];
		a[i * line] = a[j * line];
		a[j * line] = t;
	}
	t0 = secs();
	for (i = 0; i < steps; i++)
		p = a[p * line];
	t0 = (secs() - t0) / (double)steps * 1e9;
	munmap(a, n * sizeof(*a));
	return p == UINT64_MAX ? 0 : t0;
}

int main(int argc, char **argv)
{
	struct bench b = { 4, 1000000, 10000000, 5, NULL, NULL, NULL, 0 };
	struct throttle_params p = { 5, NS_PER_SEC, 100, 60, 0, 65536 };
	double thr[16], one[16], look[16], arr[16], line[16], ide[16], sip[16];
	uint64_t verdicts[5] = { 0 }, sverdicts[5] = { 0 }, found = 0;
	uint8_t seed[16] = "bench-throttle-1";
	struct throttle_stats st;
	unsigned char key[16];
	struct throttle *t, *ts = NULL;
	struct hosttab *h;
	struct ideal *ideal = NULL;
	struct wset_key wk;
	uint32_t *count;
	int c, only_batch = 0, with_sip = 0;
	size_t i, r;

	while ((c = getopt(argc, argv, "bsk:H:n:r:")) != -1) {
		switch (c) {
		case 'b': only_batch = 1; break;
		case 's': with_sip = 1; break;
		case 'k': b.key_len = strtoul(optarg, NULL, 10); break;
		case 'H': b.hosts = strtoul(optarg, NULL, 10); break;
		case 'n': b.n = strtoul(optarg, NULL, 10); break;
		case 'r': b.runs = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: bench_throttle [-b] [-s] [-k 4|16] "
				"[-H hosts] [-n requests] [-r runs]\n");
			return 2;
		}
	}
	if ((b.key_len != 4 && b.key_len != 16) || b.runs < 1 || b.runs > 15
	    || b.hosts < 1 || b.hosts > (1u << 24) || b.n < 1) {
		fprintf(stderr, "bench_throttle: bad arguments\n");
		return 2;
	}
	/* Room for every host: records plus the largest index. */
	p.mem_cap = b.hosts * (b.key_len == 4 ? 70 : 90) + (8u << 20);
	gen(&b);
	t = throttle_create(&p, b.key_len, seed, NULL, NULL);
	h = hosttab_create(b.key_len, 40, p.mem_cap, seed);
	if (with_sip) {
		setenv("SLUICE_HASH", "siphash", 1);
		ts = throttle_create(&p, b.key_len, seed, NULL, NULL);
		unsetenv("SLUICE_HASH");
	}
	count = calloc(b.hosts * 16, sizeof(uint32_t));
	if (t == NULL || h == NULL || count == NULL || (with_sip && !ts)) {
		perror("bench_throttle");
		return 1;
	}
	if (b.key_len == 4 && (ideal = ideal_create(b.hosts)) == NULL) {
		perror("bench_throttle");
		return 1;
	}
	wset_key_init(&wk, seed);
	for (i = 0; i < b.hosts; i++) {
		make_key(key, b.key_len, (uint32_t)i, 10);
		throttle_contact(t, key, key, b.key_len, 0, 0);
		if (ts)
			throttle_contact(ts, key, key, b.key_len, 0, 0);
		hosttab_put(h, key, NULL);
		if (ideal) {
			uint32_t k;

			memcpy(&k, key, 4);
			ideal_decide(ideal, ideal_find(ideal, k),
				     wset_tag(&wk, key, 4), 0);
		}
	}
	throttle_stats(t, &st);
	printf("key %zu bytes, %zu hosts tracked, %zu bytes: %.1f bytes/host\n",
	       b.key_len, st.hosts, st.bytes, (double)st.bytes / st.hosts);
	for (r = 0; r < b.runs; r++) {
		/* Which throttle goes first alternates, round by round. */
		if (ts && r % 2)
			sip[r] = run_throttle(&b, ts, sverdicts);
		thr[r] = run_throttle(&b, t, verdicts);
		if (ts && r % 2 == 0)
			sip[r] = run_throttle(&b, ts, sverdicts);
		if (!ts)
			sip[r] = 1;
		if (only_batch) {
			one[r] = look[r] = arr[r] = line[r] = ide[r] = 1;
			continue;
		}
		ide[r] = ideal ? run_ideal(&b, ideal, &wk) : 1;
		one[r] = run_single(&b, t, verdicts);
		look[r] = run_lookup(&b, h, &found);
		arr[r] = run_array(&b, count, 1);
		line[r] = run_array(&b, count, 16);
	}
	throttle_stats(t, &st);
	printf("requests %zu x %zu runs; pass %llu hold %llu lockout %llu "
	       "locked %llu full %llu; released %llu; hosts %zu\n", b.n, b.runs,
	       (unsigned long long)verdicts[THROTTLE_PASS],
	       (unsigned long long)verdicts[THROTTLE_HOLD],
	       (unsigned long long)verdicts[THROTTLE_LOCKOUT],
	       (unsigned long long)verdicts[THROTTLE_LOCKED],
	       (unsigned long long)verdicts[THROTTLE_FULL],
	       (unsigned long long)st.releases, st.hosts);
	printf("throttle decisions/s, batches of %d (median of %zu): %.2f M\n",
	       BATCH, b.runs,
	       median(thr, b.runs) / 1e6);
	printf("index hash: %s\n", hosttab_hash_name(h));
	if (ts)
		printf("throttle with the SipHash-1-3 index, batches of %d: %.2f M  (this throttle / it %.2f)\n",
		       BATCH, median(sip, b.runs) / 1e6,
		       median(thr, b.runs) / median(sip, b.runs));
	if (ts && ideal && !only_batch)
		printf("  SipHash-1-3 index against the ideal: %.2f\n",
		       median(sip, b.runs) / median(ide, b.runs));
	printf("unbatched throttle_contact/s:        %.2f M\n",
	       median(one, b.runs) / 1e6);
	if (ideal && !only_batch)
		printf("baseline ideal: 32-byte records, 2 a cache line, working set only (bench_ideal.h): %.2f M/s  (throttle/baseline %.2f; %llu passed, %llu held, %.1f%% outside the home bucket)\n",
		       median(ide, b.runs) / 1e6,
		       median(thr, b.runs) / median(ide, b.runs),
		       (unsigned long long)ideal->passed,
		       (unsigned long long)ideal->held,
		       100.0 * (double)ideal->spilled /
		       (double)(ideal->passed + ideal->held));
	printf("baseline hosttab_get/s:              %.2f M  (throttle/baseline %.2f)\n",
	       median(look, b.runs) / 1e6,
	       median(thr, b.runs) / median(look, b.runs));
	printf("baseline array increment/s:          %.2f M  (throttle/baseline %.3f)\n",
	       median(arr, b.runs) / 1e6,
	       median(thr, b.runs) / median(arr, b.runs));
	printf("baseline increment, a cache line a host: %.2f M  (throttle/baseline %.3f)\n",
	       median(line, b.runs) / 1e6,
	       median(thr, b.runs) / median(line, b.runs));
	printf("memory latency now (dependent loads, 64 MiB): %.0f ns\n",
	       chase_ns());
	printf("bytes per tracked host: %.1f (%s)\n",
	       (double)st.bytes / st.hosts, b.key_len == 4 ? "IPv4" : "IPv6");
	if (found == 0)
		printf("(no lookups hit)\n");
	throttle_free(t);
	throttle_free(ts);
	hosttab_free(h);
	ideal_free(ideal);
	free(count);
	free(b.req);
	free(b.keys);
	free(b.dsts);
	return 0;
}
