/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_conf - the [fairshare] group: interfaces, rates, classes, containment
 * DESCRIPTION
 *	See fs_conf.h. The schema checks each value; rates are strings
 *	to the schema, because config(3) has no rate type and tc's
 *	units (bit and byte multiples, SI and IEC) are what an operator
 *	of a gateway already writes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfgval.h"
#include "config.h"
#include "fairshare/fs_conf.h"

#define FC(f) offsetof(struct fs_conf, f)
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))
#define SEC 1000000000ULL
#define RATE_MIN 8000ULL		/* 8kbit: below, HTB's tokens are coarse */
#define RATE_MAX 1000000000000ULL	/* 1tbit */

static const char *const method_choices[] = { "htb", "cake", NULL };
static const char *const contain_choices[] = { "off", "lockout", NULL };

static const struct cfg_key fairshare_keys[] = {
	{ .name = "interface", .type = CFG_STRING, .offset = FC(interface),
	  .help = "the uplink: its egress gets one class per LAN host; "
		  "empty: fair sharing off" },
	{ .name = "lan_interface", .type = CFG_STRING, .offset = FC(lan_interface),
	  .help = "the LAN side: its egress shares the other direction" },
	{ .name = "rate", .type = CFG_STRING, .offset = FC(rate_text),
	  .help = "the uplink's rate in tc units (100mbit)" },
	{ .name = "lan_rate", .type = CFG_STRING, .offset = FC(lan_rate_text),
	  .help = "the rate towards the LAN; empty: rate" },
	{ .name = "classes", .type = CFG_UINT, .offset = FC(classes), .def = "256",
	  .min = 1, .max = FS_CLASSES_MAX,
	  .help = "host classes at most; the least recently active is reused" },
	{ .name = "idle", .type = CFG_DURATION, .offset = FC(idle_ns), .def = "30s",
	  .min = SEC, .max = 86400 * SEC,
	  .help = "a host silent this long gives its class back" },
	{ .name = "contain_rate", .type = CFG_STRING, .offset = FC(contain_rate_text),
	  .def = "1mbit", .help = "rate of a contained host, in tc units" },
	{ .name = "contain", .type = CFG_ENUM, .offset = FC(contain), .def = "off",
	  .choices = contain_choices,
	  .help = "lockout: a lockout also slows the host to contain_rate" },
	{ .name = "contain_ttl", .type = CFG_DURATION, .offset = FC(contain_ttl_ns),
	  .def = "10m", .min = SEC, .max = 30 * 86400 * SEC,
	  .help = "how long contain = lockout slows a host" },
	{ .name = "method", .type = CFG_ENUM, .offset = FC(method), .def = "htb",
	  .choices = method_choices,
	  .help = "htb: classes per host; cake: CAKE's dual-srchost (needs sch_cake)" },
};

static const struct { const char *unit; double mult; } rate_units[] = {
	{ "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 },
	{ "tbit", 1e12 }, { "kibit", 1024.0 }, { "mibit", 1048576.0 },
	{ "gibit", 1073741824.0 }, { "tibit", 1099511627776.0 },
	{ "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 },
	{ "tbps", 8e12 }, { "kibps", 8 * 1024.0 }, { "mibps", 8 * 1048576.0 },
	{ "gibps", 8 * 1073741824.0 }, { "", 1 },
};

/* fs_conf_rate - a tc rate into bits/s */
int fs_conf_rate(const char *s, uint64_t *bits)
{
	char *end;
	double v;
	size_t i;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtod(s, &end);
	for (i = 0; i < NKEYS(rate_units); i++)
		if (strcasecmp(end, rate_units[i].unit) == 0)
			break;
	if (i == NKEYS(rate_units) || !isfinite(v))
		return -1;
	v *= rate_units[i].mult;
	if (v < RATE_MIN || v > RATE_MAX)
		return -1;
	*bits = (uint64_t)(v + 0.5);
	return 0;
}

/* rate_key - one rate key into *bits (def: used when the key is empty) */
static int rate_key(struct config *c, const char *key, const char *text,
		    uint64_t def, uint64_t *bits, char *err, size_t len)
{
	char shown[96];

	if (text == NULL) {
		*bits = def;
		return 0;
	}
	if (fs_conf_rate(text, bits) == 0)
		return 0;
	cfgval_show(text, shown, sizeof(shown));
	snprintf(err, len, "%s: [fairshare] %s = \"%s\": expected a rate in tc "
		 "units from 8kbit to 1tbit, such as 100mbit, 1.5gbit, 500kbit "
		 "or 10mbps (bytes)", config_name(c), key, shown);
	return -1;
}

/* relations - what the schema cannot check */
static int relations(struct config *c, struct fs_conf *o, char *err,
		     size_t len)
{
	const char *f = config_name(c);

	if (o->interface == NULL) {
		if (o->rate_text != NULL || o->lan_interface != NULL)
			return snprintf(err, len, "%s: [fairshare] interface: "
					"missing: rate and lan_interface need the "
					"uplink's interface", f), -1;
		return 0;
	}
	if (o->rate_text == NULL)
		return snprintf(err, len, "%s: [fairshare] rate: missing: "
				"interface = %.32s needs the uplink's rate, such "
				"as 100mbit", f, o->interface), -1;
	if (strlen(o->interface) >= 16
	    || (o->lan_interface != NULL && strlen(o->lan_interface) >= 16))
		return snprintf(err, len, "%s: [fairshare] interface: an "
				"interface name has at most 15 characters", f), -1;
	if (o->lan_interface != NULL && strcmp(o->interface, o->lan_interface) == 0)
		return snprintf(err, len, "%s: [fairshare] lan_interface = "
				"\"%s\": expected an interface other than "
				"interface", f, o->lan_interface), -1;
	if (o->contain_rate >= o->rate)
		return snprintf(err, len, "%s: [fairshare] contain_rate = \"%s\": "
				"expected a rate below rate (%s)", f,
				o->contain_rate_text, o->rate_text), -1;
	return 0;
}

/* fs_conf_apply - [fairshare] of c into out */
int fs_conf_apply(struct config *c, struct fs_conf *out, char *err,
		  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (config_apply(c, "fairshare", fairshare_keys, NKEYS(fairshare_keys),
			 out, err, errlen) < 0
	    || rate_key(c, "rate", out->rate_text, 0, &out->rate, err, errlen) < 0
	    || rate_key(c, "lan_rate", out->lan_rate_text, out->rate,
			&out->lan_rate, err, errlen) < 0
	    || rate_key(c, "contain_rate", out->contain_rate_text, 0,
			&out->contain_rate, err, errlen) < 0
	    || relations(c, out, err, errlen) < 0) {
		fs_conf_release(out);
		return -1;
	}
	return 0;
}

/* fs_conf_release - accepts NULL */
void fs_conf_release(struct fs_conf *c)
{
	if (c == NULL)
		return;
	config_release(fairshare_keys, NKEYS(fairshare_keys), c);
	memset(c, 0, sizeof(*c));
}

/* fs_conf_on - is an uplink named */
int fs_conf_on(const struct fs_conf *c)
{
	return c->interface != NULL;
}

/* same_str - two optional strings equal */
static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* fs_conf_same - the keys the installed tree is made of */
int fs_conf_same(const struct fs_conf *a, const struct fs_conf *b)
{
	return same_str(a->interface, b->interface)
	    && same_str(a->lan_interface, b->lan_interface)
	    && a->rate == b->rate && a->lan_rate == b->lan_rate
	    && a->contain_rate == b->contain_rate && a->classes == b->classes
	    && a->method == b->method && a->contain == b->contain
	    && a->idle_ns == b->idle_ns && a->contain_ttl_ns == b->contain_ttl_ns;
}
