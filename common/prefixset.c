/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	prefixset - longest-prefix match over IPv4 and IPv6 prefixes
 * SYNOPSIS
 *	#include "prefixset.h"
 * DESCRIPTION
 *	A path-compressed binary trie (PATRICIA) per family. Each node
 *	holds a whole prefix (address bytes and length); a node's children
 *	are longer prefixes that extend it, split on the first bit past
 *	it. Nodes live in one growable array linked by index.
 *
 *	Why a trie rather than sorted tables per prefix length: insert and
 *	lookup visit at most one node per distinct branching bit (never
 *	more than 33 or 129), whatever the number of prefixes or of
 *	distinct lengths; replacing a prefix is finding its node; /0 is
 *	the root; a walk comes out in address order for free. Why path
 *	compression: a plain one-bit-per-level trie spends 128 nodes on
 *	one IPv6 host route; here n prefixes take at most 2n + 2 nodes
 *	(about 40 bytes each), so a list of 100,000 /128s stays near 8 MB.
 *
 *	Bits past the prefix length are ignored: "10.1.2.3/8" is 10/8.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"

#define PS_NONE 0		/* index 0 is the IPv4 root: never a child */
#define PS_ROOT4 0
#define PS_ROOT6 1

struct ps_node {
	uint8_t key[16];	/* bits past len are zero */
	uint8_t len;		/* 0..128 */
	uint8_t has_value;
	uint32_t child[2];
	uintptr_t value;
};

struct prefixset {
	struct ps_node *n;
	size_t used, cap;
	size_t count;
};

/* ps_bit - bit i (0 = most significant) of an address */
static int ps_bit(const uint8_t *b, unsigned i)
{
	return (b[i / 8] >> (7 - i % 8)) & 1;
}

/* ps_word - 64 bits of an address, most significant first */
static uint64_t ps_word(const uint8_t *b, unsigned w)
{
	uint64_t v;

	memcpy(&v, b + 8 * w, 8);
	return be64toh(v);
}

/* ps_common - length of the common prefix of a and b, at most max bits */
static unsigned ps_common(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned w, i;
	uint64_t x;

	/* two 64-bit words: whole addresses compare in two steps */
	for (w = 0; w * 64 < max; w++) {
		x = ps_word(a, w) ^ ps_word(b, w);
		if (x) {
			i = w * 64 + (unsigned)__builtin_clzll(x);
			return i < max ? i : max;
		}
	}
	return max;
}

/* ps_mask - copy addr with the bits past len cleared */
static void ps_mask(uint8_t out[16], const uint8_t *addr, unsigned len)
{
	memset(out, 0, 16);
	memcpy(out, addr, (len + 7) / 8);
	if (len % 8)
		out[len / 8] &= (uint8_t)(0xff << (8 - len % 8));
}

/* ps_node_new - append a node for addr/len; its index, or PS_NONE */
static uint32_t ps_node_new(struct prefixset *s, const uint8_t *addr,
			    unsigned len)
{
	struct ps_node *n;
	size_t cap;

	if (s->used == s->cap) {
		if (s->cap >= UINT32_MAX / 2) {
			errno = ENOMEM;
			return PS_NONE;
		}
		cap = s->cap * 2;
		if ((n = realloc(s->n, cap * sizeof(*n))) == NULL)
			return PS_NONE;
		s->n = n;
		s->cap = cap;
	}
	n = &s->n[s->used];
	memset(n, 0, sizeof(*n));
	ps_mask(n->key, addr, len);
	n->len = (uint8_t)len;
	return (uint32_t)s->used++;
}

/* prefixset_create - an empty set; NULL on ENOMEM */
struct prefixset *prefixset_create(void)
{
	struct prefixset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	/* the two roots (/0 of each family), value-less until added */
	if ((s->n = calloc(16, sizeof(*s->n))) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = 16;
	s->used = 2;
	return s;
}

/* prefixset_free - accepts NULL */
void prefixset_free(struct prefixset *s)
{
	if (s == NULL)
		return;
	free(s->n);
	free(s);
}

/* ps_set - give node i the value */
static void ps_set(struct prefixset *s, uint32_t i, uintptr_t value)
{
	if (!s->n[i].has_value)
		s->count++;
	s->n[i].has_value = 1;
	s->n[i].value = value;
}

/* ps_insert_below - place addr/plen under node cur (which it extends) */
static int ps_insert_below(struct prefixset *s, uint32_t cur,
			   const uint8_t *key, unsigned plen, uintptr_t value)
{
	uint32_t next, node, glue;
	unsigned common;
	int bit;

	for (;;) {
		if (s->n[cur].len == plen)
			return ps_set(s, cur, value), 0;
		bit = ps_bit(key, s->n[cur].len);
		if ((next = s->n[cur].child[bit]) == PS_NONE) {
			/* ps_node_new may move the array: indices only */
			if ((node = ps_node_new(s, key, plen)) == PS_NONE)
				return -1;
			s->n[cur].child[bit] = node;
			return ps_set(s, node, value), 0;
		}
		common = ps_common(key, s->n[next].key,
				   plen < s->n[next].len ? plen : s->n[next].len);
		if (common == s->n[next].len) {
			cur = next;	/* next is a prefix of the new one */
			continue;
		}
		if (common == plen) {
			/* the new prefix sits between cur and next */
			if ((node = ps_node_new(s, key, plen)) == PS_NONE)
				return -1;
			s->n[node].child[ps_bit(s->n[next].key, plen)] = next;
			s->n[cur].child[bit] = node;
			return ps_set(s, node, value), 0;
		}
		/* they part at bit common: a value-less node joins them */
		if ((glue = ps_node_new(s, key, common)) == PS_NONE)
			return -1;
		if ((node = ps_node_new(s, key, plen)) == PS_NONE)
			return -1;	/* the glue node stays unlinked: harmless */
		s->n[glue].child[ps_bit(key, common)] = node;
		s->n[glue].child[ps_bit(s->n[next].key, common)] = next;
		s->n[cur].child[bit] = glue;
		return ps_set(s, node, value), 0;
	}
}

/* prefixset_add - insert or replace; -1 EINVAL (plen) or ENOMEM */
int prefixset_add(struct prefixset *s, const struct sl_addr *a,
		  unsigned plen, uintptr_t value)
{
	uint8_t key[16];

	if ((a->family != 4 && a->family != 6) ||
	    plen > (a->family == 4 ? 32u : 128u)) {
		errno = EINVAL;
		return -1;
	}
	ps_mask(key, a->b, plen);
	return ps_insert_below(s, a->family == 4 ? PS_ROOT4 : PS_ROOT6, key,
			       plen, value);
}

/* prefixset_add_str - "ADDR/LEN" or "ADDR"; -1 EINVAL if unparsable */
int prefixset_add_str(struct prefixset *s, const char *text, uintptr_t value)
{
	struct sl_addr a;
	unsigned plen;

	if (prefix_parse(text, &a, &plen) < 0) {
		errno = EINVAL;
		return -1;
	}
	return prefixset_add(s, &a, plen, value);
}

/* prefixset_lookup - 1 and *value for the longest match, else 0 */
int prefixset_lookup(const struct prefixset *s, const struct sl_addr *a,
		     uintptr_t *value)
{
	const struct ps_node *cur, *best = NULL;
	unsigned max;
	uint32_t next;

	if (s == NULL || (a->family != 4 && a->family != 6))
		return 0;
	max = a->family == 4 ? 32 : 128;
	cur = &s->n[a->family == 4 ? PS_ROOT4 : PS_ROOT6];
	for (;;) {
		if (cur->has_value)
			best = cur;
		if (cur->len >= max ||
		    (next = cur->child[ps_bit(a->b, cur->len)]) == PS_NONE)
			break;
		cur = &s->n[next];
		if (ps_common(a->b, cur->key, cur->len) != cur->len)
			break;
	}
	if (best == NULL)
		return 0;
	if (value)
		*value = best->value;
	return 1;
}

/* prefixset_count - prefixes held */
size_t prefixset_count(const struct prefixset *s)
{
	return s ? s->count : 0;
}

struct ps_walk {
	const struct prefixset *s;
	int (*fn)(void *ctx, const struct sl_addr *a, unsigned plen, uintptr_t value);
	void *ctx;
	uint8_t family;
};

/* ps_walk_node - depth first, 0-branch first: address order */
static int ps_walk_node(const struct ps_walk *w, uint32_t i)
{
	const struct ps_node *n = &w->s->n[i];
	struct sl_addr a;
	int bit;

	if (n->has_value) {
		a.family = w->family;
		memcpy(a.b, n->key, 16);
		if (w->fn(w->ctx, &a, n->len, n->value))
			return 1;
	}
	for (bit = 0; bit < 2; bit++)
		if (n->child[bit] != PS_NONE && ps_walk_node(w, n->child[bit]))
			return 1;
	return 0;
}

/* prefixset_walk - every prefix, IPv4 then IPv6, in address order */
void prefixset_walk(const struct prefixset *s,
		    int (*fn)(void *ctx, const struct sl_addr *a,
			      unsigned plen, uintptr_t value), void *ctx)
{
	struct ps_walk w = { .s = s, .fn = fn, .ctx = ctx, .family = 4 };

	if (s == NULL || ps_walk_node(&w, PS_ROOT4))
		return;
	w.family = 6;
	ps_walk_node(&w, PS_ROOT6);
}
