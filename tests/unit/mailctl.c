/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailctl.t - the mail filters' shared operator commands
 * DESCRIPTION
 *	mailctl_handle over a small table of identities standing in for a
 *	filter's state: bare identities (one match, none, several, an
 *	address inside a client's IPv6 /64), hosts and hosts all, show,
 *	held, release with the operator's words in the release event,
 *	--json, and the list of known commands taken from the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailctl.h"
#include "../tap.h"

static struct ident {
	const char *id;
	struct throttle_info info;
	int held;
} ids[] = {
	{ "sasl:alice", { .queued = 0, .wset_used = 2 }, 0 },
	{ "sender:alice", { .queued = 3, .wset_used = 5 }, 0 },
	{ "sender:bob@example.org", { .queued = 7, .wset_used = 5, .locked = 1 }, 2 },
	{ "client:2001:db8:1:2::/64", { .queued = 0, .wset_used = 1 }, 0 },
	{ "client:192.0.2.7", { .queued = 0, .wset_used = 1 }, 0 },
};
#define NIDS (sizeof(ids) / sizeof(ids[0]))

static const struct ctl_peer root = { .uid = 0, .level = CTL_PEER_ADMIN };
static char released[64];
static struct mailev *ev;

static void stats(void *obj, struct mailctl_stats *out)
{
	(void)obj;
	*out = (struct mailctl_stats){ .rcpt = 10, .delayed = 4,
		.released = 1, .held_messages = 2,
		.extra = { { "shards", 4 } }, .nextra = 1 };
}

static void walk(void *obj, mailctl_walk_fn *fn, void *ctx)
{
	size_t i;

	(void)obj;
	for (i = 0; i < NIDS; i++)
		fn(ctx, ids[i].id, &ids[i].info);
}

static void held(void *obj, mailctl_held_fn *fn, void *ctx)
{
	(void)obj;
	fn(ctx, "4XyZ1", "sender:bob@example.org", "operator");
	fn(ctx, "4XyZ2", "sender:bob@example.org", "operator");
}

static int release(void *obj, const char *identity)
{
	size_t i;

	(void)obj;
	snprintf(released, sizeof(released), "%s", identity);
	for (i = 0; i < NIDS; i++)
		if (strcmp(ids[i].id, identity) == 0)
			return ids[i].held;
	return -1;
}

static struct mailev *events(void *obj)
{
	(void)obj;
	return ev;
}

static const struct mailctl_ops ops = { stats, walk, held, release, events };

static struct mailctl *ctl;

/* run - one request line, split on spaces; the reply's body in out */
static int run(GString *out, const char *line)
{
	char *copy = g_strdup(line), **argv;
	int json = 0, r, argc;

	g_string_truncate(out, 0);
	if (strncmp(copy, "--json ", 7) == 0) {
		json = 1;
		memmove(copy, copy + 7, strlen(copy + 7) + 1);
	}
	argv = g_strsplit(copy, " ", -1);
	argc = (int)g_strv_length(argv);
	r = mailctl_handle(ctl, &root, json, argc, argv, out);
	g_strfreev(argv);
	g_free(copy);
	return r;
}

/* last_event - the last line of the event file */
static const char *last_event(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");

	buf[0] = 0;
	while (fp && fgets(buf, sizeof(buf), fp))
		;
	if (fp)
		fclose(fp);
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/mailctl.XXXXXX", path[64], sock[64], err[256];
	GString *out = g_string_new(NULL);

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/events.json", dir);
	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	ev = mailev_open(path, 0);
	ctl = mailctl_open(sock, NULL, &ops, NULL, err, sizeof(err));
	ok(ctl != NULL, "opened (%s)", ctl ? sock : err);
	if (ctl == NULL)
		return done_testing();

	is_int(run(out, "hosts"), 0, "hosts");
	is_str(out->str, "sender:alice queued=3 wset=5\n"
	       "sender:bob@example.org queued=7 wset=5 locked\n",
	       "hosts: identities with a queue or a lockout");
	run(out, "hosts all");
	{
		int lines = 0;
		const char *q;

		for (q = out->str; *q; q++)
			lines += *q == '\n';
		is_int(lines, (int)NIDS, "hosts all: every identity with state");
	}
	is_int(run(out, "hosts some"), -1, "hosts takes only \"all\"");
	run(out, "--json hosts");
	is_str(out->str, "{\"identity\":\"sender:alice\",\"queued\":3,"
	       "\"wset\":5,\"locked\":false}\n{\"identity\":"
	       "\"sender:bob@example.org\",\"queued\":7,\"wset\":5,"
	       "\"locked\":true}\n", "hosts --json: one object a line");

	is_int(run(out, "show bob@example.org"), 0, "show a bare address");
	is_str(out->str, "sender:bob@example.org queued=7 wset=5 locked\n",
	       "... the one identity it matches");
	is_int(run(out, "show 2001:db8:1:2:aa::9"), 0,
	       "show an IPv6 address inside a client's /64");
	is_str(out->str, "client:2001:db8:1:2::/64 queued=0 wset=1\n",
	       "... is that /64");
	is_int(run(out, "show 192.0.2.7"), 0, "show an IPv4 client");
	is_int(run(out, "show alice"), -1, "a bare word matching two");
	is_str(out->str, "alice is ambiguous: it matches sasl:alice "
	       "sender:alice; write one of them", "... is refused, listed");
	is_int(run(out, "show carol@example.org"), -1, "a bare word matching none");
	ok(strstr(out->str, "write sasl:, sender: or client: before it") != NULL,
	   "... says how to write one: %s", out->str);
	is_int(run(out, "show sender:nobody@example.org"), -1,
	       "an unknown prefixed identity");

	is_int(run(out, "held"), 0, "held");
	is_str(out->str, "4XyZ1 sender:bob@example.org operator\n"
	       "4XyZ2 sender:bob@example.org operator\n", "held: queue id, identity, release");

	is_int(run(out, "release bob@example.org seen by the helpdesk"), 0,
	       "release with a reason");
	is_str(released, "sender:bob@example.org", "the filter released the identity");
	is_str(out->str, "released sender:bob@example.org, 2 held message(s)\n",
	       "... and says what it did");
	ok(strstr(last_event(path), "\"event_type\":\"release\","
		  "\"proto\":\"SMTP\",\"release\":{\"identity\":"
		  "\"sender:bob@example.org\",\"reason\":\"operator\","
		  "\"note\":\"seen by the helpdesk\",\"messages\":2}}") != NULL,
	   "a release event: reason operator, the operator's words as note: %s",
	   last_event(path));
	run(out, "release sasl:alice");
	ok(strstr(last_event(path), "\"note\"") == NULL,
	   "no reason given: no note");
	is_int(run(out, "release sender:nobody@example.org"), -1,
	       "releasing an unknown identity is an error");

	run(out, "status");
	ok(strstr(out->str, "rcpt 10\npassed 0\ndelayed 4\n") == out->str &&
	   strstr(out->str, "held_messages 2\nshards 4\n") != NULL,
	   "status: the shared counters, then the filter's own");
	run(out, "--json status");
	ok(strncmp(out->str, "{\"rcpt\":10,\"passed\":0,\"delayed\":4,", 34) == 0 &&
	   strstr(out->str, ",\"shards\":4}\n") != NULL, "status --json: %s", out->str);
	run(out, "metrics");
	ok(strstr(out->str, "# TYPE sluice_mail_delayed counter\nsluice_mail_delayed 4\n") &&
	   strstr(out->str, "# TYPE sluice_mail_held_messages gauge\n"),
	   "metrics: Prometheus text");
	is_int(run(out, "reload"), -1, "a command of sluiced only");
	is_str(out->str, "unknown command; known: status, hosts [all], show "
	       "IDENTITY, held, release IDENTITY [REASON...], events, metrics",
	       "... is refused with what works here, from the table");
	is_int(run(out, "events"), 1, "events follows");

	mailctl_close(ctl);
	mailev_close(ev);
	unlink(path);
	rmdir(dir);
	g_string_free(out, TRUE);
	return done_testing();
}
