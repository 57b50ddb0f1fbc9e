/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outstat - the zones' outbound policy in the metrics
 * SYNOPSIS
 *	#include "outbound/outstat.h"
 * DESCRIPTION
 *	The kernel's counters are the truth (the log group may lose
 *	messages under a flood; the counters never do); they are read
 *	when the metrics are asked for, a rule dump of two small chains
 *	per zone.
 */
#include <stdio.h>
#include <string.h>

#include "promtext.h"
#include "outbound/outlog.h"
#include "outbound/outnft.h"
#include "outbound/outstat.h"

#define VIOL "sluice_outbound_violations_total"

/* add_count - outnft_count_fn: sum a rule's packets over the families */
static void add_count(void *ctx, const char *zone, enum outpol_kind kind,
		      size_t idx, uint64_t packets)
{
	GHashTable *h = ctx;
	char key[96];
	uint64_t *v;

	if (kind == OUTPOL_DEFAULT)
		snprintf(key, sizeof(key), "%s\t%s", zone, outpol_kind_name(kind));
	else
		snprintf(key, sizeof(key), "%s\t%s %zu", zone, outpol_kind_name(kind), idx);
	if ((v = g_hash_table_lookup(h, key)) == NULL) {
		v = g_new0(uint64_t, 1);
		g_hash_table_insert(h, g_strdup(key), v);
	}
	*v += packets;
}

/* by_key - sort the counters by zone, then rule */
static gint by_key(gconstpointer a, gconstpointer b)
{
	return strcmp(a, b);
}

/* violations - the counters read back, one line per zone and rule */
static void violations(const char *table, GString *out)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GList *keys, *k;
	char err[256];

	g_string_append(out, "# HELP " VIOL " new flows a zone's outbound policy "
			"dropped, by rule (the kernel's counters)\n# TYPE " VIOL
			" counter\n");
	if (outnft_counters(table, add_count, h, err, sizeof(err)) < 0)
		g_string_append_printf(out, "# %s\n", err);
	keys = g_list_sort(g_hash_table_get_keys(h), by_key);
	for (k = keys; k != NULL; k = k->next) {
		const char *key = k->data, *tab = strchr(key, '\t');

		g_string_append_printf(out, VIOL "{zone=\"%.*s\",rule=\"%s\"} %llu\n",
				       (int)(tab - key), key, tab + 1,
				       (unsigned long long)*(uint64_t *)
				       g_hash_table_lookup(h, key));
	}
	g_list_free(keys);
	g_hash_table_destroy(h);
}

/* outstat_metrics - the counters read back, and the log group's */
void outstat_metrics(const char *table, const struct outlog *l, GString *out)
{
	struct outlog_stats st;

	if (table != NULL)
		violations(table, out);
	if (l == NULL)
		return;
	outlog_stats(l, &st);
	promtext_put(out, "sluice_outbound_logged_total", "counter",
		"violations read from the log group and attributed to a zone",
		st.violations);
	promtext_put(out, "sluice_outbound_events_total", "counter",
		"\"outbound\" events written",
		st.events);
	promtext_put(out, "sluice_outbound_events_suppressed_total", "counter",
		"violations over a source's outbound_events_per_second (counted, "
		"reported later)", st.suppressed);
	promtext_put(out, "sluice_outbound_unattributed_total", "counter",
		"logged packets not readable, or from no zone with a policy",
		st.unattributed);
}
