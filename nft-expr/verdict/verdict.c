/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	verdict - sluiced's decisions: a verdict for each queued first packet
 * SYNOPSIS
 *	#include "verdict/verdict.h"
 * DESCRIPTION
 *	This file holds the per-packet path and the timers, on top of the
 *	engine's other files: the helpers in vd.c, quarantine in
 *	quarantine/quar.c, outcomes in vdflow.c (vd.h says how they layer;
 *	set-up is vdsetup.c, host views vdhost.c).
 *
 *	Fail-open everywhere the engine runs out of room: no host record,
 *	no slot to hold a packet, an unreadable packet - all accepted and
 *	counted, because a throttle that cuts the network off when it is
 *	overloaded is a denial of service of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "quarantine/quar.h"
#include "verdict/vd.h"
#include "verdict/vddns.h"
#include "verdict/vdflow.h"

/* hold - the packet waits; remember its flow for the outcome */
static void hold(struct verdict *v, struct vhost *h, uint64_t cookie,
		 const struct pkt_info *p)
{
	struct contact_key *k = hosttab_put(v->meta, &cookie, NULL);

	if (k != NULL)
		contact_key_make(k, &p->src, &p->dst, p->proto, p->dport);
	v->ops.hold(v->ctx, cookie);
	v->st.held++;
	h->delayed++;
}

/* first_out - an accepted first contact: wait for its outcome */
static void first_out(struct verdict *v, struct vhost *h,
		      const struct pkt_info *p, uint64_t now)
{
	struct contact_key k;

	contact_key_make(&k, &p->src, &p->dst, p->proto, p->dport);
	vd_contact_out(v, &k, now);
	h->contacts++;
}

/* dst_tag - the keyed tag of the destination */
static uint32_t dst_tag(const struct verdict *v, const struct pkt_info *p)
{
	return wset_tag(&v->wk, p->dst.b, p->dst.family == 4 ? 4 : 16);
}

/* throttle_event - the first packet a host has to wait for */
static void throttle_event(struct verdict *v, struct vzone *z,
			   const uint8_t *key, const struct pkt_info *p)
{
	struct throttle_info ti;
	struct event_field f[2] = { EF_S("mode", "williamson"), EF_U("queued", 1) };

	if (throttle_info(z->thr, key, &ti) == 0 && ti.queued == 1)
		vd_event(v, "throttle", &p->src, &p->dst, p->dport, p->proto,
			 f, 2);
}

/* lockout - a delay queue over the high watermark: event, quarantine */
static void lockout(struct verdict *v, struct vzone *z, struct vhost *h,
		    const uint8_t *key, const struct pkt_info *p, uint64_t now)
{
	struct event_field f[2] = { EF_S("mode", sdconf_mode_name(z->p->mode)),
				    EF_U("high_watermark", z->p->high) };

	if (v->observing) {
		v->st.observed_drops++;
		h->observed++;
	} else
		h->dropped++;
	v->st.lockouts++;
	vd_event(v, "lockout", &p->src, &p->dst, p->dport, p->proto, f, 2);
	if (v->ops.signal != NULL)	/* the ladder decides */
		v->ops.signal(v->ctx, CMEASURE_SIG_LOCKOUT, &p->src, p->dport);
	else
		(void)quar_host(v, z, key, &p->src, "lockout", now);
}

/* observed_hold - observe mode: the packet goes now, its stand-in
   (cookie | VD_OBSERVED) waits in the queue so the throttle's state,
   and with it every later decision, is what enforcing would make it */
static void observed_hold(struct verdict *v, struct vhost *h,
			  const struct pkt_info *p, uint64_t cookie, uint64_t now)
{
	vd_answer(v, cookie, 1);
	first_out(v, h, p, now);
	v->st.observed_holds++;
	h->observed++;
}

/* williamson - working set and delay queue */
static void williamson(struct verdict *v, struct vzone *z, struct vhost *h,
		       const uint8_t *key, const struct pkt_info *p,
		       uint64_t cookie, uint64_t now)
{
	int first = !vd_recent(h, dst_tag(v, p));
	uint64_t queued = v->observing ? cookie | VD_OBSERVED : cookie;
	enum throttle_verdict tv;

	if (first)
		vddns_first(v, z, p, now);
	/* a period boundary passed: the kernel's contacts count first */
	if (z->fast != NULL && vdfast_due(z, now))
		vdfast_tick(v, now, 0);
	tv = throttle_contact(z->thr, key, p->dst.b,
			      p->dst.family == 4 ? 4 : 16, queued, now);
	if (z->fast != NULL)	/* before the answer: evictions out first */
		vdfast_contact(v, z, key, tv == THROTTLE_PASS ? &p->dst : NULL,
			       now);
	switch (tv) {
	case THROTTLE_PASS:
		vd_answer(v, cookie, 1);
		if (first)
			first_out(v, h, p, now);
		break;
	case THROTTLE_HOLD:
		if (v->observing)
			observed_hold(v, h, p, cookie, now);
		else
			hold(v, h, cookie, p);
		throttle_event(v, z, key, p);
		break;
	case THROTTLE_LOCKOUT:
		vd_answer(v, cookie, v->observing);
		lockout(v, z, h, key, p, now);
		break;
	case THROTTLE_LOCKED:
		vd_answer(v, cookie, v->observing);
		if (v->observing) {
			v->st.observed_drops++;
			h->observed++;
		} else
			h->dropped++;
		break;
	case THROTTLE_FULL:
	default:
		v->st.full++;
		vd_answer(v, cookie, 1);
		break;
	}
}

/* credit_wait - no credit and credit_action = delay */
static void credit_wait(struct verdict *v, struct vzone *z, struct vhost *h,
			const uint8_t *key, const struct pkt_info *p,
			uint64_t cookie, uint64_t now)
{
	struct event_field f[2] = { EF_S("mode", "credit"), EF_U("queued", 1) };

	if (h->credit_waiting >= z->p->high) {
		vd_answer(v, cookie, v->observing);
		lockout(v, z, h, key, p, now);
		return;
	}
	if (creditq_add(v->cq, key, v->observing ? cookie | VD_OBSERVED
			: cookie) < 0) {
		v->st.full++;
		vd_answer(v, cookie, 1);
		return;
	}
	if (v->observing)
		observed_hold(v, h, p, cookie, now);
	else
		hold(v, h, cookie, p);
	if (h->credit_waiting++ == 0)
		vd_event(v, "throttle", &p->src, &p->dst, p->dport, p->proto,
			 f, 2);
}

/* credit - Schechter et al.: a first contact costs a credit */
static void credit(struct verdict *v, struct vzone *z, struct vhost *h,
		   const uint8_t *key, const struct pkt_info *p,
		   uint64_t cookie, uint64_t now)
{
	struct event_field f[1] = { EF_S("action", "drop") };

	credit_advance(&h->credit, &z->cp, now);
	if (vd_recent(h, dst_tag(v, p))) {
		vd_answer(v, cookie, 1);		/* not a first contact */
		return;
	}
	vddns_first(v, z, p, now);
	/* a host already waiting queues behind its own packets */
	if (h->credit_waiting == 0 && credit_attempt(&h->credit, &z->cp, now)) {
		vd_answer(v, cookie, 1);
		first_out(v, h, p, now);
		return;
	}
	v->st.credit_zero++;
	if (z->p->credit_action == SD_CREDIT_DELAY) {
		credit_wait(v, z, h, key, p, cookie, now);
		return;
	}
	vd_answer(v, cookie, v->observing);
	if (v->observing)
		v->st.observed_drops++;
	if ((v->observing ? h->observed++ : h->dropped++) == 0)
		vd_event(v, "throttle", &p->src, &p->dst, p->dport, p->proto,
			 f, 1);
}

/* quarantined - is the host of a in quarantine now */
static int quarantined(struct verdict *v, const struct sl_addr *a, uint64_t now)
{
	uint8_t key[HOSTKEY_LEN];
	struct vhost *h;

	hostkey_make(a, v->conf->v6_prefix, key);
	h = hosttab_peek(v->hosts, key);
	if (h == NULL || h->quarantined_until <= now)
		return 0;
	h->dropped++;
	return 1;
}

/* verdict_packet - decide one queued packet */
void verdict_packet(struct verdict *v, const struct pkt_info *p,
		    uint64_t cookie, uint64_t now)
{
	uint8_t key[HOSTKEY_LEN];
	struct vzone *z;
	struct vhost *h;

	v->now = now;
	v->st.packets++;
	if (v->nquar > 0 && p->src.family != 0 && quarantined(v, &p->src, now)) {
		/* any zone or none: only with ruleset = none, or before the
		   set entry is in, does a quarantined source reach us */
		vd_answer(v, cookie, 0);
		return;
	}
	if (p->kind == PKT_BAD || p->src.family == 0) {
		v->st.bad++;
		vd_answer(v, cookie, 1);
		return;
	}
	if (p->kind != PKT_TCP && p->kind != PKT_UDP) {
		v->st.other++;
		if (p->kind == PKT_ICMP) {
			vd_answer(v, cookie, 1);
			return;
		}
		/* A fragment, or a transport header cut off by the copy
		   range (IPv6 extension headers can push it past any), is
		   still a contact to its destination: accepting it unread
		   would let a worm pad its probes past the throttle. */
	}
	if ((z = vd_zone_of(v, &p->src)) == NULL || z->p->mode == SD_MODE_OFF) {
		if (z == NULL)
			v->st.unzoned++;
		else
			v->st.mode_off++;
		vd_answer(v, cookie, 1);
		return;
	}
	if (vd_whitelisted(v, &p->src) || vd_whitelisted(v, &p->dst)) {
		v->st.whitelisted++;
		vd_answer(v, cookie, 1);
		return;
	}
	hostkey_make(&p->src, v->conf->v6_prefix, key);
	if ((h = vd_host(v, key, z, now)) == NULL) {
		v->st.full++;
		vd_answer(v, cookie, 1);
		return;
	}
	h->last_seen = now;
	v->observing = vd_observing(v, z);
	if (v->observing && h->observed_until > now) {
		/* would be quarantined: the kernel would drop it */
		v->st.observed_drops++;
		h->observed++;
		vd_answer(v, cookie, 1);
	} else if (z->p->mode == SD_MODE_WILLIAMSON)
		williamson(v, z, h, key, p, cookie, now);
	else
		credit(v, z, h, key, p, cookie, now);
	v->observing = 0;
}

/* credit_pass_one - creditq_fn: may this waiting packet go now */
static int credit_pass_one(void *ctx, const uint8_t *key, uint64_t cookie)
{
	struct verdict *v = ctx;
	struct vhost *h = hosttab_peek(v->hosts, key);
	struct sl_addr a;
	struct vzone *z;

	hostkey_addr(key, &a);
	z = vd_zone_of(v, &a);
	/* host forgotten or no longer in a credit zone: let it go */
	if (h == NULL || z == NULL || z->p->mode != SD_MODE_CREDIT) {
		if (h != NULL && h->credit_waiting > 0)
			h->credit_waiting--;
		v->st.released++;
		vd_answer_cookie(v, cookie, 1, v->now);
		return 1;
	}
	credit_advance(&h->credit, &z->cp, v->now);
	if (!credit_attempt(&h->credit, &z->cp, v->now))
		return 0;
	h->credit_waiting--;
	if (!(cookie & VD_OBSERVED)) {	/* a stand-in went out long ago */
		h->contacts++;
		v->st.released++;
	}
	vd_answer_cookie(v, cookie, 1, v->now);
	return 1;
}

/* release_deferred - a fast zone's releases: their pairs (and the
   evictions they made) in line, removals applied, then the answers */
static void release_deferred(struct verdict *v, uint64_t now)
{
	struct contact_key *k;
	struct sl_addr dst;
	size_t i;

	for (i = 0; i < v->nrel; i++) {
		k = hosttab_peek(v->meta, &v->rel[i].cookie);
		if (k != NULL)
			hostkey_addr(k->dst, &dst);
		vdfast_contact(v, v->rel[i].z, v->rel[i].key,
			       k != NULL ? &dst : NULL, now);
	}
	for (i = 0; i < v->nrel; i++) {
		if (!(v->rel[i].cookie & VD_OBSERVED))
			v->st.released++;
		vd_answer_cookie(v, v->rel[i].cookie, 1, now);
	}
	v->nrel = 0;
}

/* verdict_tick - releases, credit grants, timeouts, expiries due */
void verdict_tick(struct verdict *v, uint64_t now)
{
	size_t i;

	v->now = now;
	/* a period boundary: working sets ordered by the kernel's
	   contacts and aged before the releases evict from them */
	vdfast_tick(v, now, 0);
	for (i = 0; i < v->nzones; i++) {
		if (v->zones[i].thr == NULL)
			continue;
		v->deferring = v->zones[i].fast ? &v->zones[i] : NULL;
		(void)throttle_tick(v->zones[i].thr, now);
		v->deferring = NULL;
		release_deferred(v, now);
	}
	if (creditq_count(v->cq) > 0 && now >= v->next_credit_pass) {
		(void)creditq_run(v->cq, credit_pass_one, v);
		v->next_credit_pass = now + VD_CREDIT_PASS_NS;
	}
	(void)contact_expire(v->contacts, now, vdflow_contact_fn, v);
	quar_expire(v, now);
}

/* verdict_next - the now at which verdict_tick has work */
uint64_t verdict_next(const struct verdict *v, uint64_t now)
{
	uint64_t next = contact_next(v->contacts), t;
	size_t i;

	for (i = 0; i < v->nzones; i++)
		if (v->zones[i].thr != NULL
		    && (t = throttle_next(v->zones[i].thr)) < next)
			next = t;
	if (creditq_count(v->cq) > 0 && v->next_credit_pass < next)
		next = v->next_credit_pass;
	if ((t = vdfast_next(v)) < next)
		next = t;
	/* quarantine expiry is checked once a second at most */
	if (v->nquar > 0 && now + NS_PER_SEC < next)
		next = now + NS_PER_SEC;
	return next;
}

/* verdict_zone_stats - the throttle counters of zone i */
int verdict_zone_stats(const struct verdict *v, size_t i, const char **name,
		       struct throttle_stats *out)
{
	if (i >= v->nzones || v->zones[i].thr == NULL)
		return -1;
	*name = v->zones[i].name;
	throttle_stats(v->zones[i].thr, out);
	return 0;
}

/* verdict_commit - apply the fast path's noted pair changes */
void verdict_commit(struct verdict *v)
{
	if (v->ops.pair_commit != NULL)
		v->ops.pair_commit(v->ctx);
	v->fast_dirty = 0;
}

/* verdict_stats - counters and sizes */
void verdict_stats(const struct verdict *v, struct verdict_stats *out)
{
	struct throttle_stats ts;
	size_t i, pairs;

	*out = v->st;
	out->hosts = hosttab_count(v->hosts);
	out->held_now = creditq_count(v->cq);
	/* an observe zone's queues hold stand-ins of packets long gone */
	for (i = 0; i < v->nzones; i++)
		if (v->zones[i].thr != NULL && !vd_observing(v, &v->zones[i])) {
			throttle_stats(v->zones[i].thr, &ts);
			out->held_now += ts.held;
		}
	out->credit_waiting = creditq_count(v->cq);
	out->contacts_waiting = contact_count(v->contacts);
	out->quarantined = v->nquar;
	for (i = 0; i < v->nzones; i++) {
		out->fast_hosts += vdfast_hosts(&v->zones[i], &pairs);
		out->fast_pairs += pairs;
	}
}
