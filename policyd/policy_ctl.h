/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_ctl - sluice-policyd's operator socket
 * SYNOPSIS
 *	#include "policy_ctl.h"
 * DESCRIPTION
 *	The control protocol of ctl(3) on [policyd] control_socket, so
 *	"sluicectl -s SOCKET COMMAND" works: status (counters), hosts
 *	(identities with state), held (messages on hold), release
 *	IDENTITY (unlock, release its queue and its held messages).
 *	The server side is ctl_server (common/), shared with sluiced.
 */
#ifndef SLUICE_POLICY_CTL_H
#define SLUICE_POLICY_CTL_H

#include <stdint.h>
#include "policy_app.h"
#include "policy_server.h"

struct policy_ctl;

/* policy_ctl_open - listen on path, in srv's loop, for acc's groups;
   NULL with err */
struct policy_ctl *policy_ctl_open(const char *path,
				   const struct ctl_access *acc,
				   struct policy_app *app,
				   struct policy_server *srv, char *err,
				   size_t errlen);
/* policy_ctl_expire - drop clients too slow to send their line */
void policy_ctl_expire(struct policy_ctl *c, uint64_t now);
/* policy_ctl_close - accepts NULL */
void policy_ctl_close(struct policy_ctl *c);

#endif
