/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_conf - the [capture] group: dark addresses, samples, the tarpit
 * DESCRIPTION
 *	See cap_conf.h. The schema checks each value; the port list is
 *	the one key whose syntax config(3) does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "capture/cap_conf.h"
#include "cfgval.h"
#include "config.h"
#include "coreconf.h"

#define CC(f) offsetof(struct cap_conf, f)
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))
#define SEC 1000000000ULL

/* "quarantine" is the old name of "signal" (quarantine was all a hit
   could do before the countermeasures' ladder decided) */
static const char *const action_choices[] = { "log", "signal", "quarantine", NULL };

static const struct cfg_key capture_keys[] = {
	{ .name = "dark", .type = CFG_PREFIXES, .offset = CC(dark),
	  .help = "unused addresses answered as a honeypot (IPv4, IPv6)" },
	{ .name = "ports", .type = CFG_LIST, .offset = CC(ports_text),
	  .help = "destination ports answered: N or N-M; empty: all" },
	{ .name = "queue", .type = CFG_UINT, .offset = CC(queue), .def = "2",
	  .min = 0, .max = 65535,
	  .help = "NFQUEUE number of the capture queue" },
	{ .name = "sample_dir", .type = CFG_STRING, .offset = CC(sample_dir),
	  .help = "payload samples go here, named by SHA-256" },
	{ .name = "sample_bytes", .type = CFG_UINT, .offset = CC(sample_bytes),
	  .def = "4096", .min = 1, .max = 65000,
	  .help = "bytes of a payload kept as its sample" },
	{ .name = "sample_cap", .type = CFG_SIZE, .offset = CC(sample_cap),
	  .def = "256M", .min = 0, .max = 1ULL << 40,
	  .help = "bytes all samples may take" },
	{ .name = "sample_max_age", .type = CFG_DURATION,
	  .offset = CC(sample_max_age_ns), .def = "30d",
	  .min = SEC, .max = 3650 * 86400 * SEC,
	  .help = "samples older than this are removed" },
	{ .name = "action", .type = CFG_ENUM, .offset = CC(action),
	  .def = "signal", .choices = action_choices,
	  .help = "signal: a hit is a honeypot signal to the countermeasures; log: event only" },
	{ .name = "quarantine_ttl", .type = CFG_DURATION,
	  .offset = CC(quarantine_ttl_ns), .def = "1h",
	  .min = SEC, .max = 30 * 86400 * SEC,
	  .help = "how long a quarantine a honeypot hit started lasts" },
	{ .name = "events_per_second", .type = CFG_UINT,
	  .offset = CC(events_per_second), .def = "10", .min = 1, .max = 100000,
	  .help = "honeypot events per source and second; the rest counted" },
	{ .name = "mem_cap", .type = CFG_SIZE, .offset = CC(mem_cap),
	  .def = "64M", .min = 1024 * 1024, .max = 16ULL << 30,
	  .help = "bytes of held-connection and UDP-flow records" },
	{ .name = "hold_timeout", .type = CFG_DURATION,
	  .offset = CC(hold_timeout_ns), .def = "10m",
	  .min = 150 * SEC, .max = 7 * 86400 * SEC,
	  .help = "a held connection silent this long is forgotten" },
	{ .name = "goat_dirs", .type = CFG_LIST, .offset = CC(goat_dirs),
	  .help = "shared folders that get bait files, watched for change" },
	{ .name = "goat_ports", .type = CFG_LIST, .offset = CC(goat_ports_text),
	  .def = "445, 139, 2049, 873",
	  .help = "file-sharing ports: peers connected to them when a bait "
	  "changes are signalled" },
	{ .name = "goat_sweep", .type = CFG_DURATION, .offset = CC(goat_sweep_ns),
	  .def = "10m", .min = SEC, .max = 86400 * SEC,
	  .help = "every bait file is hashed this often (and at start)" },
	{ .name = "claim", .type = CFG_LIST, .offset = CC(claim_text),
	  .help = "IFACE PREFIX: unanswered on-link addresses claimed" },
	{ .name = "claim_after", .type = CFG_DURATION,
	  .offset = CC(claim_after_ns), .def = "3s",
	  .min = SEC / 10, .max = 3600 * SEC,
	  .help = "an address asked for and silent this long is claimed" },
};

/* port_range - "N" or "N-M" with 1 <= N <= M <= 65535; 0 or -1 */
static int port_range(const char *s, uint16_t out[2])
{
	uint64_t a, b;
	const char *dash = strchr(s, '-');
	char first[8];

	if (dash == NULL) {
		if (cfgval_uint(s, &a) < 0)
			return -1;
		b = a;
	} else {
		if ((size_t)(dash - s) >= sizeof(first))
			return -1;
		memcpy(first, s, (size_t)(dash - s));
		first[dash - s] = '\0';
		if (cfgval_uint(first, &a) < 0 || cfgval_uint(dash + 1, &b) < 0)
			return -1;
	}
	if (a < 1 || a > b || b > 65535)
		return -1;
	out[0] = (uint16_t)a;
	out[1] = (uint16_t)b;
	return 0;
}

/* ports_parse - ports_text into ranges */
static int ports_parse(struct config *c, struct cap_conf *o, char *err,
		       size_t len)
{
	char shown[96];
	size_t i;

	for (i = 0; o->ports_text != NULL && o->ports_text[i] != NULL; i++) {
		if (i == CAP_PORTS_MAX) {
			snprintf(err, len, "%s: [capture] ports: more than %d "
				 "entries", config_name(c), CAP_PORTS_MAX);
			return -1;
		}
		if (port_range(o->ports_text[i], o->ports[i]) < 0) {
			cfgval_show(o->ports_text[i], shown, sizeof(shown));
			snprintf(err, len, "%s: [capture] ports = \"%s\": expected "
				 "a port N or a range N-M, 1 to 65535",
				 config_name(c), shown);
			return -1;
		}
	}
	o->nports = i;
	return 0;
}

/* claim_one - "IFACE PREFIX" into cc; 0 or -1 */
static int claim_one(const char *s, struct cap_claim_conf *cc)
{
	const char *sp = strchr(s, ' ');
	size_t n = sp == NULL ? 0 : (size_t)(sp - s);

	if (n == 0 || n >= sizeof(cc->ifname))
		return -1;
	memcpy(cc->ifname, s, n);
	cc->ifname[n] = '\0';
	while (*sp == ' ')
		sp++;
	if (prefix_parse(sp, &cc->net, &cc->plen) < 0
	    || cc->plen < (cc->net.family == 4 ? 8 : 64))
		return -1;
	(void)prefix_network(&cc->net, cc->plen, &cc->net);
	return 0;
}

/* claims_parse - claim_text into claims */
static int claims_parse(struct config *c, struct cap_conf *o, char *err,
			size_t len)
{
	char shown[96];
	size_t i;

	for (i = 0; o->claim_text != NULL && o->claim_text[i] != NULL; i++) {
		if (i == CAP_CLAIMS_MAX) {
			snprintf(err, len, "%s: [capture] claim: more than %d "
				 "entries", config_name(c), CAP_CLAIMS_MAX);
			return -1;
		}
		if (claim_one(o->claim_text[i], &o->claims[i]) < 0) {
			cfgval_show(o->claim_text[i], shown, sizeof(shown));
			snprintf(err, len, "%s: [capture] claim = \"%s\": expected "
				 "an interface name and an IPv4 prefix of /8 or "
				 "longer or an IPv6 one of /64 or longer, such "
				 "as \"eth1 192.0.2.0/24\" or \"eth1 "
				 "2001:db8:1::/64\"",
				 config_name(c), shown);
			return -1;
		}
	}
	o->nclaims = i;
	return 0;
}

/* cap_conf_apply - [capture] of c into out */
int cap_conf_apply(struct config *c, struct cap_conf *out, char *err,
		   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (config_apply(c, "capture", capture_keys, NKEYS(capture_keys), out,
			 err, errlen) < 0
	    || ports_parse(c, out, err, errlen) < 0
	    || claims_parse(c, out, err, errlen) < 0
	    || coreconf_portmap(c, "capture", "goat_ports", out->goat_ports_text,
				out->goat_port, err, errlen) < 0) {
		cap_conf_release(out);
		return -1;
	}
	return 0;
}

/* cap_conf_release - accepts NULL */
void cap_conf_release(struct cap_conf *c)
{
	if (c == NULL)
		return;
	config_release(capture_keys, NKEYS(capture_keys), c);
	memset(c, 0, sizeof(*c));
}

/* cap_conf_goat_port - is port one of goat_ports */
int cap_conf_goat_port(const struct cap_conf *c, uint16_t port)
{
	return (c->goat_port[port / 8] >> (port % 8)) & 1;
}

/* cap_conf_on - is any address dark */
int cap_conf_on(const struct cap_conf *c)
{
	return (c->dark != NULL && prefixset_count(c->dark) > 0)
	    || c->nclaims > 0;
}

/* cap_conf_port - is port answered */
int cap_conf_port(const struct cap_conf *c, uint16_t port)
{
	size_t i;

	if (c->nports == 0)
		return 1;
	for (i = 0; i < c->nports; i++)
		if (port >= c->ports[i][0] && port <= c->ports[i][1])
			return 1;
	return 0;
}
