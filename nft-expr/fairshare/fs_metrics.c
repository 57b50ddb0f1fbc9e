/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_metrics - fair sharing's counters in the Prometheus text format
 * DESCRIPTION
 *	See fs_metrics.h. One pass over the classes fills the three
 *	families at once, each in a buffer of its own, so that every
 *	family's lines follow its HELP and TYPE as the format asks.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "promtext.h"
#include "fairshare/fairshare.h"
#include "fairshare/fs_metrics.h"
#include "fairshare/fs_tc.h"

static const struct {
	const char *name, *help;
} families[3] = {
	{ "sluice_fairshare_bytes_total", "bytes sent by each class" },
	{ "sluice_fairshare_drops_total", "packets each class dropped" },
	{ "sluice_fairshare_overlimits_total",
	  "times each class was over its rate or ceiling" },
};

/* one_class - fairshare_class_fn: a class's three lines */
static void one_class(void *ctx, const char *ifname, const struct fs_tc_stat *st,
		      const char *kind, const struct sl_addr *host)
{
	GString **out = ctx;
	char h[ADDR_STRLEN] = "", l[192];
	unsigned long long v[3] = { st->bytes, st->drops, st->overlimits };
	int i;

	if (host != NULL && host->family != 0)
		(void)addr_format(host, h);
	else if (host != NULL)	/* slot 0's classes, or a free slot's */
		snprintf(h, sizeof(h), st->minor == FS_TC_PARENT(0)
			 || st->minor == FS_TC_BULK(0)
			 || st->minor == FS_TC_INTERACTIVE(0) ? "none" : "free");
	snprintf(l, sizeof(l), "interface=\"%s\",class=\"1:%x\",kind=\"%s\",host=\"%s\"",
		 ifname, st->minor, kind, h);
	for (i = 0; i < 3; i++)
		g_string_append_printf(out[i], "%s{%s} %llu\n", families[i].name, l, v[i]);
}

/* fs_metrics_format - per class, then the counters */
void fs_metrics_format(struct fairshare *f, GString *out)
{
	struct fairshare_stats st;
	GString *fam[3];
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < 3; i++)
		fam[i] = g_string_new(NULL);
	fairshare_classes(f, one_class, fam);
	for (i = 0; i < 3; i++) {
		g_string_append_printf(out, "# HELP %s %s\n# TYPE %s counter\n",
				       families[i].name, families[i].help,
				       families[i].name);
		g_string_append_len(out, fam[i]->str, (gssize)fam[i]->len);
		g_string_free(fam[i], TRUE);
	}
	fairshare_stats(f, &st);
	{
		const struct {
			const char *name, *type, *help;
			unsigned long long v;
		} m[] = {
			{ "sluice_fairshare_hosts", "gauge", "hosts with a class", st.hosts },
			{ "sluice_fairshare_classes_max", "gauge",
			  "[fairshare] classes: host classes at most", st.bound },
			{ "sluice_fairshare_contained", "gauge",
			  "hosts held to contain_rate now", st.contained },
			{ "sluice_fairshare_arrivals_total", "counter",
			  "hosts given a class", st.arrivals },
			{ "sluice_fairshare_departures_total", "counter",
			  "hosts whose class was freed (idle, or taken for another)",
			  st.departures },
			{ "sluice_fairshare_evictions_total", "counter",
			  "classes taken from the least recently active host",
			  st.evictions },
			{ "sluice_fairshare_contains_total", "counter",
			  "containments begun", st.contains },
			{ "sluice_fairshare_restores_total", "counter",
			  "containments ended (expired or restored)", st.restores },
			{ "sluice_fairshare_errors_total", "counter",
			  "failed class or map changes", st.errors },
		};

		for (i = 0; i < (int)(sizeof(m) / sizeof(m[0])); i++)
			promtext_put(out, m[i].name, m[i].type, m[i].help, m[i].v);
	}
}
