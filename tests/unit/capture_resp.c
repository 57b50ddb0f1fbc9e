/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_resp - unit test of the honeypot's answers
 *	(nft-expr/capture/cap_resp.c)
 * DESCRIPTION
 *	Scenarios with time passed in: a SYN answered with Linux's options
 *	for what was offered, the handshake's ACK recognised by its hash
 *	alone (and refused when forged or late), the first payload
 *	acknowledged with the window closed, window probes answered with
 *	the same acknowledgement, FIN and RST ending a record, UDP flows,
 *	the sweep, and a million held connections within the default
 *	memory cap.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/cap_resp.h"
#include "../tap.h"
#include "capture_pkt.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
static const uint8_t secret[16] = "0123456789abcdef";

/* seg - parse a client segment built by capture_pkt.h */
static struct cap_seg seg(uint8_t *buf, size_t n)
{
	struct cap_seg s;

	(void)cap_seg_parse(buf, n, &s);
	return s;
}

/* answer - feed one segment; reply and whether there is one */
static enum cap_what answer(struct cap_resp *r, int fam, uint8_t flags,
			    uint32_t seq, uint32_t ack, const uint8_t *opt,
			    size_t optlen, const char *data, uint64_t now,
			    struct cap_reply *o, int *has)
{
	static uint8_t buf[2000];
	size_t n = cp_tcp(buf, fam, flags, seq, ack, opt, optlen, data,
			  data ? strlen(data) : 0);
	struct cap_seg s = seg(buf, n);

	return cap_resp_segment(r, &s, now, o, has);
}

/* test_synack_options - what Linux answers to each offer */
static void test_synack_options(void)
{
	static const struct {
		uint8_t offer[20];
		size_t olen;
		int fam;
		uint8_t want[20];
		size_t wlen;
		uint16_t win;
		const char *name;
	} cases[] = {
		{ { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0, 1, 3, 3, 7 }, 20, 4,
		  { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9, 1, 3, 3, 7 }, 20,
		  65160, "Linux offer: MSS, SACK+TS, NOP+wscale 7, window 65160" },
		{ { 0 }, 0, 4, { 2, 4, 5, 0xb4 }, 4, 64240, "no options: MSS only, window 64240" },
		{ { 2, 4, 5, 0xb4, 1, 1, 4, 2 }, 8, 4,
		  { 2, 4, 5, 0xb4, 1, 1, 4, 2 }, 8, 64240, "MSS and SACK: NOP NOP SACK" },
		{ { 2, 4, 5, 0xb4, 1, 3, 3, 2 }, 8, 4,
		  { 2, 4, 5, 0xb4, 1, 3, 3, 7 }, 8, 64240, "wscale offered: ours is 7" },
		{ { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0 }, 12, 6,
		  { 2, 4, 5, 0xa0, 1, 1, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9 }, 16,
		  64260, "IPv6, TS only: MSS 1440, NOP NOP TS, window 64260" },
	};
	struct cap_resp *r = cap_resp_create(secret, 1 << 20, 600 * SEC);
	struct cap_reply o;
	uint8_t got[CAP_OPT_MAX];
	size_t i;
	int has;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		is_int(answer(r, cases[i].fam, CAP_TCP_SYN, 7000, 0, cases[i].offer,
			      cases[i].olen, NULL, SEC, &o, &has), CAP_SYN,
		       "%s: a SYN", cases[i].name);
		is_int(has, 1, "%s: answered", cases[i].name);
		is_uint(o.flags, CAP_TCP_SYN | CAP_TCP_ACK, "%s: SYN-ACK", cases[i].name);
		is_uint(o.ack, 7001, "%s: acknowledges the SYN", cases[i].name);
		is_uint(o.win, cases[i].win, "%s: window", cases[i].name);
		is_uint(o.opt_len, cases[i].wlen, "%s: option length", cases[i].name);
		memcpy(got, o.opt, o.opt_len);
		if (o.opt_len >= 12 && cases[i].wlen >= 12 && cases[i].want[6] == 8)
			memset(got + 8, 0xff, 4);	/* our TSval varies */
		ok(o.opt_len == cases[i].wlen && memcmp(got, cases[i].want, o.opt_len) == 0,
		   "%s: options in Linux's order", cases[i].name);
	}
	cap_resp_free(r);
}

/* test_consistency - per address values that do not give us away */
static void test_consistency(void)
{
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct cap_resp *r = cap_resp_create(secret, 1 << 20, 600 * SEC);
	struct cap_reply a, b, c;
	int has;
	uint32_t tsa, tsb;

	cp_sport = 40001;
	(void)answer(r, 4, CAP_TCP_SYN, 1, 0, ts, 12, NULL, SEC, &a, &has);
	cp_sport = 40002;
	(void)answer(r, 4, CAP_TCP_SYN, 1, 0, ts, 12, NULL, SEC + 250 * MS, &b, &has);
	cp_sport = 40001;
	(void)answer(r, 4, CAP_TCP_SYN, 1, 0, ts, 12, NULL, 2 * SEC, &c, &has);
	tsa = (uint32_t)a.opt[8] << 24 | (uint32_t)a.opt[9] << 16 | (uint32_t)a.opt[10] << 8 | a.opt[11];
	tsb = (uint32_t)b.opt[8] << 24 | (uint32_t)b.opt[9] << 16 | (uint32_t)b.opt[10] << 8 | b.opt[11];
	is_uint(tsb - tsa, 250, "one timestamp clock per address pair, in ms");
	ok(a.seq != b.seq, "ISN differs between source ports");
	is_uint(c.seq, a.seq, "ISN of a reused port is the same within an epoch");
	ok(a.win == b.win && a.opt_len == b.opt_len, "same window and options");
	cp_sport = 40000;
	cap_resp_free(r);
}

/* test_hold - handshake, payload, persist */
static void test_hold(void)
{
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct cap_resp *r = cap_resp_create(secret, 1 << 20, 600 * SEC);
	struct cap_resp_stats st;
	struct cap_reply o;
	uint32_t isn;
	int has;

	(void)answer(r, 4, CAP_TCP_SYN, 5000, 0, NULL, 0, NULL, SEC, &o, &has);
	isn = o.seq;
	is_int(answer(r, 4, CAP_TCP_ACK, 5001, isn + 2, NULL, 0, NULL, SEC + MS, &o, &has),
	       CAP_INVALID, "an ACK one off our ISN is not ours");
	is_int(has, 0, "and is not answered");
	is_int(answer(r, 4, CAP_TCP_ACK, 5001, isn + 1, NULL, 0, NULL, SEC + MS, &o, &has),
	       CAP_NOTHING, "the handshake's ACK is recognised");
	is_int(has, 0, "and needs no answer, as on a real host");
	is_int(answer(r, 4, CAP_TCP_ACK | CAP_TCP_PSH, 5001, isn + 1, ts, 12, "HELLO WORM",
		      2 * SEC, &o, &has), CAP_DATA, "the first payload");
	ok(has && o.ack == 5011 && o.seq == isn + 1 && o.win == 0 && o.flags == CAP_TCP_ACK,
	   "acknowledged in full with the window closed (ack %u, win %u)", o.ack, o.win);
	ok(o.opt_len == 12 && o.opt[2] == 8 && o.opt[11] == 1,
	   "with a timestamp echoing the client's");
	is_int(answer(r, 4, CAP_TCP_ACK | CAP_TCP_PSH, 5011, isn + 1, NULL, 0, "MORE",
		      2 * SEC, &o, &has), CAP_PROBE, "more data is not taken");
	ok(has && o.ack == 5011 && o.win == 0, "answered with the same ack (%u), window 0", o.ack);
	is_int(answer(r, 4, CAP_TCP_ACK, 5010, isn + 1, NULL, 0, NULL, 200 * SEC, &o, &has),
	       CAP_PROBE, "a zero-window probe minutes later");
	ok(has && o.ack == 5011 && o.win == 0, "is answered: the connection is held");
	cap_resp_stats(r, &st);
	is_uint(st.held, 1, "one connection held");
	cap_resp_sweep(r, 300 * SEC, 120 * SEC);
	cap_resp_stats(r, &st);
	is_uint(st.active, 1, "probed within 120 s: active");
	cap_resp_sweep(r, 801 * SEC, 120 * SEC);
	cap_resp_stats(r, &st);
	ok(st.held == 0 && st.records == 0, "silent past the hold timeout: forgotten");
	is_int(answer(r, 4, CAP_TCP_ACK, 5010, isn + 1, NULL, 0, NULL, 802 * SEC, &o, &has),
	       CAP_INVALID, "a forgotten connection's ACK is long past both epochs");
	cap_resp_free(r);
}

/* test_end - FIN, RST, late ACK, UDP */
static void test_end(void)
{
	struct cap_resp *r = cap_resp_create(secret, 1 << 20, 600 * SEC);
	struct cap_resp_stats st;
	struct cap_reply o;
	uint8_t buf[200];
	struct cap_seg s;
	uint32_t isn;
	int has;

	(void)answer(r, 6, CAP_TCP_SYN, 100, 0, NULL, 0, NULL, SEC, &o, &has);
	isn = o.seq;
	is_int(answer(r, 6, CAP_TCP_ACK, 101, isn + 1, NULL, 0, NULL, 140 * SEC, &o, &has),
	       CAP_INVALID, "an ACK two epochs after the SYN-ACK is refused");
	(void)answer(r, 6, CAP_TCP_SYN, 100, 0, NULL, 0, NULL, 150 * SEC, &o, &has);
	isn = o.seq;
	is_int(answer(r, 6, CAP_TCP_ACK | CAP_TCP_PSH | CAP_TCP_FIN, 101, isn + 1, NULL, 0,
		      "QUIT", 151 * SEC, &o, &has), CAP_DATA,
	       "a payload with FIN is still the first payload");
	ok(has && o.flags == (CAP_TCP_FIN | CAP_TCP_ACK) && o.ack == 106,
	   "FIN answered with FIN+ACK past data and FIN (ack %u)", o.ack);
	cap_resp_stats(r, &st);
	is_uint(st.records, 0, "and the record is gone");
	cp_sport = 40100;
	(void)answer(r, 6, CAP_TCP_SYN, 100, 0, NULL, 0, NULL, 80 * SEC, &o, &has);
	isn = o.seq;
	(void)answer(r, 6, CAP_TCP_ACK, 101, isn + 1, NULL, 0, "x", 80 * SEC, &o, &has);
	is_int(answer(r, 6, CAP_TCP_RST, 102, 0, NULL, 0, NULL, 81 * SEC, &o, &has),
	       CAP_NOTHING, "RST");
	cap_resp_stats(r, &st);
	ok(st.records == 0 && st.held == 0 && has == 0, "RST ends the record unanswered");
	cp_sport = 40000;
	s = seg(buf, cp_udp(buf, 4, 5000, "probe", 5));
	is_int(cap_resp_segment(r, &s, SEC, &o, &has), CAP_UDP_FIRST, "first datagram");
	is_int(cap_resp_segment(r, &s, SEC, &o, &has), CAP_UDP_AGAIN, "second of that flow");
	is_int(has, 0, "UDP is never answered");
	s = seg(buf, cp_udp(buf, 4, 5001, "probe", 5));
	is_int(cap_resp_segment(r, &s, SEC, &o, &has), CAP_UDP_FIRST, "another source port: new flow");
	s.kind = CAP_SEG_OTHER;
	is_int(cap_resp_segment(r, &s, SEC, &o, &has), CAP_INVALID, "other kinds are invalid");
	cap_resp_free(r);
}

/* test_million - a million held connections fit in 64 MB */
static void test_million(void)
{
	struct cap_resp *r = cap_resp_create(secret, 64 << 20, 600 * SEC);
	struct cap_resp_stats st;
	struct cap_reply o;
	uint8_t buf[200];
	struct cap_seg s;
	unsigned i, held = 0;
	int has;

	s = seg(buf, cp_tcp(buf, 4, CAP_TCP_SYN, 1, 0, NULL, 0, "x", 1));
	for (i = 0; i < 1000000; i++) {
		s.src.b[2] = (uint8_t)(i >> 16), s.src.b[3] = (uint8_t)(i >> 8);
		s.sport = (uint16_t)(1024 + (i & 0xff));
		s.flags = CAP_TCP_SYN, s.wire_len = 0, s.seq = 1;
		(void)cap_resp_segment(r, &s, SEC, &o, &has);
		s.flags = CAP_TCP_ACK, s.ack = o.seq + 1, s.seq = 2, s.wire_len = 1;
		held += cap_resp_segment(r, &s, SEC, &o, &has) == CAP_DATA;
	}
	cap_resp_stats(r, &st);
	is_uint(held, 1000000, "a million first payloads");
	is_uint(st.held, 1000000, "a million connections held");
	cmp_ok(st.bytes, <=, 64 << 20, "within 64 MB (%zu bytes, %.1f a connection)",
	       st.bytes, (double)st.bytes / 1e6);
	is_uint(st.evictions, 0, "none evicted");
	cap_resp_free(r);
}

int main(void)
{
	test_synack_options();
	test_consistency();
	test_hold();
	test_end();
	test_million();
	return done_testing();
}
