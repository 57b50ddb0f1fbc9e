/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdmetrics - sluiced's counters in the Prometheus text format
 * SYNOPSIS
 *	#include "daemon/sdmetrics.h"
 */
#ifndef SLUICE_SDMETRICS_H
#define SLUICE_SDMETRICS_H

#include <glib.h>
#include "daemon/sluiced.h"

/* sdmetrics_format - append every metric with HELP and TYPE lines */
void sdmetrics_format(const struct sluiced *s, GString *out);

#endif
