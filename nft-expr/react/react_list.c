/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_list - the reactions in force, by id
 * SYNOPSIS
 *	#include "cmeasure.h"
#include "react/react_list.h"
 * DESCRIPTION
 *	A bounded hosttab from id to reaction. Ids count up from 1 and are
 *	never reused while sluiced runs, so "sluicectl lift ID" cannot
 *	lift a newer reaction that took an old one's place. A full list
 *	refuses a new reaction rather than evict one in force: its expiry
 *	and its undoing must not be lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hosttab.h"
#include "cmeasure.h"
#include "daemon/sdconf.h"
#include "react/react_list.h"

#define LIST_AKEY 20		/* action, family, 16 address bytes, port */

struct react_list {
	struct hosttab *t;		/* id (8 bytes) -> struct react_entry */
	struct hosttab *ix;		/* (action, target, port) -> id */
	uint64_t next_id;
};

/* list_akey - the index's key of a reaction */
static void list_akey(uint8_t k[LIST_AKEY], unsigned action,
		      const struct sl_addr *net, uint16_t port)
{
	k[0] = (uint8_t)action;
	k[1] = net->family;
	memcpy(k + 2, net->b, 16);
	k[18] = (uint8_t)(port >> 8);
	k[19] = (uint8_t)port;
}

/* react_list_create - reactions in force within mem bytes */
struct react_list *react_list_create(size_t mem, const uint8_t seed[16])
{
	struct react_list *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->next_id = 1;
	l->t = hosttab_create(sizeof(uint64_t), sizeof(struct react_entry),
			      mem * 3 / 4, seed);
	l->ix = hosttab_create(LIST_AKEY, sizeof(uint64_t), mem / 4, seed);
	if (l->t == NULL || l->ix == NULL) {
		react_list_free(l);
		return NULL;
	}
	return l;
}

/* react_list_free - accepts NULL */
void react_list_free(struct react_list *l)
{
	if (l == NULL)
		return;
	hosttab_free(l->t);
	hosttab_free(l->ix);
	free(l);
}

/* react_list_add - keep e under a new id; -1 if full */
int react_list_add(struct react_list *l, struct react_entry *e)
{
	struct react_entry *v;
	uint8_t k[LIST_AKEY];
	uint64_t *ix;

	if (hosttab_count(l->t) >= hosttab_capacity(l->t))
		return -1;
	e->id = l->next_id;
	if ((v = hosttab_put(l->t, &e->id, NULL)) == NULL)
		return -1;
	l->next_id++;
	*v = *e;
	list_akey(k, e->action, &e->key.net, e->port);
	if ((ix = hosttab_put(l->ix, k, NULL)) != NULL)
		*ix = e->id;
	return 0;
}

/* react_list_get - the reaction of id, or NULL */
struct react_entry *react_list_get(struct react_list *l, uint64_t id)
{
	return hosttab_peek(l->t, &id);
}

/* list_unindex - e leaves the index (if the index still names it) */
static void list_unindex(struct react_list *l, const struct react_entry *e)
{
	uint8_t k[LIST_AKEY];
	const uint64_t *ix;

	list_akey(k, e->action, &e->key.net, e->port);
	if ((ix = hosttab_peek(l->ix, k)) != NULL && *ix == e->id)
		(void)hosttab_del(l->ix, k);
}

/* react_list_del - forget id */
void react_list_del(struct react_list *l, uint64_t id)
{
	const struct react_entry *e = hosttab_peek(l->t, &id);

	if (e != NULL)
		list_unindex(l, e);
	(void)hosttab_del(l->t, &id);
}

/* react_list_find - the reaction of action on net (and port), or NULL */
struct react_entry *react_list_find(struct react_list *l, unsigned action,
				    const struct sl_addr *net, uint16_t port)
{
	uint8_t k[LIST_AKEY];
	const uint64_t *ix;

	list_akey(k, action, net, port);
	ix = hosttab_peek(l->ix, k);
	return ix != NULL ? hosttab_peek(l->t, ix) : NULL;
}

struct each_ctx {
	react_list_each_fn *fn;
	void *ctx;
};

/* each_one - hosttab_walk_fn: every reaction to fn */
static int each_one(void *ctx, const void *key, void *val)
{
	struct each_ctx *x = ctx;

	(void)key;
	x->fn(x->ctx, val);
	return 0;
}

/* react_list_each - every reaction to fn, which may change its values
   (not its action, target or port) */
void react_list_each(struct react_list *l, react_list_each_fn *fn, void *ctx)
{
	struct each_ctx x = { fn, ctx };

	hosttab_walk_any(l->t, each_one, &x);
}

/* react_list_count - reactions kept */
size_t react_list_count(const struct react_list *l)
{
	return hosttab_count(l->t);
}

struct expired_ctx {
	struct react_list *l;
	uint64_t now;
	react_list_fn *fn;
	void *ctx;
};

/* expired_one - hosttab_walk_fn: an expired reaction out (the walk
   lets us delete the key we are given) */
static int expired_one(void *ctx, const void *key, void *val)
{
	struct expired_ctx *x = ctx;
	struct react_entry e = *(struct react_entry *)val;

	if (e.expires > x->now)
		return 0;
	list_unindex(x->l, &e);
	(void)hosttab_del(x->l->t, key);
	x->fn(x->ctx, &e);
	return 0;
}

/* react_list_expired - every reaction expired by now to fn, forgotten */
void react_list_expired(struct react_list *l, uint64_t now,
			react_list_fn *fn, void *ctx)
{
	struct expired_ctx x = { l, now, fn, ctx };

	hosttab_walk_any(l->t, expired_one, &x);
}

struct format_ctx {
	GString *out;
	int json;
	uint64_t now;
	const struct sd_conf *c;
	size_t n;
};

/* format_one - hosttab_walk_fn: one reaction on one line */
static int format_one(void *ctx, const void *key, void *val)
{
	struct format_ctx *x = ctx;
	const struct react_entry *e = val;
	char a[ADDR_STRLEN], sigs[160];
	const char *zone = e->zone > 0 && e->zone <= x->c->nzones
	    ? x->c->zones[e->zone - 1].name : NULL;
	unsigned long long left = e->expires > x->now ?
	    (e->expires - x->now + NS_PER_SEC - 1) / NS_PER_SEC : 0;

	(void)key;
	react_list_signals(e->signals, sigs, sizeof(sigs));
	if (e->key.net.family == 0)
		snprintf(a, sizeof(a), "any");	/* a port block */
	else
		addr_format(&e->key.net, a);
	if (x->json)
		g_string_append_printf(x->out, "{\"id\":%llu,\"action\":\"%s\","
			"\"target\":\"%s/%u\",\"port\":%u,\"reason\":\"%s\","
			"\"signals\":\"%s\",\"score\":%u,\"left_s\":%llu,"
			"\"dry_run\":%s%s%s%s}\n", (unsigned long long)e->id,
			cmeasure_action_name(e->action), a, e->key.plen, e->port,
			cmeasure_signal_name(e->signal), sigs, e->score, left,
			e->dry_run ? "true" : "false", zone ? ",\"zone\":\"" : "",
			zone ? zone : "", zone ? "\"" : "");
	else
		g_string_append_printf(x->out, "%llu %s %s/%u%s%.0u%s%s reason=%s "
			"signals=%s score=%u left=%llus%s\n",
			(unsigned long long)e->id, cmeasure_action_name(e->action),
			a, e->key.plen, e->port ? " port=" : "", e->port,
			zone ? " zone=" : "", zone ? zone : "",
			cmeasure_signal_name(e->signal), sigs, e->score, left,
			e->dry_run ? " dry_run" : "");
	return ++x->n >= 100000;	/* bounded reply */
}

/* react_list_format - the reactions in force, text or JSON lines */
void react_list_format(struct react_list *l, const struct sd_conf *c,
		       int json, uint64_t now, GString *out)
{
	struct format_ctx x = { out, json, now, c, 0 };

	hosttab_walk_any(l->t, format_one, &x);
}

/* react_list_signals - "honeypot,lockout" of a signal mask */
void react_list_signals(unsigned mask, char *buf, size_t len)
{
	size_t o = 0;
	int s;

	buf[0] = 0;
	for (s = 0; s < CMEASURE_SIG_COUNT && o < len; s++)
		if (mask & (1u << s))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      cmeasure_signal_name((enum cmeasure_signal)s));
}
