/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	addr.t - parsing, formatting and keying addresses and prefixes
 */
#include <string.h>

#include "addr.h"
#include "../tap.h"

static const struct { const char *in; int ok; int family; const char *out; } parse[] = {
	{ "192.0.2.1", 1, 4, "192.0.2.1" },
	{ "0.0.0.0", 1, 4, "0.0.0.0" },
	{ "255.255.255.255", 1, 4, "255.255.255.255" },
	{ "2001:db8::1", 1, 6, "2001:db8::1" },
	{ "2001:DB8:0:0:0:0:0:1", 1, 6, "2001:db8::1" },
	{ "::", 1, 6, "::" },
	{ "::ffff:192.0.2.1", 1, 6, "::ffff:192.0.2.1" },
	{ "", 0, 0, NULL },
	{ "256.0.0.1", 0, 0, NULL },
	{ "1.2.3", 0, 0, NULL },
	{ "1.2.3.4 ", 0, 0, NULL },
	{ " 1.2.3.4", 0, 0, NULL },
	{ "1.2.3.4/32", 0, 0, NULL },
	{ "2001:db8::1::2", 0, 0, NULL },
	{ "fe80::1%eth0", 0, 0, NULL },
	{ "localhost", 0, 0, NULL },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc", 0, 0, NULL },
};

static const struct { const char *in; int ok; unsigned plen; } prefixes[] = {
	{ "10.0.0.0/8", 1, 8 },
	{ "0.0.0.0/0", 1, 0 },
	{ "192.0.2.1/32", 1, 32 },
	{ "192.0.2.1", 1, 32 },
	{ "::/0", 1, 0 },
	{ "2001:db8::/32", 1, 32 },
	{ "2001:db8::1/128", 1, 128 },
	{ "2001:db8::1", 1, 128 },
	{ "10.0.0.0/33", 0, 0 },
	{ "2001:db8::/129", 0, 0 },
	{ "10.0.0.0/", 0, 0 },
	{ "10.0.0.0/-1", 0, 0 },
	{ "10.0.0.0/8x", 0, 0 },
	{ "10.0.0.0/0008", 0, 0 },
	{ "/8", 0, 0 },
	{ "10.0.0.0/8/8", 0, 0 },
	{ "bogus/8", 0, 0 },
};

int main(void)
{
	struct sl_addr a, b;
	char buf[ADDR_STRLEN];
	uint8_t key[16];
	unsigned plen;
	size_t i;

	for (i = 0; i < sizeof(parse) / sizeof(parse[0]); i++) {
		int r = addr_parse(parse[i].in, &a);

		is_int(r == 0, parse[i].ok, "addr_parse(\"%s\") %s", parse[i].in,
		       parse[i].ok ? "accepted" : "refused");
		if (parse[i].ok && r == 0) {
			is_int(a.family, parse[i].family, "family of %s", parse[i].in);
			is_str(addr_format(&a, buf), parse[i].out, "format of %s", parse[i].in);
		}
	}
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		int r = prefix_parse(prefixes[i].in, &a, &plen);

		is_int(r == 0, prefixes[i].ok, "prefix_parse(\"%s\") %s", prefixes[i].in,
		       prefixes[i].ok ? "accepted" : "refused");
		if (prefixes[i].ok && r == 0)
			is_uint(plen, prefixes[i].plen, "length of %s", prefixes[i].in);
	}

	addr_from_bytes(&a, 4, "\xc0\x00\x02\x07");
	is_str(addr_format(&a, buf), "192.0.2.7", "addr_from_bytes IPv4");
	is_uint(addr_key(&a, 64, key), 4, "IPv4 key is 4 bytes");
	ok(memcmp(key, "\xc0\x00\x02\x07", 4) == 0, "IPv4 key bytes");

	addr_parse("2001:db8:1:2:aaaa::1", &a);
	addr_parse("2001:db8:1:2:bbbb::9", &b);
	ok(!addr_equal(&a, &b), "distinct IPv6 addresses differ");
	is_uint(addr_key(&a, 128, key), 16, "IPv6 /128 key is 16 bytes");
	is_uint(addr_key(&a, 0, key), 16, "IPv6 prefix 0 means no aggregation");
	{
		uint8_t k2[16];

		is_uint(addr_key(&a, 64, key), 8, "IPv6 /64 key is 8 bytes");
		addr_key(&b, 64, k2);
		ok(memcmp(key, k2, 16) == 0, "two addresses of one /64 share a key");
		is_uint(addr_key(&a, 60, key), 8, "IPv6 /60 key rounds up to 8 bytes");
		ok(key[7] == 0x00 && key[6] == 0x00, "bits past /60 cleared (got %02x)", key[7]);
	}
	addr_parse("192.0.2.1", &a);
	addr_parse("::ffff:192.0.2.1", &b);
	ok(!addr_equal(&a, &b), "IPv4 and mapped IPv6 are different families");
	addr_parse("192.0.2.1", &b);
	ok(addr_equal(&a, &b), "same IPv4 equal");
	a.family = 0;
	is_str(addr_format(&a, buf), "-", "no address formats as -");
	return done_testing();
}
