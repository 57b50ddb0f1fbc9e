/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	aeshash.t - the AES-round index hash: choice, keying, distribution
 * DESCRIPTION
 *	aeshash_usable() agrees with the CPU's flags in /proc/cpuinfo and
 *	says no under SLUICE_HASH=siphash. Where the CPU has AES: a key
 *	derived again from the same seed hashes 2^16 keys of each length
 *	alike, a seed one bit away differently; 2^20 IPv4 keys and 2^20
 *	IPv6 keys have no 64-bit collision, fill 4096 home buckets (the
 *	table's multiply of the low 32 bits) and 4096 tag buckets (the top
 *	bits) evenly by a chi-square test; one input bit flips about half
 *	the output bits; keys that differ only in their length or in their
 *	last 16-byte block (lengths 4 to 256) hash apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeshash.h"
#include "../tap.h"

static const uint8_t seed[16] = "aeshash-t-seed!";

/* cpu_has_aes - the "aes" flag of /proc/cpuinfo, read independently */
static int cpu_has_aes(void)
{
	char line[4096];
	FILE *fp = fopen("/proc/cpuinfo", "r");
	int has = 0;

	if (fp == NULL)
		return -1;
	while (!has && fgets(line, sizeof(line), fp))
		if (strncmp(line, "flags", 5) == 0)
			has = strstr(line, " aes ") != NULL
			    || strstr(line, " aes\n") != NULL;
	fclose(fp);
	return has;
}

/* test_choice - the run-time choice and its switch */
static int test_choice(void)
{
	int cpu = cpu_has_aes(), usable;

	unsetenv("SLUICE_HASH");
	usable = aeshash_usable();
	ok(cpu >= 0, "read /proc/cpuinfo");
	is_int(usable, AESHASH_X86 && cpu == 1,
	       "usable where the CPU has AES (x86-64)");
	setenv("SLUICE_HASH", "siphash", 1);
	is_int(aeshash_usable(), 0, "SLUICE_HASH=siphash forces the fallback");
	setenv("SLUICE_HASH", "aes", 1);
	is_int(aeshash_usable(), usable, "any other value changes nothing");
	unsetenv("SLUICE_HASH");
	return usable;
}

#if AESHASH_X86
/* key_of - key i of len bytes: i spread over its last bytes */
static void key_of(uint8_t *k, size_t len, uint32_t i)
{
	memset(k, 0x20, len);
	memcpy(k + len - 4, &i, 4);
}

/* test_keys - same seed same hashes, another seed others */
static void test_keys(void)
{
	static const size_t lens[] = { 4, 16, 19, 32, 33, 256 };
	uint8_t s2[16], k[256];
	struct aeshash_key a, again, other;
	unsigned differ, same, i, l;

	aeshash_key_init(&a, seed);
	memcpy(s2, seed, 16);
	aeshash_key_init(&again, s2);
	s2[7] ^= 0x10;
	aeshash_key_init(&other, s2);
	for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		differ = same = 0;
		for (i = 0; i < 1u << 16; i++) {
			key_of(k, lens[l], i * 2654435761u);
			if (aeshash_64(&a, k, lens[l])
			    != aeshash_64(&again, k, lens[l]))
				differ++;
			if (aeshash_64(&a, k, lens[l])
			    == aeshash_64(&other, k, lens[l]))
				same++;
		}
		is_uint(differ, 0, "%zu-byte keys: a key rebuilt from the "
			"same seed hashes 65536 keys alike", lens[l]);
		is_uint(same, 0, "%zu-byte keys: a seed one bit away hashes "
			"them all apart", lens[l]);
	}
}

/* cmp_u64 - qsort order */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* chi2 - chi-square of n counts against a uniform spread */
static double chi2(const unsigned *c, unsigned n, double total)
{
	double e = total / n, s = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		s += (c[i] - e) * (c[i] - e) / e;
	return s;
}

/* test_spread - no collision, even home slots and tags */
static void test_spread(size_t len)
{
	const unsigned n = 1u << 20, nb = 4096;
	uint64_t *h = malloc(n * sizeof(*h));
	unsigned *home = calloc(nb, sizeof(unsigned));
	unsigned *tag = calloc(nb, sizeof(unsigned));
	struct aeshash_key k;
	unsigned i, dups = 0;
	uint8_t key[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	double x_home, x_tag;

	aeshash_key_init(&k, seed);
	for (i = 0; i < n; i++) {
		/* Sequential addresses: what a scanner sweeping a net sends. */
		key[len - 4] = 10;
		key[len - 3] = (uint8_t)(i >> 16);
		key[len - 2] = (uint8_t)(i >> 8);
		key[len - 1] = (uint8_t)i;
		h[i] = aeshash_64(&k, key, len);
		home[((h[i] & 0xffffffffu) * nb) >> 32]++;
		tag[h[i] >> 52]++;
	}
	qsort(h, n, sizeof(*h), cmp_u64);
	for (i = 1; i < n; i++)
		dups += h[i] == h[i - 1];
	is_uint(dups, 0, "2^20 sequential %zu-byte keys: no 64-bit collision",
		len);
	/* 4095 degrees of freedom: mean 4095, sd 90.5; 4600 is 5.6 sd. */
	x_home = chi2(home, nb, n);
	x_tag = chi2(tag, nb, n);
	ok(x_home < 4600, "home slots even: chi-square %.0f, want < 4600 "
	   "(4095 expected)", x_home);
	ok(x_tag < 4600, "tags even: chi-square %.0f, want < 4600", x_tag);
	free(h);
	free(home);
	free(tag);
}

/* test_avalanche - one input bit flips about half the output bits */
static void test_avalanche(void)
{
	struct aeshash_key k;
	uint8_t key[16];
	uint64_t base;
	unsigned bit, flips, lo = 64, hi = 0, i;
	double sum = 0;

	aeshash_key_init(&k, seed);
	for (i = 0; i < 256; i++) {
		memset(key, (int)i, sizeof(key));
		key[i % 16] ^= (uint8_t)(i * 37);
		base = aeshash_64(&k, key, 16);
		for (bit = 0; bit < 128; bit++) {
			key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			flips = (unsigned)__builtin_popcountll(
				base ^ aeshash_64(&k, key, 16));
			key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			sum += flips;
			lo = flips < lo ? flips : lo;
			hi = flips > hi ? flips : hi;
		}
	}
	sum /= 256 * 128;
	ok(sum > 31.5 && sum < 32.5, "a flipped input bit flips %.2f output "
	   "bits on average, want 32 +- 0.5", sum);
	ok(lo >= 8 && hi <= 56, "and never fewer than 8 or more than 56 "
	   "(got %u to %u)", lo, hi);
}

/* test_lengths - length and last block both count */
static void test_lengths(void)
{
	static const size_t lens[] = { 4, 15, 16, 17, 31, 32, 33, 100, 255 };
	struct aeshash_key k;
	uint8_t key[256];
	unsigned same = 0, l;
	uint64_t a, b;

	aeshash_key_init(&k, seed);
	memset(key, 0, sizeof(key));
	for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		/* The same bytes one zero longer: padding must not match. */
		a = aeshash_64(&k, key, lens[l]);
		b = aeshash_64(&k, key, lens[l] + 1);
		same += a == b;
		/* The last byte changed: the last block is hashed. */
		key[lens[l] - 1] = 1;
		same += a == aeshash_64(&k, key, lens[l]);
		key[lens[l] - 1] = 0;
		/* The first byte changed: earlier blocks carry on. */
		key[0] = 1;
		same += a == aeshash_64(&k, key, lens[l]);
		key[0] = 0;
	}
	is_uint(same, 0, "zero keys one byte longer, or with the first or "
		"last byte changed, hash apart (lengths 4 to 256)");
}
#endif

int main(void)
{
	int usable = test_choice();

#if AESHASH_X86
	if (usable) {
		test_keys();
		test_spread(4);
		test_spread(16);
		test_avalanche();
		test_lengths();
	}
#endif
	(void)usable;
	return done_testing();
}
