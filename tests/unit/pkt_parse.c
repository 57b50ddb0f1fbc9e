/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pkt_parse - unit test of sluiced's packet parser (nft-expr/queue/pkt.c)
 * DESCRIPTION
 *	Packets are built byte by byte here, then cut, stretched and
 *	mangled: every case must land on a defined kind with the right
 *	fields, and no length may make the parser read past the buffer
 *	(run under SANITIZE=1 to have that checked, too). Inputs the fuzz
 *	harness found go in the last table.
 */
#include <stdlib.h>
#include <string.h>

#include "queue/pkt.h"
#include "../tap.h"

static const uint8_t tcp_syn[20] = {
	0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, PKT_TCP_SYN,
	0xff, 0xff, 0, 0, 0, 0 };			/* 12345 -> 80 */
static const uint8_t udp_53[8] = { 0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0 };	/* 40000 -> 53 */
static const uint8_t icmp_echo[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };

/* v4 - an IPv4 header (ihl words, with options) and payload at buf */
static size_t v4(uint8_t *buf, uint8_t proto, unsigned ihl,
		 const uint8_t *l4, size_t l4len)
{
	size_t hl = ihl * 4, tot = hl + l4len;

	memset(buf, 0, hl);
	buf[0] = (uint8_t)(0x40 | ihl);
	buf[2] = (uint8_t)(tot >> 8);
	buf[3] = (uint8_t)tot;
	buf[8] = 64;
	buf[9] = proto;
	memcpy(buf + 12, (const uint8_t[]){ 10, 77, 1, 11 }, 4);
	memcpy(buf + 16, (const uint8_t[]){ 10, 77, 16, 1 }, 4);
	memcpy(buf + hl, l4, l4len);
	return tot;
}

/* v6 - an IPv6 header, next header nh, and payload at buf */
static size_t v6(uint8_t *buf, uint8_t nh, const uint8_t *pl, size_t plen)
{
	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[4] = (uint8_t)(plen >> 8);
	buf[5] = (uint8_t)plen;
	buf[6] = nh;
	buf[7] = 64;
	buf[8] = 0xfd; buf[9] = 0x77; buf[11] = 1; buf[23] = 0x11;
	buf[24] = 0xfd; buf[25] = 0x77; buf[27] = 3; buf[39] = 1;
	memcpy(buf + 40, pl, plen);
	return 40 + plen;
}

/* check_addrs - the addresses v4()/v6() write */
static void check_addrs(const struct pkt_info *pi, int family, const char *name)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN];

	addr_format(&pi->src, s);
	addr_format(&pi->dst, d);
	is_str(s, family == 4 ? "10.77.1.11" : "fd77:1::11", "%s: source", name);
	is_str(d, family == 4 ? "10.77.16.1" : "fd77:3::1", "%s: destination", name);
}

/* test_ipv4 - TCP, UDP, ICMP, options, fragments, unknown protocol */
static void test_ipv4(void)
{
	uint8_t b[256];
	struct pkt_info pi;
	size_t n;

	n = v4(b, 6, 5, tcp_syn, sizeof(tcp_syn));
	is_int(pkt_parse(b, n, &pi), PKT_TCP, "ipv4 tcp: kind");
	check_addrs(&pi, 4, "ipv4 tcp");
	is_uint(pi.sport, 12345, "ipv4 tcp: source port");
	is_uint(pi.dport, 80, "ipv4 tcp: destination port");
	is_uint(pi.tcp_flags, PKT_TCP_SYN, "ipv4 tcp: flags");

	n = v4(b, 6, 8, tcp_syn, sizeof(tcp_syn));	/* 12 bytes of options */
	is_int(pkt_parse(b, n, &pi), PKT_TCP, "ipv4 with options: tcp");
	is_uint(pi.dport, 80, "ipv4 with options: port past the options");

	n = v4(b, 17, 5, udp_53, sizeof(udp_53));
	is_int(pkt_parse(b, n, &pi), PKT_UDP, "ipv4 udp: kind");
	is_uint(pi.dport, 53, "ipv4 udp: destination port");

	n = v4(b, 1, 5, icmp_echo, sizeof(icmp_echo));
	is_int(pkt_parse(b, n, &pi), PKT_ICMP, "ipv4 icmp echo: kind");
	ok(!pi.icmp_error && pi.icmp_type == 8, "ipv4 icmp echo: not an error");

	n = v4(b, 47, 5, udp_53, sizeof(udp_53));
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv4 gre: other");
	is_uint(pi.proto, 47, "ipv4 gre: protocol kept");
	check_addrs(&pi, 4, "ipv4 gre");

	n = v4(b, 6, 5, tcp_syn, sizeof(tcp_syn));
	b[6] = 0x00; b[7] = 0x10;			/* fragment offset 128 */
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv4 later fragment: other");
	b[6] = 0x20; b[7] = 0x00;			/* MF, offset 0: first */
	is_int(pkt_parse(b, n, &pi), PKT_TCP, "ipv4 first fragment: tcp");
}

/* test_ipv4_bad - headers that lie about their lengths */
static void test_ipv4_bad(void)
{
	uint8_t b[256];
	struct pkt_info pi;
	size_t n = v4(b, 6, 5, tcp_syn, sizeof(tcp_syn)), cut;
	int wrong = 0;

	for (cut = 0; cut < n; cut++) {
		enum pkt_kind want = cut < 20 ? PKT_BAD : PKT_OTHER;
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, b, cut);
		if (pkt_parse(copy, cut, &pi) != want) {
			diag("  cut at %zu: got %d, want %d", cut, pi.kind, want);
			wrong++;
		}
		free(copy);
	}
	is_int(wrong, 0, "ipv4 tcp cut at every length: bad below 20, else other");
	b[0] = 0x44;
	is_int(pkt_parse(b, n, &pi), PKT_BAD, "ipv4 ihl 4: bad");
	b[0] = 0x4f;
	is_int(pkt_parse(b, 40, &pi), PKT_BAD, "ipv4 ihl 15 past the buffer: bad");
	b[0] = 0x45; b[2] = 0; b[3] = 10;
	is_int(pkt_parse(b, n, &pi), PKT_BAD, "ipv4 total length below ihl: bad");
	b[3] = 30;
	is_int(pkt_parse(b, n, &pi), PKT_OTHER,
	       "ipv4 total length cutting the tcp header: other");
	b[2] = 0xff; b[3] = 0xff;
	is_int(pkt_parse(b, n, &pi), PKT_TCP,
	       "ipv4 total length past the copy range: tcp (copy range cuts)");
	b[0] = 0x55;
	is_int(pkt_parse(b, n, &pi), PKT_BAD, "version 5: bad");
	is_int(pkt_parse(NULL, 0, &pi), PKT_BAD, "no packet: bad");
	is_uint(pi.src.family, 0, "bad: no source address");
}

/* test_icmp_errors - the quoted packet of v4 and v6 errors */
static void test_icmp_errors(void)
{
	uint8_t b[256], inner[128], icmp[160];
	struct pkt_info pi;
	char s[ADDR_STRLEN];
	size_t in, n;

	in = v4(inner, 6, 5, tcp_syn, sizeof(tcp_syn));
	memset(icmp, 0, 8);
	icmp[0] = 3; icmp[1] = 3;			/* port unreachable */
	memcpy(icmp + 8, inner, 28);			/* header + 8 bytes */
	n = v4(b, 1, 5, icmp, 8 + 28);
	is_int(pkt_parse(b, n, &pi), PKT_ICMP, "ipv4 unreachable: icmp");
	ok(pi.icmp_error && pi.quote.valid, "ipv4 unreachable: quotes a packet");
	is_uint(pi.quote.dport, 80, "ipv4 unreachable: quoted port");
	is_str(addr_format(&pi.quote.dst, s), "10.77.16.1", "ipv4 unreachable: quoted dst");

	memset(icmp + 8, 0xee, 28);			/* garbage quote */
	n = v4(b, 1, 5, icmp, 8 + 28);
	is_int(pkt_parse(b, n, &pi), PKT_ICMP, "garbage quote: still icmp");
	is_int(pi.quote.valid, 0, "garbage quote: not valid");

	in = v6(inner, 17, udp_53, sizeof(udp_53));
	memset(icmp, 0, 8);
	icmp[0] = 1; icmp[1] = 4;			/* v6 port unreachable */
	memcpy(icmp + 8, inner, in);
	n = v6(b, 58, icmp, 8 + in);
	is_int(pkt_parse(b, n, &pi), PKT_ICMP, "ipv6 unreachable: icmp");
	ok(pi.quote.valid && pi.quote.proto == 17, "ipv6 unreachable: quotes udp");
	is_uint(pi.quote.dport, 53, "ipv6 unreachable: quoted port");
	is_int(pkt_parse(b, 40 + 8 + 20, &pi), PKT_ICMP, "ipv6 unreachable cut: icmp");
	is_int(pi.quote.valid, 0, "ipv6 unreachable cut inside the quote: not valid");
}

/* test_ipv6 - transports, extension headers, fragments, cuts */
static void test_ipv6(void)
{
	uint8_t b[512], pl[256];
	struct pkt_info pi;
	size_t n, cut, i;
	int wrong = 0;

	n = v6(b, 6, tcp_syn, sizeof(tcp_syn));
	is_int(pkt_parse(b, n, &pi), PKT_TCP, "ipv6 tcp: kind");
	check_addrs(&pi, 6, "ipv6 tcp");
	is_uint(pi.dport, 80, "ipv6 tcp: port");
	for (cut = 0; cut < n; cut++)
		if (pkt_parse(b, cut, &pi) != (cut < 40 ? PKT_BAD : PKT_OTHER))
			wrong++;
	is_int(wrong, 0, "ipv6 tcp cut at every length: bad below 40, else other");

	memset(pl, 0, 8);
	pl[0] = 17; pl[1] = 0;				/* hop-by-hop, 8 bytes */
	memcpy(pl + 8, udp_53, sizeof(udp_53));
	n = v6(b, 0, pl, 16);
	is_int(pkt_parse(b, n, &pi), PKT_UDP, "ipv6 hop-by-hop then udp");
	is_uint(pi.dport, 53, "ipv6 hop-by-hop then udp: port");

	memset(pl, 0, 8);
	pl[0] = 6; pl[2] = 0x00; pl[3] = 0x01;		/* fragment, offset 0, M */
	memcpy(pl + 8, tcp_syn, sizeof(tcp_syn));
	n = v6(b, 44, pl, 28);
	is_int(pkt_parse(b, n, &pi), PKT_TCP, "ipv6 first fragment: tcp");
	pl[2] = 0x01; pl[3] = 0x00;			/* offset 32 */
	n = v6(b, 44, pl, 28);
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv6 later fragment: other");

	for (i = 0; i < 9; i++) {			/* nine destination options */
		pl[i * 8] = i < 8 ? 60 : 6;
		memset(pl + i * 8 + 1, 0, 7);
	}
	memcpy(pl + 72, tcp_syn, sizeof(tcp_syn));
	n = v6(b, 60, pl, 92);
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv6 nine extension headers: other");

	memset(pl, 0, 8);
	pl[0] = 6; pl[1] = 200;				/* 1608 bytes claimed */
	n = v6(b, 60, pl, 28);
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv6 extension header past the end: other");

	n = v6(b, 59, pl, 8);
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv6 no next header: other");
	n = v6(b, 1, icmp_echo, 8);
	is_int(pkt_parse(b, n, &pi), PKT_OTHER, "ipv6 carrying icmpv4: other");
	b[4] = 0; b[5] = 0;				/* jumbogram length */
	n = v6(b, 17, udp_53, 8);
	b[4] = 0; b[5] = 0;
	is_int(pkt_parse(b, n, &pi), PKT_UDP, "ipv6 payload length 0: read to the copy range");
}

/* test_names - the name tables have a default case */
static void test_names(void)
{
	is_str(pkt_kind_name(PKT_TCP), "tcp", "kind name tcp");
	is_str(pkt_kind_name((enum pkt_kind)99), "bad", "unknown kind: bad");
	is_str(pkt_proto_name(17), "UDP", "proto name udp");
	ok(pkt_proto_name(47) == NULL, "proto name of gre: none");
}

int main(void)
{
	test_ipv4();
	test_ipv4_bad();
	test_icmp_errors();
	test_ipv6();
	test_names();
	return done_testing();
}
