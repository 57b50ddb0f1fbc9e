/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsmsg - extract address records from a DNS response
 * SYNOPSIS
 *	#include "dnsmsg.h"
 * DESCRIPTION
 *	Two passes over the message: the first checks everything (header,
 *	every question and answer, every name and pointer, every record
 *	length), the second reports. So a malformed message reports
 *	nothing at all, not the records before the damage.
 *
 *	Names: a label length byte is 0..63 or a compression pointer
 *	(top bits 11); 01 and 10 are refused. A pointer must point
 *	strictly before itself, which alone makes a loop impossible; the
 *	hop count and the 255-byte name limit are checked as well.
 *
 *	Only responses (QR set) are read; A and AAAA records of class IN
 *	in the answer section are reported, with TTLs above 2^31-1 read as
 *	0 (RFC 2181, 8). Records of other types are skipped by rdlength.
 */
#include <string.h>

#include "dnsmsg.h"

#define DNS_HDR 12
#define DNS_NAME_MAX 255
#define DNS_HOPS_MAX 64
#define T_A 1
#define T_AAAA 28
#define C_IN 1

/* get16 - big-endian 16 bits at p */
static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* get32 - big-endian 32 bits at p */
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* dns_name - check the name at off; *end is the byte after it in place */
static int dns_name(const uint8_t *msg, size_t len, size_t off, size_t *end)
{
	size_t total = 1, hops = 0, ptr;
	int jumped = 0;
	unsigned c;

	for (;;) {
		if (off >= len)
			return -1;
		c = msg[off];
		if (c == 0) {
			if (!jumped)
				*end = off + 1;
			return 0;
		}
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= len)
				return -1;
			ptr = (size_t)(c & 0x3f) << 8 | msg[off + 1];
			/* backwards only: a pointer can never reach itself again */
			if (ptr >= off || ptr < DNS_HDR || ++hops > DNS_HOPS_MAX)
				return -1;
			if (!jumped)
				*end = off + 2;
			jumped = 1;
			off = ptr;
			continue;
		}
		if (c & 0xc0)
			return -1;	/* 01 and 10: reserved label types */
		total += c + 1;
		if (total > DNS_NAME_MAX)
			return -1;
		off += c + 1;
	}
}

/* dns_walk - check (fn NULL) or report the answers; count or -1 */
static int dns_walk(const uint8_t *msg, size_t len, dnsmsg_fn *fn, void *ctx)
{
	unsigned qd, an, i, type, class, rdlen;
	size_t off = DNS_HDR;
	uint32_t ttl;
	int found = 0;

	qd = get16(msg + 4);
	an = get16(msg + 6);
	for (i = 0; i < qd; i++) {
		if (dns_name(msg, len, off, &off) < 0 || off + 4 > len)
			return -1;
		off += 4;
	}
	for (i = 0; i < an; i++) {
		if (dns_name(msg, len, off, &off) < 0 || off + 10 > len)
			return -1;
		type = get16(msg + off);
		class = get16(msg + off + 2);
		ttl = get32(msg + off + 4);
		rdlen = get16(msg + off + 8);
		off += 10;
		if (rdlen > len - off)
			return -1;
		if (class == C_IN && (type == T_A || type == T_AAAA)) {
			if (rdlen != (type == T_A ? 4u : 16u))
				return -1;
			if (ttl > 0x7fffffffu)
				ttl = 0;
			if (fn)
				fn(ctx, type == T_A ? 4 : 6, msg + off, ttl);
			found++;
		}
		off += rdlen;
	}
	return found;
}

/* dnsmsg_answers - count of records reported, or -1 if malformed */
int dnsmsg_answers(const uint8_t *msg, size_t len, dnsmsg_fn *fn, void *ctx)
{
	if (msg == NULL || len < DNS_HDR)
		return -1;
	if (!(msg[2] & 0x80))
		return 0;	/* a query: nothing answered */
	if (dns_walk(msg, len, NULL, NULL) < 0)
		return -1;
	return dns_walk(msg, len, fn, ctx);
}
