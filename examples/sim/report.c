/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	report - the replay's findings per host and per zone, text or JSON
 * SYNOPSIS
 *	#include "report.h"
 * DESCRIPTION
 *	Times are in seconds: delays with millisecond precision, lockout
 *	times from the first record of the replay. JSON strings come only
 *	from addresses, zone names and fixed words, none of which needs
 *	escaping beyond what zone names (checked by the configuration)
 *	allow.
 */
#include <stddef.h>
#include <string.h>

#include "clock.h"
#include "report.h"

struct zsum {
	uint64_t hosts, flows, delayed_hosts, delayed, dropped;
	uint64_t locked_hosts, lockouts, quarantines, max_delay;
};

/* secs - ns as seconds */
static double secs(uint64_t ns)
{
	return (double)ns / (double)NS_PER_SEC;
}

/* json_str - s as a JSON string (a path may hold anything) */
static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* touched - would sluiced have done anything to h */
static int touched(const struct replay_host *h)
{
	return h->delayed || h->dropped || h->lockouts || h->quarantines
	    || h->trw_scanner;
}

/* zone_add - h into its zone's sum */
static void zone_add(struct zsum *z, struct replay_host *h)
{
	uint64_t mx = h->ndelays ? h->delays[h->ndelays - 1] : 0;

	z->hosts++;
	z->flows += h->flows;
	z->delayed_hosts += h->delayed > 0;
	z->delayed += h->delayed;
	z->dropped += h->dropped;
	z->locked_hosts += h->lockouts > 0;
	z->lockouts += h->lockouts;
	z->quarantines += h->quarantines;
	if (mx > z->max_delay)
		z->max_delay = mx;
}

/* zone_index - h's zone in conf, or nzones for "no zone" */
static size_t zone_index(const struct sd_conf *c, const struct replay_host *h)
{
	size_t i;

	for (i = 0; h->zone && i < c->nzones; i++)
		if (c->zones[i].name == h->zone)
			return i;
	return c->nzones;
}

/* text_host - one host line */
static void text_host(FILE *fp, struct replay_host *h)
{
	char a[ADDR_STRLEN], d[ADDR_STRLEN];
	unsigned i, n;

	fprintf(fp, "host %s zone %s (%s): flows %llu, first contacts %llu, "
		"delayed %llu", addr_format(&h->addr, a), h->zone ? h->zone : "-",
		h->zone ? sdconf_mode_name(h->mode) : "none",
		(unsigned long long)h->flows,
		(unsigned long long)h->first_contacts,
		(unsigned long long)h->delayed);
	if (h->ndelays)
		fprintf(fp, " (median %.3f s, p99 %.3f s, max %.3f s)",
			secs(replay_quantile(h, 0.5)), secs(replay_quantile(h, 0.99)),
			secs(h->delays[h->ndelays - 1]));
	fprintf(fp, ", dropped %llu, lockouts %u, quarantines %u",
		(unsigned long long)h->dropped, h->lockouts, h->quarantines);
	if (h->trw_scanner)
		fprintf(fp, ", TRW scanner at +%.3f s", secs(h->trw_at_ns));
	n = h->lockouts < REPLAY_LOCKS ? h->lockouts : REPLAY_LOCKS;
	for (i = 0; i < n; i++)
		fprintf(fp, "; lockout at +%.3f s by %s port %u",
			secs(h->lock[i].at_ns),
			h->lock[i].dst.family ? addr_format(&h->lock[i].dst, d) : "-",
			h->lock[i].dport);
	for (i = 0; i < REPLAY_PORTS; i++)
		if (h->port_n[i])
			fprintf(fp, "%s%u x%llu", i == 0 ? "; held ports " : ", ",
				h->port[i], (unsigned long long)h->port_n[i]);
	fputc('\n', fp);
}

/* json_host - one host object */
static void json_host(FILE *fp, struct replay_host *h, int first)
{
	char a[ADDR_STRLEN], d[ADDR_STRLEN];
	unsigned i, k = 0;
	unsigned n = h->lockouts < REPLAY_LOCKS ? h->lockouts : REPLAY_LOCKS;

	fprintf(fp, "%s\n{\"host\":\"%s\",\"zone\":", first ? "" : ",",
		addr_format(&h->addr, a));
	if (h->zone)
		fprintf(fp, "\"%s\",\"mode\":\"%s\"", h->zone, sdconf_mode_name(h->mode));
	else
		fprintf(fp, "null,\"mode\":null");
	fprintf(fp, ",\"flows\":%llu,\"first_contacts\":%llu,\"ok\":%llu,"
		"\"failed\":%llu,\"delayed\":%llu,\"delay_median_s\":%.6f,"
		"\"delay_p99_s\":%.6f,\"delay_max_s\":%.6f,\"dropped\":%llu,"
		"\"lockouts\":%u,\"quarantines\":%u,\"trw_scanner\":%s,"
		"\"trw_at_s\":%.6f,\"lockout_causes\":[",
		(unsigned long long)h->flows, (unsigned long long)h->first_contacts,
		(unsigned long long)h->ok, (unsigned long long)h->failed,
		(unsigned long long)h->delayed, secs(replay_quantile(h, 0.5)),
		secs(replay_quantile(h, 0.99)),
		secs(h->ndelays ? h->delays[h->ndelays - 1] : 0),
		(unsigned long long)h->dropped, h->lockouts, h->quarantines,
		h->trw_scanner ? "true" : "false", secs(h->trw_at_ns));
	for (i = 0; i < n; i++)
		fprintf(fp, "%s{\"at_s\":%.6f,\"dest_ip\":%s%s%s,"
			"\"dest_port\":%u}", i ? "," : "",
			secs(h->lock[i].at_ns), h->lock[i].dst.family ? "\"" : "",
			h->lock[i].dst.family ? addr_format(&h->lock[i].dst, d) : "null",
			h->lock[i].dst.family ? "\"" : "", h->lock[i].dport);
	fprintf(fp, "],\"held_ports\":{");
	for (i = 0; i < REPLAY_PORTS; i++)
		if (h->port_n[i])
			fprintf(fp, "%s\"%u\":%llu", k++ ? "," : "", h->port[i],
				(unsigned long long)h->port_n[i]);
	fprintf(fp, "}}");
}

#define ZF(f) offsetof(struct zsum, f)

/* the zone summary's counters, in print order */
static const struct { const char *text, *json; size_t off; } zfields[] = {
	{ "hosts", "hosts", ZF(hosts) },
	{ "flows", "flows", ZF(flows) },
	{ "hosts delayed", "hosts_delayed", ZF(delayed_hosts) },
	{ "delayed", "delayed", ZF(delayed) },
	{ "dropped", "dropped", ZF(dropped) },
	{ "hosts locked out", "hosts_locked_out", ZF(locked_hosts) },
	{ "lockouts", "lockouts", ZF(lockouts) },
	{ "quarantines", "quarantines", ZF(quarantines) },
};

/* zone_line - one zone as text or as a JSON object */
static void zone_line(FILE *fp, const char *name, const char *mode,
		      const struct zsum *z, int json, int first)
{
	uint64_t v;
	size_t i;

	if (json) {
		fprintf(fp, "%s\n{\"zone\":", first ? "" : ",");
		if (name)
			json_str(fp, name);
		else
			fprintf(fp, "null");
		fprintf(fp, ",\"mode\":\"%s\",\"delay_max_s\":%.6f", mode,
			secs(z->max_delay));
	} else {
		fprintf(fp, "zone %s (%s): max delay %.3f s", name ? name : "-",
			mode, secs(z->max_delay));
	}
	for (i = 0; i < sizeof(zfields) / sizeof(zfields[0]); i++) {
		memcpy(&v, (const char *)z + zfields[i].off, sizeof(v));
		fprintf(fp, json ? ",\"%s\":%llu" : ", %s %llu",
			json ? zfields[i].json : zfields[i].text,
			(unsigned long long)v);
	}
	fprintf(fp, json ? "}" : "\n");
}

/* zones_write - the per-zone summary; index nzones is "no zone" */
static void zones_write(FILE *fp, const struct sd_conf *c,
			const struct zsum *zs, int json)
{
	size_t i;
	int k = 0;

	for (i = 0; i <= c->nzones; i++) {
		const char *name = i < c->nzones ? c->zones[i].name : NULL;
		const char *mode = i < c->nzones
		    ? sdconf_mode_name(c->zones[i].mode) : "none";

		if (i == c->nzones && zs[i].hosts == 0)
			continue;
		zone_line(fp, name, mode, &zs[i], json, k++ == 0);
	}
}

/* input_write - what was read */
static void input_write(FILE *fp, const struct report_input *in, size_t nin,
			const struct replay_totals *t, int json)
{
	size_t i;

	for (i = 0; i < nin; i++)
		if (json) {
			fprintf(fp, "%s{\"path\":", i ? "," : "");
			json_str(fp, in[i].path);
			fprintf(fp, ",\"format\":\"%s\",\"lines\":%llu,"
				"\"bad\":%llu}", in[i].format,
				(unsigned long long)in[i].lines,
				(unsigned long long)in[i].bad);
		} else
			fprintf(fp, "input %s (%s): lines %llu, bad %llu\n",
				in[i].path, in[i].format,
				(unsigned long long)in[i].lines,
				(unsigned long long)in[i].bad);
	fprintf(fp, json ? "],\"records\":%llu,\"starts\":%llu,\"outcomes\":%llu,"
		"\"late\":%llu,\"duplicates\":%llu,\"outcomes_unmatched\":%llu,"
		"\"span_s\":%.3f"
		: "records %llu: starts %llu, outcomes %llu, late %llu, "
		"duplicates %llu, outcomes unmatched %llu, over %.3f s\n",
		(unsigned long long)t->records, (unsigned long long)t->starts,
		(unsigned long long)t->outcomes, (unsigned long long)t->late,
		(unsigned long long)t->duplicates, (unsigned long long)t->orphans,
		secs(t->last_ns - t->first_ns));
}

/* report_write - the whole report to fp */
void report_write(FILE *fp, struct replay *r, const struct sd_conf *conf,
		  const struct report_input *in, size_t nin, int json, int all)
{
	struct zsum zs[conf->nzones + 1];
	const struct replay_host *const *hosts;
	struct replay_totals t;
	size_t n, i;
	int k = 0;

	memset(zs, 0, sizeof(zs));
	hosts = replay_hosts(r, &n);
	replay_totals(r, &t);
	if (json)
		fprintf(fp, "{\"input\":{\"files\":[");
	input_write(fp, in, nin, &t, json);
	if (json)
		fprintf(fp, "},\"hosts\":[");
	for (i = 0; i < n; i++) {
		struct replay_host *h = (struct replay_host *)hosts[i];

		zone_add(&zs[zone_index(conf, h)], h);
		if (!all && !touched(h))
			continue;
		if (json)
			json_host(fp, h, k++ == 0);
		else
			text_host(fp, h);
	}
	if (json)
		fprintf(fp, "],\"zones\":[");
	zones_write(fp, conf, zs, json);
	if (json)
		fprintf(fp, "]}\n");
}
