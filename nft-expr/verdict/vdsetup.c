/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdsetup - the verdict engine's set-up: zones, tables, reloads
 * SYNOPSIS
 *	#include "verdict/vdsetup.h"
 * DESCRIPTION
 *	One throttle per williamson zone, sized from [sluiced] mem_cap and
 *	max_held shared among them; one host table for every zone (credit
 *	balances, TRW, counters). A reload keeps a zone's throttle, and so
 *	its working sets and held packets, when a zone of the same name is
 *	williamson before and after; a throttle that goes away releases
 *	what it holds first (fail-open).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict/vd.h"
#include "verdict/vddns.h"
#include "verdict/vdsetup.h"

#define META_BYTES_PER_HELD 128	/* cookie, flow key, table overhead */
#define FAST_SHARE 4		/* the mirror's part of a zone's memory */

/* defer_release - a fast zone's release waits until the pairs it
   changes are in the kernel (verdict_tick); 0, or -1 if no room */
static int defer_release(struct verdict *v, const void *key, uint64_t cookie)
{
	struct vrel *r;

	if (v->nrel == v->relcap) {
		size_t cap = v->relcap ? v->relcap * 2 : 64;

		if ((r = realloc(v->rel, cap * sizeof(*r))) == NULL)
			return -1;
		v->rel = r;
		v->relcap = cap;
	}
	r = &v->rel[v->nrel++];
	memcpy(r->key, key, HOSTKEY_LEN);
	r->cookie = cookie;
	r->z = v->deferring;
	return 0;
}

/* evicted - the throttle evicted a host for room: its pairs go */
static void evicted(struct verdict *v, const void *key)
{
	struct sl_addr a;
	struct vzone *z;

	hostkey_addr(key, &a);
	if ((z = vd_zone_of(v, &a)) != NULL)
		vdfast_forget(z, key);
}

/* thr_cb - throttle_fn: a held packet leaves its delay queue */
static void thr_cb(void *ctx, const void *key, uint64_t cookie,
		   enum throttle_why why)
{
	struct verdict *v = ctx;

	if (v->deferring != NULL && why == THROTTLE_RELEASED
	    && defer_release(v, key, cookie) == 0)
		return;
	if (why == THROTTLE_EVICTED)
		evicted(v, key);
	switch (why) {
	case THROTTLE_RELEASED:
	case THROTTLE_EVICTED:
		if (!(cookie & VD_OBSERVED))	/* a stand-in: it went at once */
			v->st.released++;
		vd_answer_cookie(v, cookie, 1, v->now);
		break;
	case THROTTLE_DROPPED:
		vd_drop_held(v, key, cookie);
		break;
	case THROTTLE_UNLOCKED:
	default:
		break;
	}
}

/* williamson_count - zones that need a throttle */
static size_t williamson_count(const struct sd_conf *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nzones; i++)
		n += c->zones[i].mode == SD_MODE_WILLIAMSON;
	return n;
}

/* thr_params - a zone's throttle parameters, its share of the limits */
static void thr_params(const struct sd_conf *c, const struct sd_zone *z,
		       struct throttle_params *tp)
{
	size_t n = williamson_count(c);

	memset(tp, 0, sizeof(*tp));
	tp->wset_size = z->wset_size;
	tp->release_ns = z->release_ns;
	tp->high = z->high;
	tp->low = z->low;
	tp->mem_cap = (size_t)(c->mem_cap / 2 / (n ? n : 1));
	tp->max_held = c->max_held / (unsigned)(n ? n : 1);
	if (tp->max_held == 0)
		tp->max_held = 1;
}

/* credit_params - a zone's credit parameters */
static int credit_params(const struct sd_zone *z, struct credit_params *cp,
			 char *err, size_t len)
{
	const char *why = NULL;

	credit_defaults(cp);
	cp->start = (int32_t)z->credit_start;
	cp->debit = (int32_t)z->credit_debit;
	cp->credit = (int32_t)z->credit_credit;
	cp->cap = (int32_t)z->credit_cap;
	if (credit_check_params(cp, &why) < 0) {
		snprintf(err, len, "[zone %s] credit: %s", z->name, why);
		return -1;
	}
	return 0;
}

struct keylist {
	uint8_t (*k)[HOSTKEY_LEN];
	size_t n, cap;
};

/* collect_key - throttle_walk callback */
static int collect_key(void *ctx, const void *key,
		       const struct throttle_info *info)
{
	struct keylist *l = ctx;
	void *nk;

	if (info->queued == 0)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((nk = realloc(l->k, l->cap * HOSTKEY_LEN)) == NULL)
			return 1;
		l->k = nk;
	}
	memcpy(l->k[l->n++], key, HOSTKEY_LEN);
	return 0;
}

/* thr_drain - release everything a throttle holds */
static void thr_drain(struct throttle *t)
{
	struct keylist l = { NULL, 0, 0 };
	size_t i;

	if (t == NULL)
		return;
	throttle_walk_any(t, collect_key, &l);
	for (i = 0; i < l.n; i++)
		(void)throttle_flush(t, l.k[i], 0);
	free(l.k);
}

/* thr_drain_free - release everything a throttle holds, then free it */
static void thr_drain_free(struct verdict *v, struct throttle *t)
{
	(void)v;
	thr_drain(t);
	throttle_free(t);
}

/* zone_old - the old zone record named name, or NULL */
static struct vzone *zone_old(struct vzone *old, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(old[i].name, name) == 0)
			return &old[i];
	return NULL;
}

/* zone_setup - the record of conf zone z, reusing old's throttle */
static int zone_setup(struct verdict *v, const struct sd_conf *c,
		      const struct sd_zone *z, struct vzone *nz,
		      struct vzone *old, char *err, size_t len)
{
	struct throttle_params tp;
	const char *why = NULL;

	memset(nz, 0, sizeof(*nz));
	snprintf(nz->name, sizeof(nz->name), "%s", z->name);
	nz->p = z;
	if (credit_params(z, &nz->cp, err, len) < 0)
		return -1;
	if (z->mode != SD_MODE_WILLIAMSON)
		return 0;
	thr_params(c, z, &tp);
	if (throttle_check_params(&tp, &why) < 0) {
		snprintf(err, len, "[zone %s] %s", z->name, why);
		return -1;
	}
	if (old != NULL && old->thr != NULL) {
		if (throttle_reconfigure(old->thr, &tp) < 0) {
			snprintf(err, len, "[zone %s] throttle: %s", z->name,
				 strerror(errno));
			return -1;
		}
		nz->thr = old->thr;
		nz->moved = 1;
		old->thr = NULL;
		return 0;
	}
	nz->thr = throttle_create(&tp, HOSTKEY_LEN, v->seed, thr_cb, v);
	if (nz->thr == NULL) {
		snprintf(err, len, "[zone %s] throttle: %s", z->name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* fast_on - does zone z mirror its working sets into the kernel: its
   fast_path key, with a table to mirror into; an observe zone's
   queues hold stand-ins whose destinations are not kept, so it asks */
static int fast_on(const struct verdict *v, const struct sd_conf *c,
		   const struct sd_zone *z)
{
	return z->mode == SD_MODE_WILLIAMSON && z->fast_path && !z->observe
	    && !c->core.dry_run && v->ops.pair != NULL;
}

/* fast_setup - the kernel mirror of zone z, new (a reload starts it
   empty: the old one took its pairs out) */
static int fast_setup(struct verdict *v, const struct sd_conf *c,
		      const struct sd_zone *z, struct vzone *nz, char *err,
		      size_t len)
{
	struct throttle_params tp;

	if (!fast_on(v, c, z))
		return 0;
	thr_params(c, z, &tp);
	nz->fast = vdfast_create(v, nz, z->wset_size, z->release_ns,
				 tp.mem_cap / FAST_SHARE);
	if (nz->fast == NULL) {
		snprintf(err, len, "[zone %s] fast path: %s", z->name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* zones_build - new zone records for conf; the old ones stay intact
   (except throttles moved) until the caller frees them */
static int zones_build(struct verdict *v, const struct sd_conf *c,
		       struct vzone **out, char *err, size_t len)
{
	struct vzone *nz = calloc(c->nzones ? c->nzones : 1, sizeof(*nz));
	size_t i, j;

	if (nz == NULL) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (i = 0; i < c->nzones; i++) {
		struct vzone *old = zone_old(v->zones, v->nzones, c->zones[i].name);

		if (zone_setup(v, c, &c->zones[i], &nz[i], old, err, len) < 0
		    || fast_setup(v, c, &c->zones[i], &nz[i], err, len) < 0) {
			/* give moved throttles back, free new ones */
			for (j = 0; j <= i; j++) {
				old = zone_old(v->zones, v->nzones, nz[j].name);
				if (nz[j].moved && old != NULL)
					old->thr = nz[j].thr;
				else
					throttle_free(nz[j].thr);
				vdfast_free(nz[j].fast);
			}
			free(nz);
			return -1;
		}
	}
	*out = nz;
	return 0;
}

/* zones_free - drain and free zone records */
static void zones_free(struct verdict *v, struct vzone *z, size_t n)
{
	size_t i;

	for (i = 0; z != NULL && i < n; i++) {
		vdfast_free(z[i].fast);
		thr_drain_free(v, z[i].thr);
	}
	free(z);
}

/* tables_create - host, held-packet and contact tables */
static int tables_create(struct verdict *v, const struct sd_conf *c)
{
	size_t meta_cap = (size_t)c->max_held * META_BYTES_PER_HELD + 65536;

	v->hosts = hosttab_create(HOSTKEY_LEN, sizeof(struct vhost),
				  (size_t)(c->mem_cap / 4), v->seed);
	v->meta = hosttab_create(sizeof(uint64_t), sizeof(struct contact_key),
				 meta_cap, v->seed);
	v->contacts = contact_create(VD_CONTACTS, c->contact_timeout_ns, v->seed);
	v->cq = creditq_create(c->max_held);
	v->quar = calloc(VD_QUAR_MAX, sizeof(*v->quar));
	v->quar_ix = hosttab_create(HOSTKEY_LEN, sizeof(uint32_t),
				    (size_t)VD_QUAR_MAX * 96, v->seed);
	memcpy(&v->quar_rand, v->seed, sizeof(v->quar_rand));
	v->quar_rand |= 1;
	return v->hosts && v->meta && v->contacts && v->cq && v->quar
	    && v->quar_ix ? 0 : -1;
}

/* vdsetup_create - NULL with the reason in err */
struct verdict *vdsetup_create(const struct sd_conf *conf,
			       const struct verdict_ops *ops, void *ctx,
			       const uint8_t seed[16], char *err, size_t errlen)
{
	struct verdict *v = calloc(1, sizeof(*v));

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->ops = *ops;
	v->ctx = ctx;
	memcpy(v->seed, seed, 16);
	wset_key_init(&v->wk, seed);
	trw_defaults(&v->trwp);
	v->conf = conf;
	if (tables_create(v, conf) < 0) {
		snprintf(err, errlen, "verdict tables: out of memory (mem_cap %llu)",
			 (unsigned long long)conf->mem_cap);
		vdsetup_free(v);
		return NULL;
	}
	if (zones_build(v, conf, &v->zones, err, errlen) < 0) {
		vdsetup_free(v);
		return NULL;
	}
	v->nzones = conf->nzones;
	return v;
}

/* release_waiting - creditq_fn: accept a credit-queue packet */
static int release_waiting(void *ctx, const uint8_t *key, uint64_t cookie)
{
	struct verdict *v = ctx;

	(void)key;
	vd_answer_cookie(v, cookie, 1, v->now);
	return 1;
}

/* release_counted - creditq_fn: accept a credit-queue packet, its
   host no longer waiting for it */
static int release_counted(void *ctx, const uint8_t *key, uint64_t cookie)
{
	struct verdict *v = ctx;
	struct vhost *h = hosttab_peek(v->hosts, key);

	if (h != NULL && h->credit_waiting > 0)
		h->credit_waiting--;
	v->st.released++;
	vd_answer_cookie(v, cookie, 1, v->now);
	return 1;
}

/* vdsetup_release_all - accept every held packet now (an emergency
   bypass); working sets, credit balances and quarantines stay */
void vdsetup_release_all(struct verdict *v, uint64_t now)
{
	size_t i;

	v->now = now;
	for (i = 0; i < v->nzones; i++)
		thr_drain(v->zones[i].thr);
	(void)creditq_run(v->cq, release_counted, v);
}

/* vdsetup_free - accepts NULL; held packets are accepted first */
void vdsetup_free(struct verdict *v)
{
	if (v == NULL)
		return;
	zones_free(v, v->zones, v->nzones);
	vddns_detach(v);
	if (v->cq != NULL)
		(void)creditq_run(v->cq, release_waiting, v);
	creditq_free(v->cq);
	contact_free(v->contacts);
	hosttab_free(v->meta);
	hosttab_free(v->hosts);
	free(v->quar);
	free(v->rel);
	hosttab_free(v->quar_ix);
	free(v);
}

/* vdsetup_reconfigure - new zones and limits, state kept by zone name */
int vdsetup_reconfigure(struct verdict *v, const struct sd_conf *conf,
			char *err, size_t errlen)
{
	struct vzone *nz;

	if (zones_build(v, conf, &nz, err, errlen) < 0)
		return -1;
	/* what is left in the old records belongs to zones that went */
	zones_free(v, v->zones, v->nzones);
	v->zones = nz;
	v->nzones = conf->nzones;
	v->conf = conf;
	contact_set_timeout(v->contacts, conf->contact_timeout_ns);
	return 0;
}
