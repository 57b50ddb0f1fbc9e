/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pkt - parse the headers of a queued packet
 * SYNOPSIS
 *	#include "queue/pkt.h"
 * DESCRIPTION
 *	The parser works on a window [0, end) that never extends past the
 *	bytes we were given: a header's own length field can shrink the
 *	window (IPv4 total length, IPv6 payload length) but never grow it,
 *	because NFQUEUE cuts packets at the copy range and a forged length
 *	must not make us read past the buffer. IPv6 extension headers are
 *	walked up to a fixed count, so a chain of them cannot keep us busy.
 */
#include <string.h>

#include "queue/pkt.h"

#define IPV6_EXT_MAX 8		/* extension headers we walk before giving up */

/* get16 - big-endian 16 bits */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ipv4_header - read an IPv4 header; 0, or -1 if unreadable */
static int ipv4_header(const uint8_t *p, size_t len, struct pkt_l3 *out)
{
	size_t ihl, tot;

	if (len < 20)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = get16(p + 2);
	if (ihl < 20 || ihl > len || tot < ihl)
		return -1;
	addr_from_bytes(&out->src, 4, p + 12);
	addr_from_bytes(&out->dst, 4, p + 16);
	out->proto = p[9];
	out->l4 = ihl;
	out->end = tot < len ? tot : len;
	out->total = tot;
	out->fragment = (get16(p + 6) & 0x1fff) != 0;
	return 0;
}

/* ipv6_is_ext - is nh an extension header we walk */
static int ipv6_is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/* ipv6_ext_len - length of extension header nh at p, 0 if not one */
static size_t ipv6_ext_len(uint8_t nh, const uint8_t *p)
{
	switch (nh) {
	case 0:			/* hop-by-hop */
	case 43:		/* routing */
	case 60:		/* destination options */
		return ((size_t)p[1] + 1) * 8;
	case 44:		/* fragment */
		return 8;
	case 51:		/* authentication header */
		return ((size_t)p[1] + 2) * 4;
	default:
		return 0;
	}
}

/* ipv6_header - read an IPv6 header and its extension headers */
static int ipv6_header(const uint8_t *p, size_t len, struct pkt_l3 *out)
{
	size_t off = 40, plen, ext;
	uint8_t nh;
	int i;

	if (len < 40)
		return -1;
	plen = get16(p + 4);
	addr_from_bytes(&out->src, 6, p + 8);
	addr_from_bytes(&out->dst, 6, p + 24);
	/* payload length 0 is a jumbogram; the copy range bounds us anyway */
	out->end = plen != 0 && 40 + plen < len ? 40 + plen : len;
	out->total = plen != 0 ? 40 + plen : len;
	out->fragment = 0;
	nh = p[6];
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		if (!ipv6_is_ext(nh))
			break;
		if (off + 8 > out->end) {
			out->fragment = 1;	/* extension header cut short */
			break;
		}
		ext = ipv6_ext_len(nh, p + off);
		if (nh == 44 && (get16(p + off + 2) & 0xfff8) != 0)
			out->fragment = 1;
		nh = p[off];
		off += ext;
		if (out->fragment)
			break;
	}
	if (i == IPV6_EXT_MAX && ipv6_is_ext(nh))
		out->fragment = 1;	/* too many: treat as unreadable */
	out->proto = nh;
	out->l4 = off;
	return 0;
}

/* pkt_l3 - dispatch on the version nibble */
int pkt_l3(const uint8_t *p, size_t len, struct pkt_l3 *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return -1;
	switch (p[0] >> 4) {
	case 4:
		return ipv4_header(p, len, out);
	case 6:
		return ipv6_header(p, len, out);
	default:
		return -1;
	}
}

/* icmp_is_error - does this type quote the packet that caused it */
static int icmp_is_error(int family, uint8_t type)
{
	if (family == 4)
		return type == 3 || type == 4 || type == 5 || type == 11
		    || type == 12;
	return type >= 1 && type <= 4;
}

/* quote_parse - the IP header and ports an ICMP error carries */
static void quote_parse(const uint8_t *p, size_t len, struct pkt_quote *q)
{
	struct pkt_l3 h;

	memset(q, 0, sizeof(*q));
	if (pkt_l3(p, len, &h) < 0)
		return;
	q->valid = 1;
	q->proto = h.proto;
	q->src = h.src;
	q->dst = h.dst;
	/* an error quotes at least 8 bytes of the transport header */
	if (!h.fragment && (h.proto == 6 || h.proto == 17)
	    && h.l4 + 4 <= h.end) {
		q->sport = get16(p + h.l4);
		q->dport = get16(p + h.l4 + 2);
	}
}

/* l4_parse - the transport header at [l4, end) */
static enum pkt_kind l4_parse(const uint8_t *p, const struct pkt_l3 *h,
			      struct pkt_info *out)
{
	const uint8_t *t = p + h->l4;
	size_t avail = h->end > h->l4 ? h->end - h->l4 : 0;
	int icmp = h->src.family == 4 ? 1 : 58;

	if (h->fragment)
		return PKT_OTHER;
	if (h->proto == 6 && avail >= 20) {
		out->sport = get16(t);
		out->dport = get16(t + 2);
		out->tcp_flags = t[13];
		return PKT_TCP;
	}
	if (h->proto == 17 && avail >= 8) {
		out->sport = get16(t);
		out->dport = get16(t + 2);
		return PKT_UDP;
	}
	if (h->proto == icmp && avail >= 8) {
		out->icmp_type = t[0];
		out->icmp_code = t[1];
		out->icmp_error = icmp_is_error(h->src.family, t[0]);
		if (out->icmp_error)
			quote_parse(t + 8, avail - 8, &out->quote);
		return PKT_ICMP;
	}
	return PKT_OTHER;
}

/* pkt_parse - parse len bytes at p into out; returns out->kind */
enum pkt_kind pkt_parse(const uint8_t *p, size_t len, struct pkt_info *out)
{
	struct pkt_l3 h;

	memset(out, 0, sizeof(*out));
	if (p == NULL || pkt_l3(p, len, &h) < 0)
		return out->kind = PKT_BAD;
	out->src = h.src;
	out->dst = h.dst;
	out->proto = h.proto;
	return out->kind = l4_parse(p, &h, out);
}

/* pkt_kind_name - "tcp", "udp", "icmp", "other", "bad" */
const char *pkt_kind_name(enum pkt_kind k)
{
	switch (k) {
	case PKT_TCP:
		return "tcp";
	case PKT_UDP:
		return "udp";
	case PKT_ICMP:
		return "icmp";
	case PKT_OTHER:
		return "other";
	case PKT_BAD:
	default:
		return "bad";
	}
}

/* pkt_proto_name - "TCP", "UDP", "ICMP" for events; NULL if none */
const char *pkt_proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "IPv6-ICMP";
	default:
		return NULL;
	}
}
