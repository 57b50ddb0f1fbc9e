/*
 * NAME
 *	coreconf - the [core] group every sluice program reads
 * SYNOPSIS
 *	#include "coreconf.h"
 * DESCRIPTION
 *	A schema for config_apply() and one check the schema cannot say:
 *	the control socket is a unix socket. Its "unix:" prefix is removed
 *	so callers hold a plain path for ctl_call() and endpoint_parse().
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "coreconf.h"
#include "ctl.h"
#include "endpoint.h"

const char *const coreconf_known_groups[] = {
	"core", "sluiced", "capture", "countermeasures", "policyd", "milter",
	"zone ", NULL
};

#define CC(f) offsetof(struct core_conf, f)

static const struct cfg_key core_keys[] = {
	{ .name = "events", .type = CFG_STRING, .offset = CC(events),
	  .def = "/var/log/sluice/events.json",
	  .help = "JSON-lines event file; - for stdout" },
	{ .name = "control_socket", .type = CFG_ENDPOINT, .offset = CC(control_socket),
	  .def = CTL_DEFAULT_SOCKET, .help = "sluiced's control socket (unix)" },
	{ .name = "state_dir", .type = CFG_STRING, .offset = CC(state_dir),
	  .def = "/var/lib/sluice", .help = "state kept across restarts" },
	{ .name = "whitelist", .type = CFG_PREFIXES, .offset = CC(whitelist),
	  .def = "127.0.0.0/8; ::1", .help = "addresses nothing ever acts against" },
	{ .name = "syslog_events", .type = CFG_BOOL, .offset = CC(syslog_events),
	  .def = "yes", .help = "also log each event as one syslog line" },
};
#define NCORE (sizeof(core_keys) / sizeof(core_keys[0]))

/* coreconf_socket - require a unix socket; keep its bare path */
static int coreconf_socket(struct config *c, struct core_conf *out,
			   char *err, size_t len)
{
	struct endpoint ep;
	char why[256];

	if (out->control_socket == NULL)
		return 0;
	if (endpoint_parse(out->control_socket, &ep, why, sizeof(why)) < 0 ||
	    ep.family != AF_UNIX) {
		snprintf(err, len, "%s: [core] control_socket = \"%.200s\": expected "
			 "a unix socket: an absolute path or unix:/path", config_name(c),
			 out->control_socket);
		return -1;
	}
	g_free(out->control_socket);
	out->control_socket = g_strdup(ep.path);
	return 0;
}

/* coreconf_apply - fill out from [core]; 0, or -1 with the error in err */
int coreconf_apply(struct config *c, struct core_conf *out, char *err, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (config_apply(c, "core", core_keys, NCORE, out, err, len) < 0)
		return -1;
	if (coreconf_socket(c, out, err, len) < 0) {
		coreconf_release(out);
		return -1;
	}
	return 0;
}

/* coreconf_release - free what coreconf_apply allocated; accepts NULL */
void coreconf_release(struct core_conf *cc)
{
	if (cc)
		config_release(core_keys, NCORE, cc);
}
