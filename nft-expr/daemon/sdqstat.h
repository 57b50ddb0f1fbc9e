/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdqstat - every queue sluiced reads: counters, overruns, status
 * SYNOPSIS
 *	#include "daemon/sdqstat.h"
 * DESCRIPTION
 *	sluiced reads one socket (queue_num and the fail-closed queue) or,
 *	with a range, the fail-closed queue on its own socket and one
 *	socket a queue of the range (sdqueues). sdqstat walks them all:
 *	per-queue metrics and status lines, the sum of their counters, and
 *	the overrun log. An overrun is a packet the kernel numbered for a
 *	queue and never delivered (its id is missing from what we read),
 *	or dropped because a fail-closed queue was full: with fail-open the
 *	kernel accepts it undecided and says nothing, so the log does.
 */
#ifndef SLUICE_SDQSTAT_H
#define SLUICE_SDQSTAT_H

#include <glib.h>
#include <stdint.h>

struct sluiced;
struct nfqueue;
struct nfqueue_stats;

/* sdqstat_of - the socket that reads queue num (NULL if none does) */
struct nfqueue *sdqstat_of(struct sluiced *s, uint16_t num);
/* sdqstat_total - the counters of every socket, summed */
void sdqstat_total(const struct sluiced *s, struct nfqueue_stats *out);
/* sdqstat_tick - once a second: log new overruns (at most once a
   minute, with the count since the last line) */
void sdqstat_tick(struct sluiced *s, uint64_t now);
/* sdqstat_metrics - per-queue Prometheus lines */
void sdqstat_metrics(const struct sluiced *s, GString *out);
/* sdqstat_status - per-queue status lines, or a JSON member */
void sdqstat_status(const struct sluiced *s, int json, GString *out);

#endif
