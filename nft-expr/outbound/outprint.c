/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outprint - the zones' outbound policy in nft syntax, for audit
 * SYNOPSIS
 *	#include "outbound/outprint.h"
 * DESCRIPTION
 *	Elements are written as nft lists interval sets: a range that is
 *	a prefix as ADDR/LEN (a single address bare), any other as
 *	LOW-HIGH; ports as N or N-M. The chains are collected first and
 *	printed table by table, since the walk gives a chain's rules right
 *	after the chain.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "addr.h"
#include "daemon/sdconf.h"
#include "outbound/outplan.h"
#include "outbound/outprint.h"
#include "table/nftrules.h"

struct print {
	GPtrArray *names, *chains;	/* chain names and bodies, in walk order */
};

/* body - the text of chain name, made on first use */
static GString *body(struct print *p, const char *name)
{
	guint i;

	for (i = 0; i < p->names->len; i++)
		if (strcmp(g_ptr_array_index(p->names, i), name) == 0)
			return g_ptr_array_index(p->chains, i);
	g_ptr_array_add(p->names, g_strdup(name));
	g_ptr_array_add(p->chains, g_string_new(NULL));
	return g_ptr_array_index(p->chains, p->chains->len - 1);
}

/* chain_free - GDestroyNotify of the bodies */
static void chain_free(gpointer g)
{
	g_string_free(g, TRUE);
}

/* prefix_len - the prefix length a range of width bytes is, or -1 */
static int prefix_len(const uint8_t *lo, const uint8_t *hi, unsigned width)
{
	unsigned bit, n = width * 8, plen = 0;

	while (plen < n && ((lo[plen / 8] ^ hi[plen / 8]) & (0x80 >> (plen % 8))) == 0)
		plen++;
	for (bit = plen; bit < n; bit++) {
		int l = lo[bit / 8] & (0x80 >> (bit % 8)), h = hi[bit / 8] & (0x80 >> (bit % 8));

		if (l || !h)
			return -1;
	}
	return (int)plen;
}

/* addr_elem - one address range as nft lists it */
static void addr_elem(GString *g, const struct sl_range *r, int family)
{
	struct sl_addr a, b;
	char x[ADDR_STRLEN], y[ADDR_STRLEN];
	int plen = prefix_len(r->lo, r->hi, family == 4 ? 4 : 16);

	addr_from_bytes(&a, family, r->lo);
	addr_from_bytes(&b, family, r->hi);
	if (plen == (family == 4 ? 32 : 128))
		g_string_append(g, addr_format(&a, x));
	else if (plen >= 0)
		g_string_append_printf(g, "%s/%d", addr_format(&a, x), plen);
	else
		g_string_append_printf(g, "%s-%s", addr_format(&a, x), addr_format(&b, y));
}

/* port_elem - one port range as nft lists it */
static void port_elem(GString *g, const struct sl_range *r)
{
	unsigned lo = (unsigned)r->lo[0] << 8 | r->lo[1];
	unsigned hi = (unsigned)r->hi[0] << 8 | r->hi[1];

	if (lo == hi)
		g_string_append_printf(g, "%u", lo);
	else
		g_string_append_printf(g, "%u-%u", lo, hi);
}

/* elems - " { a, b, c }" */
static void elems(GString *g, const struct sl_range *r, size_t n, int family)
{
	size_t i;

	g_string_append(g, " {");
	for (i = 0; i < n; i++) {
		g_string_append(g, i ? ", " : " ");
		if (family)
			addr_elem(g, &r[i], family);
		else
			port_elem(g, &r[i]);
	}
	g_string_append(g, " }");
}

/* proto_word - the l4proto as nft lists it */
static const char *proto_word(uint8_t proto)
{
	return proto == IPPROTO_ICMPV6 ? "ipv6-icmp" : outpol_proto_name(proto);
}

/* print_rule - outplan_ops: one rule, as nft lists it */
static int print_rule(void *ctx, const struct outplan_rule *o)
{
	struct print *p = ctx;
	const char *ip = o->family == 4 ? "ip" : "ip6";
	GString *g = body(p, o->chain);

	if (o->text)
		g_string_append_printf(g, "\t\t# %s\n", o->text);
	g_string_append(g, "\t\t");
	if (o->nsrc) {
		g_string_append_printf(g, "%s saddr", ip);
		elems(g, o->src, o->nsrc, o->family);
		g_string_append_c(g, ' ');
	}
	if (o->ndst) {
		g_string_append_printf(g, "%s daddr", ip);
		elems(g, o->dst, o->ndst, o->family);
		g_string_append_c(g, ' ');
	}
	if (o->nports) {
		g_string_append_printf(g, "%s dport", outpol_proto_name(o->proto));
		elems(g, o->ports, o->nports, 0);
		g_string_append_c(g, ' ');
	} else if (o->proto)
		g_string_append_printf(g, "meta l4proto %s ", proto_word(o->proto));
	if (o->verdict == OUTPLAN_JUMP)
		g_string_append_printf(g, "jump %s", o->target);
	else if (o->verdict == OUTPLAN_RETURN)
		g_string_append(g, "return");
	else
		g_string_append_printf(g, "counter log prefix \"%s\" group %u drop",
				       o->tag, o->log_group);
	if (o->tag)
		g_string_append_printf(g, " comment \"%s\"", o->tag);
	g_string_append_c(g, '\n');
	return 0;
}

/* print_chain - outplan_ops: a chain, empty so far */
static int print_chain(void *ctx, int family, const char *name)
{
	(void)family;
	(void)body(ctx, name);
	return 0;
}

static const struct outplan_ops print_ops = { print_chain, print_rule };

/* print_table - one family's block; 0 or -1 */
static int print_table(FILE *f, const struct sd_conf *c, int family)
{
	struct print p = { g_ptr_array_new_with_free_func(g_free),
			   g_ptr_array_new_with_free_func(chain_free) };
	guint i;
	int rc;

	body(&p, NFTRULES_OUTBOUND);	/* first, as nft lists it */
	rc = outplan_walk(c, family, &print_ops, &p);
	if (rc == 0) {
		fprintf(f, "table %s %s {\n", family == 4 ? "ip" : "ip6", c->table);
		for (i = 0; i < p.names->len; i++)
			fprintf(f, "%s\tchain %s {\n%s\t}\n", i ? "\n" : "",
				(const char *)g_ptr_array_index(p.names, i),
				((GString *)g_ptr_array_index(p.chains, i))->str);
		fprintf(f, "}\n");
	}
	g_ptr_array_free(p.names, TRUE);
	g_ptr_array_free(p.chains, TRUE);
	return rc;
}

/* outprint_policy - the policy of c to f */
int outprint_policy(FILE *f, const struct sd_conf *c)
{
	if (!outplan_any(c))
		return 0;
	fprintf(f, "# the zones' outbound policy, as sluiced installs it "
		"(ct state new jumps to chain outbound)\n");
	if (print_table(f, c, 4) < 0 || print_table(f, c, 6) < 0)
		return -1;
	return ferror(f) ? -1 : 0;
}
