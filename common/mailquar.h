/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailquar - a mail filter asks sluiced to quarantine a client
 * SYNOPSIS
 *	#include "mailquar.h"
 * DESCRIPTION
 *	After a honeytoken recipient, sluice-policyd and sluice-milter
 *	ask sluiced, over [core] control_socket, to quarantine the
 *	sending client: "quarantine ADDRESS honeytoken". Nothing is asked
 *	when [policyd]/[milter] quarantine is off, there is no control
 *	socket, the client is not an address, or [core] whitelist holds
 *	it. The call blocks for at most sluiced_timeout; honeytokens are
 *	rare.
 */
#ifndef SLUICE_MAILQUAR_H
#define SLUICE_MAILQUAR_H

#include "coreconf.h"
#include "mailconf.h"

/* mailquar_request - ask for client; what came of it: "requested",
   "failed" (logged), "whitelisted", "no client", "not configured" */
const char *mailquar_request(const struct mailconf *mc,
			     const struct core_conf *core, const char *client);

#endif
