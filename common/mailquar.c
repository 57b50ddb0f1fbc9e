/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailquar - a mail filter asks sluiced to quarantine a client
 * DESCRIPTION
 *	See mailquar.h. The address is sent in its canonical text form.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "addr.h"
#include "clock.h"
#include "ctl.h"
#include "daemon.h"
#include "mailquar.h"
#include "prefixset.h"

/* mailquar_request - ask sluiced, unless off or [core] whitelists client */
const char *mailquar_request(const struct mailconf *mc,
			     const struct core_conf *core, const char *client)
{
	char req[CTL_LINE_MAX], reply[256], text[ADDR_STRLEN];
	struct sl_addr a;
	int r;

	if (!mc->quarantine || core->control_socket == NULL)
		return "not configured";
	if (client == NULL || addr_parse(client, &a) < 0)
		return "no client";
	if (core->whitelist && prefixset_lookup(core->whitelist, &a, NULL))
		return "whitelisted";
	snprintf(req, sizeof(req), "quarantine %s honeytoken",
		 addr_format(&a, text));
	r = ctl_call(core->control_socket, req, reply, sizeof(reply),
		     (int)(mc->ctl_timeout / NS_PER_MS));
	if (r == 0)
		return "requested";
	daemon_log(LOG_WARNING, "quarantine %s via %s: %s", text,
		   core->control_socket, r < 0 ? strerror(errno) : reply);
	return "failed";
}
