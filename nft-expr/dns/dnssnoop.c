/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnssnoop - the resolvers' answers, read passively, per client
 * SYNOPSIS
 *	#include "dns/dnssnoop.h"
 * DESCRIPTION
 *	The network header is read by pkt_l3(), so the same bounds hold
 *	as for queued packets: nothing past the bytes copied, whatever the
 *	headers claim. The rules log only established replies from port 53
 *	(a spoofed answer with no query behind it is conntrack's NEW or
 *	INVALID and never logged), so what arrives here is what the
 *	resolver told the client; it is still read as hostile input.
 *
 *	TCP is read a segment at a time, without reassembly: a segment
 *	holding whole length-prefixed messages (the usual case, an answer
 *	under the MSS) is read; a message that continues in the next
 *	segment is counted as truncated, and so is its tail, which then
 *	starts the next segment (its first bytes read as a length past
 *	its end; as malformed when they happen to fit). A contact those addresses would
 *	have justified is then a weak signal, never more (cmeasure caps
 *	its share), so the price of a lost answer is bounded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnscorr.h"
#include "dnsmsg.h"
#include "dns/dnssnoop.h"
#include "queue/pkt.h"

#define DNS_PORT 53

struct dnssnoop {
	struct dnscorr *corr;
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
	if ((s->corr = dnscorr_create(ttl_floor_ns, mem_cap, seed)) == NULL) {
		free(s);
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

/* tcp_messages - the whole length-prefixed messages of a segment */
static int tcp_messages(struct dnssnoop *s, const struct pkt_l3 *h,
			const uint8_t *p, size_t len, uint64_t now)
{
	size_t off = 0, mlen;
	int n, total = 0;

	while (off < len) {
		if (len - off < 2 || (mlen = get16(p + off)) > len - off - 2) {
			s->st.truncated++;
			return -1;
		}
		if ((n = one_message(s, h, p + off + 2, mlen, now)) < 0)
			return -1;
		total += n;
		off += 2 + mlen;
	}
	return total;
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
	if (rc == 1)
		return 0;	/* an ACK or FIN of a TCP answer */
	if (h.total > h.end) {
		/* the copy range cut it: dnsmsg would call it malformed */
		s->st.truncated++;
		return -1;
	}
	if (h.proto == 6)
		return tcp_messages(s, &h, msg, mlen, now);
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
