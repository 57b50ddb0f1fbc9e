/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture_nd.c - unit tests for neighbour discovery messages: what is built
 * parses back with its fields; what RFC 4861 says not to act on (a hop
 * limit below 255, a bad checksum, a zero-length or overlong option, a
 * code other than 0, another ICMPv6 type, a short packet) is refused;
 * the solicited-node group; the socket filter's verdicts, run by the
 * kernel on a socket pair.
 */
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../tap.h"
#include "addr.h"
#include "capture/cap_nd.h"

static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x11 };

/* a6 - 16 bytes of an IPv6 literal */
static const uint8_t *a6(const char *s)
{
	static uint8_t b[4][16];
	static int k;
	struct sl_addr a;

	(void)addr_parse(s, &a);
	k = (k + 1) % 4;
	memcpy(b[k], a.b, 16);
	return b[k];
}

/* test_roundtrip - NS and NA built, parsed back */
static void test_roundtrip(void)
{
	uint8_t p[CAP_ND_LEN];
	struct cap_nd m;
	const uint8_t *src = a6("fd77:1::11"), *dst = a6("ff02::1:ff00:50"),
		      *tgt = a6("fd77:1::50");

	is_uint(cap_nd_build(p, CAP_ND_NS, src, dst, tgt, mac), CAP_ND_LEN,
		"a solicitation is 72 bytes");
	is_int(cap_nd_parse(p, sizeof(p), &m), 0, "and parses back");
	ok(m.type == CAP_ND_NS && memcmp(m.src, src, 16) == 0
	   && memcmp(m.dst, dst, 16) == 0 && memcmp(m.target, tgt, 16) == 0,
	   "type, source, destination, target");
	ok(m.lladdr != NULL && memcmp(m.lladdr, mac, 6) == 0,
	   "source link-layer option holds the MAC");
	(void)cap_nd_build(p, CAP_ND_NA, tgt, src, tgt, mac);
	is_int(cap_nd_parse(p, sizeof(p), &m), 0, "an advertisement parses");
	ok(m.type == CAP_ND_NA && p[44] == 0x60, "solicited and override set: got 0x%02x",
	   p[44]);
	ok(m.lladdr != NULL && memcmp(m.lladdr, mac, 6) == 0,
	   "target link-layer option holds the MAC");
}

/* resum - recompute p's ICMPv6 checksum (the test's own, RFC 1071), so
   each refusal below is for the field changed, not for the sum */
static void resum(uint8_t *p, size_t plen)
{
	uint32_t s = 0;
	size_t i;

	p[42] = p[43] = 0;
	for (i = 8; i < 40; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	s += (uint32_t)plen + 58;
	for (i = 40; i + 1 < 40 + plen; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	p[42] = (uint8_t)(~s >> 8);
	p[43] = (uint8_t)~s;
}

/* test_refused - what a node must not act on */
static void test_refused(void)
{
	static const struct { int off; uint8_t val; const char *what; } bad[] = {
		{ 7, 254, "hop limit 254 (routed from elsewhere)" },
		{ 41, 1, "code 1" },
		{ 40, 128, "an echo request" },
		{ 65, 0, "an option of length 0" },
		{ 65, 2, "an option longer than the packet" },
		{ 6, 17, "next header UDP" },
		{ 0, 0x40, "version 4" },
		{ 5, 200, "a payload length past the packet" },
	};
	uint8_t good[CAP_ND_LEN], p[CAP_ND_LEN];
	struct cap_nd m;
	size_t i;

	(void)cap_nd_build(good, CAP_ND_NS, a6("fd77:1::11"), a6("ff02::1:ff00:50"),
			   a6("fd77:1::50"), mac);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(p, good, sizeof(p));
		p[bad[i].off] = bad[i].val;
		resum(p, CAP_ND_LEN - 40);
		is_int(cap_nd_parse(p, sizeof(p), &m), -1, "refused: %s", bad[i].what);
	}
	memcpy(p, good, sizeof(p));
	p[42] ^= 0xff;
	is_int(cap_nd_parse(p, sizeof(p), &m), -1, "refused: a bad checksum");
	memcpy(p, good, sizeof(p));
	resum(p, CAP_ND_LEN - 40);
	is_int(cap_nd_parse(p, sizeof(p), &m), 0, "the test's own sum agrees");
	is_int(cap_nd_parse(good, 63, &m), -1, "refused: 63 bytes");
	is_int(cap_nd_parse(good, sizeof(good), &m), 0, "the unchanged one passes");
}

/* test_solicited - ff02::1:ffXX:XXXX, 33:33:ff:XX:XX:XX */
static void test_solicited(void)
{
	uint8_t g[16], gm[6];
	static const uint8_t wantm[6] = { 0x33, 0x33, 0xff, 0xab, 0xcd, 0xef };

	cap_nd_solicited(a6("fd77:1::12:34ab:cdef"), g, gm);
	ok(memcmp(g, a6("ff02::1:ffab:cdef"), 16) == 0, "solicited-node group");
	ok(memcmp(gm, wantm, 6) == 0, "and its MAC");
}

/* passes - does the filter pass p (n bytes), run by the kernel */
static int passes(const uint8_t *p, size_t n)
{
	int sv[2], got;
	uint8_t buf[256];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0
	    || setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, cap_nd_filter(),
			  sizeof(struct sock_fprog)) < 0)
		return -1;
	(void)write(sv[0], p, n);
	got = (int)recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	close(sv[0]);
	close(sv[1]);
	return got > 0;
}

/* test_filter - 135 and 136 pass, 134 and 137 and UDP do not */
static void test_filter(void)
{
	uint8_t p[CAP_ND_LEN];
	static const struct { int off; uint8_t val; int want; } t[] = {
		{ 40, CAP_ND_NS, 1 }, { 40, CAP_ND_NA, 1 }, { 40, 134, 0 },
		{ 40, 137, 0 }, { 6, 17, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		(void)cap_nd_build(p, CAP_ND_NS, a6("fd77:1::11"), a6("ff02::1"),
				   a6("fd77:1::50"), mac);
		p[t[i].off] = t[i].val;
		is_int(passes(p, sizeof(p)), t[i].want, "filter: byte %d = %u",
		       t[i].off, t[i].val);
	}
}

int main(void)
{
	test_roundtrip();
	test_refused();
	test_solicited();
	test_filter();
	return done_testing();
}
