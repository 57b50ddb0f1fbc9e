/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_nd - IPv6 neighbour solicitations and advertisements
 * DESCRIPTION
 *	See cap_nd.h. The checksum is checked on what we read because a
 *	claim answers for an address on the strength of one packet; the
 *	hop limit of 255 proves it came from the link (a router would have
 *	decremented it), which is what lets an unauthenticated protocol be
 *	trusted at all.
 */
#include <string.h>
#include <netinet/in.h>

#include "capture/cap_nd.h"

#define IP6_HDR 40
#define MSG_LEN 24			/* type .. target */

/* sum16 - one's complement sum of n bytes onto s */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* icmp6_sum - the ICMPv6 checksum of msg (n bytes) from src to dst,
   taken with the checksum field as it is (0 when building) */
static uint16_t icmp6_sum(const uint8_t *src, const uint8_t *dst,
			  const uint8_t *msg, size_t n)
{
	uint32_t s = sum16(0, src, 16);

	s = sum16(s, dst, 16);
	s += (uint32_t)n;
	s += IPPROTO_ICMPV6;
	s = sum16(s, msg, n);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* options_ok - walk the options of a message: each of non-zero length,
   inside it; the link-layer one (type want) into *ll */
static int options_ok(const uint8_t *o, size_t n, int want,
		      const uint8_t **ll)
{
	size_t l;

	*ll = NULL;
	while (n > 0) {
		if (n < 2 || o[1] == 0 || (l = (size_t)o[1] * 8) > n)
			return -1;
		if (o[0] == want && l == 8)
			*ll = o + 2;
		o += l;
		n -= l;
	}
	return 0;
}

/* cap_nd_parse - a solicitation or advertisement; 0 or -1 */
int cap_nd_parse(const uint8_t *p, size_t len, struct cap_nd *m)
{
	size_t plen;
	const uint8_t *icmp = p + IP6_HDR;

	if (len < IP6_HDR + MSG_LEN || (p[0] >> 4) != 6
	    || p[6] != IPPROTO_ICMPV6 || p[7] != 255)
		return -1;
	plen = (size_t)(p[4] << 8 | p[5]);
	if (plen < MSG_LEN || plen > len - IP6_HDR
	    || (icmp[0] != CAP_ND_NS && icmp[0] != CAP_ND_NA) || icmp[1] != 0
	    || icmp6_sum(p + 8, p + 24, icmp, plen) != 0
	    || options_ok(icmp + MSG_LEN, plen - MSG_LEN,
			  icmp[0] == CAP_ND_NS ? 1 : 2, &m->lladdr) < 0)
		return -1;
	m->type = icmp[0];
	m->src = p + 8;
	m->dst = p + 24;
	m->target = icmp + 8;
	return 0;
}

/* cap_nd_build - one message with our MAC; CAP_ND_LEN */
size_t cap_nd_build(uint8_t buf[CAP_ND_LEN], int type, const uint8_t src[16],
		    const uint8_t dst[16], const uint8_t target[16],
		    const uint8_t mac[6])
{
	uint8_t *icmp = buf + IP6_HDR;
	uint16_t ck;

	memset(buf, 0, CAP_ND_LEN);
	buf[0] = 0x60;
	buf[5] = MSG_LEN + 8;
	buf[6] = IPPROTO_ICMPV6;
	buf[7] = 255;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	icmp[0] = (uint8_t)type;
	if (type == CAP_ND_NA)
		icmp[4] = 0x60;		/* solicited, override */
	memcpy(icmp + 8, target, 16);
	icmp[MSG_LEN] = type == CAP_ND_NS ? 1 : 2;
	icmp[MSG_LEN + 1] = 1;
	memcpy(icmp + MSG_LEN + 2, mac, 6);
	ck = icmp6_sum(src, dst, icmp, MSG_LEN + 8);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	return CAP_ND_LEN;
}

/* cap_nd_solicited - ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX */
void cap_nd_solicited(const uint8_t target[16], uint8_t group[16],
		      uint8_t mac[6])
{
	static const uint8_t pre[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 1, 0xff };

	memcpy(group, pre, 13);
	memcpy(group + 13, target + 13, 3);
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

/* cap_nd_filter - next header 58 at 6, type 135 or 136 at 40 (the
   packet socket's data starts at the IPv6 header); 96 bytes kept */
const struct sock_fprog *cap_nd_filter(void)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 4),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, CAP_ND_NS, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, CAP_ND_NA, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 96),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	static const struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]), .filter = code,
	};

	return &prog;
}
