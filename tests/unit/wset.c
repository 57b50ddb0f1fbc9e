/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	wset.t - working-set operations and destination tags
 * DESCRIPTION
 *	Table of operations on one set (N = 5) with the expected contents
 *	after each; tags of all IPv4 addresses in a /12 are distinct (the
 *	tag is a keyed permutation) and depend on the key; a key derived
 *	again from the same seed, as after a restart that kept it, gives
 *	the same tags (saved working sets stay valid), another seed not.
 */
#include <stdlib.h>
#include <string.h>

#include "wset.h"
#include "../tap.h"

/* fmt_set - "a b c" for a set */
static const char *fmt_set(const uint32_t *set, unsigned used, char *buf)
{
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < used; i++)
		sprintf(buf + strlen(buf), "%s%u", i ? " " : "", set[i]);
	return buf;
}

/* test_ops - enter and age, step by step */
static void test_ops(void)
{
	static const struct {
		char op;	/* e: enter tag; a: age by n */
		uint32_t arg;
		const char *want;
	} steps[] = {
		{ 'e', 1, "1" }, { 'e', 2, "2 1" }, { 'e', 3, "3 2 1" },
		{ 'e', 1, "1 3 2" }, { 'e', 4, "4 1 3 2" },
		{ 'e', 5, "5 4 1 3 2" }, { 'e', 6, "6 5 4 1 3" },
		{ 'e', 3, "3 6 5 4 1" }, { 'a', 2, "3 6 5" },
		{ 'e', 7, "7 3 6 5" }, { 'a', 0, "7 3 6 5" },
		{ 'a', 9, "" }, { 'e', 8, "8" },
	};
	uint32_t set[5];
	unsigned used = 0;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].op == 'e')
			used = wset_enter(set, used, 5, steps[i].arg);
		else
			used = wset_age(used, steps[i].arg);
		is_str(fmt_set(set, used, buf), steps[i].want, "%c %u",
		       steps[i].op, steps[i].arg);
	}
	is_int(wset_find(set, used, 8), 0, "find present");
	is_int(wset_find(set, used, 7), -1, "find absent (aged out)");
}

/* cmp_u32 - qsort order */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* test_tags - distinct IPv4 tags, keyed */
static void test_tags(void)
{
	const uint32_t n = 1u << 20;
	uint32_t *tags = malloc(n * sizeof(*tags)), i, dups = 0, same = 0;
	uint8_t seed[16] = "seed-for-wset-t", seed2[16] = "seed-for-wset-u";
	uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8 }, v6b[16];
	struct wset_key k, k2;
	uint8_t a[4];

	wset_key_init(&k, seed);
	wset_key_init(&k2, seed2);
	for (i = 0; i < n; i++) {
		a[0] = 10;
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		tags[i] = wset_tag(&k, a, 4);
		if (tags[i] == wset_tag(&k2, a, 4))
			same++;
	}
	qsort(tags, n, sizeof(*tags), cmp_u32);
	for (i = 1; i < n; i++)
		if (tags[i] == tags[i - 1])
			dups++;
	is_uint(dups, 0, "2^20 IPv4 addresses, no shared tag");
	cmp_ok(same, <, 16, "another key gives other tags");
	memcpy(v6b, v6a, 16);
	v6b[15] = 1;
	ok(wset_tag(&k, v6a, 16) != wset_tag(&k, v6b, 16),
	   "IPv6 destinations differing in the last byte");
	free(tags);
}

/* test_rebuilt - a key derived again from the same seed (a restart that
   kept the seed) tags equal destinations alike, another seed not */
static void test_rebuilt(void)
{
	uint8_t seed[16] = "seed-for-wset-t", copy[16], other[16];
	uint8_t d[16], e[16];
	struct wset_key k, again, k2;
	unsigned i, len, differ = 0, same = 0, n = 0;

	memcpy(copy, seed, 16);
	memcpy(other, seed, 16);
	other[15] ^= 1;
	wset_key_init(&k, seed);
	/* Scribble over the first key's seed: the rebuilt one must not
	   lean on memory shared with it. */
	memset(seed, 0xa5, sizeof(seed));
	wset_key_init(&again, copy);
	wset_key_init(&k2, other);
	for (i = 0; i < 4096; i++) {
		len = i % 2 ? 16 : 4;
		memset(d, 0, sizeof(d));
		d[0] = 0x20;
		d[1] = (uint8_t)i;
		d[len - 1] = (uint8_t)(i >> 8);
		d[len - 2] ^= (uint8_t)(i * 7);
		memcpy(e, d, sizeof(e));
		if (wset_tag(&k, d, len) != wset_tag(&again, e, len))
			differ++;
		if (wset_tag(&k, d, len) == wset_tag(&k2, e, len))
			same++;
		n++;
	}
	is_uint(differ, 0, "%u IPv4 and IPv6 destinations: the key rebuilt "
		"from the same seed gives each the same tag", n);
	cmp_ok(same, <, 4, "a seed differing in one bit gives other tags "
	       "(got %u of %u equal)", same, n);
}

int main(void)
{
	test_ops();
	test_tags();
	test_rebuilt();
	return done_testing();
}
