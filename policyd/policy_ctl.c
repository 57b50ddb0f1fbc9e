/*
 * NAME
 *	policy_ctl - sluice-policyd's operator socket
 * DESCRIPTION
 *	See policy_ctl.h. A table of commands, each a small function
 *	writing its body into a GString; an unknown command is an error
 *	that lists the known ones.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "ctl_server.h"
#include "mailctl.h"
#include "policy_ctl.h"

struct policy_ctl {
	struct ctl_server *cs;
	struct policy_app *app;
	struct policy_server *srv;
};

/* cmd_status - counters */
static int cmd_status(void *ctx, int json, char **argv, GString *out)
{
	const struct policy_ctl *c = ctx;
	struct policy_app_stats a;
	struct policy_server_stats s;
	struct throttle_stats t;
	struct mailthr_counters mc;

	(void)argv;
	policy_app_stats(c->app, &a);
	policy_app_counters(c->app, &mc);
	policy_server_stats(c->srv, &s);
	policy_app_throttle_stats(c->app, &t);
	g_string_append_printf(out, json ?
		"{\"connections\":%zu,\"requests\":%" PRIu64 ",\"rcpt\":%" PRIu64
		",\"passed\":%" PRIu64 ",\"waiting\":%" PRIu64 ",\"held\":%"
		PRIu64 ",\"deferred\":%" PRIu64 ",\"rejected\":%" PRIu64
		",\"lockouts\":%" PRIu64 ",\"honeytokens\":%" PRIu64
		",\"malformed\":%" PRIu64 ",\"identities\":%zu,\"locked\":%zu" :
		"connections %zu\nrequests %" PRIu64 "\nrcpt %" PRIu64
		"\npassed %" PRIu64 "\nwaiting %" PRIu64 "\nheld %" PRIu64
		"\ndeferred %" PRIu64 "\nrejected %" PRIu64 "\nlockouts %"
		PRIu64 "\nhoneytokens %" PRIu64 "\nmalformed %" PRIu64
		"\nidentities %zu\nlocked %zu\n",
		s.open, a.requests, a.rcpt, a.passed, (uint64_t)s.pending,
		a.held, a.deferred, a.rejected, a.lockouts, a.honeytokens,
		s.malformed, t.hosts, t.locked);
	mailctl_counters(out, json, policy_app_conf(c->app)->params.observe,
			 &mc);
	return 0;
}

/* cmd_hosts - identities with state */
static int cmd_hosts(void *ctx, int json, char **argv, GString *out)
{
	const struct policy_ctl *c = ctx;

	(void)json;
	(void)argv;
	policy_app_walk(c->app, mailctl_host_line, out);
	return 0;
}

/* cmd_held - messages on hold */
static int cmd_held(void *ctx, int json, char **argv, GString *out)
{
	const struct policy_ctl *c = ctx;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)json;
	(void)argv;
	if (fp == NULL) {
		g_string_append(out, "out of memory");
		return -1;
	}
	policy_app_list_held(c->app, fp);
	fclose(fp);
	g_string_append_len(out, buf, (gssize)len);
	free(buf);
	return 0;
}

/* cmd_release - unlock one identity and release its mail */
static int cmd_release(void *ctx, int json, char **argv, GString *out)
{
	const struct policy_ctl *c = ctx;
	int n = policy_app_release(c->app, argv[1]);

	(void)json;
	if (n < 0) {
		g_string_append_printf(out, "%s: no such identity", argv[1]);
		return -1;
	}
	g_string_append_printf(out, "released %s, %d held message(s)\n",
			       argv[1], n);
	return 0;
}

static const struct ctl_command commands[] = {
	{ "status", 1, 1, cmd_status },
	{ "hosts", 1, 1, cmd_hosts },
	{ "held", 1, 1, cmd_held },
	{ "release", 2, 2, cmd_release },
};

/* handle - dispatch one request line */
static int handle(void *ctx, int json, int argc, char **argv, GString *out)
{
	return ctl_server_dispatch(commands, G_N_ELEMENTS(commands),
				   "status, hosts, held, release IDENTITY", ctx,
				   json, argc, argv, out);
}

/* on_ready - the control server's epoll set is readable */
static void on_ready(void *ctx, int fd)
{
	struct policy_ctl *c = ctx;

	(void)fd;
	ctl_server_run(c->cs, sl_monotonic_ns());
}

/* policy_ctl_open - listen, and share the policy server's loop */
struct policy_ctl *policy_ctl_open(const char *path, struct policy_app *app,
				   struct policy_server *srv, char *err,
				   size_t errlen)
{
	struct policy_ctl *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->app = app;
	c->srv = srv;
	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	if ((c->cs = ctl_server_open(path, handle, c, err, errlen)) == NULL) {
		free(c);
		return NULL;
	}
	if (policy_server_watch(srv, ctl_server_fd(c->cs), on_ready, c) < 0) {
		snprintf(err, errlen, "%s: cannot watch: out of slots", path);
		policy_ctl_close(c);
		return NULL;
	}
	return c;
}

/* policy_ctl_expire - slow clients */
void policy_ctl_expire(struct policy_ctl *c, uint64_t now)
{
	if (c)
		ctl_server_expire(c->cs, now);
}

/* policy_ctl_close - accepts NULL */
void policy_ctl_close(struct policy_ctl *c)
{
	if (c == NULL)
		return;
	ctl_server_close(c->cs);
	free(c);
}
