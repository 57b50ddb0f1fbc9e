/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outd - the outbound room's part in sluiced: the log group read
 * SYNOPSIS
 *	#include "outbound/outd.h"
 * DESCRIPTION
 *	While a zone has an outbound policy and sluiced's table is in,
 *	sluiced binds [sluiced] outbound_log_group (queue/nflog) and hands
 *	each logged drop to outlog(3): an "outbound" event through the
 *	daemon's event function, and a CMEASURE_SIG_OUTBOUND signal to
 *	the countermeasures (react_signal). outd_sync() binds or lets go
 *	of the group as the configuration in force needs (start, reload).
 */
#ifndef SLUICE_OUTD_H
#define SLUICE_OUTD_H

#include <glib.h>
#include <stdint.h>
#include "event.h"

struct sluiced;

typedef void outd_event_fn(void *ctx, const struct event *ev);

/* outd_up - the room's state in s, the group bound if needed; a
   failure to bind is fatal at start (exit 1) */
void outd_up(struct sluiced *s, outd_event_fn *event);
/* outd_sync - bind or let go of the group for s->conf; 0, or -1 with
   err (a reload: the policy is in, its events are not) */
int outd_sync(struct sluiced *s, char *err, size_t errlen);
/* outd_owns - is fd the log group's socket */
int outd_owns(const struct sluiced *s, int fd);
/* outd_read - drain the log group */
void outd_read(struct sluiced *s);
/* outd_tick - once a second: suppressed counts reported */
void outd_tick(struct sluiced *s, uint64_t now);
/* outd_metrics - the policy's counters (kernel) and the group's */
void outd_metrics(const struct sluiced *s, GString *out);
/* outd_down - let go of the group, free the state */
void outd_down(struct sluiced *s);

#endif
