/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsmsg.t - A/AAAA answers from hand-built DNS responses, and refusals
 */
#include <stdio.h>
#include <string.h>

#include "dnsmsg.h"
#include "../tap.h"

struct msg { uint8_t b[1024]; size_t n; };

/* put - append bytes */
static void put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, unsigned v) { put(m, (uint8_t[]){ v >> 8, v & 255 }, 2); }
static void put32(struct msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }

/* header - id 0x1234, flags (response by default), counts */
static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

/* question - www.example.com IN type */
static void question(struct msg *m, unsigned type)
{
	put(m, "\3www\7example\3com\0", 17);
	put16(m, type);
	put16(m, 1);
}

/* rr - an answer whose owner is a pointer to the question name (offset 12) */
static void rr(struct msg *m, unsigned type, uint32_t ttl, const void *rdata, unsigned rdlen)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
	put(m, rdata, rdlen);
}

struct seen { int n; int family[8]; uint8_t addr[8][16]; uint32_t ttl[8]; };

/* collect - dnsmsg_fn: remember what was reported */
static void collect(void *ctx, int family, const uint8_t *addr, uint32_t ttl)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->family[s->n] = family;
		memcpy(s->addr[s->n], addr, family == 4 ? 4 : 16);
		s->ttl[s->n] = ttl;
	}
	s->n++;
}

static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* good - a CNAME, an A, an AAAA, a TXT: two reported */
static void good(struct msg *m)
{
	uint8_t cname[] = "\3web\xc0\x10";	/* web.example.com via pointer */

	header(m, 0x8180, 1, 4);
	question(m, 1);
	rr(m, 5, 60, cname, 6);
	rr(m, 1, 3600, "\xc0\x00\x02\x01", 4);
	rr(m, 28, 30, v6, 16);
	rr(m, 16, 30, "\4text", 5);
}

static void test_valid(void)
{
	struct seen s = { 0 };
	struct msg m;
	int r;

	good(&m);
	r = dnsmsg_answers(m.b, m.n, collect, &s);
	is_int(r, 2, "two address records in a four-record answer");
	is_int(s.n, 2, "both reported");
	is_int(s.family[0], 4, "first is A");
	ok(memcmp(s.addr[0], "\xc0\x00\x02\x01", 4) == 0, "A is 192.0.2.1");
	is_uint(s.ttl[0], 3600, "A ttl");
	is_int(s.family[1], 6, "second is AAAA");
	ok(memcmp(s.addr[1], v6, 16) == 0, "AAAA is 2001:db8::1");
	is_uint(s.ttl[1], 30, "AAAA ttl");

	header(&m, 0x8183, 1, 0);	/* NXDOMAIN */
	question(&m, 1);
	is_int(dnsmsg_answers(m.b, m.n, collect, &s), 0, "NXDOMAIN: nothing");
	good(&m);
	m.b[2] &= 0x7f;
	is_int(dnsmsg_answers(m.b, m.n, collect, &s), 0, "a query (QR clear) reports nothing");
	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	rr(&m, 1, 0x80000000u, "\1\2\3\4", 4);
	s.n = 0;
	is_int(dnsmsg_answers(m.b, m.n, collect, &s), 1, "one A");
	is_uint(s.ttl[0], 0, "a TTL over 2^31-1 reads as 0");
	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	put16(&m, 0xc00c); put16(&m, 1); put16(&m, 3); put32(&m, 5); put16(&m, 4);
	put(&m, "\1\2\3\4", 4);	/* class CHAOS */
	is_int(dnsmsg_answers(m.b, m.n, NULL, NULL), 0, "non-IN class skipped");
	/* a pointer chain: two hops back */
	header(&m, 0x8180, 1, 2);
	question(&m, 1);
	rr(&m, 5, 60, "\3web\xc0\x10", 6);	/* at 33; its name starts at 45 */
	put16(&m, 0xc000 | 45);
	put16(&m, 1); put16(&m, 1); put32(&m, 9); put16(&m, 4);
	put(&m, "\x0a\0\0\1", 4);
	is_int(dnsmsg_answers(m.b, m.n, NULL, NULL), 1, "pointer to a name ending in a pointer");
}

/* bad - run a damaged message: -1 and nothing reported */
static void bad(const struct msg *m, const char *what)
{
	struct seen s = { 0 };
	int r = dnsmsg_answers(m->b, m->n, collect, &s);

	ok(r == -1 && s.n == 0, "%s: refused, nothing reported (r %d, reported %d)", what, r, s.n);
}

static void test_malformed(void)
{
	struct msg m, t;
	size_t cut, wrong = 0;
	struct seen s;

	good(&m);
	for (cut = 0; cut < m.n; cut++) {
		memset(&s, 0, sizeof(s));
		if (dnsmsg_answers(m.b, cut, collect, &s) != -1 || s.n != 0)
			wrong++;
	}
	is_uint(wrong, 0, "truncated at every one of %zu bytes: always refused", m.n);

	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	put16(&m, 0xc000 | (unsigned)m.n);	/* points at itself */
	put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put(&m, "abcd", 4);
	bad(&m, "pointer to itself");

	header(&m, 0x8180, 1, 1);
	put(&m, "\3www\xc0\x11", 6);	/* question name points forward into itself */
	put16(&m, 1); put16(&m, 1);
	rr(&m, 1, 1, "abcd", 4);
	bad(&m, "pointer loop through a forward pointer");

	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	put16(&m, 0xc000 | 2);	/* into the header */
	put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put(&m, "abcd", 4);
	bad(&m, "pointer into the header");

	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	rr(&m, 1, 1, "abcde", 5);
	bad(&m, "A with rdlength 5");

	header(&m, 0x8180, 1, 1);
	question(&m, 28);
	rr(&m, 28, 1, "abcd", 4);
	bad(&m, "AAAA with rdlength 4");

	header(&m, 0x8180, 1, 1);
	question(&m, 1);
	rr(&m, 1, 1, "abcd", 4);
	m.b[m.n - 5] = 200;	/* rdlength past the end */
	bad(&m, "rdlength past the end");

	header(&m, 0x8180, 1, 2);
	question(&m, 1);
	rr(&m, 1, 1, "abcd", 4);
	bad(&m, "ancount larger than the records");

	header(&m, 0x8180, 1, 0);
	put(&m, "\x40www\0", 5);
	put16(&m, 1); put16(&m, 1);
	bad(&m, "reserved label type 01");

	t.n = 0;
	header(&t, 0x8180, 1, 0);
	for (cut = 0; cut < 5; cut++)
		put(&t, "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64);
	put(&t, "\0", 1);
	put16(&t, 1); put16(&t, 1);
	bad(&t, "name longer than 255 bytes");

	header(&m, 0x8180, 1, 0);
	is_int(dnsmsg_answers(m.b, 11, NULL, NULL), -1, "shorter than a header");
	is_int(dnsmsg_answers(NULL, 0, NULL, NULL), -1, "no message");
	header(&m, 0x8180, 0xffff, 0);
	bad(&m, "qdcount 65535 with no questions");
}

int main(void)
{
	test_valid();
	test_malformed();
	return done_testing();
}
