/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl_dispatch - unit test of ctl_server_dispatch (common/ctl_server.c)
 * DESCRIPTION
 *	A table of two commands, one with a fixed word count and one with
 *	a range: the one named runs with the context and its words, a word
 *	count outside its range and an unknown or empty command are errors
 *	with the reasons the operator sees. Then who may: every level of
 *	peer against every need of command (a table of which run and what
 *	the refusal says), and the control peers' report cap over two
 *	minutes.
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "ctl_server.h"
#include "../tap.h"

/* cmd_echo - the argument back, tagged with ctx and json */
static int cmd_echo(void *ctx, int json, char **argv, GString *out)
{
	g_string_append_printf(out, "%s %s %d", (const char *)ctx, argv[1],
			       json);
	return 0;
}

/* cmd_follow - as "events": 1; an optional word */
static int cmd_follow(void *ctx, int json, char **argv, GString *out)
{
	(void)ctx;
	(void)json;
	(void)argv;
	g_string_append(out, "following");
	return 1;
}

/* cmd_ok - "ran" */
static int cmd_ok(void *ctx, int json, char **argv, GString *out)
{
	(void)ctx;
	(void)json;
	(void)argv;
	g_string_append(out, "ran");
	return 0;
}

static const struct ctl_command cmds[] = {
	{ "echo", 2, 2, cmd_echo, "WORD", CTL_NEED_READ },
	{ "follow", 1, 2, cmd_follow, "[all]", CTL_NEED_READ },
};

/* a table left to the default need: admin */
static const struct ctl_command privcmds[] = {
	{ "look", 1, 1, cmd_ok, NULL, CTL_NEED_READ },
	{ "report", 1, 1, cmd_ok, NULL, CTL_NEED_REPORT },
	{ "lift", 1, 1, cmd_ok, NULL, CTL_NEED_ADMIN },
	{ .name = "forgot", .min_argc = 1, .max_argc = 1, .fn = cmd_ok },
};

static struct ctl_peer admin = { .uid = 0, .level = CTL_PEER_ADMIN };

/* run - dispatch words; the body into out (reset first) */
static int run(GString *out, int json, int argc, char **argv)
{
	g_string_truncate(out, 0);
	return ctl_server_dispatch(cmds, 2, "ctx", &admin, json, argc, argv,
				   out);
}

/* priv_run - one word of privcmds as peer; the body into out */
static int priv_run(GString *out, struct ctl_peer *peer, const char *word)
{
	char *argv[] = { (char *)word, NULL };

	g_string_truncate(out, 0);
	return ctl_server_dispatch(privcmds, G_N_ELEMENTS(privcmds), NULL, peer,
				   0, 1, argv, out);
}

static const struct {
	enum ctl_level level;
	const char *cmd;
	const char *want;	/* the body: "ran" or the refusal */
} privtab[] = {
	{ CTL_PEER_ADMIN, "look", "ran" },
	{ CTL_PEER_ADMIN, "report", "ran" },
	{ CTL_PEER_ADMIN, "lift", "ran" },
	{ CTL_PEER_ADMIN, "forgot", "ran" },
	{ CTL_PEER_CONTROL, "look", "ran" },
	{ CTL_PEER_CONTROL, "report", "ran" },
	{ CTL_PEER_CONTROL, "lift", "lift needs root or admin_group (uid 65534 is in neither)" },
	{ CTL_PEER_CONTROL, "forgot", "forgot needs root or admin_group (uid 65534 is in neither)" },
	{ CTL_PEER_NONE, "look", "look needs root or admin_group or control_group (uid 65534 is in neither)" },
	{ CTL_PEER_NONE, "report", "report needs root or admin_group or control_group (uid 65534 is in neither)" },
	{ CTL_PEER_NONE, "lift", "lift needs root or admin_group (uid 65534 is in neither)" },
};

/* test_levels - every row of privtab */
static void test_levels(GString *out)
{
	struct ctl_peer p = { .uid = 65534 };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(privtab); i++) {
		int want = strcmp(privtab[i].want, "ran") == 0 ? 0 : -1;

		p.level = privtab[i].level;
		is_int(priv_run(out, &p, privtab[i].cmd), want, "level %d, %s: "
		       "runs or not", (int)p.level, privtab[i].cmd);
		is_str(out->str, privtab[i].want, "level %d, %s: the reply",
		       (int)p.level, privtab[i].cmd);
	}
}

/* test_cap - CTL_SERVER_REPORTS a minute from control peers, then ERR
   until the minute is over; admin peers are never capped */
static void test_cap(GString *out)
{
	struct ctl_rate rate = { 0, 0 };
	struct ctl_peer p = { .uid = 65534, .level = CTL_PEER_CONTROL,
			      .rate = &rate, .now = 1000 * NS_PER_SEC };
	struct ctl_peer a = { .uid = 0, .level = CTL_PEER_ADMIN,
			      .rate = &rate, .now = 1000 * NS_PER_SEC };
	int i, ran = 0;

	for (i = 0; i < CTL_SERVER_REPORTS; i++)
		ran += priv_run(out, &p, "report") == 0;
	is_int(ran, CTL_SERVER_REPORTS, "%d reports in a minute all run",
	       CTL_SERVER_REPORTS);
	p.now += 59 * NS_PER_SEC;
	is_int(priv_run(out, &p, "report"), -1, "the next one in the minute");
	is_str(out->str, "report: control_group's cap of 60 a minute reached; "
	       "try later", "is refused, naming the cap");
	is_int(priv_run(out, &p, "look"), 0, "reading is not capped");
	is_int(priv_run(out, &a, "report"), 0, "nor is an admin's report");
	p.now += 2 * NS_PER_SEC;
	is_int(priv_run(out, &p, "report"), 0, "a new minute: runs again");
}

int main(void)
{
	GString *out = g_string_new(NULL);
	char *echo[] = { "echo", "hi", NULL }, *bad[] = { "echo", NULL };
	char *follow[] = { "follow", NULL }, *nope[] = { "nope", NULL };
	char *follow2[] = { "follow", "all", NULL };
	char *follow3[] = { "follow", "all", "more", NULL };

	is_int(run(out, 0, 2, echo), 0, "echo runs");
	is_str(out->str, "ctx hi 0", "with ctx, its word and json off");
	is_int(run(out, 1, 2, echo), 0, "echo --json runs");
	is_str(out->str, "ctx hi 1", "json passed on");
	is_int(run(out, 0, 1, follow), 1, "a handler's 1 comes back");
	is_str(out->str, "following", "its body");
	is_int(run(out, 0, 1, bad), -1, "too few words");
	is_str(out->str, "usage: echo WORD", "quotes the usage");
	is_int(run(out, 0, 2, follow2), 1, "a range: its optional word too");
	is_int(run(out, 0, 3, follow3), -1, "a range: one word too many");
	is_str(out->str, "usage: follow [all]", "quotes the usage");
	is_int(run(out, 0, 1, nope), -1, "unknown command");
	is_str(out->str, "unknown command; known: echo WORD, follow [all]",
	       "lists the known ones");
	is_int(run(out, 0, 0, nope), -1, "no words");
	is_str(out->str, "unknown command; known: echo WORD, follow [all]",
	       "is unknown too");
	test_levels(out);
	test_cap(out);
	g_string_free(out, TRUE);
	return done_testing();
}
