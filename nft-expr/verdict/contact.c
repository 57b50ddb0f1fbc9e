/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	contact - first contacts waiting for their outcome
 * SYNOPSIS
 *	#include "verdict/contact.h"
 * DESCRIPTION
 *	A keyed table says whether a flow is waiting (and since when); a
 *	ring in start order says which one times out next. A ring entry
 *	whose flow was resolved, or restarted later, is skipped: the table
 *	holds the start time that counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "verdict/contact.h"

struct ring_ent {
	struct contact_key k;
	uint64_t started;
};

struct contacts {
	struct hosttab *tab;	/* key -> uint64_t started */
	struct ring_ent *ring;
	size_t max, head, n;
	uint64_t timeout;
};

/* contact_key_make - the key of one flow */
void contact_key_make(struct contact_key *k, const struct sl_addr *src,
		      const struct sl_addr *dst, uint8_t proto, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	hostkey_make(src, 128, k->src);
	hostkey_make(dst, 128, k->dst);
	k->dport = dport;
	k->proto = proto;
}

/* contact_create - at most max waiting; NULL with errno */
struct contacts *contact_create(size_t max, uint64_t timeout_ns,
				const uint8_t seed[16])
{
	struct contacts *c = calloc(1, sizeof(*c));
	/* room for the entries and the table's own overhead */
	size_t cap = max * (sizeof(struct contact_key) + 64) + 65536;

	if (c == NULL || max == 0) {
		free(c);
		errno = EINVAL;
		return NULL;
	}
	c->max = max;
	c->timeout = timeout_ns;
	c->ring = calloc(max, sizeof(*c->ring));
	c->tab = hosttab_create(sizeof(struct contact_key), sizeof(uint64_t),
				cap, seed);
	if (c->ring == NULL || c->tab == NULL) {
		contact_free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

/* contact_free - accepts NULL */
void contact_free(struct contacts *c)
{
	if (c == NULL)
		return;
	hosttab_free(c->tab);
	free(c->ring);
	free(c);
}

/* contact_set_timeout - after a reload */
void contact_set_timeout(struct contacts *c, uint64_t timeout_ns)
{
	c->timeout = timeout_ns;
}

/* ring_pop - drop the oldest ring entry */
static void ring_pop(struct contacts *c)
{
	c->head = (c->head + 1) % c->max;
	c->n--;
}

/* contact_start - k went out at now */
int contact_start(struct contacts *c, const struct contact_key *k,
		  uint64_t now)
{
	struct ring_ent *e;
	uint64_t *started;

	if (c->n == c->max) {
		/* full: the oldest waiting one is forgotten, no outcome */
		e = &c->ring[c->head];
		started = hosttab_peek(c->tab, &e->k);
		if (started != NULL && *started == e->started)
			(void)hosttab_del(c->tab, &e->k);
		ring_pop(c);
	}
	if ((started = hosttab_put(c->tab, k, NULL)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*started = now;
	e = &c->ring[(c->head + c->n) % c->max];
	e->k = *k;
	e->started = now;
	c->n++;
	return 0;
}

/* contact_resolve - 1 if k was waiting (and is no more), else 0 */
int contact_resolve(struct contacts *c, const struct contact_key *k)
{
	return hosttab_del(c->tab, k) == 0;
}

/* contact_expire - report contacts older than the timeout as failures */
size_t contact_expire(struct contacts *c, uint64_t now, contact_fn *fn,
		      void *ctx)
{
	size_t count = 0;
	struct ring_ent *e;
	uint64_t *started;

	while (c->n > 0) {
		e = &c->ring[c->head];
		if (e->started + c->timeout > now)
			break;
		started = hosttab_peek(c->tab, &e->k);
		if (started != NULL && *started == e->started) {
			(void)hosttab_del(c->tab, &e->k);
			fn(ctx, &e->k, 0);
			count++;
		}
		ring_pop(c);
	}
	return count;
}

/* contact_next - now at which contact_expire has work */
uint64_t contact_next(const struct contacts *c)
{
	if (c->n == 0)
		return UINT64_MAX;
	return c->ring[c->head].started + c->timeout;
}

/* contact_count - contacts waiting */
size_t contact_count(const struct contacts *c)
{
	return hosttab_count(c->tab);
}
