/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outstat - the zones' outbound policy in the metrics
 * SYNOPSIS
 *	#include "outbound/outstat.h"
 * DESCRIPTION
 *	outstat_metrics() reads the drop rules' counters back from the
 *	kernel (outnft_counters: both tables, summed) into
 *	sluice_outbound_violations_total{zone,rule}, and adds outlog(3)'s
 *	counts of what was read from the log group.
 */
#ifndef SLUICE_OUTSTAT_H
#define SLUICE_OUTSTAT_H

#include <glib.h>

struct outlog;

/* outstat_metrics - Prometheus text for table (NULL: none installed)
   and l (NULL: not reading the log group) */
void outstat_metrics(const char *table, const struct outlog *l, GString *out);

#endif
