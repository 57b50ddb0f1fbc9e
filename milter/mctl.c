/*
 * NAME
 *	mctl - sluice-milter's operator socket
 * DESCRIPTION
 *	See mctl.h. A table of commands, each a small function writing
 *	its body into a GString; an unknown command is an error listing
 *	the known ones.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "ctl_server.h"
#include "mailctl.h"
#include "mctl.h"

struct mctl {
	struct ctl_server *cs;
	struct mstate *state;
};

/* cmd_status - counters */
static int cmd_status(void *ctx, int json, char **argv, GString *out)
{
	const struct mctl *c = ctx;
	struct throttle_stats t;
	struct mailthr_counters mc;
	uint64_t dec, busy;
	size_t waiting;

	(void)argv;
	mstate_stats(c->state, &t, &waiting);
	mstate_counters(c->state, &mc);
	mstate_contention(c->state, &dec, &busy);
	g_string_append_printf(out, json ?
		"{\"shards\":%u,\"decisions\":%" PRIu64 ",\"contended\":%"
		PRIu64 ",\"identities\":%zu,\"queued\":%zu,\"locked\":%zu,"
		"\"waiting\":%zu,\"passed\":%" PRIu64 ",\"lockouts\":%" PRIu64 :
		"shards %u\ndecisions %" PRIu64 "\ncontended %" PRIu64
		"\nidentities %zu\nqueued %zu\nlocked %zu\nwaiting %zu\n"
		"passed %" PRIu64 "\nlockouts %" PRIu64 "\n",
		mstate_shards(c->state), dec, busy, t.hosts, t.held, t.locked,
		waiting, t.passed, t.lockouts);
	mailctl_counters(out, json, mstate_observe(c->state), &mc);
	return 0;
}

/* cmd_hosts - identities with state */
static int cmd_hosts(void *ctx, int json, char **argv, GString *out)
{
	const struct mctl *c = ctx;

	(void)json;
	(void)argv;
	mstate_walk(c->state, mailctl_host_line, out);
	return 0;
}

/* cmd_release - unlock one identity */
static int cmd_release(void *ctx, int json, char **argv, GString *out)
{
	const struct mctl *c = ctx;

	(void)json;
	if (mstate_release(c->state, argv[1]) < 0) {
		g_string_append_printf(out, "%s: no such identity", argv[1]);
		return -1;
	}
	g_string_append_printf(out, "released %s\n", argv[1]);
	return 0;
}

static const struct ctl_command commands[] = {
	{ "status", 1, 1, cmd_status },
	{ "hosts", 1, 1, cmd_hosts },
	{ "release", 2, 2, cmd_release },
};

/* handle - dispatch one request line */
static int handle(void *ctx, int json, int argc, char **argv, GString *out)
{
	return ctl_server_dispatch(commands, G_N_ELEMENTS(commands),
				   "status, hosts, release IDENTITY", ctx, json,
				   argc, argv, out);
}

/* mctl_open - listen */
struct mctl *mctl_open(const char *path, struct mstate *state, char *err,
		       size_t errlen)
{
	struct mctl *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->state = state;
	if ((c->cs = ctl_server_open(path, handle, c, err, errlen)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

/* mctl_close - accepts NULL */
void mctl_close(struct mctl *c)
{
	if (c == NULL)
		return;
	ctl_server_close(c->cs);
	free(c);
}

/* mctl_fd - for poll */
int mctl_fd(const struct mctl *c)
{
	return ctl_server_fd(c->cs);
}

/* mctl_run - serve, and drop connections past their deadline */
void mctl_run(struct mctl *c, uint64_t now)
{
	ctl_server_run(c->cs, now);
	ctl_server_expire(c->cs, now);
}
