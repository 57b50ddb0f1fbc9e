/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	addr - IPv4/IPv6 addresses and prefixes, parsing and formatting
 * SYNOPSIS
 *	#include "addr.h"
 * DESCRIPTION
 *	Thin, bounded wrappers around inet_pton/inet_ntop. Text longer
 *	than any address is refused before it is copied. IPv4 addresses
 *	sit in b[0..3] with the rest zero, so addr_equal() and the key
 *	bytes never see stale data.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

/* addr_parse - parse a literal IPv4 or IPv6 address; 0 or -1 */
int addr_parse(const char *s, struct sl_addr *out)
{
	struct sl_addr a;

	if (s == NULL || strlen(s) >= ADDR_STRLEN)
		return -1;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.b) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, s, a.b) == 1)
		a.family = 6;
	else
		return -1;
	*out = a;
	return 0;
}

/* prefix_len_parse - decimal 0..max, digits only; -1 on anything else */
static int prefix_len_parse(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (*s == 0 || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* prefix_parse - parse "ADDR/LEN" or "ADDR" (host prefix); 0 or -1 */
int prefix_parse(const char *s, struct sl_addr *out, unsigned *plen)
{
	char buf[ADDR_STRLEN];
	const char *slash;
	struct sl_addr a;
	unsigned len, max;
	size_t n;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (addr_parse(buf, &a) < 0)
		return -1;
	max = a.family == 4 ? 32 : 128;
	if (slash == NULL)
		len = max;
	else if (prefix_len_parse(slash + 1, max, &len) < 0)
		return -1;
	*out = a;
	*plen = len;
	return 0;
}

/* prefix_network - the network of a/plen; 1 if a had host bits set */
int prefix_network(const struct sl_addr *a, unsigned plen, struct sl_addr *net)
{
	unsigned max = a->family == 4 ? 32 : 128, i;
	int host = 0;

	*net = *a;
	for (i = plen < max ? plen : max; i < max; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));

		if (net->b[i / 8] & bit) {
			host = 1;
			net->b[i / 8] &= (uint8_t)~bit;
		}
	}
	return host;
}

/* addr_format - text form into buf (ADDR_STRLEN); returns buf */
const char *addr_format(const struct sl_addr *a, char *buf)
{
	int af;

	if (a == NULL || (a->family != 4 && a->family != 6)) {
		strcpy(buf, "-");
		return buf;
	}
	af = a->family == 4 ? AF_INET : AF_INET6;
	if (inet_ntop(af, a->b, buf, ADDR_STRLEN) == NULL)
		strcpy(buf, "-");
	return buf;
}

/* addr_from_bytes - set from 4 or 16 network-order bytes */
void addr_from_bytes(struct sl_addr *a, int family, const void *bytes)
{
	memset(a, 0, sizeof(*a));
	if (family == 4) {
		a->family = 4;
		memcpy(a->b, bytes, 4);
	} else if (family == 6) {
		a->family = 6;
		memcpy(a->b, bytes, 16);
	}
}

/* addr_key - key bytes for a throttle; returns their count */
size_t addr_key(const struct sl_addr *a, unsigned v6_prefix, uint8_t out[16])
{
	size_t n;

	memset(out, 0, 16);
	if (a->family == 4) {
		memcpy(out, a->b, 4);
		return 4;
	}
	if (a->family != 6)
		return 0;
	/* A /64 holds one host's privacy addresses; bits past the
	   prefix are cleared so every address of the /64 keys alike. */
	if (v6_prefix == 0 || v6_prefix >= 128)
		v6_prefix = 128;
	n = (v6_prefix + 7) / 8;
	memcpy(out, a->b, n);
	if (v6_prefix % 8)
		out[n - 1] &= (uint8_t)(0xff << (8 - v6_prefix % 8));
	return n;
}

/* addr_equal - same family and bytes */
int addr_equal(const struct sl_addr *a, const struct sl_addr *b)
{
	size_t n;

	if (a->family != b->family)
		return 0;
	n = a->family == 4 ? 4 : 16;
	return memcmp(a->b, b->b, n) == 0;
}
