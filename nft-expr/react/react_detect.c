/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_detect - the detectors that live in react: port fan-out,
 *	throttling spikes, contacts with protected zones
 * SYNOPSIS
 *	#include "react/react_detect.h"
 * DESCRIPTION
 *	Fan-out: two fanout(3) tables, outbound (first packets the queue
 *	sees, sources of the zones) and inbound (conntrack outcomes of
 *	flows from outside the zones to our hosts, read while some zone
 *	needs outcomes at all). A source is counted by the key its
 *	reaction would have, so the addresses of one /64 fan out together.
 *
 *	Spike: a zone whose delayed hosts reach spike_hosts enters a
 *	spike; only then are its delayed hosts signalled, once (not every
 *	second it lasts: a long spike is one event, not a score climbing
 *	to quarantine). The throttle's count of held packets is a cheap
 *	first test: fewer held packets than spike_hosts cannot be so many
 *	hosts, and the host table is walked only otherwise.
 *
 *	Protected zones: the last protected zone each source of another
 *	zone reached, and when, so an isolation isolates the zone its
 *	attackers were contacting.
 */
#include <stdlib.h>
#include <string.h>

#include "fanout.h"
#include "hosttab.h"
#include "daemon/sdconf.h"
#include "react/react_detect.h"
#include "verdict/vdhost.h"
#include "verdict/verdict.h"

#define DETECT_ZONES 64		/* zones watched for a spike */

struct prot_seen {
	uint64_t at;
	uint32_t zone;		/* index + 1 in the conf's zones */
};

struct react_detect {
	struct fanout *out, *in;
	unsigned threshold;		/* of out and in */
	uint64_t window_ns;
	size_t mem;
	uint8_t seed[16];
	struct hosttab *prot;	/* source -> protected zone reached */
	uint8_t spike_on[DETECT_ZONES];
};

/* react_detect_create - fan-out tables and the protected-zone memory */
struct react_detect *react_detect_create(unsigned threshold, uint64_t window_ns,
					 size_t mem, const uint8_t seed[16])
{
	struct react_detect *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->threshold = threshold;
	d->window_ns = window_ns;
	d->mem = mem;
	memcpy(d->seed, seed, sizeof(d->seed));
	d->out = fanout_create(threshold, window_ns, mem / 3, seed);
	d->in = fanout_create(threshold, window_ns, mem / 3, seed);
	d->prot = hosttab_create(REACT_DETECT_KEY, sizeof(struct prot_seen),
				 mem / 3, seed);
	if (d->out == NULL || d->in == NULL || d->prot == NULL) {
		react_detect_free(d);
		return NULL;
	}
	return d;
}

/* react_detect_retune - new fan-out settings (a reload): both tables
   made anew, their counts start over; the old kept if that fails */
int react_detect_retune(struct react_detect *d, unsigned threshold,
			uint64_t window_ns)
{
	struct fanout *out, *in;

	if (threshold == d->threshold && window_ns == d->window_ns)
		return 0;
	out = fanout_create(threshold, window_ns, d->mem / 3, d->seed);
	in = fanout_create(threshold, window_ns, d->mem / 3, d->seed);
	if (out == NULL || in == NULL) {
		fanout_free(out);
		fanout_free(in);
		return -1;
	}
	fanout_free(d->out);
	fanout_free(d->in);
	d->out = out;
	d->in = in;
	d->threshold = threshold;
	d->window_ns = window_ns;
	return 0;
}

/* react_detect_free - accepts NULL */
void react_detect_free(struct react_detect *d)
{
	if (d == NULL)
		return;
	fanout_free(d->out);
	fanout_free(d->in);
	hosttab_free(d->prot);
	free(d);
}

/* react_detect_out - a first contact; 1 when it crossed the threshold */
int react_detect_out(struct react_detect *d, const uint8_t key[REACT_DETECT_KEY],
		     const struct sl_addr *dst, uint16_t dport, uint64_t now)
{
	int crossed = 0;

	(void)fanout_add(d->out, key, REACT_DETECT_KEY, dport, dst->b, 16, now,
			 &crossed);
	return crossed;
}

/* react_detect_in - an inbound flow; 1 when it crossed the threshold */
int react_detect_in(struct react_detect *d, const uint8_t key[REACT_DETECT_KEY],
		    const struct sl_addr *dst, uint16_t dport, uint64_t now)
{
	int crossed = 0;

	(void)fanout_add(d->in, key, REACT_DETECT_KEY, dport, dst->b, 16, now,
			 &crossed);
	return crossed;
}

/* react_detect_keyof - the detectors' key of a: IPv6 as it is, IPv4
   mapped (::ffff:a.b.c.d, which no real IPv6 source has) */
void react_detect_keyof(const struct sl_addr *a, uint8_t k[REACT_DETECT_KEY])
{
	if (a->family == 6) {
		memcpy(k, a->b, 16);
		return;
	}
	memset(k, 0, 10);
	k[10] = k[11] = 0xff;
	memcpy(k + 12, a->b, 4);
}

/* react_detect_contact - note a protected zone src reached */
void react_detect_contact(struct react_detect *d, const struct sd_conf *c,
			  const struct sl_addr *src, const struct sl_addr *dst,
			  uint64_t now)
{
	const struct sd_zone *zd = sdconf_zone(c, dst);
	struct prot_seen *p;
	uint8_t k[REACT_DETECT_KEY];

	if (zd == NULL || !zd->protected || sdconf_zone(c, src) == zd)
		return;
	react_detect_keyof(src, k);
	if ((p = hosttab_put(d->prot, k, NULL)) == NULL)
		return;
	p->at = now;
	p->zone = (uint32_t)(zd - c->zones) + 1;
}

/* react_detect_protected_of - the protected zone src reached lately */
const struct sd_zone *react_detect_protected_of(const struct react_detect *d,
						const struct sd_conf *c,
						const struct sl_addr *src,
						uint64_t window_ns, uint64_t now)
{
	const struct prot_seen *p;
	uint8_t k[REACT_DETECT_KEY];

	react_detect_keyof(src, k);
	p = hosttab_peek(d->prot, k);
	if (p == NULL || p->zone == 0 || p->zone > c->nzones ||
	    now - p->at > window_ns)
		return NULL;
	return &c->zones[p->zone - 1];
}

struct spike_ctx {
	const struct sd_conf *c;
	unsigned count[DETECT_ZONES];
	uint8_t entering[DETECT_ZONES];
	int collect;		/* second pass: the delayed hosts */
	struct sl_addr *out;
	size_t n, max;
};

/* zone_index - the index of zone name in c, or -1 */
static int zone_index(const struct sd_conf *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < c->nzones && i < DETECT_ZONES; i++)
		if (strcmp(c->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* spike_one - vdhost_walk_fn: count the delayed hosts per zone, or
   collect those of a zone entering a spike */
static int spike_one(void *ctx, const struct verdict_host *h)
{
	struct spike_ctx *x = ctx;
	int z;

	if (h->queued == 0 || (z = zone_index(x->c, h->zone)) < 0)
		return 0;
	if (!x->collect)
		x->count[z]++;
	else if (x->entering[z] && x->n < x->max)
		x->out[x->n++] = h->addr;
	return x->collect && x->n == x->max;
}

/* react_detect_spike - the delayed hosts of zones entering a spike */
size_t react_detect_spike(struct react_detect *d, struct verdict *v,
			  const struct sd_conf *c, unsigned spike_hosts,
			  uint64_t now, struct sl_addr *out, size_t max)
{
	struct spike_ctx x;
	struct throttle_stats ts;
	const char *name;
	size_t i;
	int any = 0, enter = 0;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.out = out;
	x.max = max;
	for (i = 0; i < c->nzones && i < DETECT_ZONES; i++)
		if (verdict_zone_stats(v, i, &name, &ts) == 0 && ts.held >= spike_hosts)
			any = 1;
	if (any)
		vdhost_walk(v, now, 0, spike_one, &x);
	for (i = 0; i < c->nzones && i < DETECT_ZONES; i++) {
		int on = x.count[i] >= spike_hosts;

		x.entering[i] = (uint8_t)(on && !d->spike_on[i]);
		enter |= x.entering[i];
		d->spike_on[i] = (uint8_t)on;
	}
	if (!enter)
		return 0;
	x.collect = 1;
	vdhost_walk(v, now, 0, spike_one, &x);
	return x.n;
}
