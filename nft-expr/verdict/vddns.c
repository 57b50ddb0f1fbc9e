/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vddns - the no-DNS signal, asked for each first contact
 * SYNOPSIS
 *	#include "verdict/vddns.h"
 * DESCRIPTION
 *	Events go through cap_limit(3), the honeypot's per-source limit:
 *	a worm that contacts 10,000 addresses by number writes at most
 *	events_per_second lines a second, and the next event it is allowed
 *	(or one at the end of the second) says how many were left out,
 *	so events and suppressed counts add up to the signals.
 */
#include <errno.h>
#include <stdlib.h>

#include "capture/cap_limit.h"
#include "dns/dnssnoop.h"
#include "verdict/vd.h"
#include "verdict/vddns.h"

#define VDDNS_LIMIT_MEM (1024 * 1024)	/* per-source event records */

struct vddns {
	struct dnssnoop *snoop;		/* borrowed */
	struct cap_limit *limit;
	struct verdict *v;		/* for the suppressed-count events */
	struct vddns_stats st;
};

/* on_suppressed - cap_limit_fn: a source's count whose second is over */
static void on_suppressed(void *ctx, const struct sl_addr *src, uint64_t n)
{
	struct vddns *d = ctx;
	struct event_field f[1] = { EF_U("suppressed", n) };

	vd_event(d->v, "nodns", src, NULL, 0, 0, f, 1);
}

/* vddns_attach - ask snoop for v's first contacts from now on */
int vddns_attach(struct verdict *v, struct dnssnoop *snoop,
		 unsigned events_per_second, const uint8_t seed[16])
{
	struct vddns *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	d->limit = cap_limit_create(events_per_second, VDDNS_LIMIT_MEM, seed,
				    on_suppressed, d);
	if (d->limit == NULL) {
		free(d);
		errno = ENOMEM;
		return -1;
	}
	d->snoop = snoop;
	d->v = v;
	vddns_detach(v);
	v->dns = d;
	return 0;
}

/* vddns_detach - stop asking; free what attach made */
void vddns_detach(struct verdict *v)
{
	if (v->dns == NULL)
		return;
	cap_limit_free(v->dns->limit);
	free(v->dns);
	v->dns = NULL;
}

/* exempt - a destination no answer is needed for: the source's own
   zone, a resolver, or one of [dns] by_address (the conf in force:
   a reload changes it) */
static int exempt(const struct vddns *d, const struct vzone *z,
		  const struct pkt_info *p)
{
	const struct prefixset *by = d->v->conf->dns.by_address;
	uintptr_t val;

	if (p->dport == 53 || dnssnoop_resolver(d->snoop, &p->dst))
		return 1;
	if (by != NULL && prefixset_lookup(by, &p->dst, &val))
		return 1;
	return prefixset_lookup(z->p->prefixes, &p->dst, &val);
}

/* vddns_first - one first contact of a source of zone z */
void vddns_first(struct verdict *v, const struct vzone *z,
		 const struct pkt_info *p, uint64_t now)
{
	struct vddns *d = v->dns;
	struct event_field f[1];
	uint64_t suppressed = 0;
	size_t nf = 0;

	if (d == NULL)
		return;
	d->st.first_contacts++;
	if (dnssnoop_justified(d->snoop, &p->src, &p->dst, now)) {
		d->st.justified++;
		return;
	}
	if (exempt(d, z, p)) {
		d->st.exempt++;
		return;
	}
	d->st.signals++;
	if (cap_limit_take(d->limit, &p->src, now, &suppressed)) {
		if (suppressed > 0)
			f[nf++] = (struct event_field)EF_U("suppressed", suppressed);
		vd_event(v, "nodns", &p->src, &p->dst, p->dport, p->proto, f, nf);
	} else
		d->st.events_suppressed++;
	if (v->ops.signal != NULL)	/* weak: the ladder caps its share */
		v->ops.signal(v->ctx, CMEASURE_SIG_NODNS, &p->src, p->dport);
}

/* vddns_tick - suppressed event counts whose second is over */
void vddns_tick(struct verdict *v, uint64_t now)
{
	if (v->dns != NULL)
		cap_limit_flush(v->dns->limit, now);
}

/* vddns_stats - counters; zeros when not attached */
void vddns_stats(const struct verdict *v, struct vddns_stats *out)
{
	static const struct vddns_stats zero;

	*out = v->dns != NULL ? v->dns->st : zero;
}
