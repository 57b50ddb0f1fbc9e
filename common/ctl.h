/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl - the control protocol between sluicectl, the mail filters and sluiced
 * SYNOPSIS
 *	#include "ctl.h"
 * DESCRIPTION
 *	One request per connection on sluiced's unix socket. The client
 *	writes one line, "[--json ]COMMAND [ARG...]\n" (at most CTL_LINE_MAX
 *	bytes). The server answers a first line "OK" or "ERR <reason>",
 *	then the body (text, or JSON lines with --json), and closes; for
 *	"events" it streams event lines until the client goes away.
 *	Commands: status, hosts, show HOST, release HOST, quarantine HOST
 *	[REASON], unquarantine HOST, whitelist, events, reload, metrics.
 */
#ifndef SLUICE_CTL_H
#define SLUICE_CTL_H

#include <stddef.h>

#define CTL_LINE_MAX 512
#define CTL_DEFAULT_SOCKET "/run/sluice/sluiced.sock"

/* ctl_call - send request, put the reply body (NUL-terminated, cut to
   len) in reply; returns 0 for OK, 1 for ERR (reason in reply), -1 with
   errno for a transport failure or timeout */
int ctl_call(const char *socket_path, const char *request, char *reply,
	     size_t len, int timeout_ms);

#endif
