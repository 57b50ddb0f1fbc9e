/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailquar.t - a mail filter asks sluiced to quarantine a client
 * DESCRIPTION
 *	A real control server (ctl_server) on a socket in a temporary
 *	directory stands in for sluiced, served by a thread, and records
 *	each request line; it answers ERR when told to. Every outcome of
 *	mailquar_request is met: requested (with the address in its
 *	canonical form), failed (ERR, and no socket), whitelisted, no
 *	client, not configured.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ctl_server.h"
#include "mailquar.h"
#include "../tap.h"

static struct {
	pthread_mutex_t mu;
	char last[256];
	int refuse, stop;
} sd = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* handle - the stand-in's only command: record it */
static int handle(void *ctx, const struct ctl_peer *peer, int json, int argc,
		  char **argv, GString *out)
{
	int i;

	(void)ctx;
	(void)peer;
	(void)json;
	pthread_mutex_lock(&sd.mu);
	sd.last[0] = 0;
	for (i = 0; i < argc; i++)
		snprintf(sd.last + strlen(sd.last), sizeof(sd.last) -
			 strlen(sd.last), "%s%s", i ? " " : "", argv[i]);
	pthread_mutex_unlock(&sd.mu);
	if (sd.refuse) {
		g_string_append(out, "not today");
		return -1;
	}
	g_string_append(out, "quarantined\n");
	return 0;
}

/* serve - the stand-in's loop */
static void *serve(void *arg)
{
	struct ctl_server *s = arg;
	struct pollfd pf = { .fd = ctl_server_fd(s), .events = POLLIN };

	while (!__atomic_load_n(&sd.stop, __ATOMIC_RELAXED)) {
		poll(&pf, 1, 20);
		ctl_server_run(s, sl_monotonic_ns());
	}
	return NULL;
}

/* last - what the stand-in got last, then forget it */
static const char *last(void)
{
	static char buf[256];

	pthread_mutex_lock(&sd.mu);
	snprintf(buf, sizeof(buf), "%s", sd.last);
	sd.last[0] = 0;
	pthread_mutex_unlock(&sd.mu);
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/mailquar.XXXXXX", sock[64], err[256];
	struct mailconf mc = { .quarantine = 1, .ctl_timeout = NS_PER_SEC };
	struct core_conf core = { 0 };
	struct ctl_server *s;
	pthread_t t;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sock, sizeof(sock), "%s/sluiced.sock", dir);
	if ((s = ctl_server_open(sock, NULL, handle, NULL, err, sizeof(err))) == NULL)
		return diag("%s", err), 1;
	pthread_create(&t, NULL, serve, s);
	core.control_socket = sock;
	core.whitelist = prefixset_create();
	prefixset_add_str(core.whitelist, "192.0.2.0/28", 1);

	is_str(mailquar_request(&mc, &core, "2001:DB8:0::0:1"), "requested",
	       "an outside client is requested");
	is_str(last(), "quarantine 2001:db8::1 honeytoken",
	       "sluiced gets the address in its canonical form");
	is_str(mailquar_request(&mc, &core, "198.51.100.7"), "requested",
	       "an IPv4 client");
	is_str(last(), "quarantine 198.51.100.7 honeytoken", "... as written");
	is_str(mailquar_request(&mc, &core, "192.0.2.9"), "whitelisted",
	       "a [core] whitelisted client is never asked for");
	is_str(last(), "", "... and sluiced hears nothing");
	is_str(mailquar_request(&mc, &core, "unknown"), "no client",
	       "Postfix's \"unknown\" client is no address");
	is_str(mailquar_request(&mc, &core, NULL), "no client", "nor is none");
	is_str(last(), "", "sluiced hears nothing of them");
	sd.refuse = 1;
	is_str(mailquar_request(&mc, &core, "198.51.100.8"), "failed",
	       "sluiced's ERR is a failure");
	is_str(last(), "quarantine 198.51.100.8 honeytoken", "... after asking");
	sd.refuse = 0;
	mc.quarantine = 0;
	is_str(mailquar_request(&mc, &core, "198.51.100.9"), "not configured",
	       "quarantine = no asks nothing");
	mc.quarantine = 1;
	core.control_socket = NULL;
	is_str(mailquar_request(&mc, &core, "198.51.100.9"), "not configured",
	       "no control socket asks nothing");
	is_str(last(), "", "sluiced heard none of them");
	__atomic_store_n(&sd.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	ctl_server_close(s);
	core.control_socket = sock;
	is_str(mailquar_request(&mc, &core, "198.51.100.10"), "failed",
	       "sluiced not running: failed, at once");
	prefixset_free(core.whitelist);
	rmdir(dir);
	return done_testing();
}
