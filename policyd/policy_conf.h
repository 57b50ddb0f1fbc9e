/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_conf - sluice-policyd's configuration: [core] and [policyd]
 * SYNOPSIS
 *	#include "policy_conf.h"
 * DESCRIPTION
 *	[policyd] holds the throttle keys shared with sluice-milter
 *	(mailconf(3)) and the policy server's own: listeners, bounds and
 *	timeouts, snapshots, how to release held mail and whether to ask
 *	sluiced for quarantines. [core] gives the event file, sluiced's
 *	control socket, the state directory and the global whitelist.
 *	Other groups are checked by name only.
 */
#ifndef SLUICE_POLICY_CONF_H
#define SLUICE_POLICY_CONF_H

#include <stdint.h>
#include "coreconf.h"
#include "mailconf.h"
#include "mailthr.h"
#include "policy_server.h"

#define POLICY_LISTEN_MAX 8

struct policy_conf {
	struct mailconf mail;		/* first: mailconf_load needs it */
	char **listen;			/* endpoints */
	char *listen_group;		/* of the unix sockets; NULL = ours */
	unsigned max_connections, max_connections_per_uid;
	uint64_t request_timeout, idle_timeout;
	unsigned line_max, attrs_max, request_max;
	uint64_t held_ttl;		/* forget held mail with no queue id */
	/* [core] */
	struct core_conf core;
	/* derived */
	struct mailthr_params params;
	struct endpoint eps[POLICY_LISTEN_MAX];
	size_t neps;
	struct policy_server_params srv;
};

/* policy_conf_load - read path (NULL: defaults); NULL with the error
   naming file, group, key, value and what is accepted */
struct policy_conf *policy_conf_load(const char *path, char *err,
				     size_t errlen);
/* policy_conf_load_data - the same from memory (tests) */
struct policy_conf *policy_conf_load_data(const char *data, size_t len,
					  char *err, size_t errlen);
/* policy_conf_free - accepts NULL */
void policy_conf_free(struct policy_conf *c);

#endif
