/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdctl - sluiced's answers to sluicectl (status, hosts, show, ...)
 * SYNOPSIS
 *	#include "daemon/sdctl.h"
 * DESCRIPTION
 *	A table maps each command to its handler and its word counts
 *	(ctl_server_dispatch), so a wrong call is refused before any
 *	handler runs. Host lines and host objects are written by one
 *	function each, shared by "hosts" and "show". Every string we print
 *	is ours (zone names are checked at load, addresses are formatted
 *	by us), so JSON needs no escaping beyond what we write, except the
 *	operator's reason, which is refused if it is not plain.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "ctl_server.h"
#include "trw.h"
#include "apps/apps.h"
#include "apps/appseen.h"
#include "capture/capture.h"
#include "daemon/sdbypass.h"
#include "daemon/sdconf.h"
#include "daemon/sdctl.h"
#include "daemon/sdexempt.h"
#include "daemon/sdmetrics.h"
#include "daemon/sdreload.h"
#include "daemon/sdqstat.h"
#include "daemon/sluiced.h"
#include "table/nftjhash.h"
#include "dns/dnsd.h"
#include "fairshare/fs_sluiced.h"
#include "quarantine/quar.h"
#include "quarantine/quarsave.h"
#include "queue/nfqueue.h"
#include "react/react.h"
#include "table/nftrules.h"
#include "verdict/vdhost.h"
#include "verdict/verdict.h"
#include "quarantine/quarshare.h"

/* trw_name - "pending", "scanner", "benign" */
static const char *trw_name(int state)
{
	return state == TRW_SCANNER ? "scanner" : state == TRW_BENIGN ? "benign"
	    : "pending";
}

/* host_text - one host on one line: quarantined=no or the seconds
   left, credit= in credit zones only, observe= in observe zones only */
static void host_text(GString *out, const struct verdict_host *h)
{
	char a[ADDR_STRLEN], q[32];

	if (h->quarantine_left_ns == 0)
		snprintf(q, sizeof(q), "no");
	else		/* rounded up: a running quarantine never shows 0s */
		snprintf(q, sizeof(q), "%llus", (unsigned long long)
			 ((h->quarantine_left_ns + NS_PER_SEC - 1) / NS_PER_SEC));
	g_string_append_printf(out, "%s zone=%s mode=%s queued=%u locked=%s "
			       "quarantined=%s delayed=%u dropped=%u contacts=%u "
			       "ok=%u failed=%u", addr_format(&h->addr, a),
			       h->zone ? h->zone : "-", sdconf_mode_name(h->mode),
			       h->queued, h->locked ? "yes" : "no", q, h->delayed,
			       h->dropped, h->contacts, h->ok, h->failed);
	if (h->mode == SD_MODE_CREDIT)
		g_string_append_printf(out, " credit=%d", h->credit);
	if (h->observe)
		g_string_append_printf(out, " observe=yes observed=%u", h->observed);
	g_string_append_printf(out, " trw=%s\n", trw_name(h->trw_state));
}

/* host_json - one host as one JSON object */
static void host_json(GString *out, const struct verdict_host *h)
{
	char a[ADDR_STRLEN];

	g_string_append_printf(out, "{\"host\":\"%s\",\"zone\":\"%s\",\"mode\":\"%s\","
			       "\"queued\":%u,\"wset_used\":%u,\"locked\":%s,"
			       "\"quarantined\":%s,\"quarantine_left_s\":%llu,"
			       "\"delayed\":%u,\"dropped\":%u,"
			       "\"contacts\":%u,\"ok\":%u,\"failed\":%u,",
			       addr_format(&h->addr, a), h->zone ? h->zone : "",
			       sdconf_mode_name(h->mode), h->queued, h->wset_used,
			       h->locked ? "true" : "false",
			       h->quarantine_left_ns ? "true" : "false",
			       (unsigned long long)((h->quarantine_left_ns + NS_PER_SEC - 1)
						    / NS_PER_SEC),
			       h->delayed, h->dropped, h->contacts, h->ok, h->failed);
	if (h->mode == SD_MODE_CREDIT)
		g_string_append_printf(out, "\"credit\":%d,", h->credit);
	if (h->observe)
		g_string_append_printf(out, "\"observe\":true,\"observed\":%u,",
				       h->observed);
	g_string_append_printf(out, "\"trw\":\"%s\",\"trw_ratio\":%.4g,\"idle_s\":%llu}\n",
			       trw_name(h->trw_state), h->trw_ratio,
			       (unsigned long long)(h->idle_ns / NS_PER_SEC));
}

/* host_put - text or JSON */
static void host_put(GString *out, int json, const struct verdict_host *h)
{
	if (json)
		host_json(out, h);
	else
		host_text(out, h);
}

/* host_arg - parse a HOST argument; -1 with the reason in out */
static int host_arg(const char *arg, struct sl_addr *a, GString *out)
{
	if (addr_parse(arg, a) < 0) {
		g_string_printf(out, "not an IPv4 or IPv6 address: %.64s", arg);
		return -1;
	}
	return 0;
}

/* status_capture - the honeypot's line of status, when it is on */
static void status_capture(const struct sluiced *s, GString *out)
{
	struct capture_stats cs;

	if (s->cap == NULL)
		return;
	capture_stats(s->cap, &cs);
	g_string_append_printf(out, "capture: %zu dark prefix(es), hits %llu TCP "
			       "%llu UDP, %llu held now, %llu samples\n",
			       prefixset_count(s->conf->capture.dark),
			       (unsigned long long)cs.hit.proto[0].hits,
			       (unsigned long long)cs.hit.proto[1].hits,
			       (unsigned long long)cs.resp.held,
			       (unsigned long long)cs.hit.samples_new);
}

/* status_share - the shared quarantines' line, with [core] redis */
static void status_share(const struct sluiced *s, GString *out)
{
	struct quarshare_stats qs;

	if (s->share == NULL)
		return;
	quarshare_stats(s, &qs);
	g_string_append_printf(out, "redis: quarantines %s, %llu published, "
			       "%llu received (%llu refused by the whitelist)\n",
			       qs.shared ? "shared" : "not shared (Redis down)",
			       (unsigned long long)qs.published,
			       (unsigned long long)qs.received,
			       (unsigned long long)qs.refused);
}

/* cmd_status - the daemon in a few lines */
static int cmd_status(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct verdict_stats vs;
	const char *qexpr = s->nft ? nftrules_kind_name(nftrules_queue_kind(s->nft))
				   : "none (ruleset = none)";
	uint64_t up = (sl_monotonic_ns() - s->started) / NS_PER_SEC;
	size_t i;

	(void)argv;
	verdict_stats(s->v, &vs);
	if (json) {
		g_string_append_printf(out, "{\"version\":\"%s\",\"uptime_s\":%llu,"
			"\"ruleset\":\"%s\",\"table\":\"%s\",\"queue_expr\":\"%s\","
			"\"queue_num\":\"%s\",\"zones\":%zu,\"packets\":%llu,\"accepted\":%llu,"
			"\"held\":%llu,\"released\":%llu,\"dropped\":%llu,\"hosts\":%zu,"
			"\"held_now\":%zu,\"quarantined\":%zu,\"lockouts\":%llu,"
			"\"fast_hosts\":%zu,\"fast_pairs\":%zu",
			SLUICE_VERSION, (unsigned long long)up,
			s->nft ? "own" : "none", s->conf->table, qexpr,
			s->conf->queue_text, s->conf->nzones,
			(unsigned long long)vs.packets, (unsigned long long)vs.accepted,
			(unsigned long long)vs.held, (unsigned long long)vs.released,
			(unsigned long long)vs.dropped, vs.hosts, vs.held_now,
			vs.quarantined, (unsigned long long)vs.lockouts,
			vs.fast_hosts, vs.fast_pairs);
		sdbypass_status(s, 1, sl_monotonic_ns(), out);
		sdqstat_status(s, 1, out);
		g_string_append(out, "}\n");
		return 0;
	}
	g_string_append_printf(out, "sluiced %s, up %llu s\n", SLUICE_VERSION,
			       (unsigned long long)up);
	g_string_append_printf(out, "ruleset: %s, tables ip/ip6 %s, queue %s, %s\n",
			       s->nft ? "own" : "none", s->conf->table,
			       s->conf->queue_text, qexpr);
	sdbypass_status(s, 0, sl_monotonic_ns(), out);
	sdqstat_status(s, 0, out);
	for (i = 0; i < s->conf->nzones; i++) {
		const struct sd_zone *z = &s->conf->zones[i];

		g_string_append_printf(out, "zone %s: %s%s, fail-%s, %zu prefix(es)\n",
				       z->name, sdconf_mode_name(z->mode),
				       z->observe || s->conf->core.dry_run
				       ? ", observe (nothing enforced)" : "",
				       z->fail == SD_FAIL_CLOSED ? "closed" : "open",
				       prefixset_count(z->prefixes));
	}
	g_string_append_printf(out, "packets: %llu (accepted %llu, held %llu, "
			       "released %llu, dropped %llu)\n",
			       (unsigned long long)vs.packets,
			       (unsigned long long)vs.accepted,
			       (unsigned long long)vs.held,
			       (unsigned long long)vs.released,
			       (unsigned long long)vs.dropped);
	g_string_append_printf(out, "hosts: %zu tracked, %zu packets held now, "
			       "%zu quarantined, %llu lockouts\n", vs.hosts,
			       vs.held_now, vs.quarantined,
			       (unsigned long long)vs.lockouts);
	if (vs.fast_hosts > 0)
		g_string_append_printf(out, "fast path: %zu hosts mirrored, %zu "
				       "pairs in the kernel\n", vs.fast_hosts,
				       vs.fast_pairs);
	if (vs.observed_holds + vs.observed_drops + vs.observed_quarantines > 0)
		g_string_append_printf(out, "observed, not enforced: %llu would-be "
				       "holds, %llu drops, %llu quarantines\n",
				       (unsigned long long)vs.observed_holds,
				       (unsigned long long)vs.observed_drops,
				       (unsigned long long)vs.observed_quarantines);
	status_capture(s, out);
	status_share(s, out);
	dnsd_status(s, out);
	return 0;
}

struct hosts_ctx {
	GString *out;
	int json, all;
	size_t n;
};

/* hosts_one - verdict_walk callback */
static int hosts_one(void *ctx, const struct verdict_host *h)
{
	struct hosts_ctx *c = ctx;

	if (!c->all && h->queued == 0 && !h->locked && h->quarantine_left_ns == 0
	    && h->delayed == 0 && h->dropped == 0)
		return 0;
	host_put(c->out, c->json, h);
	return ++c->n >= 100000;	/* bounded reply */
}

/* cmd_hosts - throttled, delayed and quarantined hosts ("all": every) */
static int cmd_hosts(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct hosts_ctx c = { out, json, 0, 0 };

	if (argv[1] != NULL) {
		if (strcmp(argv[1], "all") != 0) {
			g_string_printf(out, "hosts takes no argument but \"all\"");
			return -1;
		}
		c.all = 1;
	}
	/* Every host: the most recent first, as the reply is bounded. The
	   few held or quarantined ones: one quick pass, any order. */
	vdhost_walk(s->v, sl_monotonic_ns(), c.all, hosts_one, &c);
	return 0;
}

/* cmd_show - one host */
static int cmd_show(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct verdict_host h;
	struct sl_addr a;
	uintptr_t from;

	if (host_arg(argv[1], &a, out) < 0)
		return -1;
	/* its IPv6 prefix may be quarantined: the address itself never is */
	if (prefixset_lookup(s->conf->core.whitelist, &a, &from)) {
		g_string_printf(out, json ? "{\"host\":\"%s\",\"whitelisted\":\"%s\","
				"\"quarantined\":false}\n" : "%s is whitelisted (%s): "
				"never queued, held or quarantined\n", argv[1],
				sdexempt_what(from));
		return 0;
	}
	if (vdhost_show(s->v, &a, sl_monotonic_ns(), &h) < 0) {
		g_string_printf(out, "unknown host %s", argv[1]);
		return -1;
	}
	host_put(out, json, &h);
	if (!json && s->mq != NULL)	/* which reader owns it */
		g_string_append_printf(out, "queue=%u\n", s->conf->queue_num
				       + nftjhash_queue(&a, s->conf->v6_prefix,
							s->conf->queue_count,
							s->queue_seed));
	return 0;
}

/* reason_get - an operator's reason, the words from argv[2] on joined
   by spaces, into buf: NULL if none; -1 (out says why) if it is not
   short and printable */
static int reason_get(char **argv, GString *buf, const char **reason,
		      GString *out)
{
	size_t i;

	*reason = ctl_server_join(argv + 2, buf);
	for (i = 0; i < buf->len; i++)
		if (!g_ascii_isprint(buf->str[i]))
			break;
	if (i < buf->len || buf->len > 200) {
		g_string_printf(out, "a reason is up to 200 printable characters");
		return -1;
	}
	return 0;
}

/* honeytoken - a mail filter's report: a signal like any other, so
   the ladder, whitelist, rate cap and dry run decide; the reply says
   what became of it */
static int honeytoken(struct sluiced *s, const struct sl_addr *a,
		      const char *arg, GString *out)
{
	struct cmeasure_decision d;

	react_decide(s, CMEASURE_SIG_HONEYTOKEN, a, 0, sl_monotonic_ns(), &d);
	quarsave_flush(s);	/* in the kernel before the reply */
	if (d.outcome == CMEASURE_WHITELISTED) {
		g_string_printf(out, "%s is whitelisted: never quarantined", arg);
		return -1;
	}
	if (d.outcome == CMEASURE_ACT)
		g_string_printf(out, "%s %s%s (honeytoken, score %u)\n",
				d.action == CMEASURE_QUARANTINE ? "quarantined"
				: cmeasure_action_name(d.action), arg,
				d.dry_run ? " in dry run" : "", d.score);
	else
		g_string_printf(out, "reported %s: %s (honeytoken, score %u)\n", arg,
				cmeasure_outcome_name(d.outcome), d.score);
	return 0;
}

/* cmd_quarantine - operator quarantine; a mail filter's honeytoken */
static int cmd_quarantine(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct sl_addr a;
	g_autoptr(GString) buf = g_string_new(NULL);
	const char *reason;

	(void)json;
	if (host_arg(argv[1], &a, out) < 0
	    || reason_get(argv, buf, &reason, out) < 0)
		return -1;
	if (reason != NULL && strcmp(reason, "honeytoken") == 0)
		return honeytoken(s, &a, argv[1], out);
	if (quar_addr(s->v, &a, reason ? reason : "operator",
			       sl_monotonic_ns()) < 0) {
		g_string_printf(out, "%s is whitelisted: never quarantined", argv[1]);
		return -1;
	}
	quarsave_flush(s);	/* in the kernel before the reply */
	g_string_printf(out, "quarantined %s\n", argv[1]);
	return 0;
}

/* cmd_release - lift quarantine and lockout, release held packets;
   the operator's reason, if given, goes into the events */
static int cmd_release(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	struct sl_addr a;
	g_autoptr(GString) buf = g_string_new(NULL);
	const char *reason;

	(void)json;
	if (host_arg(argv[1], &a, out) < 0
	    || reason_get(argv, buf, &reason, out) < 0)
		return -1;
	if (quar_release(s->v, &a, reason, sl_monotonic_ns()) < 0)
		g_string_printf(out, "released %s (it was not known; any quarantine "
				"entry removed)\n", argv[1]);
	else
		g_string_printf(out, "released %s\n", argv[1]);
	return 0;
}

/* prefix_line - prefixset_walk callback for cmd_whitelist */
static int prefix_line(void *ctx, const struct sl_addr *a, unsigned plen,
		       uintptr_t value)
{
	GString *out = ctx;
	char buf[ADDR_STRLEN];

	g_string_append_printf(out, "%s/%u %s\n", addr_format(a, buf), plen,
			       sdexempt_what(value));
	return 0;
}

/* cmd_whitelist - the whitelist in force: never queued, never acted on
   ([core] whitelist, own addresses, resolvers) */
static int cmd_whitelist(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	(void)json;
	(void)argv;
	if (s->conf->core.whitelist != NULL)
		prefixset_walk(s->conf->core.whitelist, prefix_line, out);
	return 0;
}

/* cmd_events - follow the events */
static int cmd_events(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	(void)s;
	(void)json;
	(void)argv;
	(void)out;
	return 1;
}

/* cmd_reload - as SIGHUP */
static int cmd_reload(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	char err[512];

	(void)json;
	(void)argv;
	if (sdreload_run(s, err, sizeof(err)) < 0) {
		g_string_printf(out, "%s", err);
		return -1;
	}
	g_string_printf(out, "reloaded %s\n", s->path);
	return 0;
}

/* cmd_bypass - the emergency bypass on or off (the socket's mode 0660
   keeps it to root and the socket's group, as every command here) */
static int cmd_bypass(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	char err[512];
	int on;

	(void)json;
	if (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0) {
		g_string_printf(out, "bypass %.32s: expected on or off", argv[1]);
		return -1;
	}
	on = argv[1][1] == 'n';
	err[0] = 0;
	if (sdbypass_set(s, on, "sluicectl", err, sizeof(err)) < 0) {
		g_string_printf(out, "bypass %s failed: %s", argv[1], err);
		return -1;
	}
	g_string_printf(out, on ? "EMERGENCY BYPASS ON: every packet is accepted "
			"until 'sluicectl bypass off'\n"
			: "bypass off: sluiced decides again\n");
	return 0;
}

/* cmd_reactions - the countermeasures in force */
static int cmd_reactions(void *ctx, int json, char **argv, GString *out)
{
	(void)argv;
	react_format(ctx, json, sl_monotonic_ns(), out);
	return 0;
}

/* cmd_lift - end one countermeasure early */
static int cmd_lift(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	g_autoptr(GString) buf = g_string_new(NULL);
	const char *reason;
	guint64 id;

	(void)json;
	if (!g_ascii_string_to_unsigned(argv[1], 10, 1, G_MAXUINT64, &id, NULL)) {
		g_string_printf(out, "lift %.32s: expected a reaction id "
				"(sluicectl reactions)", argv[1]);
		return -1;
	}
	if (reason_get(argv, buf, &reason, out) < 0)
		return -1;
	if (react_lift(s, id, reason, sl_monotonic_ns()) < 0) {
		g_string_printf(out, "no reaction %llu in force", (unsigned long long)id);
		return -1;
	}
	g_string_printf(out, "lifted %llu\n", (unsigned long long)id);
	return 0;
}

/* cmd_metrics - Prometheus text */
static int cmd_metrics(void *ctx, int json, char **argv, GString *out)
{
	struct sluiced *s = ctx;
	(void)json;
	(void)argv;
	sdmetrics_format(s, out);
	return 0;
}

/* apps_on - the apps room, or ERR when [applications] is off */
static struct apps *apps_on(struct sluiced *s, GString *out)
{
	if (s->apps == NULL)
		g_string_printf(out, "[applications] mode is off");
	return s->apps;
}

/* cmd_apps - executables approved, changed, denied, learned */
static int cmd_apps(void *ctx, int json, char **argv, GString *out)
{
	struct apps *a = apps_on(ctx, out);

	(void)argv;
	if (a == NULL)
		return -1;
	appseen_list(a, json, out);
	return 0;
}

/* cmd_approve - approve PATH [SCRIPT] */
static int cmd_approve(void *ctx, int json, char **argv, GString *out)
{
	struct apps *a = apps_on(ctx, out);

	(void)json;
	return a == NULL ? -1 : apps_approve(a, argv[1], argv[2], out);
}

/* cmd_revoke - revoke PATH [SCRIPT] */
static int cmd_revoke(void *ctx, int json, char **argv, GString *out)
{
	struct apps *a = apps_on(ctx, out);

	(void)json;
	return a == NULL ? -1 : apps_revoke(a, argv[1], argv[2], out);
}

static const struct ctl_command cmds[] = {
	{ "status", 1, 1, cmd_status, NULL, CTL_NEED_READ },
	{ "hosts", 1, 2, cmd_hosts, "[all]", CTL_NEED_READ },
	{ "show", 2, 2, cmd_show, "HOST", CTL_NEED_READ },
	{ "release", 2, 32, cmd_release, "HOST [REASON...]", CTL_NEED_ADMIN },
	/* the mail filters' honeytoken reports come from control_group */
	{ "quarantine", 2, 32, cmd_quarantine, "HOST [REASON...]", CTL_NEED_REPORT },
	{ "unquarantine", 2, 32, cmd_release, "HOST [REASON...]", CTL_NEED_ADMIN },
	{ "whitelist", 1, 1, cmd_whitelist, NULL, CTL_NEED_ADMIN },
	{ "events", 1, 1, cmd_events, NULL, CTL_NEED_READ },
	{ "reload", 1, 1, cmd_reload, NULL, CTL_NEED_ADMIN },
	{ "metrics", 1, 1, cmd_metrics, NULL, CTL_NEED_READ },
	{ "bypass", 2, 2, cmd_bypass, "on|off", CTL_NEED_ADMIN },
	{ "reactions", 1, 1, cmd_reactions, NULL, CTL_NEED_READ },
	{ "lift", 2, 32, cmd_lift, "ID [REASON...]", CTL_NEED_ADMIN },
	{ "apps", 1, 1, cmd_apps, NULL, CTL_NEED_READ },
	{ "approve", 2, 3, cmd_approve, "PATH [SCRIPT]", CTL_NEED_ADMIN },
	{ "revoke", 2, 3, cmd_revoke, "PATH [SCRIPT]", CTL_NEED_ADMIN },
	{ "fairshare", 1, 1, fs_sluiced_cmd_list, NULL, CTL_NEED_READ },
	{ "contain", 2, 3, fs_sluiced_cmd_contain, "HOST [DURATION]", CTL_NEED_ADMIN },
	{ "uncontain", 2, 2, fs_sluiced_cmd_uncontain, "HOST", CTL_NEED_ADMIN },
};

/* sdctl_handle - ctl_handler for a struct sluiced */
int sdctl_handle(void *ctx, const struct ctl_peer *peer, int json, int argc,
		 char **argv, GString *out)
{
	return ctl_server_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), ctx,
				   peer,
				   json, argc, argv, out);
}
