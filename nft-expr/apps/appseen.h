/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appseen - what the kernel denied or learned, listed and counted
 * SYNOPSIS
 *	#include "apps/appseen.h"
 * DESCRIPTION
 *	The reporting half of the apps room: appseen_event() takes each
 *	report of the kernel's ring buffer (apps.c hands it to appbpf),
 *	appseen_list() and appseen_metrics() serve sluicectl apps and the
 *	metrics. It reads the approvals (apps_int.h) and calls nothing of
 *	apps.c, so the room's calls go one way.
 */
#ifndef SLUICE_APPSEEN_H
#define SLUICE_APPSEEN_H

#include <glib.h>

struct apps;
struct apps_event;

/* appseen_event - appbpf_event_fn: a denial (or learned contact) */
void appseen_event(void *ctx, const struct apps_event *e);
/* appseen_list - approved, changed, denied and learned executables, one
   line (or JSON object) each */
void appseen_list(struct apps *a, int json, GString *out);
/* appseen_metrics - Prometheus text */
void appseen_metrics(const struct apps *a, GString *out);

#endif
