/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_resp - the honeypot's TCP and UDP answers, without sockets
 * DESCRIPTION
 *	See cap_resp.h. The initial sequence number is a keyed hash of the
 *	four-tuple and an epoch of about 69 s (2^36 ns), so it is as
 *	unpredictable across ports as Linux's (RFC 6528) and the
 *	handshake's ACK is checked exactly, 32 bits, against this epoch
 *	and the one before: a forged ACK makes a record once in 2^31
 *	tries. A record exists only for a completed handshake.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cap_resp.h"
#include "hosttab.h"
#include "siphash.h"

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MSEC 1000000ULL

enum flow_state { FLOW_OPEN = 1, FLOW_HELD, FLOW_UDP };

/* one record: 13 bytes, packed to 16 */
struct flow {
	uint32_t snd;		/* our next sequence number (ISN + 1) */
	uint32_t rcv;		/* what we acknowledge */
	uint32_t last;		/* seconds on the caller's clock */
	uint8_t state;		/* enum flow_state */
};

struct cap_resp {
	uint8_t secret[16];
	struct hosttab *flows;
	uint64_t hold_ns;
	uint64_t held, active;
};

/* the bytes a flow is hashed from */
struct tuple {
	uint8_t tag, proto, family, pad;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint64_t epoch;		/* ISNs only */
};

/* tuple_hash - keyed hash of the segment's tuple, tag separating uses */
static uint64_t tuple_hash(const struct cap_resp *r, const struct cap_seg *s,
			   uint8_t tag, uint64_t epoch)
{
	struct tuple t;

	memset(&t, 0, sizeof(t));
	t.tag = tag;
	t.proto = s->proto;
	t.family = s->src.family;
	t.sport = s->sport;
	t.dport = s->dport;
	memcpy(t.src, s->src.b, 16);
	memcpy(t.dst, s->dst.b, 16);
	t.epoch = epoch;
	if (tag == 't')		/* the timestamp clock: per address pair */
		t.proto = 0, t.sport = t.dport = 0;
	return siphash_24(r->secret, &t, sizeof(t));
}

/* isn_at - our initial sequence number for s in the epoch of now */
static uint32_t isn_at(const struct cap_resp *r, const struct cap_seg *s,
		       uint64_t now_ns)
{
	return (uint32_t)tuple_hash(r, s, 'i', now_ns >> CAP_RESP_EPOCH_SHIFT);
}

/* cookie_ok - was isn ours, in this epoch or the one before */
static int cookie_ok(const struct cap_resp *r, const struct cap_seg *s,
		     uint32_t isn, uint64_t now_ns)
{
	uint64_t epoch = 1ULL << CAP_RESP_EPOCH_SHIFT;

	return isn == isn_at(r, s, now_ns)
	    || (now_ns >= epoch && isn == isn_at(r, s, now_ns - epoch));
}

/* on_evict - hosttab callback: keep the held count right */
static void on_evict(void *ctx, const void *key, void *val)
{
	struct cap_resp *r = ctx;
	const struct flow *f = val;

	(void)key;
	if (f->state == FLOW_HELD)
		r->held--;
}

/* cap_resp_create - an empty responder; NULL with errno */
struct cap_resp *cap_resp_create(const uint8_t secret[16], size_t mem_cap,
				 uint64_t hold_timeout_ns)
{
	struct cap_resp *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	memcpy(r->secret, secret, 16);
	r->hold_ns = hold_timeout_ns;
	r->flows = hosttab_create_aligned(8, sizeof(struct flow), 4, mem_cap,
					  secret);
	if (r->flows == NULL) {
		int e = errno;

		free(r);
		errno = e;
		return NULL;
	}
	hosttab_set_evict(r->flows, on_evict, r);
	return r;
}

/* cap_resp_free - accepts NULL */
void cap_resp_free(struct cap_resp *r)
{
	if (r == NULL)
		return;
	hosttab_free(r->flows);
	free(r);
}

/* reply_to - the answer's addresses, ports and a timestamp option if
   the segment carried one (RFC 7323: then every segment does) */
static void reply_to(const struct cap_resp *r, const struct cap_seg *s,
		     uint64_t now_ns, struct cap_reply *o)
{
	uint32_t tsval;

	memset(o, 0, sizeof(*o));
	o->src = s->dst;
	o->dst = s->src;
	o->sport = s->dport;
	o->dport = s->sport;
	if (s->has_ts) {
		tsval = (uint32_t)tuple_hash(r, s, 't', 0)
		    + (uint32_t)(now_ns / NS_PER_MSEC);
		memcpy(o->opt, (const uint8_t[]){ 1, 1, 8, 10 }, 4);
		o->opt[4] = (uint8_t)(tsval >> 24);
		o->opt[5] = (uint8_t)(tsval >> 16);
		o->opt[6] = (uint8_t)(tsval >> 8);
		o->opt[7] = (uint8_t)tsval;
		o->opt[8] = (uint8_t)(s->tsval >> 24);
		o->opt[9] = (uint8_t)(s->tsval >> 16);
		o->opt[10] = (uint8_t)(s->tsval >> 8);
		o->opt[11] = (uint8_t)s->tsval;
		o->opt_len = 12;
	}
}

/* syn_ack - answer a SYN as Linux would */
static void syn_ack(const struct cap_resp *r, const struct cap_seg *s,
		    uint64_t now_ns, struct cap_reply *o)
{
	uint16_t mss = s->src.family == 4 ? 1460 : 1440, eff;
	uint8_t opt[CAP_OPT_MAX];
	size_t n = 0;

	reply_to(r, s, now_ns, o);
	opt[n++] = 2, opt[n++] = 4, opt[n++] = (uint8_t)(mss >> 8),
	    opt[n++] = (uint8_t)mss;
	if (s->has_ts) {	/* SACK permitted rides in the NOPs */
		memcpy(opt + n, o->opt, 12);
		if (s->sack_ok)
			opt[n] = 4, opt[n + 1] = 2;
		n += 12;
	} else if (s->sack_ok) {
		memcpy(opt + n, (const uint8_t[]){ 1, 1, 4, 2 }, 4);
		n += 4;
	}
	if (s->wscale != CAP_NO_WSCALE) {
		memcpy(opt + n, (const uint8_t[]){ 1, 3, 3, CAP_RESP_WSCALE }, 4);
		n += 4;
	}
	memcpy(o->opt, opt, n);
	o->opt_len = n;
	o->seq = isn_at(r, s, now_ns);
	o->ack = s->seq + 1;
	o->flags = CAP_TCP_SYN | CAP_TCP_ACK;
	/* Linux opens 65535 rounded down to whole segments: 64240 for
	   1460, 65160 with timestamps */
	eff = (uint16_t)(mss - (s->has_ts ? 12 : 0));
	o->win = (uint16_t)(65535 / eff * eff);
	o->ip_id = 0;		/* Linux: DF set, ID 0 on a SYN-ACK */
}

/* ack_of - acknowledge f's data with a closed window, flags extra */
static void ack_of(const struct cap_resp *r, const struct cap_seg *s,
		   const struct flow *f, uint64_t now_ns, uint8_t extra,
		   struct cap_reply *o)
{
	reply_to(r, s, now_ns, o);
	o->seq = f->snd;
	o->ack = f->rcv;
	o->flags = CAP_TCP_ACK | extra;
	o->win = 0;
	o->ip_id = (uint16_t)(f->snd ^ f->rcv ^ (uint32_t)(now_ns >> 20));
}

/* flow_drop - remove key's record */
static void flow_drop(struct cap_resp *r, uint64_t key, struct flow *f)
{
	if (f->state == FLOW_HELD)
		r->held--;
	(void)hosttab_del(r->flows, &key);
}

/* udp - only the first datagram of a flow is a sample */
static enum cap_what udp(struct cap_resp *r, const struct cap_seg *s,
			 uint64_t now_ns)
{
	uint64_t key = tuple_hash(r, s, 'k', 0);
	int created = 0;
	struct flow *f = hosttab_put(r->flows, &key, &created);

	if (f == NULL)
		return CAP_UDP_FIRST;	/* no room at all: count it as new */
	f->state = FLOW_UDP;
	f->last = (uint32_t)(now_ns / NS_PER_SEC);
	return created ? CAP_UDP_FIRST : CAP_UDP_AGAIN;
}

/* tcp_flow - the record of an ACKed segment, made if its ACK proves
   the handshake; NULL if the segment is none of ours */
static struct flow *tcp_flow(struct cap_resp *r, const struct cap_seg *s,
			     uint64_t key, uint64_t now_ns)
{
	struct flow *f = hosttab_get(r->flows, &key);

	if (f != NULL)
		return f->state == FLOW_UDP || f->snd != s->ack ? NULL : f;
	if (!cookie_ok(r, s, s->ack - 1, now_ns)
	    || (f = hosttab_put(r->flows, &key, NULL)) == NULL)
		return NULL;
	f->snd = s->ack;
	f->rcv = s->seq;
	f->state = FLOW_OPEN;
	return f;
}

/* tcp - one TCP segment */
static enum cap_what tcp(struct cap_resp *r, const struct cap_seg *s,
			 uint64_t now_ns, struct cap_reply *o, int *out)
{
	uint64_t key = tuple_hash(r, s, 'k', 0);
	struct flow *f;

	if (s->flags & CAP_TCP_RST) {
		if ((f = hosttab_peek(r->flows, &key)) != NULL)
			flow_drop(r, key, f);
		return CAP_NOTHING;
	}
	if ((s->flags & (CAP_TCP_SYN | CAP_TCP_ACK)) == CAP_TCP_SYN) {
		if ((f = hosttab_peek(r->flows, &key)) != NULL)
			flow_drop(r, key, f);	/* the port is used again */
		syn_ack(r, s, now_ns, o);
		*out = 1;
		return CAP_SYN;
	}
	if (!(s->flags & CAP_TCP_ACK) || (s->flags & CAP_TCP_SYN)
	    || (f = tcp_flow(r, s, key, now_ns)) == NULL)
		return CAP_INVALID;
	f->last = (uint32_t)(now_ns / NS_PER_SEC);
	if (s->flags & CAP_TCP_FIN) {
		/* a payload that comes with the FIN is still the first one */
		enum cap_what w = f->state == FLOW_OPEN && s->wire_len
		    ? CAP_DATA : CAP_CLOSE;

		if (f->state == FLOW_OPEN)
			f->rcv = s->seq + (uint32_t)s->wire_len;
		f->rcv += 1;
		ack_of(r, s, f, now_ns, CAP_TCP_FIN, o);
		*out = 1;
		flow_drop(r, key, f);
		return w;
	}
	if (f->state == FLOW_OPEN) {
		if (s->wire_len == 0)
			return CAP_NOTHING;	/* the handshake's ACK */
		f->rcv = s->seq + (uint32_t)s->wire_len;
		f->state = FLOW_HELD;
		r->held++;
		ack_of(r, s, f, now_ns, 0, o);
		*out = 1;
		return CAP_DATA;
	}
	ack_of(r, s, f, now_ns, 0, o);
	*out = 1;
	return CAP_PROBE;
}

/* cap_resp_segment - classify s and say what to answer */
enum cap_what cap_resp_segment(struct cap_resp *r, const struct cap_seg *s,
			       uint64_t now_ns, struct cap_reply *reply,
			       int *reply_out)
{
	*reply_out = 0;
	switch (s->kind) {
	case CAP_SEG_TCP:
		return tcp(r, s, now_ns, reply, reply_out);
	case CAP_SEG_UDP:
		return udp(r, s, now_ns);
	case CAP_SEG_BAD:
	case CAP_SEG_OTHER:
	default:
		return CAP_INVALID;
	}
}

struct sweep {
	struct cap_resp *r;
	uint32_t now, idle, probe;
	uint64_t active;
};

/* sweep_one - hosttab_walk_any callback */
static int sweep_one(void *ctx, const void *key, void *val)
{
	struct sweep *w = ctx;
	struct flow *f = val;
	uint32_t age = w->now - f->last;

	if (age > w->idle) {
		uint64_t k;

		memcpy(&k, key, sizeof(k));
		flow_drop(w->r, k, f);
	} else if (f->state == FLOW_HELD && age <= w->probe)
		w->active++;
	return 0;
}

/* cap_resp_sweep - drop idle records, count the live held ones */
void cap_resp_sweep(struct cap_resp *r, uint64_t now_ns, uint64_t probe_ns)
{
	struct sweep w = { r, (uint32_t)(now_ns / NS_PER_SEC),
			   (uint32_t)(r->hold_ns / NS_PER_SEC),
			   (uint32_t)(probe_ns / NS_PER_SEC), 0 };

	hosttab_walk_any(r->flows, sweep_one, &w);
	r->active = w.active;
}

/* cap_resp_stats - the table's numbers */
void cap_resp_stats(const struct cap_resp *r, struct cap_resp_stats *out)
{
	out->records = hosttab_count(r->flows);
	out->capacity = hosttab_capacity(r->flows);
	out->bytes = hosttab_bytes(r->flows);
	out->evictions = hosttab_evictions(r->flows);
	out->held = r->held;
	out->active = r->active;
}

/* cap_resp_what - for events and metrics */
const char *cap_resp_what(enum cap_what w)
{
	switch (w) {
	case CAP_SYN:
		return "syn";
	case CAP_DATA:
		return "payload";
	case CAP_PROBE:
		return "probe";
	case CAP_CLOSE:
		return "close";
	case CAP_UDP_FIRST:
		return "datagram";
	case CAP_UDP_AGAIN:
		return "datagram_again";
	case CAP_INVALID:
		return "invalid";
	case CAP_NOTHING:
	default:
		return "nothing";
	}
}
