/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_limit - honeypot events per source, rate-limited and counted
 * DESCRIPTION
 *	See cap_limit.h. One record per source in a hosttab(3): the
 *	second it is in, the events it had in that second, and what was
 *	suppressed since its last event.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/cap_limit.h"
#include "hosttab.h"

#define NS_PER_SEC 1000000000ULL

struct rec {
	uint64_t second;
	uint64_t suppressed;
	uint32_t events;
};

struct cap_limit {
	struct hosttab *t;
	unsigned per_second;
	cap_limit_fn *fn;
	void *ctx;
	uint64_t now_s;		/* for the flush walk */
};

/* key_of - 17 bytes: family and address */
static void key_of(const struct sl_addr *a, uint8_t key[17])
{
	key[0] = a->family;
	memcpy(key + 1, a->b, 16);
}

/* report - hand a pending count to the caller */
static void report(struct cap_limit *l, const uint8_t *key, struct rec *r)
{
	struct sl_addr a;

	if (r->suppressed == 0)
		return;
	a.family = key[0];
	memcpy(a.b, key + 1, 16);
	l->fn(l->ctx, &a, r->suppressed);
	r->suppressed = 0;
}

/* on_evict - a source leaves the table: its count goes first */
static void on_evict(void *ctx, const void *key, void *val)
{
	report(ctx, key, val);
}

/* cap_limit_create - NULL with errno */
struct cap_limit *cap_limit_create(unsigned per_second, size_t mem_cap,
				   const uint8_t seed[16], cap_limit_fn *fn,
				   void *ctx)
{
	struct cap_limit *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if ((l->t = hosttab_create(17, sizeof(struct rec), mem_cap, seed)) == NULL) {
		free(l);
		return NULL;
	}
	l->per_second = per_second;
	l->fn = fn;
	l->ctx = ctx;
	hosttab_set_evict(l->t, on_evict, l);
	return l;
}

/* cap_limit_free - accepts NULL */
void cap_limit_free(struct cap_limit *l)
{
	if (l == NULL)
		return;
	hosttab_free(l->t);
	free(l);
}

/* cap_limit_take - may src have an event now */
int cap_limit_take(struct cap_limit *l, const struct sl_addr *src,
		   uint64_t now_ns, uint64_t *suppressed)
{
	uint8_t key[17];
	uint64_t sec = now_ns / NS_PER_SEC;
	struct rec *r;

	key_of(src, key);
	if ((r = hosttab_put(l->t, key, NULL)) == NULL) {
		*suppressed = 0;
		return 1;	/* no table at all: never lose an event */
	}
	if (r->second != sec) {
		r->second = sec;
		r->events = 0;
	}
	if (r->events >= l->per_second) {
		r->suppressed++;
		return 0;
	}
	r->events++;
	*suppressed = r->suppressed;
	r->suppressed = 0;
	return 1;
}

/* flush_one - hosttab_walk_any callback */
static int flush_one(void *ctx, const void *key, void *val)
{
	struct cap_limit *l = ctx;
	struct rec *r = val;

	if (r->second < l->now_s)
		report(l, key, r);
	return 0;
}

/* cap_limit_flush - report counts whose second is over */
void cap_limit_flush(struct cap_limit *l, uint64_t now_ns)
{
	l->now_s = now_ns / NS_PER_SEC;
	hosttab_walk_any(l->t, flush_one, l);
}
