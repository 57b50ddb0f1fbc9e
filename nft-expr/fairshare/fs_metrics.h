/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_metrics - fair sharing's counters in the Prometheus text format
 * SYNOPSIS
 *	#include "fairshare/fs_metrics.h"
 * DESCRIPTION
 *	fs_metrics_format() appends, for each class of each interface's
 *	tree, sluice_fairshare_bytes_total, _drops_total and
 *	_overlimits_total labelled interface, class, kind (link, host,
 *	bulk, interactive) and host (the address or /64; "none" for the
 *	traffic of no host, "free" for an unused slot), read from the
 *	kernel at each call; then the engine's gauges and counters.
 */
#ifndef SLUICE_FS_METRICS_H
#define SLUICE_FS_METRICS_H

#include <glib.h>

struct fairshare;

/* fs_metrics_format - the text into out; NULL f: nothing */
void fs_metrics_format(struct fairshare *f, GString *out);

#endif
