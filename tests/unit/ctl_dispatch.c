/*
 * NAME
 *	ctl_dispatch - unit test of ctl_server_dispatch (common/ctl_server.c)
 * DESCRIPTION
 *	A table of two commands, one with a fixed word count and one with
 *	a range: the one named runs with the context and its words, a word
 *	count outside its range and an unknown or empty command are errors
 *	with the reasons the operator sees.
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

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

static const struct ctl_command cmds[] = {
	{ "echo", 2, 2, cmd_echo, "WORD" },
	{ "follow", 1, 2, cmd_follow, "[all]" },
};

/* run - dispatch words; the body into out (reset first) */
static int run(GString *out, int json, int argc, char **argv)
{
	g_string_truncate(out, 0);
	return ctl_server_dispatch(cmds, 2, "ctx", json, argc, argv, out);
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
	is_str(out->str, "echo takes 1 argument(s)", "says how many");
	is_int(run(out, 0, 2, follow2), 1, "a range: its optional word too");
	is_int(run(out, 0, 3, follow3), -1, "a range: one word too many");
	is_str(out->str, "follow takes 0 to 1 argument(s)", "says the range");
	is_int(run(out, 0, 1, nope), -1, "unknown command");
	is_str(out->str, "unknown command; known: echo WORD, follow [all]",
	       "lists the known ones");
	is_int(run(out, 0, 0, nope), -1, "no words");
	is_str(out->str, "unknown command; known: echo WORD, follow [all]",
	       "is unknown too");
	g_string_free(out, TRUE);
	return done_testing();
}
