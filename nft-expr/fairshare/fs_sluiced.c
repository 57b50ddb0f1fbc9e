/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_sluiced - fair sharing inside sluiced: start, lockouts, commands
 * DESCRIPTION
 *	See fs_sluiced.h. The operations read sluiced's configuration at
 *	each call, so a reload's new whitelist and shares apply at once
 *	(shares to hosts that get a class after it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cfgval.h"
#include "clock.h"
#include "daemon.h"
#include "event.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "fairshare/fairshare.h"
#include "fairshare/fs_sluiced.h"

#define ERRLEN 512

static void (*fs_event_fn)(void *, const struct event *);

/* op_weight - the share of a's zone */
static unsigned op_weight(void *ctx, const struct sl_addr *a)
{
	const struct sluiced *s = ctx;
	const struct sd_zone *z = sdconf_zone(s->conf, a);

	return z != NULL && z->share ? z->share : 1;
}

/* op_whitelisted - in the whitelist in force */
static int op_whitelisted(void *ctx, const struct sl_addr *a)
{
	const struct sluiced *s = ctx;

	return s->conf->core.whitelist != NULL
	    && prefixset_lookup(s->conf->core.whitelist, a, NULL);
}

/* op_event - through sluiced's events */
static void op_event(void *ctx, const struct event *ev)
{
	if (fs_event_fn != NULL)
		fs_event_fn(ctx, ev);
}

static const struct fairshare_ops fs_ops = { op_weight, op_whitelisted, op_event };

/* fs_sluiced_up - fair sharing on, when configured */
void fs_sluiced_up(struct sluiced *s,
		   void (*event)(void *ctx, const struct event *ev))
{
	const struct fs_conf *c = &s->conf->fairshare;
	char err[ERRLEN];

	if (!fs_conf_on(c))
		return;
	fs_event_fn = event;
	if ((s->fair = fairshare_open(c, &fs_ops, s, err, sizeof(err))) == NULL)
		daemon_die(1, "%s", err);
	daemon_log(LOG_INFO, "fairshare: HTB on %s at %llu kbit/s%s%s%s, up to %u "
		   "host classes, contained hosts at %llu kbit/s%s",
		   c->interface, (unsigned long long)(c->rate / 1000),
		   c->lan_interface ? " and on " : "",
		   c->lan_interface ? c->lan_interface : "",
		   c->lan_interface ? " towards the LAN" : "", c->classes,
		   (unsigned long long)(c->contain_rate / 1000),
		   c->contain == FS_CONTAIN_LOCKOUT ? ", on lockouts too" : "");
}

/* fs_sluiced_event - contain = lockout: a lockout slows its host */
void fs_sluiced_event(struct sluiced *s, const struct event *ev)
{
	char shown[ADDR_STRLEN];

	if (!fairshare_contain_on_lockout(s->fair) || ev->src == NULL
	    || strcmp(ev->type, "lockout") != 0)
		return;
	if (fairshare_contain(s->fair, ev->src, 0, "lockout", sl_monotonic_ns()) < 0
	    && errno != EPERM)
		daemon_log(LOG_WARNING, "fairshare: containing %s after its "
			   "lockout: %s", addr_format(ev->src, shown),
			   strerror(errno));
}

/* host_line - one host of the list */
static void host_line(void *ctx, const struct fairshare_host *h)
{
	GString *out = ctx;
	char a[ADDR_STRLEN];

	g_string_append_printf(out, "%s%s class=1:%x weight=%u rate=%llukbit "
			       "ceil=%llukbit idle=%llus contained=",
			       addr_format(&h->key, a), h->key.family == 6 ? "/64" : "",
			       0x1000 + h->slot, h->weight,
			       (unsigned long long)(h->rate / 1000),
			       (unsigned long long)(h->ceil / 1000),
			       (unsigned long long)(h->idle_ns / NS_PER_SEC));
	if (h->contain_left_ns)
		g_string_append_printf(out, "%llus\n", (unsigned long long)
				       ((h->contain_left_ns + NS_PER_SEC - 1) / NS_PER_SEC));
	else
		g_string_append(out, "no\n");
}

/* off - the answer when fair sharing is off; -1 */
static int off(GString *out)
{
	g_string_printf(out, "fair sharing is off ([fairshare] interface unset)");
	return -1;
}

/* fs_sluiced_cmd_list - the hosts with a class */
int fs_sluiced_cmd_list(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct fairshare_stats st;

	(void)json;
	(void)argv;
	if (s->fair == NULL)
		return off(out);
	fairshare_stats(s->fair, &st);
	g_string_append_printf(out, "hosts=%u classes_max=%u contained=%u\n",
			       st.hosts, st.bound, st.contained);
	fairshare_hosts(s->fair, sl_monotonic_ns(), host_line, out);
	return 0;
}

/* fs_sluiced_cmd_contain - contain HOST [DURATION] */
int fs_sluiced_cmd_contain(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct sl_addr a;
	uint64_t ttl = 0;

	(void)json;
	if (s->fair == NULL)
		return off(out);
	if (addr_parse(argv[1], &a) < 0) {
		g_string_printf(out, "not an IPv4 or IPv6 address: %.64s", argv[1]);
		return -1;
	}
	if (argv[2] != NULL && (cfgval_duration(argv[2], &ttl) < 0 || ttl == 0
				|| ttl > 30 * 86400 * NS_PER_SEC)) {
		g_string_printf(out, "not a duration from 1s to 30d: %.32s", argv[2]);
		return -1;
	}
	if (fairshare_contain(s->fair, &a, ttl, "operator", sl_monotonic_ns()) < 0) {
		g_string_printf(out, errno == EPERM ? "%s is whitelisted: never slowed"
				: "containing %s failed: %s", argv[1], strerror(errno));
		return -1;
	}
	g_string_printf(out, "contained %s\n", argv[1]);
	return 0;
}

/* fs_sluiced_cmd_uncontain - uncontain HOST */
int fs_sluiced_cmd_uncontain(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct sl_addr a;

	(void)json;
	if (s->fair == NULL)
		return off(out);
	if (addr_parse(argv[1], &a) < 0) {
		g_string_printf(out, "not an IPv4 or IPv6 address: %.64s", argv[1]);
		return -1;
	}
	if (fairshare_restore(s->fair, &a, "operator", sl_monotonic_ns()) < 0) {
		g_string_printf(out, "%s is not contained", argv[1]);
		return -1;
	}
	g_string_printf(out, "uncontained %s\n", argv[1]);
	return 0;
}
