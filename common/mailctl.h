/*
 * NAME
 *	mailctl - what the mail filters' operator sockets share
 * SYNOPSIS
 *	#include "mailctl.h"
 * DESCRIPTION
 *	sluice-policyd and sluice-milter answer "sluicectl -s SOCKET hosts"
 *	alike: one line per identity with state, "IDENTITY queued=N
 *	wset=N", and " locked" while it is locked out. Their "status"
 *	ends with the mail layer's counters, the same in both.
 */
#ifndef SLUICE_MAILCTL_H
#define SLUICE_MAILCTL_H

#include <glib.h>
#include "mailthr.h"
#include "throttle.h"

/* mailctl_host_line - a walk callback: one identity's line appended to
   the GString ctx; 0 */
int mailctl_host_line(void *ctx, const char *identity,
		      const struct throttle_info *info);
/* mailctl_counters - the mail layer's status lines (json: the rest of
   an object the caller opened, and its closing brace) */
void mailctl_counters(GString *out, int json, int observe,
		      const struct mailthr_counters *mc);

#endif
