/*
 * NAME
 *	prefixset - longest-prefix match over IPv4 and IPv6 prefixes
 * SYNOPSIS
 *	#include "prefixset.h"
 * DESCRIPTION
 *	A binary trie per family, one bit per level, nodes kept in one
 *	growable array and linked by index. Why a trie rather than sorted
 *	tables per prefix length: insert and lookup cost at most 32 or
 *	128 steps whatever the number of prefixes or of distinct lengths,
 *	replacing a prefix is finding its node, /0 is simply the root, and
 *	a walk comes out in address order for free. The sets sluice holds
 *	(whitelists, dark ranges, zones) are hand-written lists of tens to
 *	thousands of prefixes, so the trie's extra nodes cost kilobytes.
 *
 *	Bits past the prefix length are ignored: "10.1.2.3/8" is 10/8.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"

#define PS_NONE 0		/* index 0 is the IPv4 root: never a child */
#define PS_ROOT4 0
#define PS_ROOT6 1

struct ps_node {
	uint32_t child[2];
	uintptr_t value;
	int has_value;
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

/* ps_node_new - append a zeroed node; its index, or PS_NONE on ENOMEM */
static uint32_t ps_node_new(struct prefixset *s)
{
	struct ps_node *n;
	size_t cap;

	if (s->used == s->cap) {
		if (s->cap >= UINT32_MAX / 2) {
			errno = ENOMEM;
			return PS_NONE;
		}
		cap = s->cap ? s->cap * 2 : 64;
		if ((n = realloc(s->n, cap * sizeof(*n))) == NULL)
			return PS_NONE;
		s->n = n;
		s->cap = cap;
	}
	memset(&s->n[s->used], 0, sizeof(s->n[0]));
	return (uint32_t)s->used++;
}

/* prefixset_create - an empty set; NULL on ENOMEM */
struct prefixset *prefixset_create(void)
{
	struct prefixset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	/* the two roots; index 0 doubles as "no child" since no node
	   ever points back at the IPv4 root */
	s->n = calloc(64, sizeof(*s->n));
	if (s->n == NULL) {
		free(s);
		return NULL;
	}
	s->cap = 64;
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

/* prefixset_add - insert or replace; -1 EINVAL (plen) or ENOMEM */
int prefixset_add(struct prefixset *s, const struct sl_addr *a,
		  unsigned plen, uintptr_t value)
{
	uint32_t cur, next;
	unsigned i, max;
	int bit;

	if (a->family != 4 && a->family != 6) {
		errno = EINVAL;
		return -1;
	}
	max = a->family == 4 ? 32 : 128;
	if (plen > max) {
		errno = EINVAL;
		return -1;
	}
	cur = a->family == 4 ? PS_ROOT4 : PS_ROOT6;
	for (i = 0; i < plen; i++) {
		bit = ps_bit(a->b, i);
		if ((next = s->n[cur].child[bit]) == PS_NONE) {
			/* ps_node_new may move the array: index, not pointer */
			if ((next = ps_node_new(s)) == PS_NONE)
				return -1;
			s->n[cur].child[bit] = next;
		}
		cur = next;
	}
	if (!s->n[cur].has_value)
		s->count++;
	s->n[cur].has_value = 1;
	s->n[cur].value = value;
	return 0;
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
	uint32_t cur;
	unsigned i, max;
	const struct ps_node *best = NULL;

	if (s == NULL || (a->family != 4 && a->family != 6))
		return 0;
	max = a->family == 4 ? 32 : 128;
	cur = a->family == 4 ? PS_ROOT4 : PS_ROOT6;
	for (i = 0;; i++) {
		if (s->n[cur].has_value)
			best = &s->n[cur];
		if (i == max || (cur = s->n[cur].child[ps_bit(a->b, i)]) == PS_NONE)
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
	struct sl_addr a;
};

/* ps_walk_node - depth first, 0-branch first: address order */
static int ps_walk_node(struct ps_walk *w, uint32_t cur, unsigned depth)
{
	const struct ps_node *n = &w->s->n[cur];
	int bit;

	if (n->has_value && w->fn(w->ctx, &w->a, depth, n->value))
		return 1;
	for (bit = 0; bit < 2; bit++) {
		if (n->child[bit] == PS_NONE)
			continue;
		if (bit)
			w->a.b[depth / 8] |= (uint8_t)(0x80 >> depth % 8);
		if (ps_walk_node(w, n->child[bit], depth + 1))
			return 1;
		w->a.b[depth / 8] &= (uint8_t)~(0x80 >> depth % 8);
	}
	return 0;
}

/* prefixset_walk - every prefix, IPv4 then IPv6, in address order */
void prefixset_walk(const struct prefixset *s,
		    int (*fn)(void *ctx, const struct sl_addr *a,
			      unsigned plen, uintptr_t value), void *ctx)
{
	struct ps_walk w = { .s = s, .fn = fn, .ctx = ctx };

	if (s == NULL)
		return;
	w.a.family = 4;
	if (ps_walk_node(&w, PS_ROOT4, 0))
		return;
	memset(&w.a, 0, sizeof(w.a));
	w.a.family = 6;
	ps_walk_node(&w, PS_ROOT6, 0);
}
