/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	bench_hosttab - the host table's costs besides the decision path
 * SYNOPSIS
 *	bench_hosttab [-H hosts] [-r runs]
 * DESCRIPTION
 *	One thread, a table of the throttle's IPv4 record shape (4-byte
 *	key, 40-byte value aligned to 4) holding `hosts` keys, each used
 *	once more in random order so that recency differs from insertion
 *	order. Then, per run (medians printed):
 *
 *	- a use of a present key in random order (hosttab_get): the
 *	  baseline, measured in the same run;
 *	- a put of a new key into the full table, which evicts the least
 *	  recently used one (hosts / 4 puts a run);
 *	- a walk of every key in recency order (hosttab_walk) and in slab
 *	  order (hosttab_walk_any).
 *
 *	The table is sized to hold `hosts` keys exactly (its cap is
 *	searched for), so every put of a new key evicts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hosttab.h"
#include "benchutil.h"

#define MAX_RUNS 15

/* count_one - walk callback */
static int count_one(void *ctx, const void *key, void *val)
{
	(void)key;
	(void)val;
	(*(size_t *)ctx)++;
	return 0;
}

/* table_for - a table whose capacity is hosts keys (cap searched) */
static struct hosttab *table_for(size_t hosts, const uint8_t seed[16])
{
	size_t lo = hosts, hi = hosts * 128, mid;
	struct hosttab *t;

	while (lo < hi) {	/* the smallest cap holding hosts keys */
		mid = lo + (hi - lo) / 2;
		t = hosttab_create_aligned(4, 40, 4, mid, seed);
		if (t && hosttab_capacity(t) >= hosts)
			hi = mid;
		else
			lo = mid + 1;
		hosttab_free(t);
	}
	return hosttab_create_aligned(4, 40, 4, lo, seed);
}

int main(int argc, char **argv)
{
	const uint8_t seed[16] = "bench-hosttab-01";
	double get[MAX_RUNS], put[MAX_RUNS], walk[MAX_RUNS], any[MAX_RUNS];
	size_t hosts = 1000000, runs = 5, r, i, n, seen;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	uint32_t k, next;
	struct hosttab *t;
	double t0;
	int c;

	while ((c = getopt(argc, argv, "H:r:")) != -1) {
		switch (c) {
		case 'H': hosts = strtoul(optarg, NULL, 10); break;
		case 'r': runs = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: bench_hosttab [-H hosts] [-r runs]\n");
			return 2;
		}
	}
	if (hosts < 1000 || hosts > (1u << 26) || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench_hosttab: bad arguments\n");
		return 2;
	}
	if ((t = table_for(hosts, seed)) == NULL) {
		perror("bench_hosttab");
		return 1;
	}
	for (k = 0; k < hosts; k++)
		hosttab_put(t, &k, NULL);
	for (i = 0; i < hosts; i++) {
		k = (uint32_t)(rng(&s) % hosts);
		hosttab_get(t, &k);
	}
	next = (uint32_t)hosts;
	for (r = 0; r < runs; r++) {
		/* Present keys live in [next - hosts, next). */
		t0 = secs();
		for (i = 0; i < hosts; i++) {
			k = next - (uint32_t)hosts + (uint32_t)(rng(&s) % hosts);
			hosttab_get(t, &k);
		}
		get[r] = (secs() - t0) / (double)hosts * 1e9;
		n = hosts / 4;
		t0 = secs();
		for (i = 0; i < n; i++, next++)
			hosttab_put(t, &next, NULL);
		put[r] = (secs() - t0) / (double)n * 1e9;
		seen = 0;
		t0 = secs();
		hosttab_walk(t, count_one, &seen);
		walk[r] = (secs() - t0) * 1e3;
		t0 = secs();
		hosttab_walk_any(t, count_one, &seen);
		any[r] = (secs() - t0) * 1e3;
		if (seen != 2 * hosttab_count(t))
			fprintf(stderr, "bench_hosttab: walks saw %zu keys\n", seen);
	}
	printf("%zu keys, %.1f bytes a key, %llu evictions (median of %zu runs)\n",
	       hosttab_count(t), (double)hosttab_bytes(t) / (double)hosts,
	       (unsigned long long)hosttab_evictions(t), runs);
	printf("use of a present key (hosttab_get), baseline: %6.0f ns\n",
	       median(get, runs));
	printf("put of a new key, evicting the LRU one:       %6.0f ns  (ratio %.2f)\n",
	       median(put, runs), median(put, runs) / median(get, runs));
	printf("walk, most recent first (hosttab_walk):       %6.0f ms\n",
	       median(walk, runs));
	printf("walk, any order (hosttab_walk_any):           %6.0f ms\n",
	       median(any, runs));
	hosttab_free(t);
	return 0;
}
