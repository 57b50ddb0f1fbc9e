/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	coreconf - the [core] group every sluice program reads
 * SYNOPSIS
 *	#include "coreconf.h"
 * DESCRIPTION
 *	A schema for config_apply() and one check the schema cannot say:
 *	the control socket is a unix socket. Its "unix:" prefix is removed
 *	so callers hold a plain path for ctl_call() and endpoint_parse().
 *	[countermeasures] is checked here too, so every program refuses a
 *	misspelt key in it; sluiced's react room acts on it, and every
 *	program takes dry_run from it.
 */
#include <glib.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "coreconf.h"
#include "ctl.h"
#include "endpoint.h"
#include "mailshare.h"

const char *const coreconf_known_groups[] = {
	"core", "sluiced", "capture", "applications", "dns", "countermeasures",
	"policyd", "milter", "fairshare", "zone ", NULL
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
	{ .name = "control_group", .type = CFG_STRING, .offset = CC(control_group),
	  .def = "", .help = "group that may read status and report to control sockets" },
	{ .name = "admin_group", .type = CFG_STRING, .offset = CC(admin_group),
	  .def = "", .help = "group that may also release, unquarantine, reload" },
	{ .name = "redis", .type = CFG_ENDPOINT, .offset = CC(redis),
	  .def = "", .help = "Redis holding the state the hosts share "
	  "(unix:/path or inet:host:port); empty = none" },
	{ .name = "redis_prefix", .type = CFG_STRING, .offset = CC(redis_prefix),
	  .def = "sluice:", .help = "prefix of every key in Redis" },
	{ .name = "redis_timeout", .type = CFG_DURATION, .offset = CC(redis_timeout),
	  .def = "50ms", .min = 1000000ULL, .max = 10000000000ULL,
	  .help = "longest wait for Redis in one decision, then local mode" },
	{ .name = "redis_password_file", .type = CFG_STRING,
	  .offset = CC(redis_password_file), .def = "",
	  .help = "file whose first line is PASSWORD or USER PASSWORD (ACL)" },
	{ .name = "redis_idle", .type = CFG_DURATION, .offset = CC(redis_idle),
	  .def = "1h", .min = 1000000000ULL, .max = 30ULL * 86400 * 1000000000ULL,
	  .help = "an identity's keys expire after this long unused" },
	{ .name = "redis_keyfile", .type = CFG_STRING, .offset = CC(redis_keyfile),
	  .def = "", .help = "key shared by every host (16 bytes at least), "
	  "so their destination tags agree; required with redis" },
	{ .name = "redis_nodes", .type = CFG_UINT, .offset = CC(redis_nodes),
	  .def = "1", .min = 1, .max = 1000,
	  .help = "hosts sharing the Redis: without it each releases one "
	  "per release_interval x redis_nodes" },
};
#define NCORE (sizeof(core_keys) / sizeof(core_keys[0]))

/* coreconf_socket - require a unix socket; keep its bare path */
static int coreconf_socket(struct config *c, struct core_conf *out,
			   char *err, size_t len)
{
	struct endpoint ep;
	char why[256];

	/* every program needs it: sluiced serves it, the others report to it */
	if (out->control_socket == NULL ||
	    endpoint_parse(out->control_socket, &ep, why, sizeof(why)) < 0 ||
	    ep.family != AF_UNIX) {
		snprintf(err, len, "%s: [core] control_socket = \"%.200s\": expected "
			 "a unix socket: an absolute path or unix:/path", config_name(c),
			 out->control_socket ? out->control_socket : "");
		return -1;
	}
	g_free(out->control_socket);
	out->control_socket = g_strdup(ep.path);
	return 0;
}

/* coreconf_gid - a group name to its gid ((gid_t)-1 for empty) */
static int coreconf_gid(struct config *c, const char *key, const char *name,
			gid_t *gid, char *err, size_t len)
{
	struct group *gr;

	*gid = (gid_t)-1;
	if (name == NULL || *name == 0)
		return 0;
	if ((gr = getgrnam(name)) == NULL) {
		snprintf(err, len, "%s: [core] %s = \"%.64s\": no such group; "
			 "expected a group name from /etc/group, or empty for "
			 "none", config_name(c), key, name);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* coreconf_access - control_group and admin_group to gids */
static int coreconf_access(struct config *c, struct core_conf *out,
			   char *err, size_t len)
{
	return coreconf_gid(c, "control_group", out->control_group,
			    &out->access.control_gid, err, len) < 0
	    || coreconf_gid(c, "admin_group", out->admin_group,
			    &out->access.admin_gid, err, len) < 0 ? -1 : 0;
}

/* coreconf_redis - the Redis endpoint, password and key files */
static int coreconf_redis(struct config *c, struct core_conf *out,
			  char *err, size_t len)
{
	struct redisc_params *rp;
	char why[512];

	if (out->redis == NULL)
		return 0;
	rp = out->redis_rc = g_new0(struct redisc_params, 1);
	/* the value was checked by the schema: it parses */
	(void)endpoint_parse(out->redis, &rp->ep, why, sizeof(why));
	if (out->redis_prefix && strlen(out->redis_prefix) >= MAILSHARE_PREFIX_MAX) {
		snprintf(err, len, "%s: [core] redis_prefix = \"%.80s\": longer "
			 "than %d bytes", config_name(c), out->redis_prefix,
			 MAILSHARE_PREFIX_MAX - 1);
		return -1;
	}
	if (out->redis_keyfile == NULL) {
		snprintf(err, len, "%s: [core] redis_keyfile is required with "
			 "redis = %s: a file of at least 16 random bytes, the "
			 "same on every host", config_name(c), out->redis);
		return -1;
	}
	if (mailshare_key_file(out->redis_keyfile, out->redis_key, why,
			       sizeof(why)) < 0) {
		snprintf(err, len, "%s: [core] redis_keyfile = %s", config_name(c), why);
		return -1;
	}
	if (out->redis_password_file &&
	    redisc_password_file(out->redis_password_file, rp, why, sizeof(why)) < 0) {
		snprintf(err, len, "%s: [core] redis_password_file = %s",
			 config_name(c), why);
		return -1;
	}
	return 0;
}

/* coreconf_apply - fill out from [core]; 0, or -1 with the error in err */
int coreconf_apply(struct config *c, struct core_conf *out, char *err, size_t len)
{
	struct coreconf_cm cm;

	memset(out, 0, sizeof(*out));
	if (config_apply(c, "core", core_keys, NCORE, out, err, len) < 0)
		return -1;
	if (coreconf_socket(c, out, err, len) < 0
	    || coreconf_access(c, out, err, len) < 0
	    || coreconf_redis(c, out, err, len) < 0
	    || coreconf_countermeasures(c, &cm, err, len) < 0) {
		coreconf_release(out);
		return -1;
	}
	out->dry_run = cm.p.dry_run;
	coreconf_cm_release(&cm);
	return 0;
}

/* coreconf_release - free what coreconf_apply allocated; accepts NULL */
void coreconf_release(struct core_conf *cc)
{
	if (cc == NULL)
		return;
	config_release(core_keys, NCORE, cc);
	if (cc->redis_rc)
		explicit_bzero(cc->redis_rc, sizeof(*cc->redis_rc));
	g_free(cc->redis_rc);
	cc->redis_rc = NULL;
}

#define CM(f) offsetof(struct coreconf_cm, p.f)
#define CX(f) offsetof(struct coreconf_cm, f)
#define CM_MAXSCORE 1000000
#define CM_TTLMAX (30ULL * 86400 * 1000000000ULL)
#define W(sig, n, d) { .name = "weight_" n, .type = CFG_UINT, \
	.offset = CM(weight[sig]), .def = d, .min = 0, .max = CM_MAXSCORE, \
	.help = "score a " n " signal adds" }
#define R(act, n, d) { .name = "rung_" n, .type = CFG_UINT, \
	.offset = CM(rung[act]), .def = d, .min = 0, .max = CM_MAXSCORE, \
	.help = "score at which " n " starts; 0 = never" }
#define T(act, n, d) { .name = "ttl_" n, .type = CFG_DURATION, \
	.offset = CM(ttl_ns[act]), .def = d, .min = 1000000000ULL, \
	.max = CM_TTLMAX, .help = "how long " n " lasts" }

/* the defaults here are cmeasure_defaults(); config.t checks they agree */
static const struct cfg_key cm_keys[] = {
	{ .name = "dry_run", .type = CFG_BOOL, .offset = CM(dry_run), .def = "no",
	  .help = "decide and report, enforce nothing" },
	{ .name = "rate_cap", .type = CFG_UINT, .offset = CM(rate_cap), .def = "60",
	  .min = 1, .max = 100000, .help = "actions a minute, all sources" },
	{ .name = "score_decay", .type = CFG_DURATION, .offset = CM(score_decay_ns),
	  .def = "10m", .min = 0, .max = CM_TTLMAX,
	  .help = "a source's score halves this often; 0 = never" },
	W(CMEASURE_SIG_HONEYPOT, "honeypot", "100"),
	W(CMEASURE_SIG_LOCKOUT, "lockout", "100"),
	W(CMEASURE_SIG_FANOUT, "fanout", "50"),
	W(CMEASURE_SIG_NODNS, "nodns", "5"),
	W(CMEASURE_SIG_TRW, "trw", "50"),
	W(CMEASURE_SIG_HONEYTOKEN, "honeytoken", "100"),
	W(CMEASURE_SIG_OPERATOR, "operator", "100"),
	W(CMEASURE_SIG_GOAT, "goat", "100"),
	W(CMEASURE_SIG_OUTBOUND, "outbound", "50"),
	W(CMEASURE_SIG_SPIKE, "spike", "10"),
	R(CMEASURE_THROTTLE, "throttle", "10"),
	R(CMEASURE_QUARANTINE, "quarantine", "100"),
	R(CMEASURE_BLOCK_PORT, "block_port", "50"),
	R(CMEASURE_ISOLATE, "isolate", "0"),
	R(CMEASURE_HOOK, "hook", "0"),
	T(CMEASURE_THROTTLE, "throttle", "10m"),
	T(CMEASURE_QUARANTINE, "quarantine", "1h"),
	T(CMEASURE_BLOCK_PORT, "block_port", "1h"),
	T(CMEASURE_ISOLATE, "isolate", "1h"),
	T(CMEASURE_HOOK, "hook", "1h"),
	{ .name = "block_port_sources", .type = CFG_UINT,
	  .offset = CX(block_port_sources), .def = "10", .min = 1, .max = 100000,
	  .help = "distinct sources a port block needs" },
	{ .name = "protected_ports", .type = CFG_LIST,
	  .offset = CX(protected_ports_text), .def = "22, 53, 443",
	  .help = "ports never blocked network-wide" },
	{ .name = "escalate_v6", .type = CFG_UINT, .offset = CX(escalate_v6),
	  .def = "4", .min = 1, .max = 256,
	  .help = "outside /64s acted on before their /56 is" },
	{ .name = "fanout_threshold", .type = CFG_UINT,
	  .offset = CX(fanout_threshold), .def = "20", .min = 2, .max = 1024,
	  .help = "distinct destinations on one port that are a fan-out" },
	{ .name = "fanout_window", .type = CFG_DURATION,
	  .offset = CX(fanout_window_ns), .def = "60s", .min = 1000000000ULL,
	  .max = 86400ULL * 1000000000ULL, .help = "the fan-out's sliding window" },
	{ .name = "spike_hosts", .type = CFG_UINT, .offset = CX(spike_hosts),
	  .def = "10", .min = 2, .max = 1000000,
	  .help = "hosts of one zone delayed at once that are a spike" },
	{ .name = "harder_wset_size", .type = CFG_UINT,
	  .offset = CX(harder_wset_size), .def = "1", .min = 1, .max = 64,
	  .help = "working-set slots of a host throttled harder" },
	{ .name = "harder_release_interval", .type = CFG_DURATION,
	  .offset = CX(harder_release_ns), .def = "5s", .min = 1000000ULL,
	  .max = 3600ULL * 1000000000ULL,
	  .help = "one release this often for a host throttled harder" },
	{ .name = "hook", .type = CFG_STRING, .offset = CX(hook_text),
	  .help = "operator hook: program and arguments, no shell" },
	{ .name = "hook_timeout", .type = CFG_DURATION,
	  .offset = CX(hook_timeout_ns), .def = "10s", .min = 100000000ULL,
	  .max = 3600ULL * 1000000000ULL, .help = "the hook is killed after this" },
};
#define NCM (sizeof(cm_keys) / sizeof(cm_keys[0]))

/* coreconf_portmap - port numbers (t, [group] key) into the bitmap
   map (a bit per port); 0, or -1 with the error in err */
int coreconf_portmap(struct config *c, const char *group, const char *key,
		     char *const *t, uint8_t map[65536 / 8], char *err, size_t len)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; t != NULL && t[i] != NULL; i++) {
		v = strtoul(t[i], &end, 10);
		if (end == t[i] || *end != 0 || v == 0 || v > 65535 || t[i][0] == '-') {
			snprintf(err, len, "%s: [%s] %s = \"%.32s\": expected port "
				 "numbers from 1 to 65535, comma-separated",
				 config_name(c), group, key, t[i]);
			return -1;
		}
		map[v / 8] |= (uint8_t)(1u << (v % 8));
	}
	return 0;
}

/* coreconf_ports - protected_ports_text into the protected bitmap */
static int coreconf_ports(struct config *c, struct coreconf_cm *p, char *err,
			  size_t len)
{
	return coreconf_portmap(c, "countermeasures", "protected_ports",
				p->protected_ports_text, p->protected_port, err, len);
}

/* coreconf_hook - hook_text into argv: words split as a shell would,
   but no shell runs it; the program must be an absolute path */
static int coreconf_hook(struct config *c, struct coreconf_cm *p, char *err,
			 size_t len)
{
	GError *e = NULL;

	if (p->hook_text == NULL || *p->hook_text == 0)
		return 0;
	if (!g_shell_parse_argv(p->hook_text, NULL, &p->hook, &e) ||
	    p->hook[0][0] != '/') {
		snprintf(err, len, "%s: [countermeasures] hook = \"%.200s\": expected "
			 "an absolute program path and its arguments%s%s",
			 config_name(c), p->hook_text, e ? ": " : "",
			 e ? e->message : "");
		if (e)
			g_error_free(e);
		return -1;
	}
	return 0;
}

/* coreconf_port_protected - is port in protected_ports */
int coreconf_port_protected(const struct coreconf_cm *p, uint16_t port)
{
	return (p->protected_port[port / 8] >> (port % 8)) & 1;
}

/* coreconf_countermeasures - [countermeasures] into p; 0 or -1 */
int coreconf_countermeasures(struct config *c, struct coreconf_cm *p,
			     char *err, size_t len)
{
	const char *why;

	/* rung and TTL of CMEASURE_OBSERVE are not keys: they stay 0 */
	memset(p, 0, sizeof(*p));
	if (config_apply(c, "countermeasures", cm_keys, NCM, p, err, len) < 0)
		return -1;
	if (cmeasure_check_params(&p->p, &why) < 0) {
		snprintf(err, len, "%s: [countermeasures]: %s", config_name(c), why);
		coreconf_cm_release(p);
		return -1;
	}
	if (coreconf_ports(c, p, err, len) < 0 || coreconf_hook(c, p, err, len) < 0) {
		coreconf_cm_release(p);
		return -1;
	}
	return 0;
}

/* coreconf_cm_release - free what coreconf_countermeasures allocated */
void coreconf_cm_release(struct coreconf_cm *p)
{
	if (p == NULL)
		return;
	config_release(cm_keys, NCM, p);
	g_strfreev(p->hook);
	p->hook = NULL;
}
