/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdhost - views of the verdict engine's host records
 * SYNOPSIS
 *	#include "verdict/vdhost.h"
 * DESCRIPTION
 *	What sluicectl hosts and show print: one host record seen with
 *	its zone, its delay queue, quarantine, credit and TRW state.
 */
#include <string.h>

#include "clock.h"
#include "verdict/vd.h"
#include "verdict/vdhost.h"

/* host_view - fill a view of one host record */
static void host_view(struct verdict *v, const uint8_t *key,
		      const struct vhost *h, uint64_t now,
		      struct verdict_host *out)
{
	struct throttle_info ti;
	struct vzone *z;

	memset(out, 0, sizeof(*out));
	hostkey_addr(key, &out->addr);
	z = vd_zone_of(v, &out->addr);
	out->zone = z ? z->name : NULL;
	out->mode = z ? z->p->mode : SD_MODE_OFF;
	if (z != NULL && z->thr != NULL && throttle_info(z->thr, key, &ti) == 0) {
		out->queued = ti.queued;
		out->wset_used = ti.wset_used;
		out->locked = ti.locked;
	}
	out->queued += h->credit_waiting;
	if ((out->observe = vd_observing(v, z)) != 0) {
		/* the queue holds stand-ins of packets that went at once */
		out->queued = 0;
		out->locked = 0;
	}
	out->observed = h->observed;
	if (h->quarantined_until > now)
		out->quarantine_left_ns = h->quarantined_until - now;
	out->credit = h->credit_ready ? h->credit.balance : 0;
	out->trw_ratio = h->trw.ratio;
	out->trw_state = h->trw.state;
	out->contacts = h->contacts;
	out->delayed = h->delayed;
	out->dropped = h->dropped;
	out->ok = h->ok;
	out->failed = h->failed;
	out->idle_ns = sl_since(now, h->last_seen);
}

/* vdhost_show - one host; -1 if unknown */
int vdhost_show(struct verdict *v, const struct sl_addr *a, uint64_t now,
		struct verdict_host *out)
{
	uint8_t key[HOSTKEY_LEN];
	struct vhost *h;

	hostkey_make(a, v->conf->v6_prefix, key);
	if ((h = hosttab_peek(v->hosts, key)) == NULL)
		return -1;
	host_view(v, key, h, now, out);
	return 0;
}

struct walk_ctx {
	struct verdict *v;
	uint64_t now;
	vdhost_walk_fn *fn;
	void *ctx;
};

/* walk_one - hosttab_walk callback */
static int walk_one(void *ctx, const void *key, void *val)
{
	struct walk_ctx *w = ctx;
	struct verdict_host vh;

	host_view(w->v, key, val, w->now, &vh);
	return w->fn(w->ctx, &vh);
}

/* vdhost_walk - every tracked host, most recent first or any order */
void vdhost_walk(struct verdict *v, uint64_t now, int recent_first,
		 vdhost_walk_fn *fn, void *ctx)
{
	struct walk_ctx w = { v, now, fn, ctx };

	if (recent_first)
		hosttab_walk(v->hosts, walk_one, &w);
	else
		hosttab_walk_any(v->hosts, walk_one, &w);
}
