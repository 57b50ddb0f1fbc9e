/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_ctl - libFuzzer harness for the control protocol's request line
 * DESCRIPTION
 *	The first byte picks the peer's level, the rest is the request line
 *	as ctl_server reads it (cut at CTL_LINE_MAX and at the newline).
 *	ctl_server_words splits it: at most CTL_SERVER_ARGS words, none
 *	empty or holding a separator, "--json" taken off only in front.
 *	ctl_server_dispatch then runs it against a table with every need:
 *	a command runs only if the peer may (an admin command never for a
 *	control or unknown peer), control peers' reports stay under the
 *	cap, and a refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "ctl.h"
#include "ctl_server.h"

static int ran;		/* the need of the command that ran, + 1 */

/* cmd - record that a command of need (ctx) ran */
static int cmd(void *ctx, int json, char **argv, GString *out)
{
	(void)json;
	ran = 1 + (int)(intptr_t)ctx;
	g_string_append(out, argv[0]);
	return 0;
}

/* the same fn for all; the need reaches it through the table below */
static int cmd_read(void *c, int j, char **a, GString *o)
{ (void)c; return cmd((void *)(intptr_t)CTL_NEED_READ, j, a, o); }
static int cmd_report(void *c, int j, char **a, GString *o)
{ (void)c; return cmd((void *)(intptr_t)CTL_NEED_REPORT, j, a, o); }
static int cmd_admin(void *c, int j, char **a, GString *o)
{ (void)c; return cmd((void *)(intptr_t)CTL_NEED_ADMIN, j, a, o); }

static const struct ctl_command cmds[] = {
	{ "status", 1, 1, cmd_read, NULL, CTL_NEED_READ },
	{ "show", 2, 2, cmd_read, "HOST", CTL_NEED_READ },
	{ "quarantine", 2, 32, cmd_report, "HOST [REASON...]", CTL_NEED_REPORT },
	{ "release", 2, 8, cmd_admin, "HOST [REASON...]", CTL_NEED_ADMIN },
	{ "reload", 1, 1, cmd_admin, NULL, CTL_NEED_ADMIN },
};

static struct ctl_rate rate;
static unsigned reports;	/* by control peers, this minute */

/* check_words - the split's invariants */
static void check_words(int argc, char **argv)
{
	int i;

	if (argc > CTL_SERVER_ARGS || (argc >= 0 && argv[argc] != NULL))
		abort();
	for (i = 0; i < argc; i++)
		if (argv[i][0] == 0 || strpbrk(argv[i], " \t\r") != NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_LINE_MAX + 1], *argv[CTL_SERVER_ARGS + 1], *nl;
	struct ctl_peer peer = { .uid = 1000, .rate = &rate };
	GString *out;
	int argc, json, r;
	size_t n;

	if (size == 0)
		return 0;
	peer.level = (enum ctl_level)(data[0] % 3);
	peer.now = rate.window;		/* one minute for the whole run */
	n = size - 1 > CTL_LINE_MAX ? CTL_LINE_MAX : size - 1;
	memcpy(line, data + 1, n);
	line[n] = 0;
	if ((nl = memchr(line, '\n', n)) != NULL)
		*nl = 0;
	argc = ctl_server_words(line, argv, &json);
	check_words(argc, argv);
	if (argc <= 0)
		return 0;
	out = g_string_new(NULL);
	ran = 0;
	r = ctl_server_dispatch(cmds, G_N_ELEMENTS(cmds), NULL, &peer, json,
				argc, argv, out);
	if ((r == 0) != (ran != 0) || (r < 0 && out->len == 0))
		abort();
	if (ran && peer.level == CTL_PEER_NONE)
		abort();
	if (ran == 1 + CTL_NEED_ADMIN && peer.level != CTL_PEER_ADMIN)
		abort();
	if (ran == 1 + CTL_NEED_REPORT && peer.level == CTL_PEER_CONTROL
	    && ++reports > CTL_SERVER_REPORTS)
		abort();
	g_string_free(out, TRUE);
	return 0;
}
