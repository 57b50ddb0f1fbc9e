/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_seg - unit test of the capture path's segment parser and
 *	builder (nft-expr/capture/cap_seg.c)
 * DESCRIPTION
 *	Client segments from capture_pkt.h are parsed: fields, options in
 *	odd layouts, payload bounds; every cut of them must land on a
 *	defined kind without reading past the buffer (SANITIZE=1 checks
 *	that). Built segments are checked byte by byte and by an
 *	independent checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/cap_seg.h"
#include "../tap.h"
#include "capture_pkt.h"

static const uint8_t linux_syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7 };

/* test_syn - a Linux SYN's options, both families */
static void test_syn(void)
{
	uint8_t b[200];
	struct cap_seg s;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		size_t n = cp_tcp(b, fam, CAP_TCP_SYN, 1000, 0, linux_syn_opts, 20,
				  NULL, 0);

		is_int(cap_seg_parse(b, n, &s), CAP_SEG_TCP, "IPv%d SYN is TCP", fam);
		is_int(s.src.family, fam, "IPv%d family", fam);
		ok(memcmp(s.dst.b, fam == 4 ? cp_dst4 : cp_dst6, fam == 4 ? 4 : 16) == 0,
		   "IPv%d destination", fam);
		is_uint(s.sport, 40000, "IPv%d source port", fam);
		is_uint(s.dport, 80, "IPv%d destination port", fam);
		is_uint(s.seq, 1000, "IPv%d seq", fam);
		is_uint(s.flags, CAP_TCP_SYN, "IPv%d flags", fam);
		is_uint(s.win, 64240, "IPv%d window", fam);
		is_uint(s.mss, 1460, "IPv%d MSS", fam);
		is_uint(s.sack_ok, 1, "IPv%d SACK permitted", fam);
		is_uint(s.has_ts, 1, "IPv%d timestamps", fam);
		is_uint(s.tsval, 0x1234, "IPv%d TSval", fam);
		is_uint(s.wscale, 7, "IPv%d window scale", fam);
		is_uint(s.wire_len, 0, "IPv%d no payload", fam);
	}
}

/* test_options - odd option layouts end the walk safely */
static void test_options(void)
{
	static const struct {
		uint8_t opt[12];
		uint16_t mss;
		uint8_t ws, sack;
		const char *name;
	} cases[] = {
		{ { 1, 1, 1, 1, 2, 4, 0x02, 0x18, 0, 0, 0, 0 }, 536, 0xff, 0, "NOPs then MSS" },
		{ { 0, 0, 0, 0, 2, 4, 0x02, 0x18, 0, 0, 0, 0 }, 0, 0xff, 0, "end of options first" },
		{ { 2, 0, 0x02, 0x18, 3, 3, 9, 0, 0, 0, 0, 0 }, 0, 0xff, 0, "length 0 stops the walk" },
		{ { 2, 3, 0x02, 3, 3, 20, 4, 2, 0, 0, 0, 0 }, 0, 14, 1, "MSS of bad length ignored, wscale capped at 14" },
		{ { 3, 3, 2, 2, 40, 0, 0, 0, 0, 0, 0, 0 }, 0, 2, 0, "option running past the header stops" },
		{ { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4 }, 0, 0xff, 0, "kind at the last byte has no length" },
	};
	uint8_t b[200];
	struct cap_seg s;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = cp_tcp(b, 4, CAP_TCP_SYN, 1, 0, cases[i].opt, 12, NULL, 0);
		is_int(cap_seg_parse(b, n, &s), CAP_SEG_TCP, "%s: TCP", cases[i].name);
		is_uint(s.mss, cases[i].mss, "%s: MSS", cases[i].name);
		is_uint(s.wscale, cases[i].ws, "%s: wscale", cases[i].name);
		is_uint(s.sack_ok, cases[i].sack, "%s: SACK", cases[i].name);
	}
}

/* test_payload - payload as copied, length as claimed */
static void test_payload(void)
{
	uint8_t b[200];
	struct cap_seg s;
	size_t n = cp_tcp(b, 4, CAP_TCP_ACK | CAP_TCP_PSH, 1001, 5, NULL, 0,
			  "GET / HTTP/1.0\r\n\r\n", 18);

	is_int(cap_seg_parse(b, n, &s), CAP_SEG_TCP, "data segment is TCP");
	is_uint(s.data_len, 18, "payload length");
	is_uint(s.wire_len, 18, "claimed length");
	ok(s.data && memcmp(s.data, "GET / ", 6) == 0, "payload bytes");
	is_int(cap_seg_parse(b, n - 8, &s), CAP_SEG_TCP, "cut at the copy range: TCP");
	is_uint(s.data_len, 10, "cut: payload as copied");
	is_uint(s.wire_len, 18, "cut: length the header claims");
	n = cp_udp(b, 6, 5353, "\x12\x34hello", 7);
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_UDP, "IPv6 UDP");
	is_uint(s.sport, 5353, "UDP source port");
	is_uint(s.dport, 53, "UDP destination port");
	is_uint(s.data_len, 7, "UDP payload");
	b[40 + 5] = 4;		/* UDP length 4: below its own header */
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_OTHER, "UDP length below 8 is other");
	ok(s.data == NULL && s.data_len == 0, "other has no payload");
}

/* test_cuts - every prefix of a segment, and odd headers */
static void test_cuts(void)
{
	uint8_t b[200], *c;
	struct cap_seg s;
	size_t n = cp_tcp(b, 6, CAP_TCP_SYN, 1, 0, linux_syn_opts, 20, "xyz", 3), i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		c = malloc(i ? i : 1);
		memcpy(c, b, i);
		enum cap_seg_kind k = cap_seg_parse(c, i, &s);
		if (k == CAP_SEG_TCP && (s.data_len > i || (s.data_len && s.data + s.data_len > c + i)))
			bad++;
		if (i < 40 && k != CAP_SEG_BAD)
			bad++;
		if (i >= 40 && i < 40 + 40 && k != CAP_SEG_OTHER)
			bad++;
		free(c);
	}
	is_int(bad, 0, "every cut of an IPv6 SYN: bad, other, or TCP within bounds");
	n = cp_tcp(b, 4, CAP_TCP_SYN, 1, 0, NULL, 0, NULL, 0);
	b[6] = 0x20;		/* more fragments */
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_TCP, "first fragment is read");
	b[6] = 0x00, b[7] = 0x08;	/* offset 64: a later fragment */
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_OTHER, "later fragment is other");
	b[7] = 0;
	b[20 + 12] = 0x40;	/* data offset 16 bytes */
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_OTHER, "TCP data offset below 20 is other");
	b[20 + 12] = 0xf0;	/* 60 bytes, more than there is */
	is_int(cap_seg_parse(b, n, &s), CAP_SEG_OTHER, "TCP data offset past the end is other");
	n = cp_ip(b, 4, 1, 8);
	is_int(cap_seg_parse(b, n + 8, &s), CAP_SEG_OTHER, "ICMP is other");
	is_int(cap_seg_parse(NULL, 0, &s), CAP_SEG_BAD, "NULL is bad");
}

/* test_build - a SYN-ACK built, read back, checksummed */
static void test_build(void)
{
	struct cap_reply r;
	struct cap_seg s;
	uint8_t b[CAP_SEG_MAX];
	size_t n;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		memset(&r, 0, sizeof(r));
		addr_from_bytes(&r.src, fam, fam == 4 ? cp_dst4 : cp_dst6);
		addr_from_bytes(&r.dst, fam, fam == 4 ? cp_src4 : cp_src6);
		r.sport = 80, r.dport = 40000, r.seq = 0xdeadbeef, r.ack = 1001;
		r.flags = CAP_TCP_SYN | CAP_TCP_ACK, r.win = 65160, r.ip_id = 0;
		memcpy(r.opt, linux_syn_opts, 20);
		r.opt_len = 20;
		n = cap_seg_build(&r, b, sizeof(b));
		is_uint(n, (fam == 4 ? 20 : 40) + 40, "IPv%d SYN-ACK length", fam);
		ok(cp_csum_ok(b, n), "IPv%d checksums add up", fam);
		if (fam == 4)
			ok(b[6] == 0x40 && b[8] == 64 && b[4] == 0 && b[5] == 0,
			   "IPv4: DF, TTL 64, ID 0");
		else
			is_uint(b[7], 64, "IPv6 hop limit 64");
		is_int(cap_seg_parse(b, n, &s), CAP_SEG_TCP, "IPv%d reads back", fam);
		ok(s.seq == 0xdeadbeef && s.ack == 1001 && s.win == 65160
		   && s.flags == (CAP_TCP_SYN | CAP_TCP_ACK) && s.sport == 80
		   && s.dport == 40000 && s.mss == 1460 && s.wscale == 7,
		   "IPv%d fields read back", fam);
	}
	r.opt_len = 3;
	is_uint(cap_seg_build(&r, b, sizeof(b)), 0, "options not in words refused");
	r.opt_len = 0;
	r.dst.family = 4;
	is_uint(cap_seg_build(&r, b, sizeof(b)), 0, "mixed families refused");
}

int main(void)
{
	test_syn();
	test_options();
	test_payload();
	test_cuts();
	test_build();
	return done_testing();
}
