/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_dnssnoop - unit test of the answers read from logged
 *	replies (nft-expr/dns/dnssnoop.c)
 * DESCRIPTION
 *	Replies are built byte by byte as the kernel logs them (network
 *	header first): UDP over IPv4 and IPv6, TCP with the length prefix,
 *	CNAME chains. Each case says what the reader must count and which
 *	(client, address) pairs it must then call justified, and a pair it
 *	must not (another client, another address). Damaged input must be
 *	counted as malformed or truncated and justify nothing.
 */
#include <string.h>

#include "dns/dnsreasm.h"
#include "dns/dnssnoop.h"
#include "../tap.h"

#define SEC 1000000000ULL

struct buf { uint8_t b[2048]; size_t n; };

/* put - append bytes */
static void put(struct buf *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct buf *m, unsigned v) { put(m, (uint8_t[]){ v >> 8, v & 255 }, 2); }
static void put32(struct buf *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }

/* dns - a response for www.example.com: kind 0 one A (10.77.16.21),
   1 a CNAME chain to cdn.example.net then two A (.22, .23), 2 one AAAA
   (fd77:3::21), 3 a bad compression pointer, 4 a query (QR clear) */
static void dns(struct buf *m, int kind)
{
	static const uint8_t a1[4] = { 10, 77, 16, 21 }, a2[4] = { 10, 77, 16, 22 },
		a3[4] = { 10, 77, 16, 23 },
		a6[16] = { 0xfd, 0x77, 0, 3, [15] = 0x21 };

	m->n = 0;
	put16(m, 0x1234);
	put16(m, kind == 4 ? 0x0100 : 0x8180);
	put16(m, 1);
	put16(m, kind == 1 ? 3 : kind == 4 ? 0 : 1);
	put32(m, 0);
	put(m, "\3www\7example\3com\0", 17);
	put16(m, kind == 2 ? 28 : 1);
	put16(m, 1);
	if (kind == 4)
		return;
	put16(m, kind == 3 ? 0xc0ff : 0xc00c);	/* 0xff: past the message */
	if (kind == 1) {
		put16(m, 5);		/* CNAME */
		put16(m, 1);
		put32(m, 60);
		put16(m, 17);
		put(m, "\3cdn\7example\3net\0", 17);
		put16(m, 0xc000 | 41);	/* owner: the CNAME's target */
	}
	put16(m, kind == 2 ? 28 : 1);
	put16(m, 1);
	put32(m, 600);
	put16(m, kind == 2 ? 16 : 4);
	put(m, kind == 2 ? a6 : kind == 1 ? a2 : a1, kind == 2 ? 16 : 4);
	if (kind == 1) {
		put16(m, 0xc000 | 41);
		put16(m, 1);
		put16(m, 1);
		put32(m, 600);
		put16(m, 4);
		put(m, a3, 4);
	}
}

/* reply - the logged packet: family 4 or 6, proto 17 or 6, from sport,
   carrying the DNS bytes d (TCP: prefixed unless raw); cut bytes of
   the claimed length were not copied */
static void reply(struct buf *p, int family, int proto, unsigned sport,
		  const struct buf *d, int raw, size_t cut)
{
	size_t l4 = proto == 17 ? 8 : 20, dl = d->n + (proto == 6 && !raw ? 2 : 0);
	size_t total = (family == 4 ? 20 : 40) + l4 + dl;

	p->n = 0;
	if (family == 4) {
		put(p, (uint8_t[]){ 0x45, 0 }, 2);
		put16(p, (unsigned)total);
		put32(p, 0x40000000);	/* id 0, DF */
		put(p, (uint8_t[]){ 64, (uint8_t)proto, 0, 0 }, 4);
		put(p, (uint8_t[]){ 10, 77, 2, 2, 10, 77, 1, 12 }, 8);
	} else {
		put32(p, 0x60000000);
		put16(p, (unsigned)(l4 + dl));
		put(p, (uint8_t[]){ (uint8_t)proto, 64 }, 2);
		put(p, (uint8_t[16]){ 0xfd, 0x77, 0, 2, [15] = 2 }, 16);
		put(p, (uint8_t[16]){ 0xfd, 0x77, 0, 1, [15] = 0x12 }, 16);
	}
	put16(p, sport);
	put16(p, 40000);
	if (proto == 17) {
		put16(p, (unsigned)(8 + dl));
		put16(p, 0);
	} else {
		put32(p, 1);
		put32(p, 1);
		put(p, (uint8_t[]){ 0x50, 0x18 }, 2);	/* 20 bytes, PSH ACK */
		put16(p, 65535);
		put32(p, 0);
		if (!raw)
			put16(p, (unsigned)d->n);
	}
	put(p, d->b, d->n);
	p->n -= cut;
}

struct scase {
	const char *name;
	int family, proto, kind, raw, twice;
	unsigned sport;
	size_t cut;
	int want_rc;
	unsigned answers, records, malformed, truncated;
	const char *justified[3];	/* addresses now justified for the client */
};

static const struct scase cases[] = {
	{ "udp A over IPv4", 4, 17, 0, 0, 0, 53, 0, 1, 1, 1, 0, 0, { "10.77.16.21" } },
	{ "udp CNAME chain, two A", 4, 17, 1, 0, 0, 53, 0, 2, 1, 2, 0, 0,
	  { "10.77.16.22", "10.77.16.23" } },
	{ "udp AAAA over IPv6", 6, 17, 2, 0, 0, 53, 0, 1, 1, 1, 0, 0, { "fd77:3::21" } },
	{ "tcp A with its length prefix", 4, 6, 0, 0, 0, 53, 0, 1, 1, 1, 0, 0, { "10.77.16.21" } },
	{ "tcp two messages in one segment", 4, 6, 0, 0, 1, 53, 0, 2, 2, 2, 0, 0,
	  { "10.77.16.21" } },
	{ "tcp over IPv6", 6, 6, 2, 0, 0, 53, 0, 1, 1, 1, 0, 0, { "fd77:3::21" } },
	{ "tcp message longer than the segment", 4, 6, 0, 0, 0, 53, 5, -1, 0, 0, 0, 1, { 0 } },
	/* its first bytes read as a length past its end: kept as the start
	   of a long message (test_tcp_split: lost, counted, at FIN or idle) */
	{ "tcp segment without its prefix (a continuation)", 4, 6, 0, 1, 0, 53, 0, 0,
	  0, 0, 0, 0, { 0 } },
	{ "udp cut by the copy range", 4, 17, 0, 0, 0, 53, 3, -1, 0, 0, 0, 1, { 0 } },
	{ "udp bad compression pointer", 4, 17, 3, 0, 0, 53, 0, -1, 0, 0, 1, 0, { 0 } },
	{ "udp not from port 53", 4, 17, 0, 0, 0, 5353, 0, -1, 0, 0, 1, 0, { 0 } },
	{ "udp query, no answer", 4, 17, 4, 0, 0, 53, 0, 0, 1, 0, 0, 0, { 0 } },
};

/* justified - is the lab client (10.77.1.12 or fd77:1::12) justified to a */
static int justified(struct dnssnoop *s, int family, const char *a, uint64_t now)
{
	struct sl_addr c, d;

	(void)addr_parse(family == 4 ? "10.77.1.12" : "fd77:1::12", &c);
	(void)addr_parse(a, &d);
	return dnssnoop_justified(s, &c, &d, now);
}

/* test_case - one reply into a fresh reader */
static void test_case(const struct scase *k)
{
	static const uint8_t seed[16] = { 1, 2, 3 };
	struct dnssnoop *s = dnssnoop_create(300 * SEC, 1 << 20, seed);
	struct dnssnoop_stats st;
	struct buf d, two, p;
	struct sl_addr res, other;
	size_t i;
	int rc;

	dns(&d, k->kind);
	if (k->twice) {		/* two prefixed messages as one "raw" body */
		two.n = 0;
		put16(&two, (unsigned)d.n);
		put(&two, d.b, d.n);
		put16(&two, (unsigned)d.n);
		put(&two, d.b, d.n);
		reply(&p, k->family, k->proto, k->sport, &two, 1, k->cut);
	} else
		reply(&p, k->family, k->proto, k->sport, &d, k->raw, k->cut);
	rc = dnssnoop_packet(s, p.b, p.n, 10 * SEC);
	dnssnoop_stats(s, &st);
	is_int(rc < 0 ? -1 : rc, k->want_rc < 0 ? -1 : (int)k->records,
	       "%s: return value", k->name);
	if (!ok(st.answers == k->answers && st.records == k->records
		&& st.malformed == k->malformed && st.truncated == k->truncated,
		"%s: counted", k->name))
		diag("  got answers %llu records %llu malformed %llu truncated %llu, "
		     "want %u %u %u %u", (unsigned long long)st.answers,
		     (unsigned long long)st.records,
		     (unsigned long long)st.malformed,
		     (unsigned long long)st.truncated, k->answers, k->records,
		     k->malformed, k->truncated);
	for (i = 0; i < 3 && k->justified[i]; i++)
		ok(justified(s, k->family, k->justified[i], 11 * SEC),
		   "%s: %s justified for the client", k->name, k->justified[i]);
	ok(!justified(s, k->family, k->family == 4 ? "10.77.16.99" : "fd77:3::99",
		      11 * SEC), "%s: another address is not", k->name);
	(void)addr_parse(k->family == 4 ? "10.77.1.11" : "fd77:1::11", &other);
	(void)addr_parse(k->family == 4 ? "10.77.16.21" : "fd77:3::21", &res);
	ok(!dnssnoop_justified(s, &other, &res, 11 * SEC),
	   "%s: another client is not", k->name);
	(void)addr_parse(k->family == 4 ? "10.77.2.2" : "fd77:2::2", &res);
	is_int(dnssnoop_resolver(s, &res), k->answers > 0,
	       "%s: the sender is a resolver only if it answered", k->name);
	dnssnoop_free(s);
}

/* seg - a TCP segment from 10.77.2.2:53 to 10.77.1.12:cport carrying n
   bytes of b (no prefix added) with sequence number seq and flags */
static void seg(struct buf *p, const uint8_t *b, size_t n, uint32_t seq,
		unsigned cport, uint8_t flags)
{
	struct buf d;

	d.n = 0;
	put(&d, b, n);
	reply(p, 4, 6, 53, &d, 1, 0);
	p->b[22] = (uint8_t)(cport >> 8);
	p->b[23] = (uint8_t)cport;
	p->b[24] = (uint8_t)(seq >> 24);
	p->b[25] = (uint8_t)(seq >> 16);
	p->b[26] = (uint8_t)(seq >> 8);
	p->b[27] = (uint8_t)seq;
	p->b[33] = flags;
}

/* split_run - the CNAME answer (two A) prefixed, sent as two segments
   cut at byte cut (the second from seq + cut, or from seq + cut + gap
   for a lost segment between them), with fin on the first; the
   records the second gave (or -1), the stats after */
static int split_run(size_t cut, uint32_t gap, uint8_t fin1,
		     struct dnssnoop_stats *st, int *rc1)
{
	static const uint8_t seed[16] = { 1, 2, 3 };
	struct dnssnoop *s = dnssnoop_create(300 * SEC, 1 << 20, seed);
	struct buf d, m, p;
	uint32_t seq = 0xfffffff0u;	/* the sequence numbers wrap inside */
	int rc;

	dns(&d, 1);
	m.n = 0;
	put16(&m, (unsigned)d.n);
	put(&m, d.b, d.n);
	seg(&p, m.b, cut, seq, 40000, (uint8_t)(0x18 | fin1));
	*rc1 = dnssnoop_packet(s, p.b, p.n, 10 * SEC);
	seg(&p, m.b + cut, m.n - cut, seq + (uint32_t)cut + gap, 40000, 0x18);
	rc = dnssnoop_packet(s, p.b, p.n, 10 * SEC);
	if (rc > 0 && !(justified(s, 4, "10.77.16.22", 11 * SEC)
			&& justified(s, 4, "10.77.16.23", 11 * SEC)))
		rc = -2;
	dnssnoop_stats(s, st);
	dnssnoop_free(s);
	return rc;
}

/* test_tcp_split - an answer spread over two TCP segments is read
   whole, wherever the cut falls (inside the length, right after it,
   in the middle, one byte before the end); a lost segment between
   them or a FIN after the first loses it, counted as truncated */
static void test_tcp_split(void)
{
	static const size_t cuts[] = { 1, 2, 3, 40, 0 };
	struct dnssnoop_stats st;
	struct buf d;
	size_t i, cut;
	int rc, rc1;

	dns(&d, 1);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		cut = cuts[i] ? cuts[i] : d.n + 1;	/* 0: the last byte alone */
		rc = split_run(cut, 0, 0, &st, &rc1);
		is_int(rc1, 0, "split at %zu: the first segment holds no record yet", cut);
		is_int(rc, 2, "split at %zu: the second completes it, both A justified", cut);
		ok(st.answers == 1 && st.truncated == 0 && st.malformed == 0,
		   "split at %zu: one answer, nothing truncated (got %llu, %llu, %llu)",
		   cut, (unsigned long long)st.answers,
		   (unsigned long long)st.truncated, (unsigned long long)st.malformed);
	}
	rc = split_run(40, 10, 0, &st, &rc1);
	ok(rc < 0 && st.truncated == 1 && st.answers == 0,
	   "a lost segment between them: truncated (rc %d, truncated %llu)", rc,
	   (unsigned long long)st.truncated);
	rc = split_run(40, 0, 0x01, &st, &rc1);
	ok(rc1 < 0 && st.truncated >= 1 && st.answers == 0,
	   "a FIN after the first part: truncated (rc %d, truncated %llu)", rc1,
	   (unsigned long long)st.truncated);
}

/* feed_fn - dnsreasm_fn: count whole messages */
static void feed_fn(void *ctx, const uint8_t *msg, size_t len)
{
	(void)msg;
	(void)len;
	(*(unsigned *)ctx)++;
}

/* test_reasm_bounds - dnsreasm's bounds: one client holds at most
   DNSREASM_PER_CLIENT partial flows (the next evicts its oldest, lost),
   another client's flow is untouched by that; an idle flow is dropped
   (lost) after DNSREASM_IDLE_NS; a retransmission is skipped */
static void test_reasm_bounds(void)
{
	struct dnsreasm *r = dnsreasm_create();
	struct dnsreasm_key k = { 0 };
	static const uint8_t part[4] = { 0x01, 0x00, 0xaa, 0xbb };	/* 256 wanted */
	uint8_t rest[254];
	unsigned lost = 0, got = 0;
	int i;

	memset(rest, 0, sizeof(rest));
	(void)addr_parse("10.77.2.2", &k.src);
	(void)addr_parse("10.77.1.13", &k.dst);	/* the other client */
	k.sport = 53;
	k.dport = 999;
	lost += dnsreasm_feed(r, &k, 100, 0, part, 4, SEC, feed_fn, &got);
	(void)addr_parse("10.77.1.12", &k.dst);
	for (i = 0; i < DNSREASM_PER_CLIENT + 1; i++) {
		k.dport = (uint16_t)(1000 + i);
		lost += dnsreasm_feed(r, &k, 100, 0, part, 4, (uint64_t)(2 + i) * SEC,
				      feed_fn, &got);
	}
	is_uint(lost, 1, "one client's %d partial flows: its oldest evicted, lost",
		DNSREASM_PER_CLIENT + 1);
	is_uint(dnsreasm_flows(r), DNSREASM_PER_CLIENT + 1,
		"%d of its flows kept, and the other client's", DNSREASM_PER_CLIENT);
	k.dport = 1000 + DNSREASM_PER_CLIENT;
	lost = dnsreasm_feed(r, &k, 100, 0, part, 4, 8 * SEC, feed_fn, &got);
	is_uint(lost + got, 0, "a retransmission of what was read: skipped");
	lost = dnsreasm_feed(r, &k, 104, 0, rest, sizeof(rest), 8 * SEC, feed_fn, &got);
	is_uint(got, 1, "the rest completes that message");
	lost = dnsreasm_feed(r, &k, 1, 0, NULL, 0, 8 * SEC + DNSREASM_IDLE_NS,
			     feed_fn, &got);
	is_uint(lost, DNSREASM_PER_CLIENT, "idle flows dropped after %llu s, lost",
		(unsigned long long)(DNSREASM_IDLE_NS / SEC));
	is_uint(dnsreasm_flows(r), 0, "none left");
	dnsreasm_free(r);
}

/* test_ttl - an answer justifies until max(TTL, floor), no longer */
static void test_ttl(void)
{
	static const uint8_t seed[16] = { 4 };
	struct dnssnoop *s = dnssnoop_create(300 * SEC, 1 << 20, seed);
	struct buf d, p;

	dns(&d, 0);		/* TTL 600 */
	reply(&p, 4, 17, 53, &d, 0, 0);
	(void)dnssnoop_packet(s, p.b, p.n, 0);
	ok(justified(s, 4, "10.77.16.21", 599 * SEC), "justified within the TTL");
	ok(!justified(s, 4, "10.77.16.21", 601 * SEC), "not after it");
	dnssnoop_free(s);
}

/* test_garbage - short and empty input is malformed, never a crash */
static void test_garbage(void)
{
	static const uint8_t seed[16] = { 5 };
	struct dnssnoop *s = dnssnoop_create(0, 1 << 20, seed);
	struct dnssnoop_stats st;
	uint8_t junk[3] = { 0x45, 0, 0 };

	is_int(dnssnoop_packet(s, NULL, 0, 0), -1, "NULL is refused");
	is_int(dnssnoop_packet(s, junk, sizeof(junk), 0), -1, "3 bytes are refused");
	dnssnoop_stats(s, &st);
	is_uint(st.malformed, 2, "both counted as malformed");
	is_uint(st.packets, 2, "and as packets read");
	dnssnoop_free(s);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_case(&cases[i]);
	test_ttl();
	test_garbage();
	test_tcp_split();
	test_reasm_bounds();
	return done_testing();
}
