/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_pkt.h - client segments built by hand for the capture tests
 * SYNOPSIS
 *	#include "capture_pkt.h"
 *
 *	len = cp_tcp(buf, family, flags, seq, ack, opts, optlen, data, dlen);
 *	len = cp_udp(buf, family, sport, data, dlen);
 *	cp_csum_ok(buf, len)
 * DESCRIPTION
 *	Written apart from nft-expr/capture/cap_seg.c, so a test that
 *	parses these or checks cap_seg_build's checksums does not compare
 *	the module with itself. Client 10.77.1.11:40000 (fd77:1::11),
 *	dark 10.77.9.5:80 (fd77:9::5). The client port is cp_sport.
 */
#ifndef SLUICE_CAPTURE_PKT_H
#define SLUICE_CAPTURE_PKT_H

#include <stdint.h>
#include <string.h>

static uint16_t cp_sport = 40000;

static const uint8_t cp_src4[4] = { 10, 77, 1, 11 }, cp_dst4[4] = { 10, 77, 9, 5 };
static const uint8_t cp_src6[16] = { 0xfd, 0x77, 0, 1, [15] = 0x11 };
static const uint8_t cp_dst6[16] = { 0xfd, 0x77, 0, 9, [15] = 0x05 };

/* cp_be16, cp_be32 - big-endian stores */
static inline void cp_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void cp_be32(uint8_t *p, uint32_t v)
{
	cp_be16(p, v >> 16);
	cp_be16(p + 2, v & 0xffff);
}

/* cp_ip - the IP header for l4len bytes of proto; its length */
static inline size_t cp_ip(uint8_t *b, int family, uint8_t proto, size_t l4len)
{
	if (family == 4) {
		memset(b, 0, 20);
		b[0] = 0x45;
		cp_be16(b + 2, (uint32_t)(20 + l4len));
		b[8] = 64;
		b[9] = proto;
		memcpy(b + 12, cp_src4, 4);
		memcpy(b + 16, cp_dst4, 4);
		return 20;
	}
	memset(b, 0, 40);
	b[0] = 0x60;
	cp_be16(b + 4, (uint32_t)l4len);
	b[6] = proto;
	b[7] = 64;
	memcpy(b + 8, cp_src6, 16);
	memcpy(b + 24, cp_dst6, 16);
	return 40;
}

/* cp_tcp - a client segment to port 80; its length */
static inline size_t cp_tcp(uint8_t *b, int family, uint8_t flags, uint32_t seq,
		     uint32_t ack, const uint8_t *opt, size_t optlen,
		     const void *data, size_t dlen)
{
	size_t tl = 20 + optlen, hl = cp_ip(b, family, 6, tl + dlen);
	uint8_t *t = b + hl;

	memset(t, 0, 20);
	cp_be16(t, cp_sport);
	cp_be16(t + 2, 80);
	cp_be32(t + 4, seq);
	cp_be32(t + 8, ack);
	t[12] = (uint8_t)((tl / 4) << 4);
	t[13] = flags;
	cp_be16(t + 14, 64240);
	if (optlen)
		memcpy(t + 20, opt, optlen);
	if (dlen)
		memcpy(t + tl, data, dlen);
	return hl + tl + dlen;
}

/* cp_udp - a client datagram to port 53; its length */
static inline size_t cp_udp(uint8_t *b, int family, uint16_t sport,
		     const void *data, size_t dlen)
{
	size_t hl = cp_ip(b, family, 17, 8 + dlen);

	cp_be16(b + hl, sport);
	cp_be16(b + hl + 2, 53);
	cp_be16(b + hl + 4, (uint32_t)(8 + dlen));
	cp_be16(b + hl + 6, 0);
	if (dlen)
		memcpy(b + hl + 8, data, dlen);
	return hl + 8 + dlen;
}

/* cp_sum - ones' complement sum of 16-bit words */
static inline uint32_t cp_sum(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

/* cp_fold - carry the sum in */
static inline uint16_t cp_fold(uint32_t s)
{
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return (uint16_t)s;
}

/* cp_csum_ok - the IPv4 header and TCP checksums of a built segment
   add up to all ones */
static inline int cp_csum_ok(const uint8_t *b, size_t len)
{
	size_t hl = (b[0] >> 4) == 4 ? 20 : 40, al = hl == 20 ? 4 : 16;
	const uint8_t *sa = hl == 20 ? b + 12 : b + 8;
	uint32_t s = 0;

	if (hl == 20 && cp_fold(cp_sum(0, b, 20)) != 0xffff)
		return 0;
	s = cp_sum(s, sa, al);
	s = cp_sum(s, sa + al, al);
	s += 6 + (uint32_t)(len - hl);
	return cp_fold(cp_sum(s, b + hl, len - hl)) == 0xffff;
}

#endif
