/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vd - the verdict engine's per-packet helpers
 * SYNOPSIS
 *	#include "verdict/vd.h"
 * DESCRIPTION
 *	What every per-packet path of the engine asks: the zone and host
 *	record of a source, the whitelist, an event with the zone in it,
 *	whether a destination is a recent one, and the answer to a packet
 *	(a held one starts its wait for an outcome when it goes). Nothing
 *	here calls another file of the engine.
 */
#include <string.h>

#include "verdict/vd.h"

/* vd_answer - give a packet its verdict now; a cookie of an observe
   zone's delay queue was answered when it came: only count the drop
   that would have been */
void vd_answer(struct verdict *v, uint64_t cookie, int accept)
{
	if (cookie & VD_OBSERVED) {
		if (!accept)
			v->st.observed_drops++;
		return;
	}
	if (v->fast_dirty) {	/* evicted pairs leave the kernel first */
		v->fast_dirty = 0;
		v->ops.pair_commit(v->ctx);
	}
	v->ops.answer(v->ctx, cookie, accept);
	if (accept)
		v->st.accepted++;
	else
		v->st.dropped++;
}

/* vd_answer_cookie - answer a held packet, starting its contact wait */
void vd_answer_cookie(struct verdict *v, uint64_t cookie, int accept,
		      uint64_t now)
{
	struct contact_key *k = hosttab_peek(v->meta, &cookie);

	if (k != NULL) {
		if (accept)
			vd_contact_out(v, k, now);
		(void)hosttab_del(v->meta, &cookie);
	}
	vd_answer(v, cookie, accept);
}

/* vd_drop_held - drop a held packet of the host of key, counting it
   for the host as the status counts it */
void vd_drop_held(struct verdict *v, const void *key, uint64_t cookie)
{
	struct vhost *h = hosttab_peek(v->hosts, key);

	if (h != NULL && !(cookie & VD_OBSERVED))
		h->dropped++;
	vd_answer_cookie(v, cookie, 0, v->now);
}

/* vd_recent - 1 if tag is among h's recent destinations; enters it */
int vd_recent(struct vhost *h, uint32_t tag)
{
	int i = wset_find(h->recent, h->nrecent, tag);

	if (i >= 0) {
		wset_touch(h->recent, (unsigned)i);
		return 1;
	}
	h->nrecent = (uint8_t)wset_insert(h->recent, h->nrecent, VD_RECENT, tag);
	return 0;
}

/* vd_contact_out - a first contact went out: wait for its outcome */
void vd_contact_out(struct verdict *v, const struct contact_key *k,
		    uint64_t now)
{
	(void)contact_start(v->contacts, k, now);
}

/* vd_zone_of - the zone record of source a, or NULL */
struct vzone *vd_zone_of(struct verdict *v, const struct sl_addr *a)
{
	const struct sd_zone *z = sdconf_zone(v->conf, a);

	if (z == NULL)
		return NULL;
	return &v->zones[z - v->conf->zones];
}

/* vd_host - the record of key, created if new; NULL if none fits;
   z may be NULL (an operator's quarantine of a source in no zone) */
struct vhost *vd_host(struct verdict *v, const uint8_t key[HOSTKEY_LEN],
		      struct vzone *z, uint64_t now)
{
	int created = 0;
	struct vhost *h = hosttab_put(v->hosts, key, &created);

	if (h == NULL)
		return NULL;
	if (created)
		trw_init(&h->trw);
	if (z != NULL && z->p->mode == SD_MODE_CREDIT && !h->credit_ready) {
		credit_init(&h->credit, &z->cp, now);
		h->credit_ready = 1;
	}
	return h;
}

/* vd_observing - does zone z decide without enforcing */
int vd_observing(const struct verdict *v, const struct vzone *z)
{
	return z != NULL && (z->p->observe || v->conf->core.dry_run);
}

/* vd_whitelisted - does [core] whitelist hold a */
int vd_whitelisted(const struct verdict *v, const struct sl_addr *a)
{
	return v->conf->core.whitelist != NULL
	    && prefixset_lookup(v->conf->core.whitelist, a, NULL);
}

/* vd_event - write one event with the zone and extra fields */
void vd_event(struct verdict *v, const char *type, const struct sl_addr *src,
	      const struct sl_addr *dst, uint16_t dport, uint8_t proto,
	      const struct event_field *f, size_t nf)
{
	struct event_field all[9];
	struct vzone *z = src ? vd_zone_of(v, src) : NULL;
	struct event ev;
	size_t n = 0, i;

	all[n++] = (struct event_field)EF_S("zone", z ? z->name : "");
	for (i = 0; i < nf && n < 8; i++)
		all[n++] = f[i];
	if (v->observing)	/* what would have happened, not what did */
		all[n++] = (struct event_field)EF_B("observe", 1);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.src = src;
	ev.dst = dst;
	ev.dst_port = dport;
	ev.proto = pkt_proto_name(proto);
	ev.fields = all;
	ev.nfields = n;
	v->ops.event(v->ctx, &ev);
}
