/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_outpol - unit test of the zones' outbound rules
 *	(nft-expr/outbound/outpol.c, and their errors through sdconf.c)
 * DESCRIPTION
 *	Good rule lists parse into the protocol, the merged ports and the
 *	families they apply to; each kind of mistake is refused with a
 *	message that quotes the rule and says what is accepted, and,
 *	through sdconf_load, names the file, group and key. outpol_match
 *	answers for flows as the kernel rules would: deny_out first, then
 *	allow_out, then the default.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/sdconf.h"
#include "outbound/outpol.h"
#include "outbound/outplan.h"
#include "../tap.h"

static const struct {
	const char *text;
	size_t n;		/* rules */
	uint8_t proto;		/* of the first */
	const char *ports;	/* of the first, "lo-hi,..." */
	uint8_t families;	/* of the first */
} good[] = {
	{ "tcp/80,443 to any", 1, IPPROTO_TCP, "80-80,443-443", 3 },
	{ "tcp/80,443 to any; udp/53 to 10.0.0.53", 2, IPPROTO_TCP, "80-80,443-443", 3 },
	{ "any to 10.0.0.0/8", 1, 0, "", 1 },
	{ "udp/53 to fd00::53, 10.0.0.53", 1, IPPROTO_UDP, "53-53", 3 },
	{ "tcp / 81, 80 , 1000-2000,1500-2500 to 2001:db8::/32", 1, IPPROTO_TCP,
	  "80-81,1000-2500", 2 },
	{ "sctp/0-65535 to 0.0.0.0/0", 1, IPPROTO_SCTP, "0-65535", 1 },
	{ "icmp to any", 1, IPPROTO_ICMP, "", 1 },
	{ "icmpv6 to any", 1, IPPROTO_ICMPV6, "", 2 },
	{ "  ;tcp to any;; ", 1, IPPROTO_TCP, "", 3 },
	{ "", 0, 0, "", 0 },
};

/* ports_text - "lo-hi,..." of a rule */
static void ports_text(const struct outpol_rule *r, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < r->nports && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%u-%u", i ? "," : "",
				      r->ports[i].lo, r->ports[i].hi);
}

/* test_good - what each good list parses into */
static void test_good(void)
{
	struct outpol_list l;
	char why[1024], ports[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = outpol_parse(good[i].text, &l, why, sizeof(why));

		if (!ok(rc == 0, "parses: \"%s\"", good[i].text)) {
			diag("  got \"%s\"", why);
			continue;
		}
		is_uint(l.n, good[i].n, "\"%s\": rule count", good[i].text);
		if (l.n) {
			ports_text(&l.rules[0], ports, sizeof(ports));
			is_uint(l.rules[0].proto, good[i].proto, "\"%s\": protocol",
				good[i].text);
			is_str(ports, good[i].ports, "\"%s\": ports", good[i].text);
			is_uint(l.rules[0].families, good[i].families,
				"\"%s\": families", good[i].text);
		}
		outpol_free(&l);
	}
}

static const struct {
	const char *text;
	const char *want;	/* in the message */
} bad[] = {
	{ "tcp/80", " = \"tcp/80\": expected PROTO[/PORTS] to PREFIXES" },
	{ "tcp/80 to", " = \"tcp/80 to\": expected PROTO[/PORTS] to PREFIXES" },
	{ "tcp/80 into any", "expected PROTO[/PORTS] to PREFIXES" },
	{ "tpc/80 to any", "\"tpc\" is not a protocol: expected tcp, udp, sctp, icmp, icmpv6 or any" },
	{ "any/80 to any", "any has no ports: ports go with tcp, udp or sctp" },
	{ "icmp/8 to any", "icmp has no ports" },
	{ "tcp/99999 to any", "port \"99999\": expected N or N-M (0 to 65535" },
	{ "tcp/443-80 to any", "port \"443-80\": expected N or N-M" },
	{ "tcp/80, to any", "port \"\": expected N or N-M" },
	{ "tcp/-5 to any", "port \"-5\"" },
	{ "tcp/+80 to any", "port \"+80\"" },
	{ "tcp/80 to 10.0.0.300", "\"10.0.0.300\" is not an address or prefix: expected any, or ADDR or ADDR/LEN" },
	{ "tcp/80 to 10.1.2.3/8", "\"10.1.2.3/8\" has host bits set: expected the network 10.0.0.0/8, or 10.1.2.3/32 for the one host" },
	{ "tcp/80 to 10.0.0.0/33", "\"10.0.0.0/33\" is not an address or prefix" },
	{ "tcp/80 to 10.0.0.0/8,", "an empty prefix" },
	{ "icmp to fd00::/8", "icmp to IPv6 prefixes only matches nothing" },
	{ "icmpv6 to 10.0.0.0/8", "icmpv6 to IPv4 prefixes only matches nothing" },
	{ "tcp/80 to any; udp/x to any", " = \"udp/x to any\": port \"x\"" },
	{ "tcp/80 to \"any\x01", "\\x01" },
};

/* test_bad - each mistake refused, the rule quoted, what is accepted said */
static void test_bad(void)
{
	struct outpol_list l;
	char why[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = outpol_parse(bad[i].text, &l, why, sizeof(why));

		if (!ok(rc == -1 && strstr(why, bad[i].want) != NULL
			&& strncmp(why, " = \"", 4) == 0, "refused: %s", bad[i].want))
			diag("  got rc %d, \"%s\"", rc, rc == -1 ? why : "");
		if (rc == 0)
			outpol_free(&l);
	}
}

/* test_bounds - rule, port and prefix counts and the value's length */
static void test_bounds(void)
{
	GString *g = g_string_new(NULL);
	struct outpol_list l;
	char why[1024];
	int i;

	for (i = 0; i <= OUTPOL_RULES_MAX; i++)
		g_string_append_printf(g, "tcp/%d to any;", i + 1);
	is_int(outpol_parse(g->str, &l, why, sizeof(why)), -1, "65 rules refused");
	ok(strstr(why, "more than 64 rules") != NULL, "... saying so");
	g_string_assign(g, "tcp/");
	for (i = 0; i <= OUTPOL_PORTS_MAX; i++)
		g_string_append_printf(g, "%s%d", i ? "," : "", i + 1);
	g_string_append(g, " to any");
	is_int(outpol_parse(g->str, &l, why, sizeof(why)), -1, "65 ports refused");
	ok(strstr(why, "more than 64 ports") != NULL, "... saying so");
	g_string_assign(g, "tcp to ");
	for (i = 0; i <= OUTPOL_PREFIXES_MAX; i++)
		g_string_append_printf(g, "%s10.%d.%d.0/24", i ? "," : "", i / 250, i % 250);
	is_int(outpol_parse(g->str, &l, why, sizeof(why)), -1, "257 prefixes refused");
	ok(strstr(why, "more than 256 prefixes") != NULL, "... saying so");
	g_string_assign(g, "");
	while (g->len <= OUTPOL_TEXT_MAX)
		g_string_append(g, "tcp to any;      ");
	is_int(outpol_parse(g->str, &l, why, sizeof(why)), -1, "over 8192 bytes refused");
	ok(strstr(why, "longer than 8192 bytes") != NULL && strlen(why) < 200,
	   "... saying so, the value cut (%zu bytes)", strlen(why));
	g_string_free(g, TRUE);
}

static const struct {
	const char *dst;
	uint8_t proto;
	uint16_t port;
	int denied;
	enum outpol_kind kind;
	size_t idx;
} flows[] = {
	{ "10.1.2.3", IPPROTO_TCP, 80, 1, OUTPOL_DENY_OUT, 1 },	/* deny first */
	{ "192.0.2.1", IPPROTO_TCP, 443, 0, OUTPOL_ALLOW_OUT, 1 },
	{ "192.0.2.1", IPPROTO_TCP, 22, 1, OUTPOL_DEFAULT, 0 },
	{ "192.0.2.53", IPPROTO_UDP, 53, 0, OUTPOL_ALLOW_OUT, 2 },
	{ "192.0.2.54", IPPROTO_UDP, 53, 1, OUTPOL_DEFAULT, 0 },
	{ "2001:db8::1", IPPROTO_TCP, 80, 0, OUTPOL_ALLOW_OUT, 1 },
	{ "2001:db8::1", IPPROTO_UDP, 80, 1, OUTPOL_DEFAULT, 0 },
	{ "fd00::1", IPPROTO_UDP, 9, 1, OUTPOL_DENY_OUT, 2 },
};

/* test_match - the user-space reading agrees with the rule order */
static void test_match(void)
{
	struct outpol_list deny, allow;
	char why[1024];
	size_t i, idx;

	ok(outpol_parse("any to 10.0.0.0/8; any to fd00::/8", &deny, why, sizeof(why)) == 0
	   && outpol_parse("tcp/80,443 to any; udp/53 to 192.0.2.53", &allow, why,
			   sizeof(why)) == 0, "the match test's policy parses");
	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct sl_addr a;
		enum outpol_kind kind;
		int d;

		addr_parse(flows[i].dst, &a);
		d = outpol_match(&deny, &allow, OUTPOL_DENY, &a, flows[i].proto,
				 flows[i].port, &kind, &idx);
		if (!ok(d == flows[i].denied && kind == flows[i].kind
			&& (kind == OUTPOL_DEFAULT || idx == flows[i].idx),
			"%s %u/%u: %s by %s %zu", flows[i].dst, flows[i].proto,
			flows[i].port, flows[i].denied ? "denied" : "allowed",
			outpol_kind_name(flows[i].kind), flows[i].idx))
			diag("  got %d by %s %zu", d, outpol_kind_name(kind), idx);
	}
	outpol_free(&deny);
	outpol_free(&allow);
}

/* load - text through a temporary file; 0 or -1 */
static int load(const char *text, struct sd_conf *c, char *err, size_t len)
{
	char path[] = "/tmp/sluiced_outpol.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return -2;
	close(fd);
	rc = sdconf_load(path, c, err, len);
	unlink(path);
	return rc;
}

/* test_conf - the keys in a zone, their defaults, and errors naming
   the file, group and key */
static void test_conf(void)
{
	struct sd_conf c;
	char err[1024], zone[40];
	enum outpol_kind kind;
	size_t idx;

	is_int(load("[zone lan]\nprefixes = 10.0.0.0/8\n", &c, err, sizeof(err)), 0,
	       "a zone without outbound keys loads");
	ok(c.zones[0].outbound == OUTPOL_ALLOW && !sdconf_zone_policed(&c.zones[0])
	   && c.outbound_log_group == 13, "outbound = allow, no rules, log group 13");
	sdconf_release(&c);
	is_int(load("[zone critical]\nprefixes = 10.9.0.0/16\noutbound = deny\n"
		    "allow_out = any to 10.0.0.0/8\n", &c, err, sizeof(err)), 0,
	       "the critical network in two lines");
	ok(sdconf_zone_policed(&c.zones[0]) && c.zones[0].allow_out.n == 1,
	   "... is policed, one allow_out rule");
	sdconf_release(&c);
	is_int(load("[zone lan]\nprefixes = 10.0.0.0/8\nallow_out = tcp/80 to any; "
		    "tcp/99999 to any\n", &c, err, sizeof(err)), -1, "a bad port refused");
	ok(strstr(err, "/tmp/sluiced_outpol.") && strstr(err, ": [zone lan] allow_out = "
	   "\"tcp/99999 to any\": port \"99999\""), "... naming file, group, key, rule");
	diag("  %s", err);
	is_int(load("[zone lan]\nprefixes = 10.0.0.0/8\ndeny_out = tcp to nowhere\n",
		    &c, err, sizeof(err)), -1, "a bad prefix refused");
	ok(strstr(err, "[zone lan] deny_out = \"tcp to nowhere\"") != NULL, "... in deny_out");
	is_int(load("[zone lan]\nprefixes = 10.0.0.0/8\noutbound = block\n", &c, err,
		    sizeof(err)), -1, "outbound = block refused");
	ok(strstr(err, "[zone lan] outbound = \"block\": expected one of allow or deny") != NULL,
	   "... saying allow or deny");
	is_int(load("[sluiced]\noutbound_log_group = 65536\n", &c, err, sizeof(err)), -1,
	       "log group 65536 refused");
	is_int(load("[dns]\nnodns = yes\nlog_group = 13\n", &c, err, sizeof(err)), -1,
	       "the DNS snooping's log group refused");
	ok(strstr(err, "[sluiced] outbound_log_group = \"13\": expected a group other "
		  "than [dns] log_group (13)") != NULL, "... naming both keys");
	ok(outplan_tag_parse("lan deny_out 3", zone, sizeof(zone), &kind, &idx) == 0
	   && strcmp(zone, "lan") == 0 && kind == OUTPOL_DENY_OUT && idx == 3,
	   "tag \"lan deny_out 3\" reads back");
	ok(outplan_tag_parse("lan default", zone, sizeof(zone), &kind, &idx) == 0
	   && kind == OUTPOL_DEFAULT, "tag \"lan default\" reads back");
	ok(outplan_tag_parse("lan deny_out 0", zone, sizeof(zone), &kind, &idx) < 0
	   && outplan_tag_parse("lan bogus 1", zone, sizeof(zone), &kind, &idx) < 0
	   && outplan_tag_parse("lan default 1", zone, sizeof(zone), &kind, &idx) < 0,
	   "other tags are not ours");
}

int main(void)
{
	test_good();
	test_bad();
	test_bounds();
	test_match();
	test_conf();
	return done_testing();
}
