/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_ranges - unit test of prefix sets to nft ranges (nft-expr/table/ranges.c)
 * DESCRIPTION
 *	Nested prefixes with different values, touching prefixes that
 *	must merge, the whole space (/0), single hosts (/32, /128), and
 *	the bound on the number of ranges.
 */
#include <errno.h>
#include <stdio.h>

#include "table/ranges.h"
#include "../tap.h"

/* keep_value - keep pieces whose longest match carries value *ctx */
static int keep_value(void *ctx, uintptr_t value)
{
	return value == *(uintptr_t *)ctx;
}

/* keep_any - keep every matched piece */
static int keep_any(void *ctx, uintptr_t value)
{
	(void)ctx;
	(void)value;
	return 1;
}

/* show - "LO-HI,LO-HI" of a result */
static const char *show(const struct sl_range *r, long n, char *buf, size_t len)
{
	char lo[ADDR_STRLEN], hi[ADDR_STRLEN];
	struct sl_addr a;
	size_t o = 0;
	long i;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		addr_from_bytes(&a, r[i].family, r[i].lo);
		addr_format(&a, lo);
		addr_from_bytes(&a, r[i].family, r[i].hi);
		addr_format(&a, hi);
		o += (size_t)snprintf(buf + o, len - o, "%s%s-%s", i ? "," : "", lo, hi);
	}
	return buf;
}

/* set_of - a prefix set from "PREFIX=VALUE" strings */
static struct prefixset *set_of(const char *const *items)
{
	struct prefixset *s = prefixset_create();
	char text[64];
	unsigned v;

	for (; *items; items++) {
		if (sscanf(*items, "%63[^=]=%u", text, &v) != 2
		    || prefixset_add_str(s, text, v) < 0)
			return NULL;
	}
	return s;
}

struct rcase {
	const char *name;
	const char *items[6];
	int family;
	uintptr_t keep;		/* 0 = keep any */
	const char *want;
};

static const struct rcase cases[] = {
	{ "nested: a /24 hole in a /16", { "10.1.0.0/16=1", "10.1.5.0/24=2", NULL },
	  4, 1, "10.1.0.0-10.1.4.255,10.1.6.0-10.1.255.255" },
	{ "nested: only the hole", { "10.1.0.0/16=1", "10.1.5.0/24=2", NULL },
	  4, 2, "10.1.5.0-10.1.5.255" },
	{ "touching prefixes merge", { "10.0.0.0/25=1", "10.0.0.128/25=1", NULL },
	  4, 1, "10.0.0.0-10.0.0.255" },
	{ "overlap merges (whitelist)", { "127.0.0.0/8=1", "127.0.0.1/32=1", "10.0.0.0/8=1", NULL },
	  4, 0, "10.0.0.0-10.255.255.255,127.0.0.0-127.255.255.255" },
	{ "the whole space", { "0.0.0.0/0=1", NULL }, 4, 1, "0.0.0.0-255.255.255.255" },
	{ "the last host", { "255.255.255.255/32=1", NULL }, 4, 1,
	  "255.255.255.255-255.255.255.255" },
	{ "a hole at the end of /0", { "0.0.0.0/0=1", "255.255.255.0/24=2", NULL },
	  4, 1, "0.0.0.0-255.255.254.255" },
	{ "ipv6 /64 and a /128", { "fd77:1::/64=1", "fd77:1::1/128=2", NULL }, 6, 1,
	  "fd77:1::-fd77:1::,fd77:1::2-fd77:1::ffff:ffff:ffff:ffff" },
	{ "ipv6 ignores ipv4", { "10.0.0.0/8=1", NULL }, 6, 1, "" },
	{ "ipv6 all", { "::/0=1", NULL }, 6, 1, "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "ipv4 host inside a v6 set", { "10.0.0.0/8=1", "fd00::/8=1", NULL }, 4, 1,
	  "10.0.0.0-10.255.255.255" },
};

/* test_cases - the table */
static void test_cases(void)
{
	struct sl_range out[16];
	char buf[1024];
	size_t i;
	long n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct prefixset *s = set_of(cases[i].items);
		uintptr_t k = cases[i].keep;

		n = ranges_build(s, cases[i].family, k ? keep_value : keep_any, &k,
				 out, 16);
		is_str(n < 0 ? "error" : show(out, n, buf, sizeof(buf)), cases[i].want,
		       "%s", cases[i].name);
		prefixset_free(s);
	}
}

/* test_bound - more ranges than room is E2BIG, never an overrun */
static void test_bound(void)
{
	struct prefixset *s = prefixset_create();
	struct sl_range out[4];
	char text[32];
	int i;
	long n;

	for (i = 0; i < 10; i++) {
		snprintf(text, sizeof(text), "10.0.%d.0/24", i * 2);
		prefixset_add_str(s, text, 1);
	}
	errno = 0;
	n = ranges_build(s, 4, keep_any, NULL, out, 4);
	ok(n == -1 && errno == E2BIG, "10 separate ranges into room for 4: E2BIG");
	n = ranges_build(s, 4, keep_any, NULL, out, 0);
	ok(n == -1 && errno == E2BIG, "into room for none: E2BIG");
	prefixset_free(s);
	s = prefixset_create();
	is_int(ranges_build(s, 4, keep_any, NULL, out, 4), 0, "empty set: no ranges");
	prefixset_free(s);
}

int main(void)
{
	test_cases();
	test_bound();
	return done_testing();
}
