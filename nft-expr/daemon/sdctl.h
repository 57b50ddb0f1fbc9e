/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdctl - sluiced's answers to sluicectl (status, hosts, show, ...)
 * SYNOPSIS
 *	#include "daemon/sdctl.h"
 * DESCRIPTION
 *	sdctl_handle() is the ctl_server handler: it runs one command
 *	against the daemon's state and writes the body, clear text or one
 *	JSON object per line (--json).
 */
#ifndef SLUICE_SDCTL_H
#define SLUICE_SDCTL_H

#include <glib.h>

/* sdctl_handle - ctl_handler for a struct sluiced */
int sdctl_handle(void *ctx, const struct ctl_peer *peer, int json, int argc,
		 char **argv, GString *out);

#endif
