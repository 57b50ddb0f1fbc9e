/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	prefixset.t - longest-prefix match for IPv4 and IPv6, /0 to /128
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"
#include "../tap.h"

static const struct { const char *prefix; uintptr_t value; } set[] = {
	{ "10.0.0.0/8", 8 },
	{ "10.1.0.0/16", 16 },
	{ "10.1.2.0/24", 24 },
	{ "10.1.2.3/32", 32 },
	{ "192.0.2.128/25", 25 },
	{ "2001:db8::/32", 632 },
	{ "2001:db8:1::/48", 648 },
	{ "2001:db8:1:2::/64", 664 },
	{ "2001:db8:1:2::1/128", 6128 },
	{ "fe80::/10", 610 },
};

/* lookup: address, then the value expected (0 = no match) */
static const struct { const char *addr; uintptr_t want; } look[] = {
	{ "10.1.2.3", 32 },
	{ "10.1.2.4", 24 },
	{ "10.1.3.1", 16 },
	{ "10.2.0.0", 8 },
	{ "10.255.255.255", 8 },
	{ "11.0.0.0", 0 },
	{ "9.255.255.255", 0 },
	{ "192.0.2.127", 0 },
	{ "192.0.2.128", 25 },
	{ "192.0.2.255", 25 },
	{ "2001:db8:1:2::1", 6128 },
	{ "2001:db8:1:2::2", 664 },
	{ "2001:db8:1:3::1", 648 },
	{ "2001:db8:2::1", 632 },
	{ "2001:db9::", 0 },
	{ "febf:ffff::1", 610 },
	{ "fec0::1", 0 },
	{ "::ffff:10.1.2.3", 0 },	/* mapped IPv6 is not IPv4 */
	{ "::", 0 },
};

/* count_fn - walk callback: count and check address order */
struct walkctx { size_t n; int ordered; struct sl_addr last; unsigned lastlen; };
static int count_fn(void *ctx, const struct sl_addr *a, unsigned plen, uintptr_t v)
{
	struct walkctx *w = ctx;

	(void)v;
	if (w->n && (a->family < w->last.family || (a->family == w->last.family &&
	    memcmp(a->b, w->last.b, 16) < 0)))
		w->ordered = 0;
	w->last = *a;
	w->lastlen = plen;
	w->n++;
	return 0;
}

/* stop_fn - stop after the first */
static int stop_fn(void *ctx, const struct sl_addr *a, unsigned plen, uintptr_t v)
{
	(void)a; (void)plen; (void)v;
	++*(int *)ctx;
	return 1;
}

static void test_table(void)
{
	struct prefixset *s = prefixset_create();
	struct walkctx w = { 0, 1, { 0 }, 0 };
	struct sl_addr a;
	uintptr_t v;
	size_t i;
	int r, stops = 0;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		ok(prefixset_add_str(s, set[i].prefix, set[i].value) == 0, "add %s", set[i].prefix);
	is_uint(prefixset_count(s), sizeof(set) / sizeof(set[0]), "count");
	for (i = 0; i < sizeof(look) / sizeof(look[0]); i++) {
		addr_parse(look[i].addr, &a);
		v = 0;
		r = prefixset_lookup(s, &a, &v);
		is_int(r, look[i].want != 0, "%s %s", look[i].addr, look[i].want ? "matches" : "does not match");
		if (r)
			is_uint(v, look[i].want, "%s takes the longest prefix's value", look[i].addr);
	}
	prefixset_walk(s, count_fn, &w);
	is_uint(w.n, prefixset_count(s), "walk visits every prefix");
	ok(w.ordered, "walk comes in address order, IPv4 first");
	prefixset_walk(s, stop_fn, &stops);
	is_int(stops, 1, "walk stops when told");

	/* /0 per family: IPv4 default does not cover IPv6 */
	ok(prefixset_add_str(s, "0.0.0.0/0", 1) == 0, "add 0.0.0.0/0");
	addr_parse("11.0.0.0", &a);
	ok(prefixset_lookup(s, &a, &v) && v == 1, "/0 catches the rest of IPv4");
	addr_parse("2001:db9::", &a);
	ok(!prefixset_lookup(s, &a, NULL), "IPv4 /0 does not cover IPv6");
	ok(prefixset_add_str(s, "::/0", 2) == 0, "add ::/0");
	ok(prefixset_lookup(s, &a, &v) && v == 2, "::/0 catches the rest of IPv6");
	addr_parse("10.1.2.3", &a);
	ok(prefixset_lookup(s, &a, &v) && v == 32, "/32 still beats /0");

	/* replace keeps the count */
	i = prefixset_count(s);
	ok(prefixset_add_str(s, "10.1.2.3/32", 99) == 0, "replace 10.1.2.3/32");
	is_uint(prefixset_count(s), i, "replace does not add");
	ok(prefixset_lookup(s, &a, &v) && v == 99, "replaced value");
	ok(prefixset_add_str(s, "10.7.7.7/8", 7) == 0 && prefixset_count(s) == i,
	   "host bits past the length are ignored (10.7.7.7/8 is 10/8)");

	errno = 0;
	ok(prefixset_add(s, &a, 33, 1) < 0 && errno == EINVAL, "IPv4 /33 refused");
	addr_parse("::1", &a);
	ok(prefixset_add(s, &a, 129, 1) < 0 && errno == EINVAL, "IPv6 /129 refused");
	ok(prefixset_add_str(s, "bogus", 1) < 0 && errno == EINVAL, "bogus text refused");
	ok(prefixset_add_str(s, "::1/128", 3) == 0, "add ::1/128");
	ok(prefixset_lookup(s, &a, &v) && v == 3, "/128 matches exactly");
	addr_parse("::2", &a);
	ok(prefixset_lookup(s, &a, &v) && v == 2, "its neighbour falls to ::/0");
	prefixset_free(s);
	prefixset_free(NULL);
	ok(!prefixset_lookup(NULL, &a, NULL) && prefixset_count(NULL) == 0,
	   "a NULL set matches nothing");
}

/* brute - the longest prefix by linear scan */
struct pfx { struct sl_addr a; unsigned len; uintptr_t v; };
static int brute(const struct pfx *p, size_t n, const struct sl_addr *a, uintptr_t *v)
{
	int best = -1;
	size_t i;
	unsigned b;

	for (i = 0; i < n; i++) {
		if (p[i].a.family != a->family)
			continue;
		for (b = 0; b < p[i].len; b++)
			if (((p[i].a.b[b / 8] ^ a->b[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == p[i].len && (int)p[i].len >= best) {
			best = (int)p[i].len;
			*v = p[i].v;
		}
	}
	return best >= 0;
}

/* test_random - agree with a linear scan on random sets and addresses */
static void test_random(unsigned seed)
{
	static struct pfx p[600];
	struct prefixset *s = prefixset_create();
	size_t i, j, n = 0, disagree = 0;
	struct sl_addr a;
	uintptr_t v1, v2;
	int r1, r2;

	srand(seed);
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		memset(&p[n], 0, sizeof(p[n]));
		p[n].a.family = rand() % 2 ? 4 : 6;
		/* a narrow address space so prefixes nest and collide */
		p[n].a.b[0] = (uint8_t)(rand() % 4);
		p[n].a.b[1] = (uint8_t)(rand() % 4);
		p[n].a.b[3] = (uint8_t)rand();
		p[n].len = (unsigned)rand() % (p[n].a.family == 4 ? 33 : 129);
		for (j = p[n].len; j < 128; j++)
			p[n].a.b[j / 8] &= (uint8_t)~(0x80 >> j % 8);
		p[n].v = i + 1;
		/* a replaced prefix: drop the older copy from the scan */
		for (j = 0; j < n; j++)
			if (p[j].len == p[n].len && addr_equal(&p[j].a, &p[n].a))
				p[j].len = 200;
		prefixset_add(s, &p[n].a, p[n].len, p[n].v);
		n++;
	}
	for (i = 0; i < n; i++)
		if (p[i].len == 200)
			p[i].a.family = 0;
	for (i = 0; i < 20000; i++) {
		memset(&a, 0, sizeof(a));
		a.family = rand() % 2 ? 4 : 6;
		a.b[0] = (uint8_t)(rand() % 4);
		a.b[1] = (uint8_t)(rand() % 4);
		a.b[3] = (uint8_t)rand();
		a.b[15] = (uint8_t)rand();
		v1 = v2 = 0;
		r1 = prefixset_lookup(s, &a, &v1);
		r2 = brute(p, n, &a, &v2);
		if (r1 != r2 || v1 != v2)
			disagree++;
	}
	is_uint(disagree, 0, "seed %u: 20000 random lookups agree with a linear scan", seed);
	prefixset_free(s);
}

int main(void)
{
	test_table();
	for (unsigned seed = 1; seed <= 20; seed++)
		test_random(seed);
	return done_testing();
}
