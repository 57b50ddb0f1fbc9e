/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnsd - sluiced's no-DNS signal: the NFLOG reader and its wiring
 * SYNOPSIS
 *	#include "dns/dnsd.h"
 * DESCRIPTION
 *	Every [dns] key needs a restart: the group is bound and the rules
 *	are built at start, and the pairs table is sized then.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "promtext.h"
#include "daemon/sluiced.h"
#include "dns/dnsd.h"
#include "dns/dnssnoop.h"
#include "queue/nflog.h"
#include "verdict/vddns.h"

#define ERRLEN 512
#define DNSD_RCVBUF (4 << 20)	/* a burst of answers while we decide packets */

/* log_info - dnsd_report's fn at start */
static void log_info(void *ctx, const char *line)
{
	(void)ctx;
	daemon_log(LOG_INFO, "%s", line);
}

/* dnsd_up - bind the log group and attach the signal */
void dnsd_up(struct sluiced *s)
{
	const struct dns_conf *c = &s->conf->dns;
	uint8_t seed[16];
	char err[ERRLEN];

	if (!c->nodns)
		return;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		daemon_die(1, "getrandom: %s", strerror(errno));
	if ((s->snoop = dnssnoop_create(c->ttl_floor_ns, (size_t)c->mem_cap,
					seed)) == NULL)
		daemon_die(1, "[dns] mem_cap: %s", strerror(errno));
	s->nflog = nflog_open((uint16_t)c->log_group, DNSD_RCVBUF, err,
			      sizeof(err));
	if (s->nflog == NULL)
		daemon_log(LOG_WARNING, "%s: the no-DNS signal is off (set [dns] "
			   "log_group to a free group, or nodns = no)", err);
	else if (vddns_attach(s->v, s->snoop, c->events_per_second, seed) < 0)
		daemon_log(LOG_WARNING, "the no-DNS signal is off: %s",
			   strerror(errno));
	else {
		dnsd_report(s->conf, log_info, NULL);
		return;
	}
	dnsd_down(s);
}

/* dnsd_down - detach and close */
void dnsd_down(struct sluiced *s)
{
	if (s->v != NULL)
		vddns_detach(s->v);
	nflog_close(s->nflog);
	s->nflog = NULL;
	dnssnoop_free(s->snoop);
	s->snoop = NULL;
}

/* dnsd_fd - the NFLOG socket for epoll, or -1 */
int dnsd_fd(const struct sluiced *s)
{
	return s->nflog != NULL ? nflog_fd(s->nflog) : -1;
}

/* on_logged - nflog_fn: one logged reply */
static void on_logged(void *ctx, const struct nflog_pkt *p)
{
	struct sluiced *s = ctx;

	(void)dnssnoop_packet(s->snoop, p->data, p->len, sl_monotonic_ns());
}

/* dnsd_read - the answers waiting */
void dnsd_read(struct sluiced *s)
{
	if (s->nflog != NULL && nflog_read(s->nflog, on_logged, s) < 0)
		daemon_log(LOG_WARNING, "NFLOG group %u read: %s",
			   s->conf->dns.log_group, strerror(errno));
}

/* dnsd_tick - once a second: suppressed event counts */
void dnsd_tick(struct sluiced *s, uint64_t now)
{
	if (s->nflog != NULL)
		vddns_tick(s->v, now);
}

/* dnsd_report - what reads the answers, one line to fn */
void dnsd_report(const struct sd_conf *c, void (*fn)(void *, const char *),
		 void *ctx)
{
	char line[640], hooks[32];
	unsigned g = c->dns.log_group;

	if (!c->dns.nodns) {
		fn(ctx, "no-DNS signal off ([dns] nodns = no)");
		return;
	}
	if (c->ruleset == SD_RULESET_NONE) {
		snprintf(line, sizeof(line), "no-DNS signal: answers read from "
			 "NFLOG group %u; with ruleset = none your ruleset logs "
			 "them, before its accepts: 'udp sport 53 ct state "
			 "established log group %u' and the same for tcp", g, g);
		fn(ctx, line);
		return;
	}
	snprintf(hooks, sizeof(hooks), "%s%s%s",
		 c->hook_mask & 1 ? "forward" : "",
		 c->hook_mask == 3 ? " and " : "",
		 c->hook_mask & 2 ? "output" : "");
	snprintf(line, sizeof(line), "no-DNS signal: answers read from NFLOG "
		 "group %u; chains %s of tables ip and ip6 %s begin with 'udp "
		 "sport 53 ip daddr @queued4 ct state established log prefix "
		 "\"dns\" group %u' "
		 "and the same for tcp (ip6: @queued6)", g, hooks, c->table, g);
	fn(ctx, line);
}

/* dnsd_status - sluicectl status's line, when the signal is on */
void dnsd_status(const struct sluiced *s, GString *out)
{
	struct dnssnoop_stats ds;
	struct vddns_stats vs;

	if (s->nflog == NULL)
		return;
	dnssnoop_stats(s->snoop, &ds);
	vddns_stats(s->v, &vs);
	g_string_append_printf(out, "no-DNS signal: NFLOG group %u, %llu answers "
			       "(%llu malformed), %zu pairs; first contacts %llu "
			       "justified, %llu exempt, %llu signals\n",
			       s->conf->dns.log_group,
			       (unsigned long long)ds.answers,
			       (unsigned long long)ds.malformed, ds.pairs,
			       (unsigned long long)vs.justified,
			       (unsigned long long)vs.exempt,
			       (unsigned long long)vs.signals);
}

/* dnsd_metrics - the Prometheus lines */
void dnsd_metrics(const struct sluiced *s, GString *out)
{
	struct dnssnoop_stats ds = { 0 };
	struct vddns_stats vs;

	if (s->snoop != NULL)
		dnssnoop_stats(s->snoop, &ds);
	vddns_stats(s->v, &vs);
	promtext_put(out, "sluice_dns_on", "gauge",
		      "1 while the resolvers' answers are read (NFLOG)",
		      s->nflog != NULL);
	promtext_put(out, "sluice_dns_packets_total", "counter",
		      "logged replies from port 53 read", ds.packets);
	promtext_put(out, "sluice_dns_answers_total", "counter",
		      "DNS responses read whole", ds.answers);
	promtext_put(out, "sluice_dns_records_total", "counter",
		      "A and AAAA records recorded for their client", ds.records);
	promtext_put(out, "sluice_dns_malformed_total", "counter",
		      "logged packets or DNS messages that did not parse (dropped)",
		      ds.malformed);
	promtext_put(out, "sluice_dns_truncated_total", "counter",
		      "answers cut by the copy range or spread over TCP segments",
		      ds.truncated);
	promtext_put(out, "sluice_dns_pairs", "gauge",
		      "(client, address) pairs held (under [dns] mem_cap)",
		      ds.pairs);
	promtext_put(out, "sluice_nodns_justified_total", "counter",
		      "first contacts an answer was behind", vs.justified);
	promtext_put(out, "sluice_nodns_exempt_total", "counter",
		      "first contacts to the own zone or a resolver", vs.exempt);
	promtext_put(out, "sluice_nodns_signals_total", "counter",
		      "first contacts with no answer behind them (the weak signal)",
		      vs.signals);
	promtext_put(out, "sluice_nodns_events_suppressed_total", "counter",
		      "nodns events left out by the per-source rate",
		      vs.events_suppressed);
}

/* dnsd_change - the [dns] key a reload cannot apply, or NULL */
const char *dnsd_change(const struct sd_conf *a, const struct sd_conf *b)
{
	const struct dns_conf *x = &a->dns, *y = &b->dns;

	if (x->nodns != y->nodns)
		return "nodns";
	if (x->log_group != y->log_group)
		return "log_group";
	if (x->ttl_floor_ns != y->ttl_floor_ns)
		return "ttl_floor";
	if (x->mem_cap != y->mem_cap)
		return "mem_cap";
	if (x->events_per_second != y->events_per_second)
		return "events_per_second";
	return NULL;
}
