/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailaddr - mail addresses and sender identities
 * SYNOPSIS
 *	See mailaddr.h.
 * DESCRIPTION
 *	Pure functions over the text an MTA sends: nothing here keeps
 *	state, so both mail filters and their tests call them directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "mailaddr.h"
#include "siphash.h"

/* bad_char - control characters and spaces never belong in an address */
static int bad_char(unsigned char c)
{
	return c < 0x21 || c == 0x7f;
}

/* mailaddr_normalise - strip <>, lower-case the domain, drop the extension */
int mailaddr_normalise(const char *addr, int strip_ext, char delim,
		       char *out, size_t len)
{
	size_t n, at, i, o = 0;
	const char *ext_end = NULL;

	if (addr == NULL)
		return -1;
	n = strlen(addr);
	if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>') {
		addr++;
		n -= 2;
	}
	if (n == 0 || n >= len || n >= MAILADDR_MAX)
		return -1;
	/* The last '@' splits: a quoted local part may hold another one. */
	for (at = n; at > 0 && addr[at - 1] != '@'; at--)
		;
	if (at <= 1 || at == n)
		return -1;
	at--;
	for (i = 0; i < n; i++)
		if (bad_char((unsigned char)addr[i]))
			return -1;
	if (strip_ext && delim) {
		const char *d = memchr(addr, delim, at);

		if (d != NULL && d != addr)
			ext_end = d;
	}
	for (i = 0; i < at; i++) {
		if (ext_end && addr + i == ext_end)
			break;
		out[o++] = addr[i];
	}
	for (i = at; i < n; i++)
		out[o++] = (char)tolower((unsigned char)addr[i]);
	out[o] = 0;
	return 0;
}

/* ident_set - "kind:text" into out, long texts cut and tagged with a hash */
static void ident_set(char out[MAILADDR_IDENT_MAX], const char *kind,
		      const char *text)
{
	size_t k = strlen(kind), t = strlen(text);

	memset(out, 0, MAILADDR_IDENT_MAX);
	if (k + 1 + t < MAILADDR_IDENT_MAX) {
		memcpy(out, kind, k);
		out[k] = ':';
		memcpy(out + k + 1, text, t);
		return;
	}
	/*
	 * Keep a readable prefix; the hash keeps distinct long names apart.
	 * Its key is fixed so that identities stay the same across restarts
	 * (saved state is keyed by them); the throttle's own table is keyed
	 * with the random seed, so this opens no flooding attack.
	 */
	{
		static const uint8_t fixed[16] = "sluice-identity";
		uint64_t h = siphash_24(fixed, text, t);
		int keep = (int)(MAILADDR_IDENT_MAX - 1 - k - 1 - 17);

		snprintf(out, MAILADDR_IDENT_MAX, "%s:%.*s~%016llx", kind, keep,
			 text, (unsigned long long)h);
	}
}

/* ident_client - client address, IPv6 aggregated to the prefix */
static int ident_client(const struct mailaddr_idopts *o, const char *client,
			char out[MAILADDR_IDENT_MAX])
{
	struct sl_addr a;
	char buf[ADDR_STRLEN], txt[ADDR_STRLEN + 8];
	unsigned i;

	if (client == NULL || *client == 0 || addr_parse(client, &a) < 0)
		return -1;
	if (a.family == 6 && o->v6_prefix < 128) {
		for (i = o->v6_prefix; i < 128; i++)
			a.b[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		snprintf(txt, sizeof(txt), "%s/%u", addr_format(&a, buf),
			 o->v6_prefix);
	} else {
		snprintf(txt, sizeof(txt), "%s", addr_format(&a, buf));
	}
	ident_set(out, "client", txt);
	return 0;
}

/* mailaddr_identity - identity key for a request by the configured order */
enum mailaddr_ident mailaddr_identity(const struct mailaddr_idopts *o,
				  const struct mailaddr_req *r,
				  char out[MAILADDR_IDENT_MAX])
{
	char norm[MAILADDR_MAX];
	int i;

	for (i = 0; i < 3 && o->order[i] != MAILADDR_ID_NONE; i++) {
		switch (o->order[i]) {
		case MAILADDR_ID_SASL:
			if (r->sasl_user && *r->sasl_user) {
				ident_set(out, "sasl", r->sasl_user);
				return MAILADDR_ID_SASL;
			}
			break;
		case MAILADDR_ID_SENDER:
			if (r->sender && mailaddr_normalise(r->sender,
			    o->strip_extension, o->extension_delim, norm,
			    sizeof(norm)) == 0) {
				ident_set(out, "sender", norm);
				return MAILADDR_ID_SENDER;
			}
			break;
		case MAILADDR_ID_CLIENT:
			if (ident_client(o, r->client_addr, out) == 0)
				return MAILADDR_ID_CLIENT;
			break;
		default:
			break;
		}
	}
	memset(out, 0, MAILADDR_IDENT_MAX);
	return MAILADDR_ID_NONE;
}

/* net_strip - "[addr]/len" or "[addr]" to "addr/len" in buf; -1 if the
   brackets do not pair up */
static int net_strip(const char *tok, char *buf, size_t len)
{
	const char *close;

	if (tok[0] != '[')
		return snprintf(buf, len, "%s", tok) < (int)len ? 0 : -1;
	if ((close = strchr(tok, ']')) == NULL ||
	    (close[1] != 0 && close[1] != '/'))
		return -1;
	return snprintf(buf, len, "%.*s%s", (int)(close - tok - 1), tok + 1,
			close + 1) < (int)len ? 0 : -1;
}

/* host_bits - a has bits set past plen */
static int host_bits(const struct sl_addr *a, unsigned plen)
{
	unsigned i, max = a->family == 4 ? 32 : 128;

	for (i = plen; i < max; i++)
		if (a->b[i / 8] & (0x80u >> (i % 8)))
			return 1;
	return 0;
}

/* looks_like_table - "type:name", as Postfix writes a lookup table */
static int looks_like_table(const char *tok)
{
	size_t n = strspn(tok, "abcdefghijklmnopqrstuvwxyz");

	return n > 0 && tok[n] == ':';
}

/* net_one - one element of the list into ps */
static int net_one(const char *tok, struct prefixset *ps, char *why,
		   size_t len)
{
	char buf[ADDR_STRLEN + 8], txt[ADDR_STRLEN];
	struct sl_addr a;
	unsigned plen, i;

	if (net_strip(tok, buf, sizeof(buf)) < 0 ||
	    prefix_parse(buf, &a, &plen) < 0) {
		if (tok[0] == '!' || tok[0] == '/' || looks_like_table(tok))
			snprintf(why, len, "\"%.80s\": table lookups, files "
				 "and !exclusions are not supported; list the "
				 "networks themselves (ADDR, ADDR/LEN, "
				 "[IPV6]/LEN)", tok);
		else
			snprintf(why, len, "\"%.80s\" is not an address or "
				 "network; expected ADDR or ADDR/LEN as in "
				 "Postfix's mynetworks (IPv4 /0-/32, IPv6 "
				 "/0-/128, in brackets or not)", tok);
		return -1;
	}
	if (host_bits(&a, plen)) {
		for (i = plen; i < 128; i++)
			a.b[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		snprintf(why, len, "\"%.80s\" has host bits set past /%u; "
			 "perhaps %s/%u", tok, plen, addr_format(&a, txt), plen);
		return -1;
	}
	if (prefixset_add(ps, &a, plen, 1) < 0) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	return 0;
}

/* mailaddr_networks - a Postfix-style network list into ps */
int mailaddr_networks(const char *text, struct prefixset *ps, char *why,
		      size_t len)
{
	char tok[256];
	size_t n;

	while (text && *text) {
		text += strspn(text, " \t\r\n,;");
		if ((n = strcspn(text, " \t\r\n,;")) == 0)
			break;
		if (n >= sizeof(tok)) {
			snprintf(why, len, "\"%.40s...\" is too long for a "
				 "network", text);
			errno = EINVAL;
			return -1;
		}
		memcpy(tok, text, n);
		tok[n] = 0;
		text += n;
		if (net_one(tok, ps, why, len) < 0) {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

/* mailaddr_in_networks - client is in ps (IPv4-mapped as IPv4 too) */
int mailaddr_in_networks(const struct prefixset *ps, const char *client)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	struct sl_addr a, v4;

	if (client == NULL || addr_parse(client, &a) < 0)
		return 0;
	if (prefixset_lookup(ps, &a, NULL))
		return 1;
	if (a.family != 6 || memcmp(a.b, mapped, sizeof(mapped)) != 0)
		return 0;
	addr_from_bytes(&v4, 4, a.b + 12);
	return prefixset_lookup(ps, &v4, NULL);
}
