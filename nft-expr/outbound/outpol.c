/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outpol - a zone's outbound policy: allow_out / deny_out rules parsed
 * SYNOPSIS
 *	#include "outbound/outpol.h"
 * DESCRIPTION
 *	Rules are split on ';' only: ',' separates the ports and the
 *	prefixes inside a rule. Blanks may stand anywhere between the
 *	parts; "to" is a word of its own. Every list is bounded before it
 *	is copied (OUTPOL_*_MAX), and the first error ends the parse: a
 *	misspelt firewall rule must stop the start, not drop silently.
 */
#include <glib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgval.h"
#include "outbound/outpol.h"

#define SYNTAX "a rule is PROTO[/PORTS] to PREFIXES, e.g. tcp/80,443 to any"

static const struct { const char *name; uint8_t proto; int ports; } protos[] = {
	{ "any", 0, 0 }, { "tcp", IPPROTO_TCP, 1 }, { "udp", IPPROTO_UDP, 1 },
	{ "sctp", IPPROTO_SCTP, 1 }, { "icmp", IPPROTO_ICMP, 0 },
	{ "icmpv6", IPPROTO_ICMPV6, 0 },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

/* fail - ` = "RULE": WHY` into why; returns -1 */
static int __attribute__((format(printf, 4, 5)))
fail(char *why, size_t len, const char *rule, const char *fmt, ...)
{
	char shown[400], what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	cfgval_show(rule, shown, sizeof(shown));
	snprintf(why, len, " = \"%s\": %s", shown, what);
	return -1;
}

/* outpol_proto_name - the protocol as the rules spell it */
const char *outpol_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return "?";
}

/* outpol_kind_name - "deny_out", "allow_out", "default" */
const char *outpol_kind_name(enum outpol_kind k)
{
	switch (k) {
	case OUTPOL_DENY_OUT:
		return "deny_out";
	case OUTPOL_ALLOW_OUT:
		return "allow_out";
	case OUTPOL_DEFAULT:
	default:
		return "default";
	}
}

/* port_number - 0 to 65535, digits only */
static int port_number(const char *s, size_t n, uint16_t *out)
{
	char buf[8];
	uint64_t v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (cfgval_uint(buf, &v) < 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* ports_cmp - qsort by low port */
static int ports_cmp(const void *a, const void *b)
{
	const struct outpol_ports *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* ports_merge - sort, and join items that overlap or touch */
static void ports_merge(struct outpol_rule *r)
{
	size_t i, o = 0;

	qsort(r->ports, r->nports, sizeof(r->ports[0]), ports_cmp);
	for (i = 1; i < r->nports; i++) {
		if ((uint32_t)r->ports[i].lo <= (uint32_t)r->ports[o].hi + 1) {
			if (r->ports[i].hi > r->ports[o].hi)
				r->ports[o].hi = r->ports[i].hi;
		} else
			r->ports[++o] = r->ports[i];
	}
	if (r->nports)
		r->nports = o + 1;
}

/* ports_parse - "80,443,1000-2000" into r->ports */
static int ports_parse(const char *list, struct outpol_rule *r, const char *rule,
		       char *why, size_t len)
{
	char **items = g_strsplit(list, ",", -1);
	size_t i;
	int rc = 0;

	for (i = 0; items[i] && rc == 0; i++) {
		const char *it = items[i], *dash = strchr(it, '-');
		struct outpol_ports p;
		size_t n = dash ? (size_t)(dash - it) : strlen(it);

		if (r->nports == OUTPOL_PORTS_MAX)
			rc = fail(why, len, rule, "more than %d ports or port ranges",
				  OUTPOL_PORTS_MAX);
		else if (port_number(it, n, &p.lo) < 0
			 || port_number(dash ? dash + 1 : it, dash ? strlen(dash + 1) : n,
					&p.hi) < 0 || p.lo > p.hi)
			rc = fail(why, len, rule, "port \"%.40s\": expected N or N-M "
				  "(0 to 65535, N not above M), separated by ','", it);
		else
			r->ports[r->nports++] = p;
	}
	g_strfreev(items);
	if (rc == 0)
		ports_merge(r);
	return rc;
}

/* proto_parse - "tcp/80,443" (blanks already gone) into r */
static int proto_parse(const char *left, struct outpol_rule *r, const char *rule,
		       char *why, size_t len)
{
	const char *slash = strchr(left, '/');
	size_t n = slash ? (size_t)(slash - left) : strlen(left), i;

	for (i = 0; i < NPROTOS; i++)
		if (strlen(protos[i].name) == n && strncmp(protos[i].name, left, n) == 0)
			break;
	if (i == NPROTOS)
		return fail(why, len, rule, "\"%.*s\" is not a protocol: expected "
			    "tcp, udp, sctp, icmp, icmpv6 or any; " SYNTAX,
			    (int)(n > 40 ? 40 : n), left);
	r->proto = protos[i].proto;
	if (slash == NULL)
		return 0;
	if (!protos[i].ports)
		return fail(why, len, rule, "%s has no ports: ports go with tcp, "
			    "udp or sctp", protos[i].name);
	return ports_parse(slash + 1, r, rule, why, len);
}

/* prefix_one - one ADDR[/LEN] (or "any") into r */
static int prefix_one(const char *p, struct outpol_rule *r, const char *rule,
		      char *why, size_t len)
{
	struct sl_addr a, net;
	unsigned plen;
	char nb[ADDR_STRLEN], ab[ADDR_STRLEN];

	if (strcmp(p, "any") == 0) {
		r->dst_any4 = r->dst_any6 = 1;
		return 0;
	}
	if (prefix_parse(p, &a, &plen) < 0)
		return fail(why, len, rule, "\"%.60s\" is not an address or prefix: "
			    "expected any, or ADDR or ADDR/LEN (IPv4 /0-/32, IPv6 "
			    "/0-/128) separated by ','", p);
	if (prefix_network(&a, plen, &net))
		return fail(why, len, rule, "\"%.60s\" has host bits set: expected "
			    "the network %s/%u, or %s/%u for the one host", p,
			    addr_format(&net, nb), plen, addr_format(&a, ab),
			    a.family == 4 ? 32 : 128);
	if (plen == 0)
		*(a.family == 4 ? &r->dst_any4 : &r->dst_any6) = 1;
	if (prefixset_add(r->dst, &a, plen, 1) < 0)
		return fail(why, len, rule, "out of memory");
	return 0;
}

/* prefixes_parse - the part after "to" */
static int prefixes_parse(const char *right, struct outpol_rule *r,
			  const char *rule, char *why, size_t len)
{
	char **items = g_strsplit(right, ",", -1);
	size_t i;
	int rc = 0;

	for (i = 0; items[i] && rc == 0; i++) {
		g_strstrip(items[i]);
		if (i == OUTPOL_PREFIXES_MAX)
			rc = fail(why, len, rule, "more than %d prefixes",
				  OUTPOL_PREFIXES_MAX);
		else if (*items[i] == 0)
			rc = fail(why, len, rule, "an empty prefix: expected any, "
				  "or ADDR or ADDR/LEN separated by ','");
		else
			rc = prefix_one(items[i], r, rule, why, len);
	}
	g_strfreev(items);
	return rc;
}

/* count_family - prefixset_walk callback: n[0] IPv4, n[1] IPv6 */
static int count_family(void *ctx, const struct sl_addr *a, unsigned plen,
			uintptr_t value)
{
	size_t *n = ctx;

	(void)plen;
	(void)value;
	n[a->family == 4 ? 0 : 1]++;
	return 0;
}

/* families - where the rule can match: its prefixes' families, less
   the one its ICMP flavour cannot be in */
static int families(struct outpol_rule *r, const char *rule, char *why,
		    size_t len)
{
	size_t n[2] = { 0, 0 };
	uint8_t f = 0;

	prefixset_walk(r->dst, count_family, n);
	if (n[0] || r->dst_any4)
		f |= OUTPOL_FAM4;
	if (n[1] || r->dst_any6)
		f |= OUTPOL_FAM6;
	if (r->proto == IPPROTO_ICMP)
		f &= OUTPOL_FAM4;
	if (r->proto == IPPROTO_ICMPV6)
		f &= OUTPOL_FAM6;
	if (f == 0)
		return fail(why, len, rule, "%s to %s prefixes only matches nothing",
			    outpol_proto_name(r->proto), n[0] ? "IPv4" : "IPv6");
	r->families = f;
	return 0;
}

/* strip_blanks - copy s without blanks into out (bounded by the caller) */
static void strip_blanks(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++)
		if (!g_ascii_isspace(s[i]))
			out[o++] = s[i];
	out[o] = 0;
}

/* to_word - the word "to" between blanks in s, or NULL */
static const char *to_word(const char *s)
{
	const char *p;

	for (p = s; (p = strstr(p, "to")) != NULL; p += 2)
		if (p > s && g_ascii_isspace(p[-1]) && g_ascii_isspace(p[2]))
			return p;
	return NULL;
}

/* rule_parse - one trimmed rule into r */
static int rule_parse(const char *rule, struct outpol_rule *r, char *why,
		      size_t len)
{
	const char *to = to_word(rule);
	char *left;
	int rc;

	snprintf(r->text, sizeof(r->text), "%s", rule);
	if ((r->dst = prefixset_create()) == NULL)
		return fail(why, len, rule, "out of memory");
	if (to == NULL || to[3] == 0)
		return fail(why, len, rule, "expected PROTO[/PORTS] to PREFIXES; "
			    SYNTAX);
	left = g_malloc((size_t)(to - rule) + 1);
	strip_blanks(rule, (size_t)(to - rule), left);
	rc = proto_parse(left, r, rule, why, len);
	g_free(left);
	if (rc == 0)
		rc = prefixes_parse(to + 3, r, rule, why, len);
	return rc == 0 ? families(r, rule, why, len) : rc;
}

/* outpol_parse - one allow_out/deny_out value */
int outpol_parse(const char *text, struct outpol_list *out, char *why,
		 size_t whylen)
{
	char **items;
	size_t i, n = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL || *text == 0)
		return 0;
	if (strlen(text) > OUTPOL_TEXT_MAX)
		return fail(why, whylen, text, "longer than %d bytes", OUTPOL_TEXT_MAX);
	items = g_strsplit(text, ";", -1);
	for (i = 0; items[i]; i++)
		if (*g_strstrip(items[i]))
			n++;
	if (n > OUTPOL_RULES_MAX) {
		g_strfreev(items);
		return fail(why, whylen, text, "more than %d rules", OUTPOL_RULES_MAX);
	}
	out->rules = calloc(n ? n : 1, sizeof(*out->rules));
	for (i = 0; out->rules && items[i] && rc == 0; i++)
		if (*items[i])
			rc = rule_parse(items[i], &out->rules[out->n++], why, whylen);
	g_strfreev(items);
	if (out->rules == NULL)
		return fail(why, whylen, text, "out of memory");
	if (rc < 0)
		outpol_free(out);
	return rc;
}

/* outpol_free - what outpol_parse filled */
void outpol_free(struct outpol_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		prefixset_free(l->rules[i].dst);
	free(l->rules);
	memset(l, 0, sizeof(*l));
}

/* outpol_rule_matches - does a new flow fall under rule r */
int outpol_rule_matches(const struct outpol_rule *r, const struct sl_addr *dst,
			uint8_t proto, uint16_t dport)
{
	size_t i;

	if (!(r->families & (dst->family == 4 ? OUTPOL_FAM4 : OUTPOL_FAM6)))
		return 0;
	if (r->proto != 0 && r->proto != proto)
		return 0;
	if (!(dst->family == 4 ? r->dst_any4 : r->dst_any6)
	    && !prefixset_lookup(r->dst, dst, NULL))
		return 0;
	if (r->nports == 0)
		return 1;
	for (i = 0; i < r->nports; i++)
		if (dport >= r->ports[i].lo && dport <= r->ports[i].hi)
			return 1;
	return 0;
}

/* list_match - the 1-based index of the first rule of l that matches */
static size_t list_match(const struct outpol_list *l, const struct sl_addr *dst,
			 uint8_t proto, uint16_t dport)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (outpol_rule_matches(&l->rules[i], dst, proto, dport))
			return i + 1;
	return 0;
}

/* outpol_match - which rule decides a new flow; 1 if denied */
int outpol_match(const struct outpol_list *deny, const struct outpol_list *allow,
		 int deflt, const struct sl_addr *dst, uint8_t proto,
		 uint16_t dport, enum outpol_kind *kind, size_t *idx)
{
	if ((*idx = list_match(deny, dst, proto, dport)) != 0) {
		*kind = OUTPOL_DENY_OUT;
		return 1;
	}
	if ((*idx = list_match(allow, dst, proto, dport)) != 0) {
		*kind = OUTPOL_ALLOW_OUT;
		return 0;
	}
	*kind = OUTPOL_DEFAULT;
	return deflt == OUTPOL_DENY;
}
