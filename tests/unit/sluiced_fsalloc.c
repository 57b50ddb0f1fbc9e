/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sluiced_fsalloc - the fair-sharing class allocator (issue 19): one
 * slot per host and never two hosts in one (10,000 random hosts through
 * a table of 64 checked against a model), IPv6 per /64, LRU eviction
 * that spares contained hosts, the bound never exceeded, weights summed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "fairshare/fs_alloc.h"

static const uint8_t seed[16] = { 1, 2, 3 };

/* addr4 - 10.0.x.y */
static struct sl_addr addr4(unsigned n)
{
	struct sl_addr a;
	uint8_t b[4] = { 10, 0, (uint8_t)(n >> 8), (uint8_t)n };

	addr_from_bytes(&a, 4, b);
	return a;
}

/* test_keys - IPv6 per /64, IPv4 per address */
static void test_keys(void)
{
	static const struct { const char *a, *b; int same; } t[] = {
		{ "fd00:1::1", "fd00:1::2", 1 },
		{ "fd00:1::1", "fd00:1:0:1::1", 0 },
		{ "fd00:1:0:0:ffff::1", "fd00:1::", 1 },
		{ "10.0.0.1", "10.0.0.2", 0 },
		{ "10.0.0.1", "10.0.0.1", 1 },
	};
	struct fs_alloc *al = fs_alloc_create(8, seed);
	struct sl_addr a, b, ka, kb, gone;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned sa, sb;

		addr_parse(t[i].a, &a);
		addr_parse(t[i].b, &b);
		fs_alloc_key(&a, &ka);
		fs_alloc_key(&b, &kb);
		sa = fs_alloc_add(al, &ka, 1, 1, &gone);
		sb = fs_alloc_add(al, &kb, 1, 2, &gone);
		ok((sa == sb) == t[i].same, "%s and %s: slots %u and %u, want %s",
		   t[i].a, t[i].b, sa, sb, t[i].same ? "one" : "two");
		(void)fs_alloc_release(al, sa);
		if (sb != sa)
			(void)fs_alloc_release(al, sb);
	}
	is_int(fs_alloc_count(al), 0, "all given back");
	fs_alloc_free(al);
}

/* test_lru - the least recently active goes, a contained host stays */
static void test_lru(void)
{
	struct fs_alloc *al = fs_alloc_create(3, seed);
	struct sl_addr k[5], gone;
	unsigned s[5], i;

	for (i = 0; i < 5; i++)
		k[i] = addr4(i + 1);
	for (i = 0; i < 3; i++)
		s[i] = fs_alloc_add(al, &k[i], 1, 100 + i, &gone);
	ok(s[0] == 1 && s[1] == 2 && s[2] == 3, "slots 1, 2, 3 in order: got %u %u %u",
	   s[0], s[1], s[2]);
	fs_alloc_slot(al, s[0])->contained_until = 1000;	/* oldest, contained */
	fs_alloc_slot(al, s[2])->last_active = 50;		/* now the oldest free */
	s[3] = fs_alloc_add(al, &k[3], 1, 200, &gone);
	ok(s[3] == s[2] && addr_equal(&gone, &k[2]),
	   "full: the least recently active uncontained host gives its slot "
	   "(got slot %u, want %u)", s[3], s[2]);
	is_int(fs_alloc_find(al, &k[2]), 0, "and is no longer found");
	is_int(fs_alloc_find(al, &k[0]), s[0], "the contained host keeps its slot");
	is_int(fs_alloc_evictions(al), 1, "one eviction counted");
	fs_alloc_slot(al, s[1])->contained_until = 1000;
	fs_alloc_slot(al, s[3])->contained_until = 1000;
	is_int(fs_alloc_add(al, &k[4], 1, 300, &gone), 0,
	       "every host contained: no slot");
	is_int(fs_alloc_count(al), 3, "the bound holds");
	fs_alloc_free(al);
}

/* test_model - 10,000 random arrivals and departures against a model */
static void test_model(void)
{
	enum { BOUND = 64, HOSTS = 200, STEPS = 10000 };
	struct fs_alloc *al = fs_alloc_create(BOUND, seed);
	unsigned owner[BOUND + 1] = { 0 }, bad = 0, over = 0, wbad = 0, i;
	uint64_t now = 1, w = 0;
	struct sl_addr gone;

	srand(19);
	for (i = 0; i < STEPS; i++, now++) {
		unsigned h = (unsigned)rand() % HOSTS + 1, wt = h % 3 + 1;
		struct sl_addr k = addr4(h);
		unsigned slot;

		if (rand() % 4 == 0) {
			slot = fs_alloc_find(al, &k);
			if (slot && fs_alloc_release(al, slot) == 0) {
				owner[slot] = 0;
				w -= wt;
			}
			continue;
		}
		if (fs_alloc_find(al, &k))
			continue;
		slot = fs_alloc_add(al, &k, wt, now, &gone);
		if (gone.family) {
			w -= (unsigned)(gone.b[2] << 8 | gone.b[3]) % 3 + 1;
			bad += owner[slot] != (unsigned)(gone.b[2] << 8 | gone.b[3]);
		} else
			bad += owner[slot] != 0;
		owner[slot] = h;
		w += wt;
		over += fs_alloc_count(al) > BOUND;
		wbad += fs_alloc_weights(al) != w;
	}
	for (i = 1; i <= BOUND; i++) {
		struct sl_addr k = addr4(owner[i]);

		if (owner[i] && fs_alloc_find(al, &k) != i)
			bad++;
	}
	is_int(bad, 0, "no slot ever held two hosts, every host finds its own");
	is_int(over, 0, "never more than the bound");
	is_int(wbad, 0, "the weights summed stay true");
	fs_alloc_free(al);
}

int main(void)
{
	test_keys();
	test_lru();
	test_model();
	return done_testing();
}
