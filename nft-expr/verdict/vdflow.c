/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdflow - outcomes of first contacts: credit and TRW
 * SYNOPSIS
 *	#include "verdict/vdflow.h"
 * DESCRIPTION
 *	A first contact is a flow to a destination that is not among the
 *	host's VD_RECENT most recent ones. Its outcome comes from
 *	conntrack (a reply: success; a reset: failure) or from the
 *	contact timeout (failure). Success earns credit in credit zones;
 *	every outcome moves the host's TRW likelihood ratio, and a host
 *	TRW calls a scanner is logged, or quarantined if the zone asks.
 */
#include <string.h>

#include "quarantine/quar.h"
#include "verdict/vd.h"
#include "verdict/vdflow.h"

/* trw_event - TRW has decided the host is a scanner */
static void trw_event(struct verdict *v, struct vzone *z, const uint8_t *key,
		      const struct sl_addr *a, const struct vhost *h)
{
	struct event_field f[2] = { EF_D("ratio", h->trw.ratio),
				    EF_S("action", z->p->trw == SD_TRW_QUARANTINE
					 ? "quarantine" : "log") };

	v->st.trw_scanners++;
	vd_event(v, "trw", a, NULL, 0, 0, f, 2);
	if (z->p->trw != SD_TRW_QUARANTINE)
		return;
	if (v->ops.signal != NULL)	/* the ladder decides */
		v->ops.signal(v->ctx, CMEASURE_SIG_TRW, a, 0);
	else
		(void)quar_host(v, z, key, a, "trw", v->now);
}

/* vdflow_contact_fn - contact_fn: an outcome reached a host */
void vdflow_contact_fn(void *ctx, const struct contact_key *k, int success)
{
	struct verdict *v = ctx;
	uint8_t key[HOSTKEY_LEN];
	struct sl_addr a;
	struct vzone *z;
	struct vhost *h;
	int before, was;

	hostkey_addr(k->src, &a);
	hostkey_make(&a, v->conf->v6_prefix, key);
	if (success)
		v->st.outcome_ok++;
	else
		v->st.outcome_fail++;
	if ((z = vd_zone_of(v, &a)) == NULL || (h = hosttab_peek(v->hosts, key)) == NULL)
		return;
	if (success)
		h->ok++;
	else
		h->failed++;
	if (z->p->mode == SD_MODE_CREDIT && h->credit_ready)
		credit_outcome(&h->credit, &z->cp, success, v->now);
	if (z->p->trw == SD_TRW_OFF)
		return;
	before = h->trw.state;
	was = v->observing;
	v->observing = vd_observing(v, z);
	if (trw_outcome(&h->trw, &v->trwp, success) == TRW_SCANNER
	    && before != TRW_SCANNER)
		trw_event(v, z, key, &a, h);
	v->observing = was;
}

/* vdflow_outcome - the outcome of a flow is known (conntrack) */
void vdflow_outcome(struct verdict *v, const struct sl_addr *src,
		    const struct sl_addr *dst, uint8_t proto, uint16_t dport,
		    int success, uint64_t now)
{
	struct contact_key k;

	v->now = now;
	contact_key_make(&k, src, dst, proto, dport);
	if (contact_resolve(v->contacts, &k))
		vdflow_contact_fn(v, &k, success);
}
