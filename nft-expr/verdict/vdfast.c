/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdfast - the fast path: working sets mirrored into kernel pairs
 * SYNOPSIS
 *	#include "verdict/vdfast.h"
 * DESCRIPTION
 *	The mirror is a host table of its own (key: the host key; value:
 *	up to wset_size destinations with their tags, whether the kernel
 *	holds the pair, and when the host last contacted each), so a host
 *	evicted from it takes its pairs out of the kernel with it. vdfast.h
 *	says how the pairs follow the throttle and why that keeps the
 *	decisions the throttle's own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "verdict/vd.h"
#include "verdict/vdfast.h"

struct vf_pair {
	uint32_t tag;
	uint8_t in_kernel;	/* added (committed or noted) */
	uint8_t listed;		/* found by the last read-back */
	uint8_t family;
	uint8_t pad;
	uint8_t dst[16];
	uint64_t seen;		/* last contact, userspace or kernel */
};

struct vf_host {
	uint32_t n;
	uint32_t pad;
	struct vf_pair p[];
};

struct vdfast {
	struct verdict *v;
	struct vzone *z;
	struct hosttab *hosts;	/* host key -> struct vf_host */
	unsigned nmax;
	uint64_t release_ns;
	uint64_t next;		/* next period boundary */
	size_t pairs;		/* in the kernel */
};

/* pair_dst - the destination of a mirrored pair */
static void pair_dst(const struct vf_pair *p, struct sl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = p->family;
	memcpy(a->b, p->dst, p->family == 4 ? 4 : 16);
}

/* pair_change - note adding or removing the kernel pair of p */
static void pair_change(struct vdfast *f, const uint8_t *key,
			struct vf_pair *p, int add)
{
	struct sl_addr src, dst;

	hostkey_addr(key, &src);
	pair_dst(p, &dst);
	f->v->ops.pair(f->v->ctx, &src, &dst, add);
	p->in_kernel = (uint8_t)add;
	if (add)
		f->pairs++;
	else {
		f->pairs--;
		f->v->fast_dirty = 1;	/* out before the next answer */
	}
}

/* host_unmirror - every pair of h out of the kernel */
static void host_unmirror(struct vdfast *f, const uint8_t *key,
			  struct vf_host *h)
{
	uint32_t i;

	for (i = 0; i < h->n; i++)
		if (h->p[i].in_kernel)
			pair_change(f, key, &h->p[i], 0);
}

/* vf_evict - the mirror evicts a host for room: its pairs go */
static void vf_evict(void *ctx, const void *key, void *val)
{
	host_unmirror(ctx, key, val);
}

/* vdfast_create - the mirror of zone z */
struct vdfast *vdfast_create(struct verdict *v, struct vzone *z,
			     unsigned wset_size, uint64_t release_ns,
			     size_t mem)
{
	struct vdfast *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->v = v;
	f->z = z;
	f->nmax = wset_size;
	f->release_ns = release_ns;
	f->hosts = hosttab_create(HOSTKEY_LEN, sizeof(struct vf_host)
				  + wset_size * sizeof(struct vf_pair), mem,
				  v->seed);
	if (f->hosts == NULL) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	hosttab_set_evict(f->hosts, vf_evict, f);
	return f;
}

/* unmirror_one - hosttab walk: a host's pairs out */
static int unmirror_one(void *ctx, const void *key, void *val)
{
	host_unmirror(ctx, key, val);
	return 0;
}

/* vdfast_free - every pair out of the kernel, then free */
void vdfast_free(struct vdfast *f)
{
	if (f == NULL)
		return;
	hosttab_walk_any(f->hosts, unmirror_one, f);
	if (f->v->fast_dirty && f->v->ops.pair_commit) {
		f->v->fast_dirty = 0;
		f->v->ops.pair_commit(f->v->ctx);
	}
	hosttab_free(f->hosts);
	free(f);
}

/* find_tag - index of tag among n tags, or -1 */
static int find_tag(const uint32_t *tags, int n, uint32_t tag)
{
	int i;

	for (i = 0; i < n; i++)
		if (tags[i] == tag)
			return i;
	return -1;
}

/* host_note - the passed destination dst (tag) is in the set: known */
static void host_note(struct vdfast *f, struct vf_host *h, uint32_t tag,
		      const struct sl_addr *dst, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < h->n; i++)
		if (h->p[i].tag == tag) {
			h->p[i].seen = now;
			return;
		}
	if (h->n >= f->nmax)
		return;
	memset(&h->p[h->n], 0, sizeof(h->p[0]));
	h->p[h->n].tag = tag;
	h->p[h->n].family = dst->family;
	memcpy(h->p[h->n].dst, dst->b, dst->family == 4 ? 4 : 16);
	h->p[h->n].seen = now;
	h->n++;
}

/* host_prune - pairs of h whose destination left the working set
   tags[0..n) go */
static void host_prune(struct vdfast *f, const uint8_t *key,
		       struct vf_host *h, const uint32_t *tags, int n)
{
	uint32_t i, j;

	for (i = j = 0; i < h->n; i++) {
		if (find_tag(tags, n, h->p[i].tag) < 0) {
			if (h->p[i].in_kernel)
				pair_change(f, key, &h->p[i], 0);
			continue;
		}
		h->p[j++] = h->p[i];
	}
	h->n = j;
}

/* host_fill - when every slot of the working set (n) is known, the
   missing pairs come in; until then the queue decides for the host */
static void host_fill(struct vdfast *f, const uint8_t *key,
		      struct vf_host *h, int n)
{
	uint32_t i;

	if ((int)h->n != n)
		return;
	for (i = 0; i < h->n; i++)
		if (!h->p[i].in_kernel)
			pair_change(f, key, &h->p[i], 1);
}

/* host_sync - one host of the mirror against its throttle */
static void host_sync(struct vdfast *f, const uint8_t *key,
		      const struct sl_addr *dst, uint32_t dtag, uint64_t now)
{
	uint32_t tags[WSET_MAX];
	struct vf_host *h;
	int n = throttle_wset(f->z->thr, key, tags, WSET_MAX);

	if (n < 0) {
		vdfast_forget(f->z, key);
		return;
	}
	h = dst != NULL && find_tag(tags, n, dtag) >= 0
	    ? hosttab_put(f->hosts, key, NULL) : hosttab_peek(f->hosts, key);
	if (h == NULL)
		return;
	host_prune(f, key, h, tags, n);
	if (dst != NULL && find_tag(tags, n, dtag) >= 0)
		host_note(f, h, dtag, dst, now);
	host_fill(f, key, h, n);
	if (h->n == 0)
		(void)hosttab_del(f->hosts, key);
}

/* vdfast_contact - bring key's pairs in line after a decision */
void vdfast_contact(struct verdict *v, struct vzone *z, const uint8_t *key,
		    const struct sl_addr *dst, uint64_t now)
{
	if (z->fast == NULL)
		return;
	host_sync(z->fast, key, dst, dst ? wset_tag(&v->wk, dst->b,
						    dst->family == 4 ? 4 : 16) : 0,
		  now);
}

/* vdfast_forget - the throttle lost key: its pairs go */
void vdfast_forget(struct vzone *z, const uint8_t *key)
{
	struct vf_host *h;

	if (z->fast == NULL || (h = hosttab_peek(z->fast->hosts, key)) == NULL)
		return;
	host_unmirror(z->fast, key, h);
	(void)hosttab_del(z->fast->hosts, key);
}

/* vdfast_due - is zone z's period boundary at or before now */
int vdfast_due(const struct vzone *z, uint64_t now)
{
	return z->fast != NULL && hosttab_count(z->fast->hosts) > 0
	    && now >= z->fast->next;
}

/* seen_one - pair walk: a kernel pair with ns since its last refresh */
static void seen_one(void *ctx, const struct sl_addr *src,
		     const struct sl_addr *dst, uint64_t idle_ns)
{
	struct verdict *v = ctx;
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z = vd_zone_of(v, src);
	struct vf_host *h;
	uint64_t seen = v->now > idle_ns ? v->now - idle_ns : 0;
	uint32_t i;

	if (z == NULL || z->fast == NULL)
		return;
	hostkey_make(src, v->conf->v6_prefix, key);
	if ((h = hosttab_peek(z->fast->hosts, key)) == NULL)
		return;
	for (i = 0; i < h->n; i++)
		if (h->p[i].family == dst->family
		    && memcmp(h->p[i].dst, dst->b, dst->family == 4 ? 4 : 16) == 0) {
			h->p[i].listed = 1;
			if (seen > h->p[i].seen)
				h->p[i].seen = seen;
		}
}

struct keys {
	uint8_t (*k)[HOSTKEY_LEN];
	size_t n, cap;
};

/* key_collect - hosttab walk: every mirrored key (the walk must not
   see the table change) */
static int key_collect(void *ctx, const void *key, void *val)
{
	struct keys *l = ctx;
	void *nk;

	(void)val;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if ((nk = realloc(l->k, l->cap * HOSTKEY_LEN)) == NULL)
			return 1;
		l->k = nk;
	}
	memcpy(l->k[l->n++], key, HOSTKEY_LEN);
	return 0;
}

/* host_order - h's known slots by last contact, latest first, ties in
   the throttle's order (tags[0..n)) */
static unsigned host_order(const struct vf_host *h, const uint32_t *tags,
			   int n, uint32_t *out)
{
	unsigned k = 0, i, j;
	uint32_t t;
	const struct vf_pair *a, *b;

	for (i = 0; i < (unsigned)n; i++)
		for (j = 0; j < h->n; j++)
			if (h->p[j].tag == tags[i])
				out[k++] = tags[i];
	/* insertion sort, stable: sets are a few slots */
	for (i = 1; i < k; i++)
		for (j = i; j > 0; j--) {
			a = b = NULL;
			for (t = 0; t < h->n; t++) {
				if (h->p[t].tag == out[j - 1])
					a = &h->p[t];
				if (h->p[t].tag == out[j])
					b = &h->p[t];
			}
			if (a == NULL || b == NULL || b->seen <= a->seen)
				break;
			t = out[j - 1];
			out[j - 1] = out[j];
			out[j] = t;
		}
	return k;
}

/* zone_tick - every mirrored host of z: kernel order, age, align */
static void zone_tick(struct vdfast *f, uint64_t now)
{
	struct keys l = { NULL, 0, 0 };
	uint32_t tags[WSET_MAX], order[WSET_MAX];
	struct vf_host *h;
	size_t i;
	uint32_t j;
	int n;

	hosttab_walk_any(f->hosts, key_collect, &l);
	for (i = 0; i < l.n; i++) {
		if ((h = hosttab_peek(f->hosts, l.k[i])) == NULL)
			continue;
		/* a pair the kernel lost (timed out, table replaced) is
		   added again */
		for (j = 0; j < h->n; j++) {
			if (h->p[j].in_kernel && !h->p[j].listed) {
				h->p[j].in_kernel = 0;
				f->pairs--;
			}
			h->p[j].listed = 0;
		}
		if ((n = throttle_wset(f->z->thr, l.k[i], tags, WSET_MAX)) > 0) {
			unsigned kk = host_order(h, tags, n, order);

			(void)throttle_wset_order(f->z->thr, l.k[i], order, kk, now);
		}
		host_sync(f, l.k[i], NULL, 0, now);
	}
	free(l.k);
	f->next = (now / f->release_ns + 1) * f->release_ns;
}

/* mirror_clear - every host's pairs out of the kernel, none mirrored */
static void mirror_clear(struct vdfast *f)
{
	struct keys l = { NULL, 0, 0 };
	size_t i;

	hosttab_walk_any(f->hosts, key_collect, &l);
	for (i = 0; i < l.n; i++)
		vdfast_forget(f->z, l.k[i]);
	free(l.k);
}

/* vdfast_tick - read back, age and align every zone due at now */
void vdfast_tick(struct verdict *v, uint64_t now, int force)
{
	size_t i;
	int due = 0, walked;

	for (i = 0; i < v->nzones; i++)
		due |= vdfast_due(&v->zones[i], now)
		    || (force && v->zones[i].fast != NULL);
	if (!due)
		return;
	v->now = now;
	/* what is noted must be in the kernel to be listed */
	if (v->ops.pair_commit) {
		v->fast_dirty = 0;
		v->ops.pair_commit(v->ctx);
	}
	/* Without the kernel's contacts the order is unknown: the due
	   zones' pairs go and the queue decides until they are relearnt
	   (the caller logged why). */
	walked = v->ops.pair_walk(v->ctx, seen_one, v) == 0;
	for (i = 0; i < v->nzones; i++)
		if (v->zones[i].fast != NULL
		    && (force || vdfast_due(&v->zones[i], now))) {
			if (!walked)
				mirror_clear(v->zones[i].fast);
			zone_tick(v->zones[i].fast, now);
		}
}

/* vdfast_next - the next period boundary of a zone with pairs */
uint64_t vdfast_next(const struct verdict *v)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < v->nzones; i++)
		if (v->zones[i].fast != NULL
		    && hosttab_count(v->zones[i].fast->hosts) > 0
		    && v->zones[i].fast->next < next)
			next = v->zones[i].fast->next;
	return next;
}

/* vdfast_hosts - hosts mirrored and pairs in the kernel */
size_t vdfast_hosts(const struct vzone *z, size_t *pairs)
{
	*pairs = z->fast ? z->fast->pairs : 0;
	return z->fast ? hosttab_count(z->fast->hosts) : 0;
}
