/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnssnoop - the resolvers' answers, read passively, per client
 * SYNOPSIS
 *	#include "dns/dnsreasm.h"
#include "dns/dnssnoop.h"
 * DESCRIPTION
 *	The network header is read by pkt_l3(), so the same bounds hold
 *	as for queued packets: nothing past the bytes copied, whatever the
 *	headers claim. The rules log only established replies from port 53
 *	(a spoofed answer with no query behind it is conntrack's NEW or
 *	INVALID and never logged), so what arrives here is what the
 *	resolver told the client; it is still read as hostile input.
 *
 *	TCP: a segment holding whole length-prefixed messages (the usual
 *	case, an answer under the MSS) is read in place; a message that
 *	continues in the next segments is put together per flow by
 *	dnsreasm(3) (bounded in flows, per client and bytes; dropped on
 *	FIN, RST, a gap or idleness). What it has to drop with a partial
 *	message in it is counted as truncated: a contact those addresses
 *	would have justified is then a weak signal, never more (cmeasure
 *	caps its share), so the price of a lost answer is bounded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnscorr.h"
#include "dnsmsg.h"
#include "dns/dnsreasm.h"
#include "dns/dnssnoop.h"
#include "queue/pkt.h"

#define DNS_PORT 53

struct dnssnoop {
	struct dnscorr *corr;
	struct dnsreasm *tcp;	/* answers spread over segments */
	struct sl_addr resolvers[DNSSNOOP_RESOLVERS];
	size_t nresolvers, next_resolver;
	struct dnssnoop_stats st;
};

/* one message's records go to this client */
struct snoop_msg {
	struct dnssnoop *s;
	const struct sl_addr *client;
	uint64_t now;
};

/* get16 - big-endian 16 bits */
static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* dnssnoop_create - NULL with errno */
struct dnssnoop *dnssnoop_create(uint64_t ttl_floor_ns, size_t mem_cap,
				 const uint8_t seed[16])
{
	struct dnssnoop *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->corr = dnscorr_create(ttl_floor_ns, mem_cap, seed);
	s->tcp = dnsreasm_create();
	if (s->corr == NULL || s->tcp == NULL) {
		dnssnoop_free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

/* dnssnoop_free - accepts NULL */
void dnssnoop_free(struct dnssnoop *s)
{
	if (s == NULL)
		return;
	dnscorr_free(s->corr);
	dnsreasm_free(s->tcp);
	free(s);
}

/* addr_len - the bytes of an address of a */
static size_t addr_len(const struct sl_addr *a)
{
	return a->family == 4 ? 4 : 16;
}

/* on_record - dnsmsg_fn: the client learned addr */
static void on_record(void *ctx, int family, const uint8_t *addr, uint32_t ttl)
{
	struct snoop_msg *m = ctx;

	if (dnscorr_answer(m->s->corr, m->client->b, addr_len(m->client), addr,
			   family == 4 ? 4 : 16, ttl, m->now) < 0)
		m->s->st.no_memory++;
	else
		m->s->st.records++;
}

/* note_resolver - remember a as an answering address (oldest replaced) */
static void note_resolver(struct dnssnoop *s, const struct sl_addr *a)
{
	if (dnssnoop_resolver(s, a))
		return;
	s->resolvers[s->next_resolver] = *a;
	s->next_resolver = (s->next_resolver + 1) % DNSSNOOP_RESOLVERS;
	if (s->nresolvers < DNSSNOOP_RESOLVERS)
		s->nresolvers++;
}

/* one_message - read one DNS message for the client; records or -1 */
static int one_message(struct dnssnoop *s, const struct pkt_l3 *h,
		       const uint8_t *msg, size_t len, uint64_t now)
{
	struct snoop_msg m = { s, &h->dst, now };
	int n = dnsmsg_answers(msg, len, on_record, &m);

	if (n < 0) {
		s->st.malformed++;
		return -1;
	}
	s->st.answers++;
	note_resolver(s, &h->src);
	return n;
}

/* a TCP segment's messages, as dnsreasm hands them */
struct tcp_ctx {
	struct dnssnoop *s;
	const struct pkt_l3 *h;
	uint64_t now;
	int total, bad;
};

/* tcp_one - dnsreasm_fn: one whole message of the flow */
static void tcp_one(void *ctx, const uint8_t *msg, size_t len)
{
	struct tcp_ctx *c = ctx;
	int n = one_message(c->s, c->h, msg, len, c->now);

	if (n < 0)
		c->bad = 1;
	else
		c->total += n;
}

/* tcp_messages - the messages a segment completes (t: its TCP header,
   msg, len: its data); records, or -1 if one was malformed or lost */
static int tcp_messages(struct dnssnoop *s, const struct pkt_l3 *h,
			const uint8_t *t, const uint8_t *msg, size_t len,
			uint64_t now)
{
	struct tcp_ctx c = { s, h, now, 0, 0 };
	struct dnsreasm_key k = { h->src, h->dst, (uint16_t)get16(t),
				  (uint16_t)get16(t + 2) };
	uint32_t seq = (uint32_t)get16(t + 4) << 16 | get16(t + 6);
	unsigned lost = dnsreasm_feed(s->tcp, &k, seq, (t[13] & 0x05) != 0,
				      msg, len, now, tcp_one, &c);

	s->st.truncated += lost;
	return lost || c.bad ? -1 : c.total;
}

/* payload - where the DNS bytes of a UDP or TCP reply from port 53 are:
   0 (the bytes in *msg, *len), 1 for a segment without data, -1 if the
   packet is none of those */
static int payload(const uint8_t *p, const struct pkt_l3 *h,
		   const uint8_t **msg, size_t *len)
{
	const uint8_t *t = p + h->l4;
	size_t avail = h->end > h->l4 ? h->end - h->l4 : 0, hl, ulen;

	if (h->fragment)
		return -1;
	if (h->proto == 17 && avail >= 8 && get16(t) == DNS_PORT) {
		ulen = get16(t + 4);
		if (ulen < 8)
			return -1;
		*msg = t + 8;
		*len = (ulen < avail ? ulen : avail) - 8;
		return 0;
	}
	if (h->proto == 6 && avail >= 20 && get16(t) == DNS_PORT) {
		hl = (size_t)(t[12] >> 4) * 4;
		if (hl < 20 || hl > avail)
			return -1;
		*msg = t + hl;
		*len = avail - hl;
		return *len == 0 ? 1 : 0;
	}
	return -1;
}

/* dnssnoop_packet - read one logged reply */
int dnssnoop_packet(struct dnssnoop *s, const uint8_t *pkt, size_t len,
		    uint64_t now)
{
	const uint8_t *msg = NULL;
	struct pkt_l3 h;
	size_t mlen = 0;
	int rc;

	s->st.packets++;
	if (pkt == NULL || pkt_l3(pkt, len, &h) < 0
	    || (rc = payload(pkt, &h, &msg, &mlen)) < 0) {
		s->st.malformed++;
		return -1;
	}
	if (rc == 1)		/* an ACK, or a FIN or RST that ends a flow */
		return h.proto == 6 ? (tcp_messages(s, &h, pkt + h.l4, msg, 0, now)
				       < 0 ? -1 : 0) : 0;
	if (h.total > h.end) {
		/* the copy range cut it: dnsmsg would call it malformed */
		s->st.truncated++;
		return -1;
	}
	if (h.proto == 6)
		return tcp_messages(s, &h, pkt + h.l4, msg, mlen, now);
	return one_message(s, &h, msg, mlen, now);
}

/* dnssnoop_justified - 1 if an answer to client named dst and lives */
int dnssnoop_justified(struct dnssnoop *s, const struct sl_addr *client,
		       const struct sl_addr *dst, uint64_t now)
{
	return dnscorr_justified(s->corr, client->b, addr_len(client), dst->b,
				 addr_len(dst), now);
}

/* dnssnoop_resolver - 1 if a sends answers we read */
int dnssnoop_resolver(const struct dnssnoop *s, const struct sl_addr *a)
{
	size_t i;

	for (i = 0; i < s->nresolvers; i++)
		if (addr_equal(&s->resolvers[i], a))
			return 1;
	return 0;
}

/* dnssnoop_stats - counters and the pairs held */
void dnssnoop_stats(const struct dnssnoop *s, struct dnssnoop_stats *out)
{
	*out = s->st;
	out->pairs = dnscorr_count(s->corr);
}
