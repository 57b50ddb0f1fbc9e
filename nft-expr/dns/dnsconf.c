/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsconf - the [dns] group: the resolvers' answers and the no-DNS signal
 * DESCRIPTION
 *	See dnsconf.h. Every check is the schema's. The signal is off by
 *	default: it means something only where the resolvers' answers to
 *	the zones' hosts cross this machine (a resolver inside the zone,
 *	or browsers speaking DNS over HTTPS, would make every contact a
 *	signal), and the operator knows whether they do.
 */
#include <string.h>

#include "config.h"
#include "dns/dnsconf.h"

#define DC(f) offsetof(struct dns_conf, f)
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))
#define SEC 1000000000ULL

static const struct cfg_key dns_keys[] = {
	{ .name = "nodns", .type = CFG_BOOL, .offset = DC(nodns), .def = "no",
	  .help = "read the resolvers' answers (NFLOG) and signal first "
		  "contacts with none behind them" },
	{ .name = "log_group", .type = CFG_UINT, .offset = DC(log_group),
	  .def = "53", .min = 0, .max = 65535,
	  .help = "NFLOG group the answers are logged to" },
	{ .name = "ttl_floor", .type = CFG_DURATION, .offset = DC(ttl_floor_ns),
	  .def = "5m", .min = SEC, .max = 86400 * SEC,
	  .help = "an answer justifies contacts at least this long" },
	{ .name = "mem_cap", .type = CFG_SIZE, .offset = DC(mem_cap),
	  .def = "16M", .min = 1024 * 1024, .max = 16ULL << 30,
	  .help = "bytes of (client, address) pairs; least recent go first" },
	{ .name = "events_per_second", .type = CFG_UINT,
	  .offset = DC(events_per_second), .def = "1", .min = 1, .max = 100000,
	  .help = "nodns events per source and second; the rest counted" },
	{ .name = "by_address", .type = CFG_PREFIXES, .offset = DC(by_address),
	  .help = "destinations the hosts reach by address (the site's mail "
	  "relay, time servers): no no-DNS signal" },
};

/* dnsconf_apply - [dns] of c into out */
int dnsconf_apply(struct config *c, struct dns_conf *out, char *err,
		  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	return config_apply(c, "dns", dns_keys, NKEYS(dns_keys), out, err,
			    errlen);
}

/* dnsconf_release - accepts NULL */
void dnsconf_release(struct dns_conf *c)
{
	if (c == NULL)
		return;
	config_release(dns_keys, NKEYS(dns_keys), c);
	memset(c, 0, sizeof(*c));
}
