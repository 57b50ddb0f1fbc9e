/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	quar - the verdict engine's quarantines and the operator's release
 * SYNOPSIS
 *	#include "quarantine/quar.h"
 * DESCRIPTION
 *	A quarantine is three things kept together: the host record's
 *	deadline (so the engine drops the host's packets even when the
 *	operator's own ruleset has no quarantine set), the kernel set
 *	element with its timeout (so the kernel drops them before they
 *	are queued, even after sluiced is gone), and an entry in a bounded
 *	list that tells us when it ran out, for the event.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "quarantine/quar.h"
#include "verdict/vd.h"

#define DEFAULT_QUARANTINE_NS (3600ULL * NS_PER_SEC)
#define QUAR_BURST 8		/* starts in one second before jitter */

/* quar_find - index of key in the quarantine list, or -1 (an index:
   100,000 restored at start made a linear search quadratic) */
static long quar_find(const struct verdict *v, const uint8_t *key)
{
	const uint32_t *i = hosttab_peek(v->quar_ix, key);

	return i != NULL && *i < v->nquar ? (long)*i : -1;
}

/* quar_index - entry i is key's */
static void quar_index(struct verdict *v, size_t i)
{
	uint32_t *p = hosttab_put(v->quar_ix, v->quar[i].key, NULL);

	if (p != NULL)
		*p = (uint32_t)i;
}

/* quar_drop - forget list entry i (the last one takes its place) */
static void quar_drop(struct verdict *v, size_t i)
{
	(void)hosttab_del(v->quar_ix, v->quar[i].key);
	v->quar[i] = v->quar[--v->nquar];
	if (i < v->nquar)
		quar_index(v, i);
}

/* quar_jitter - ttl, less up to a tenth (at most 10 min) once more
   than QUAR_BURST quarantines started this second: entries of one
   burst would otherwise all expire in the same second, opening the
   door for every one of them at once; a few a second keep their TTL
   to the second, as the operator set it */
static uint64_t quar_jitter(struct verdict *v, uint64_t ttl, uint64_t now)
{
	uint64_t span = ttl / 10, x;

	if (now / NS_PER_SEC != v->quar_burst_s) {
		v->quar_burst_s = now / NS_PER_SEC;
		v->quar_burst_n = 0;
	}
	if (v->quar_burst_n++ < QUAR_BURST || ttl < 10 * NS_PER_SEC)
		return ttl;
	if (span > 600 * NS_PER_SEC)
		span = 600 * NS_PER_SEC;
	x = v->quar_rand;		/* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	v->quar_rand = x;
	return ttl - x % (span + 1);
}

/* flush_waiting - creditq_fn: drop a credit-queue packet of a host */
static int flush_waiting(void *ctx, const uint8_t *key, uint64_t cookie)
{
	vd_drop_held(ctx, key, cookie);
	return 1;
}

/* accept_waiting - creditq_fn: release a credit-queue packet */
static int accept_waiting(void *ctx, const uint8_t *key, uint64_t cookie)
{
	struct verdict *v = ctx;

	(void)key;
	v->st.released++;
	vd_answer_cookie(v, cookie, 1, v->now);
	return 1;
}

/* held_drop - drop every packet the host has waiting */
static void held_drop(struct verdict *v, struct vzone *z, const uint8_t *key,
		      struct vhost *h)
{
	if (z != NULL && z->thr != NULL)
		(void)throttle_flush(z->thr, key, 1);
	(void)creditq_remove(v->cq, key, flush_waiting, v);
	if (h != NULL)
		h->credit_waiting = 0;
}

/* quar_start - quarantine the host of key (address a) for ttl; note,
   if not NULL, is the operator's own reason, kept beside reason */
static int quar_start(struct verdict *v, struct vzone *z, const uint8_t *key,
		      const struct sl_addr *a, const char *reason,
		      const char *note, uint64_t ttl, uint64_t now)
{
	struct vhost *h = hosttab_peek(v->hosts, key);
	struct event_field f[3] = { EF_S("reason", reason),
				    EF_U("ttl", ttl / NS_PER_SEC),
				    EF_S("operator_reason", note) };
	long i;

	if (vd_whitelisted(v, a))
		return -1;
	held_drop(v, z, key, h);
	if (ttl == 0)		/* lockout without a quarantine entry */
		return 0;
	ttl = quar_jitter(v, ttl, now);
	f[1].v.u = ttl / NS_PER_SEC;
	if (h != NULL)
		h->quarantined_until = now + ttl;
	if ((i = quar_find(v, key)) < 0 && v->nquar < VD_QUAR_MAX) {
		i = (long)v->nquar++;
		memcpy(v->quar[i].key, key, HOSTKEY_LEN);
		quar_index(v, (size_t)i);
	}
	if (i >= 0) {
		v->quar[i].addr = *a;
		v->quar[i].until = now + ttl;
	}
	v->ops.quarantine(v->ctx, a, ttl);
	v->st.quarantines++;
	if (reason != NULL)	/* NULL: a restored one, reported in bulk */
		vd_event(v, "quarantine", a, NULL, 0, 0, f, note ? 3 : 2);
	return 0;
}

/* quar_ttl - the quarantine TTL of zone z */
static uint64_t quar_ttl(const struct vzone *z)
{
	return z ? z->p->quarantine_ttl_ns : DEFAULT_QUARANTINE_NS;
}

/* quar_observed - observe mode: the event a quarantine would write
   (marked "observe": true by vd_event) and the engine's own view of
   it, so the host's next packets count as would-be drops rather than
   new lockouts; nothing reaches the kernel */
static int quar_observed(struct verdict *v, struct vzone *z,
			 const uint8_t *key, const struct sl_addr *a,
			 const char *reason, uint64_t ttl, uint64_t now)
{
	struct vhost *h = hosttab_peek(v->hosts, key);
	struct event_field f[2] = { EF_S("reason", reason),
				    EF_U("ttl", ttl / NS_PER_SEC) };

	if (vd_whitelisted(v, a))
		return -1;
	held_drop(v, z, key, h);	/* stand-ins: counted as would-be drops */
	if (ttl == 0)
		return 0;
	if (h != NULL)
		h->observed_until = now + ttl;
	v->st.observed_quarantines++;
	vd_event(v, "quarantine", a, NULL, 0, 0, f, 2);
	return 0;
}

/* quar_host - quarantine the host of key (address a); in an observe
   zone only say so */
int quar_host(struct verdict *v, struct vzone *z, const uint8_t *key,
	      const struct sl_addr *a, const char *reason, uint64_t now)
{
	if (v->observing)
		return quar_observed(v, z, key, a, reason, quar_ttl(z), now);
	return quar_start(v, z, key, a, reason, NULL, quar_ttl(z), now);
}

/* quar_expire - quarantines whose TTL ran out */
void quar_expire(struct verdict *v, uint64_t now)
{
	struct event_field f[1] = { EF_S("reason", "expired") };
	struct vhost *h;
	size_t i = 0;

	while (i < v->nquar) {
		if (v->quar[i].until > now) {
			i++;
			continue;
		}
		/* the kernel expires its element by itself */
		if ((h = hosttab_peek(v->hosts, v->quar[i].key)) != NULL)
			h->quarantined_until = 0;
		v->st.expired++;
		vd_event(v, "unquarantine", &v->quar[i].addr, NULL, 0, 0, f, 1);
		quar_drop(v, i);
	}
}

/* signals a client names as the reason (the mail filters' honeytoken
   reports); any other word is the operator's own, kept beside
   reason: operator */
static const char *const quar_signals[] = { "honeytoken", NULL };

/* quar_addr - operator (or a mail filter): quarantine a */
int quar_addr(struct verdict *v, const struct sl_addr *a,
	      const char *reason, uint64_t now)
{
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, a);
	const char *note = NULL;
	size_t i;

	/* refused before the host is made: a refusal leaves no trace */
	if (vd_whitelisted(v, a))
		return -1;
	v->now = now;
	hostkey_make(a, v->conf->v6_prefix, key);
	(void)vd_host(v, key, z, now);
	for (i = 0; reason != NULL && quar_signals[i]; i++)
		if (strcmp(reason, quar_signals[i]) == 0)
			break;
	if (reason == NULL || strcmp(reason, "operator") == 0)
		reason = "operator";
	else if (quar_signals[i] == NULL) {
		note = reason;
		reason = "operator";
	}
	/* the operator's word is enforced, observe zone or not */
	return quar_start(v, z, key, a, reason, note, quar_ttl(z), now);
}

/* quar_addr_for - quarantine a for ttl_ns (a saved one); reason NULL
   writes no event */
int quar_addr_for(struct verdict *v, const struct sl_addr *a,
		  uint64_t ttl_ns, const char *reason, uint64_t now)
{
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, a);

	if (ttl_ns == 0)
		return 0;
	if (vd_whitelisted(v, a))
		return -1;
	v->now = now;
	hostkey_make(a, v->conf->v6_prefix, key);
	(void)vd_host(v, key, z, now);
	return quar_start(v, z, key, a, reason, NULL, ttl_ns, now);
}

/* quar_react - a countermeasure's quarantine of a for ttl_ns (0: its
   held packets dropped, no quarantine); in an observe zone or dry run
   (dry) the observe path, events marked, nothing in the kernel */
int quar_react(struct verdict *v, const struct sl_addr *a, uint64_t ttl_ns,
	       const char *reason, int dry, uint64_t now)
{
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, a);
	int was = v->observing, rc;

	if (vd_whitelisted(v, a))
		return -1;
	v->now = now;
	hostkey_make(a, v->conf->v6_prefix, key);
	(void)vd_host(v, key, z, now);
	v->observing = dry || vd_observing(v, z);
	if (v->observing)
		rc = quar_observed(v, z, key, a, reason, ttl_ns, now);
	else
		rc = quar_start(v, z, key, a, reason, NULL, ttl_ns, now);
	v->observing = was;
	return rc;
}

/* quar_each - every running quarantine and its time left */
void quar_each(const struct verdict *v, uint64_t now,
	       quar_fn *fn, void *ctx)
{
	size_t i;

	for (i = 0; i < v->nquar; i++)
		if (v->quar[i].until > now)
			fn(ctx, &v->quar[i].addr, v->quar[i].until - now);
}

/* quar_release - operator: lift everything that holds the host; an
   "unquarantine" event if it was quarantined, then "release" (note,
   the operator's reason, beside reason: operator in both) */
int quar_release(struct verdict *v, const struct sl_addr *a, const char *note,
		 uint64_t now)
{
	struct event_field f[2] = { EF_S("reason", "operator"),
				    EF_S("operator_reason", note) };
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, a);
	struct vhost *h;
	long i;
	int known = 0, was = 0;

	v->now = now;
	hostkey_make(a, v->conf->v6_prefix, key);
	if ((i = quar_find(v, key)) >= 0) {
		quar_drop(v, (size_t)i);
		known = was = 1;
	}
	if (z != NULL && z->thr != NULL && throttle_unlock(z->thr, key) == 0)
		known = 1;	/* and its delay queue released */
	(void)creditq_remove(v->cq, key, accept_waiting, v);
	if ((h = hosttab_peek(v->hosts, key)) != NULL) {
		was |= h->quarantined_until > now;
		h->quarantined_until = 0;
		h->observed_until = 0;
		h->credit_waiting = 0;
		h->credit_ready = 0;	/* a fresh balance at the next packet */
		trw_init(&h->trw);
		known = 1;
	}
	/* remove the element even if we forgot it: it may be a leftover */
	v->ops.quarantine(v->ctx, a, 0);
	v->st.releases++;
	if (was)
		vd_event(v, "unquarantine", a, NULL, 0, 0, f, note ? 2 : 1);
	vd_event(v, "release", a, NULL, 0, 0, f, note ? 2 : 1);
	return known ? 0 : -1;
}
