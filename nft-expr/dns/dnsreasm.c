/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsreasm - DNS messages over TCP put back together across segments
 * SYNOPSIS
 *	#include "dns/dnsreasm.h"
 * DESCRIPTION
 *	A slot is held only by a flow whose last segment ended inside a
 *	message: a segment that starts a message boundary and ends on one
 *	(the usual answer) is read in place and takes no slot, so a
 *	resolver's many small answers never evict a long one being put
 *	together. The slots are a small fixed array searched linearly:
 *	TCP answers are rare next to UDP ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dnsreasm.h"

struct flow {
	int used;
	struct dnsreasm_key k;
	uint32_t next;		/* sequence number of the next byte */
	uint64_t last;		/* now of its last segment */
	uint8_t hdr[2];		/* the length, while it is incomplete */
	size_t have;		/* bytes of the message so far, length included */
	size_t want;		/* 2 + its length; 0 until the length is known */
	uint8_t *buf;		/* want bytes once known */
};

struct dnsreasm {
	struct flow f[DNSREASM_FLOWS];
	size_t bytes;		/* allocated for buffers */
};

/* get16 - big-endian 16 bits */
static size_t get16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

/* dnsreasm_create - NULL with errno */
struct dnsreasm *dnsreasm_create(void)
{
	return calloc(1, sizeof(struct dnsreasm));
}

/* partial_drop - forget f's partial message; 1 if there was one */
static unsigned partial_drop(struct dnsreasm *r, struct flow *f)
{
	unsigned had = f->have > 0;

	if (f->buf != NULL) {
		free(f->buf);
		r->bytes -= f->want;
	}
	f->buf = NULL;
	f->have = f->want = 0;
	return had;
}

/* flow_drop - free slot f; 1 if it held a partial message */
static unsigned flow_drop(struct dnsreasm *r, struct flow *f)
{
	unsigned lost = partial_drop(r, f);

	f->used = 0;
	return lost;
}

/* dnsreasm_free - accepts NULL */
void dnsreasm_free(struct dnsreasm *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < DNSREASM_FLOWS; i++)
		(void)flow_drop(r, &r->f[i]);
	free(r);
}

/* key_eq - the same flow */
static int key_eq(const struct dnsreasm_key *a, const struct dnsreasm_key *b)
{
	return a->sport == b->sport && a->dport == b->dport
	    && addr_equal(&a->src, &b->src) && addr_equal(&a->dst, &b->dst);
}

/* expire - flows idle for DNSREASM_IDLE_NS go; the partials lost */
static unsigned expire(struct dnsreasm *r, uint64_t now)
{
	unsigned lost = 0;
	size_t i;

	for (i = 0; i < DNSREASM_FLOWS; i++)
		if (r->f[i].used && now - r->f[i].last >= DNSREASM_IDLE_NS)
			lost += flow_drop(r, &r->f[i]);
	return lost;
}

/* find - k's slot, or NULL */
static struct flow *find(struct dnsreasm *r, const struct dnsreasm_key *k)
{
	size_t i;

	for (i = 0; i < DNSREASM_FLOWS; i++)
		if (r->f[i].used && key_eq(&r->f[i].k, k))
			return &r->f[i];
	return NULL;
}

/* take - a slot for k: a free one, else the client's oldest once it
   has DNSREASM_PER_CLIENT, else the oldest of all (*lost counts what
   the evicted one held) */
static struct flow *take(struct dnsreasm *r, const struct dnsreasm_key *k,
			 unsigned *lost)
{
	struct flow *free_one = NULL, *oldest = NULL, *mine = NULL;
	size_t i, n = 0;

	for (i = 0; i < DNSREASM_FLOWS; i++) {
		struct flow *f = &r->f[i];

		if (!f->used) {
			if (free_one == NULL)
				free_one = f;
			continue;
		}
		if (oldest == NULL || f->last < oldest->last)
			oldest = f;
		if (addr_equal(&f->k.dst, &k->dst)) {
			n++;
			if (mine == NULL || f->last < mine->last)
				mine = f;
		}
	}
	if (n >= DNSREASM_PER_CLIENT)
		free_one = mine;	/* one client cannot take every slot */
	else if (free_one == NULL)
		free_one = oldest;
	if (free_one->used)
		*lost += flow_drop(r, free_one);
	return free_one;
}

/* stream - the bytes of f's flow in order: whole messages to fn, the
   rest kept in f; 1 if a message was lost (no memory), 0 */
static unsigned stream(struct dnsreasm *r, struct flow *f, const uint8_t *p,
		       size_t len, dnsreasm_fn *fn, void *ctx)
{
	size_t c;

	while (len > 0) {
		if (f->have == 0 && len >= 2 && get16(p) + 2 <= len) {
			fn(ctx, p + 2, get16(p));	/* whole: in place */
			len -= 2 + get16(p);
			p += 2 + get16(p);
			continue;
		}
		if (f->have < 2) {
			c = 2 - f->have < len ? 2 - f->have : len;
			memcpy(f->hdr + f->have, p, c);
			f->have += c;
			p += c;
			len -= c;
			if (f->have < 2)
				break;
			f->want = 2 + get16(f->hdr);
			if (r->bytes + f->want > DNSREASM_BYTES
			    || (f->buf = malloc(f->want)) == NULL) {
				f->want = 0;
				/* where the next message starts is lost too */
				return partial_drop(r, f);
			}
			r->bytes += f->want;
			memcpy(f->buf, f->hdr, 2);
			continue;
		}
		c = f->want - f->have < len ? f->want - f->have : len;
		memcpy(f->buf + f->have, p, c);
		f->have += c;
		p += c;
		len -= c;
		if (f->have == f->want) {
			fn(ctx, f->buf + 2, f->want - 2);
			(void)partial_drop(r, f);
		}
	}
	return 0;
}

/* dnsreasm_feed - one segment of flow k */
unsigned dnsreasm_feed(struct dnsreasm *r, const struct dnsreasm_key *k,
		       uint32_t seq, int fin, const uint8_t *data, size_t len,
		       uint64_t now, dnsreasm_fn *fn, void *ctx)
{
	struct flow tmp = { 0 }, *f;
	unsigned lost = expire(r, now);
	uint32_t end = seq + (uint32_t)len, behind;

	if ((f = find(r, k)) != NULL) {
		if ((int32_t)(seq - f->next) > 0) {	/* a gap: a segment was lost */
			lost += flow_drop(r, f);
			return lost;
		}
		behind = f->next - seq;
		if (behind >= len) {	/* read already */
			if (fin)
				lost += flow_drop(r, f);
			return lost;
		}
		data += behind;
		len -= behind;
	} else {
		f = &tmp;
	}
	lost += stream(r, f, data, len, fn, ctx);
	if (f == &tmp && tmp.have > 0 && !fin) {
		/* it ends inside a message: keep it */
		f = take(r, k, &lost);
		*f = tmp;
		f->used = 1;
		f->k = *k;
	}
	f->next = end;
	f->last = now;
	if (fin || f->have == 0)
		lost += f == &tmp ? partial_drop(r, f) : flow_drop(r, f);
	return lost;
}

/* dnsreasm_flows - flows with a partial message now */
size_t dnsreasm_flows(const struct dnsreasm *r)
{
	size_t i, n = 0;

	for (i = 0; i < DNSREASM_FLOWS; i++)
		n += r->f[i].used;
	return n;
}
