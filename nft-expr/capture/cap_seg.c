/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_seg - read a TCP or UDP segment to a dark address, build a reply
 * DESCRIPTION
 *	See cap_seg.h. TCP options are walked within the header's own
 *	data offset and the copied bytes: an option whose length byte
 *	runs past them, or is below 2, ends the walk, as the kernel's
 *	tcp_parse_options() does; an option of the wrong length is
 *	ignored.
 */
#include <string.h>

#include "capture/cap_seg.h"
#include "queue/pkt.h"

/* get16, get32 - big-endian reads */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
	    | (uint32_t)p[2] << 8 | p[3];
}

/* put16, put32 - big-endian writes */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* tcp_option - one option of kind k, body b of length n */
static void tcp_option(struct cap_seg *s, uint8_t k, const uint8_t *b,
		       size_t n)
{
	switch (k) {
	case 2:			/* MSS */
		if (n == 2)
			s->mss = get16(b);
		break;
	case 3:			/* window scale */
		if (n == 1)
			s->wscale = b[0] > 14 ? 14 : b[0];
		break;
	case 4:			/* SACK permitted */
		if (n == 0)
			s->sack_ok = 1;
		break;
	case 8:			/* timestamps */
		if (n == 8) {
			s->has_ts = 1;
			s->tsval = get32(b);
			s->tsecr = get32(b + 4);
		}
		break;
	default:		/* others do not change our answer */
		break;
	}
}

/* tcp_options - walk the option bytes [p, p + len) */
static void tcp_options(struct cap_seg *s, const uint8_t *p, size_t len)
{
	size_t i = 0, olen;

	while (i < len) {
		if (p[i] == 0)		/* end of options */
			return;
		if (p[i] == 1) {	/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = p[i + 1]) < 2 || i + olen > len)
			return;
		tcp_option(s, p[i], p + i + 2, olen - 2);
		i += olen;
	}
}

/* tcp_parse - the TCP header at [h->l4, h->end) */
static enum cap_seg_kind tcp_parse(const uint8_t *p, const struct pkt_l3 *h,
				   struct cap_seg *s)
{
	const uint8_t *t = p + h->l4;
	size_t avail = h->end - h->l4, doff;

	if (avail < 20 || (doff = (size_t)(t[12] >> 4) * 4) < 20 || doff > avail)
		return CAP_SEG_OTHER;
	s->seq = get32(t + 4);
	s->ack = get32(t + 8);
	s->flags = t[13];
	s->win = get16(t + 14);
	tcp_options(s, t + 20, doff - 20);
	s->data = t + doff;
	s->data_len = avail - doff;
	s->wire_len = h->total > h->l4 + doff ? h->total - h->l4 - doff : 0;
	if (s->wire_len < s->data_len)
		s->wire_len = s->data_len;
	return CAP_SEG_TCP;
}

/* udp_parse - the UDP header; payload bounded by its own length too */
static enum cap_seg_kind udp_parse(const uint8_t *p, const struct pkt_l3 *h,
				   struct cap_seg *s)
{
	const uint8_t *u = p + h->l4;
	size_t avail = h->end - h->l4, ulen;

	if (avail < 8 || (ulen = get16(u + 4)) < 8)
		return CAP_SEG_OTHER;
	s->data = u + 8;
	s->data_len = (ulen < avail ? ulen : avail) - 8;
	s->wire_len = ulen - 8;
	return CAP_SEG_UDP;
}

/* cap_seg_parse - parse len bytes at p; returns out->kind */
enum cap_seg_kind cap_seg_parse(const uint8_t *p, size_t len,
				struct cap_seg *out)
{
	struct pkt_l3 h;

	memset(out, 0, sizeof(*out));
	out->wscale = CAP_NO_WSCALE;
	if (p == NULL || pkt_l3(p, len, &h) < 0)
		return out->kind = CAP_SEG_BAD;
	out->src = h.src;
	out->dst = h.dst;
	out->proto = h.proto;
	if (h.fragment || h.l4 + 4 > h.end || (h.proto != 6 && h.proto != 17))
		return out->kind = CAP_SEG_OTHER;
	out->sport = get16(p + h.l4);
	out->dport = get16(p + h.l4 + 2);
	out->kind = h.proto == 6 ? tcp_parse(p, &h, out) : udp_parse(p, &h, out);
	if (out->kind == CAP_SEG_OTHER)
		out->data = NULL, out->data_len = out->wire_len = 0;
	return out->kind;
}

/* csum_add - add bytes to a ones' complement sum */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* csum_fold - the final 16 bits */
static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ip_header - IPv4 or IPv6 header for tcp_len bytes; its length */
static size_t ip_header(const struct cap_reply *r, uint8_t *b, size_t tcp_len)
{
	if (r->src.family == 4) {
		memset(b, 0, 20);
		b[0] = 0x45;
		put16(b + 2, (uint16_t)(20 + tcp_len));
		put16(b + 4, r->ip_id);
		b[6] = 0x40;		/* don't fragment, as Linux sends */
		b[8] = 64;
		b[9] = 6;
		memcpy(b + 12, r->src.b, 4);
		memcpy(b + 16, r->dst.b, 4);
		put16(b + 10, csum_fold(csum_add(0, b, 20)));
		return 20;
	}
	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)tcp_len);
	b[6] = 6;
	b[7] = 64;
	memcpy(b + 8, r->src.b, 16);
	memcpy(b + 24, r->dst.b, 16);
	return 40;
}

/* cap_seg_build - the segment into buf; its length, or 0 */
size_t cap_seg_build(const struct cap_reply *r, uint8_t *buf, size_t len)
{
	size_t alen, tcp_len = 20 + r->opt_len, hl;
	uint8_t *t;
	uint32_t sum;

	if (r->src.family != r->dst.family || (r->src.family != 4
	    && r->src.family != 6) || r->opt_len > CAP_OPT_MAX
	    || (r->opt_len & 3) || len < CAP_SEG_MAX)
		return 0;
	alen = r->src.family == 4 ? 4 : 16;
	hl = ip_header(r, buf, tcp_len);
	t = buf + hl;
	memset(t, 0, 20);
	put16(t, r->sport);
	put16(t + 2, r->dport);
	put32(t + 4, r->seq);
	put32(t + 8, r->ack);
	t[12] = (uint8_t)(tcp_len / 4) << 4;
	t[13] = r->flags;
	put16(t + 14, r->win);
	memcpy(t + 20, r->opt, r->opt_len);
	/* pseudo header: addresses, protocol, TCP length */
	sum = csum_add(0, r->src.b, alen);
	sum = csum_add(sum, r->dst.b, alen);
	sum += 6 + (uint32_t)tcp_len;
	put16(t + 16, csum_fold(csum_add(sum, t, tcp_len)));
	return hl + tcp_len;
}
