/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ranges - turn a prefix set into disjoint address ranges for nft sets
 * SYNOPSIS
 *	#include "table/ranges.h"
 * DESCRIPTION
 *	Addresses are handled as unsigned 128-bit numbers (IPv4 in the low
 *	32 bits). Every prefix contributes two cut points, its first
 *	address and the one after its last; between two consecutive cut
 *	points the longest match cannot change, so one lookup at the start
 *	of a piece decides the whole piece. A cut point past the end of
 *	the family's space is simply left out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table/ranges.h"

typedef unsigned __int128 u128;

struct cuts {
	int family;
	u128 *v;
	size_t n, cap;
	int failed;
};

/* space_max - the last address of the family */
static u128 space_max(int family)
{
	return family == 4 ? (u128)UINT32_MAX : ~(u128)0;
}

/* to_num - address bytes to a number */
static u128 to_num(const struct sl_addr *a)
{
	size_t i, n = a->family == 4 ? 4 : 16;
	u128 v = 0;

	for (i = 0; i < n; i++)
		v = v << 8 | a->b[i];
	return v;
}

/* from_num - a number to address bytes of family */
static void from_num(u128 v, int family, uint8_t out[16])
{
	int i, n = family == 4 ? 4 : 16;

	memset(out, 0, 16);
	for (i = n - 1; i >= 0; i--) {
		out[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

/* cut_add - one cut point */
static void cut_add(struct cuts *c, u128 v)
{
	u128 *nv;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		nv = realloc(c->v, c->cap * sizeof(*nv));
		if (nv == NULL) {
			c->failed = 1;
			return;
		}
		c->v = nv;
	}
	c->v[c->n++] = v;
}

/* cut_prefix - walk callback: the two cut points of a prefix */
static int cut_prefix(void *ctx, const struct sl_addr *a, unsigned plen,
		      uintptr_t value)
{
	struct cuts *c = ctx;
	unsigned bits = c->family == 4 ? 32 : 128;
	u128 lo, size_mask;

	(void)value;
	if (a->family != c->family)
		return 0;
	size_mask = plen >= bits ? 0 : (plen == 0 ? space_max(c->family)
				       : (((u128)1 << (bits - plen)) - 1));
	lo = to_num(a) & ~size_mask & space_max(c->family);
	cut_add(c, lo);
	if ((lo | size_mask) != space_max(c->family))
		cut_add(c, (lo | size_mask) + 1);
	return c->failed;
}

/* cmp_u128 - qsort order */
static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;

	return x < y ? -1 : x > y;
}

/* unique - drop repeated values of a sorted array; the new count */
static size_t unique(u128 *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* keep_piece - does the longest match at v pass keep() */
static int keep_piece(const struct prefixset *s, int family, u128 v,
		      int (*keep)(void *, uintptr_t), void *ctx)
{
	struct sl_addr a;
	uintptr_t val;

	a.family = (uint8_t)family;
	from_num(v, family, a.b);
	return prefixset_lookup(s, &a, &val) && keep(ctx, val);
}

/* ranges_build - ranges of family whose longest match keep() accepts */
long ranges_build(const struct prefixset *s, int family,
		  int (*keep)(void *ctx, uintptr_t value), void *ctx,
		  struct sl_range *out, size_t max)
{
	struct cuts c = { .family = family };
	size_t i, n = 0;
	u128 end;
	int open = 0;

	prefixset_walk(s, cut_prefix, &c);
	if (c.failed) {
		free(c.v);
		errno = ENOMEM;
		return -1;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_u128);
	c.n = unique(c.v, c.n);
	for (i = 0; i < c.n; i++) {
		end = i + 1 < c.n ? c.v[i + 1] - 1 : space_max(family);
		if (!keep_piece(s, family, c.v[i], keep, ctx)) {
			open = 0;
			continue;
		}
		if (open) {		/* touches the previous kept piece */
			from_num(end, family, out[n - 1].hi);
			continue;
		}
		if (n == max) {
			free(c.v);
			errno = E2BIG;
			return -1;
		}
		out[n].family = (uint8_t)family;
		from_num(c.v[i], family, out[n].lo);
		from_num(end, family, out[n].hi);
		n++;
		open = 1;
	}
	free(c.v);
	return (long)n;
}
