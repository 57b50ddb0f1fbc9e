/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mctl - sluice-milter's operator socket
 * SYNOPSIS
 *	#include "mctl.h"
 * DESCRIPTION
 *	The commands of mailctl(3), shared with sluice-policyd, on
 *	[milter] control_listen, served in the main thread: this file
 *	lends them the milter's state (mstate, mfilter's counters) and
 *	follows its events.
 */
#ifndef SLUICE_MCTL_H
#define SLUICE_MCTL_H

#include <stddef.h>
#include <stdint.h>
#include "ctl_server.h"
#include "mailev.h"
#include "mstate.h"

struct mctl;

/* mctl_open - listen on the unix socket path for acc's groups; NULL
   with err */
struct mctl *mctl_open(const char *path, const struct ctl_access *acc,
		       struct mstate *state, struct mailev *events, char *err,
		       size_t errlen);
/* mctl_close - accepts NULL; removes the socket */
void mctl_close(struct mctl *c);
/* mctl_fd - readable when mctl_run has work */
int mctl_fd(const struct mctl *c);
/* mctl_run - serve what is ready */
void mctl_run(struct mctl *c, uint64_t now);

#endif
