/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_conf - unit test of the [capture] group
 *	(nft-expr/capture/cap_conf.c)
 * DESCRIPTION
 *	The defaults, the port list, and every refusal naming file,
 *	group, key, value and what is accepted.
 */
#include <string.h>

#include "capture/cap_conf.h"
#include "config.h"
#include "../tap.h"

/* load - apply text; returns 0/-1, err filled */
static int load(const char *text, struct cap_conf *out, char *err, size_t len)
{
	struct config *c = config_open_data("t.conf", text, strlen(text), err, len);
	int rc;

	if (c == NULL)
		return -1;
	rc = cap_conf_apply(c, out, err, len);
	config_close(c);
	return rc;
}

int main(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "[capture]\nports = 80, 0\n",
		  "t.conf: [capture] ports = \"0\": expected a port N or a range N-M, 1 to 65535" },
		{ "[capture]\nports = 90-80\n",
		  "t.conf: [capture] ports = \"90-80\": expected a port N or a range N-M, 1 to 65535" },
		{ "[capture]\nports = 1-65536\n",
		  "t.conf: [capture] ports = \"1-65536\": expected a port N or a range N-M, 1 to 65535" },
		{ "[capture]\nports = http\n",
		  "t.conf: [capture] ports = \"http\": expected a port N or a range N-M, 1 to 65535" },
		{ "[capture]\naction = drop\n", "t.conf: [capture] action = \"drop\"" },
		{ "[capture]\ndark = 10.0.0.0/33\n", "t.conf: [capture] dark = " },
		{ "[capture]\nsample_bytes = 0\n", "t.conf: [capture] sample_bytes = \"0\"" },
		{ "[capture]\nhold_timeout = 10s\n", "t.conf: [capture] hold_timeout = \"10s\"" },
		{ "[capture]\ndarkk = 10.0.0.0/8\n", "t.conf: [capture] darkk" },
		{ "[capture]\nclaim = eth0\n",
		  "t.conf: [capture] claim = \"eth0\": expected an interface name and an IPv4 prefix of /8 or longer or an IPv6 one of /64 or longer, such as \"eth1 192.0.2.0/24\" or \"eth1 2001:db8:1::/64\"" },
		{ "[capture]\nclaim = eth0 fd00::/48\n",
		  "t.conf: [capture] claim = \"eth0 fd00::/48\": expected an interface name and an IPv4 prefix of /8 or longer or an IPv6 one of /64 or longer" },
		{ "[capture]\nclaim = eth0 10.0.0.0/4\n",
		  "t.conf: [capture] claim = \"eth0 10.0.0.0/4\": expected an interface name" },
		{ "[capture]\nclaim = a-name-longer-than-15 10.0.0.0/24\n",
		  "t.conf: [capture] claim = \"a-name-longer-than-15 10.0.0.0/24\": expected" },
		{ "[capture]\nclaim_after = 10ms\n", "t.conf: [capture] claim_after = \"10ms\"" },
	};
	struct cap_conf c;
	char err[512];
	size_t i;

	is_int(load("[core]\n", &c, err, sizeof(err)), 0, "no [capture]: defaults");
	ok(!cap_conf_on(&c), "capture off without dark");
	ok(c.nports == 0 && cap_conf_port(&c, 1) && cap_conf_port(&c, 65535), "every port");
	ok(c.sample_bytes == 4096 && c.sample_cap == 256ULL << 20
	   && c.sample_max_age_ns == 30ULL * 86400 * 1000000000ULL
	   && c.action == CAP_ACTION_SIGNAL && c.sample_dir == NULL,
	   "defaults: 4096 bytes, 256M, 30 days, signal, no sample_dir");
	cap_conf_release(&c);
	is_int(load("[capture]\ndark = 10.77.9.0/24, fd77:9::/64\nports = 22, 80, 8000-8099\n"
		    "action = log\nsample_dir = /var/lib/sluice/samples\n", &c, err,
		    sizeof(err)), 0, "a full group");
	ok(cap_conf_on(&c), "capture on");
	is_uint(c.nports, 3, "three port entries");
	ok(cap_conf_port(&c, 22) && cap_conf_port(&c, 8050) && !cap_conf_port(&c, 23)
	   && !cap_conf_port(&c, 8100), "22 and 8050 in, 23 and 8100 out");
	is_int(c.action, CAP_ACTION_LOG, "action log");
	cap_conf_release(&c);
	is_int(load("[capture]\nclaim = br0 10.77.1.7/24, eth1 192.0.2.0/28\n", &c,
		    err, sizeof(err)), 0, "claim alone: %s", err);
	ok(cap_conf_on(&c), "capture on with claim alone");
	is_uint(c.nclaims, 2, "two claim entries");
	ok(strcmp(c.claims[0].ifname, "br0") == 0 && c.claims[0].plen == 24
	   && c.claims[0].net.b[3] == 0 && strcmp(c.claims[1].ifname, "eth1") == 0,
	   "br0 10.77.1.0/24 (host bits cleared), eth1: got %s/%u", c.claims[0].ifname,
	   c.claims[0].plen);
	is_uint(c.claim_after_ns, 3000000000ULL, "claim_after default 3 s");
	cap_conf_release(&c);
	is_int(load("[capture]\nclaim = br0 fd77:1::9/64\n", &c, err, sizeof(err)),
	       0, "an IPv6 claim: %s", err);
	ok(c.nclaims == 1 && c.claims[0].net.family == 6 && c.claims[0].plen == 64
	   && c.claims[0].net.b[15] == 0, "br0 fd77:1::/64 (host bits cleared)");
	cap_conf_release(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		is_int(load(bad[i].text, &c, err, sizeof(err)), -1, "refused: %s", bad[i].want);
		ok(strncmp(err, bad[i].want, strlen(bad[i].want)) == 0,
		   "error names it: got \"%s\"", err);
	}
	return done_testing();
}
