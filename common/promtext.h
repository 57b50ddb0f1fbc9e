/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	promtext - one metric in the Prometheus text format
 * SYNOPSIS
 *	#include "promtext.h"
 * DESCRIPTION
 *	promtext_put() appends a metric's HELP and TYPE lines and its
 *	value. Every room of sluiced that adds metrics writes them with it,
 *	so none of them calls back into the daemon's metrics module.
 *	Counters are named *_total, gauges are not (Prometheus naming).
 */
#ifndef SLUICE_PROMTEXT_H
#define SLUICE_PROMTEXT_H

#include <glib.h>

/* promtext_put - HELP, TYPE and the value of one metric */
void promtext_put(GString *out, const char *name, const char *type,
		  const char *help, unsigned long long value);

#endif
