/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_conf - sluice-policyd's configuration: [core] and [policyd]
 * DESCRIPTION
 *	See policy_conf.h. The key table is the single definition of the
 *	policy server's own settings; sluice-policyd(8) and
 *	examples/sluice.conf describe them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "config.h"
#include "policy_conf.h"

#define GROUP "policyd"
#define SEC NS_PER_SEC

#define K(n, t, f, d, lo, hi, h) \
	{ .name = (n), .type = (t), .offset = offsetof(struct policy_conf, f), \
	  .def = (d), .min = (lo), .max = (hi), .help = (h) }

static const struct cfg_key policyd_keys[] = {
	K("listen", CFG_LIST, listen,
	  "unix:/var/spool/postfix/private/sluice-policy", 0, 0,
	  "sockets to serve: unix:/path or inet:host:port, up to 8"),
	K("listen_group", CFG_STRING, listen_group, "postfix", 0, 0,
	  "group of the unix sockets (mode 0660, owner [policyd] user): "
	  "Postfix's; empty = the daemon's own"),
	K("max_connections", CFG_UINT, max_connections, "1024", 1, 100000,
	  "open policy connections at most"),
	K("max_connections_per_uid", CFG_UINT, max_connections_per_uid,
	  "256", 1, 100000, "open connections of one peer uid at most on "
	  "a unix socket (SO_PEERCRED); keep above Postfix's smtpd "
	  "process limit"),
	K("request_timeout", CFG_DURATION, request_timeout, "10s",
	  100 * NS_PER_MS, 3600 * SEC,
	  "a started request must be finished within this"),
	K("idle_timeout", CFG_DURATION, idle_timeout, "600s", SEC,
	  86400 * SEC, "close connections idle this long (keep above "
	  "Postfix's smtpd_policy_service_max_idle)"),
	K("line_max", CFG_UINT, line_max, "2048", 64, 65536,
	  "longest request line in bytes"),
	K("attrs_max", CFG_UINT, attrs_max, "128", 8, 4096,
	  "most attributes in one request"),
	K("request_max", CFG_UINT, request_max, "16384", 256, 1048576,
	  "largest request in bytes"),
	K("held_ttl", CFG_DURATION, held_ttl, "1h", SEC, 30 * 86400 * SEC,
	  "forget a held message whose queue id never came"),
};

#define NKEYS (sizeof(policyd_keys) / sizeof(policyd_keys[0]))

/* derive_listen - every listen word must be an endpoint */
static int derive_listen(struct policy_conf *c, const char *name, char *err,
			 size_t errlen)
{
	char why[256];
	size_t i;

	for (i = 0; c->listen && c->listen[i]; i++) {
		if (i == POLICY_LISTEN_MAX) {
			snprintf(err, errlen, "%s: [%s] listen: more than %d "
				 "sockets", name, GROUP, POLICY_LISTEN_MAX);
			return -1;
		}
		if (endpoint_parse(c->listen[i], &c->eps[i], why,
				   sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: [%s] listen = \"%.200s\": %s",
				 name, GROUP, c->listen[i], why);
			return -1;
		}
	}
	c->neps = i;
	return 0;
}

/* derive - throttle and server parameters from the keys */
static int derive(struct policy_conf *c, const char *name, char *err,
		  size_t errlen)
{
	if (derive_listen(c, name, err, errlen) < 0)
		return -1;
	policy_server_defaults(&c->srv);
	c->srv.max_conns = c->max_connections;
	c->srv.max_per_uid = c->max_connections_per_uid;
	c->srv.request_timeout_ns = c->request_timeout;
	c->srv.idle_timeout_ns = c->idle_timeout;
	c->srv.lim.line_max = c->line_max;
	c->srv.lim.attrs_max = c->attrs_max;
	c->srv.lim.req_max = c->request_max;
	if (c->params.mode == MAILTHR_MODE_DELAY &&
	    c->params.max_delay_ns >= 100 * SEC) {
		snprintf(err, errlen, "%s: [%s] max_delay must stay under "
			 "Postfix's smtpd_policy_service_timeout (100s)",
			 name, GROUP);
		return -1;
	}
	return 0;
}

static const struct mailconf_spec spec = {
	.group = GROUP, .extra = policyd_keys, .nextra = NKEYS,
	.core_off = offsetof(struct policy_conf, core),
	.params_off = offsetof(struct policy_conf, params),
};

/* load - from path, or data, or the defaults */
static struct policy_conf *load(const char *path, const char *data,
				size_t len, char *err, size_t errlen)
{
	struct policy_conf *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (mailconf_load(&spec, path, data, len, c, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	if (derive(c, path ? path : data ? "memory" : "defaults", err,
		   errlen) < 0) {
		policy_conf_free(c);
		return NULL;
	}
	return c;
}

/* policy_conf_load - from a file, or the defaults */
struct policy_conf *policy_conf_load(const char *path, char *err,
				     size_t errlen)
{
	return load(path, NULL, 0, err, errlen);
}

/* policy_conf_load_data - from memory */
struct policy_conf *policy_conf_load_data(const char *data, size_t len,
					  char *err, size_t errlen)
{
	return load(NULL, data, len, err, errlen);
}

/* policy_conf_free - accepts NULL */
void policy_conf_free(struct policy_conf *c)
{
	if (c == NULL)
		return;
	coreconf_release(&c->core);
	mailconf_release(policyd_keys, NKEYS, c);
	free(c);
}
