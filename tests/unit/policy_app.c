/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_app - unit test of the throttle behind the policy protocol
 * DESCRIPTION
 *	The handler with configurations from memory and time passed in:
 *	replies per mode, identities, whitelists, honeytokens (event and
 *	hold), lockout, END-OF-MESSAGE, and state saved and loaded.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "../tap.h"
#include "clock.h"
#include "../../policyd/policy_app.h"

static char dir[64];
static const uint8_t seed[16] = { 1, 2, 3 };

/* app - an app from a [policyd] body (events and state in dir) */
static struct policy_app *app(const char *body)
{
	char cfg[2048], err[CFG_ERRLEN];
	struct policy_conf *c;
	struct policy_app *a;

	snprintf(cfg, sizeof(cfg), "[core]\nevents = %s/events.json\n"
		 "state_dir = %s\ncontrol_socket = %s/none.sock\n"
		 "syslog_events = no\n[policyd]\nown_networks = 192.0.2.0/24\n%s\n", dir, dir, dir, body);
	if ((c = policy_conf_load_data(cfg, strlen(cfg), err, sizeof(err))) == NULL) {
		diag("config: %s", err);
		return NULL;
	}
	if ((a = policy_app_create(c, seed)) == NULL)
		policy_conf_free(c);
	return a;
}

struct rq {
	const char *state, *sasl, *sender, *rcpt, *client, *instance, *qid;
};

/* ask - one request; the reply's first line, and whether it is pending */
static const char *ask(struct policy_app *a, const struct rq *q, uint64_t now,
		       int *pending, uint64_t *deadline)
{
	static char reply[POLICY_REPLY_MAX];
	static uint64_t id = 1000;
	struct policy_req r = {
		.request = "smtpd_access_policy",
		.protocol_state = q->state ? q->state : "RCPT",
		.protocol_name = "ESMTP", .queue_id = q->qid ? q->qid : "",
		.instance = q->instance ? q->instance : "", .sender = q->sender,
		.recipient = q->rcpt, .client_address = q->client,
		.client_name = "", .helo_name = "", .sasl_username = q->sasl,
		.recipient_count = "0",
	};
	size_t rlen = 0;
	char *nl;

	*deadline = 0;
	*pending = policy_app_handler(a, ++id, &r, now, reply, &rlen,
				      deadline) == POLICY_PENDING;
	if ((nl = strchr(reply, '\n')) != NULL)
		*nl = 0;
	return reply;
}


static char warned[8192];

/* note_warn - policy_app_load's warn: the last reason */
static void note_warn(const char *why)
{
	snprintf(warned, sizeof(warned), "%s", why);
}

/* held_garbage - a garbage policyd.held beside a good state: the state
   loads, the warning names the held file alone and where it went */
static void held_garbage(const char *dir, uint64_t now)
{
	struct policy_app *a = app("");
	char path[512], want[1200];
	FILE *fp;
	struct rq q = { .sasl = "alice", .sender = "a@example.org",
			.rcpt = "f2@example.net", .client = "192.0.2.1" };
	int p = 0;
	uint64_t dl;

	snprintf(path, sizeof(path), "%s/policyd.held", dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("garbage\n", fp);
		fclose(fp);
	}
	warned[0] = 0;
	is_int(policy_app_load(a, dir, now, note_warn), -1,
	       "a garbage held file: not all loaded");
	snprintf(want, sizeof(want), "%s: Invalid argument; moved aside to %s.corrupt-",
		 path, path);
	ok(strncmp(warned, want, strlen(want)) == 0, "the warning names it "
	   "and where it went (got \"%s\", want \"%s...\")", warned, want);
	is_str(ask(a, &q, now, &p, &dl), "action=DUNNO",
	       "the state beside it was loaded all the same");
	q.rcpt = "f10@example.net";
	ask(a, &q, now, &p, &dl);
	ok(p, "(a new recipient waits: alice's working set is there)");
	ok(access(path, F_OK) != 0, "the held file is no longer at its name");
	policy_app_free(a);
}

/* count - lines of the event file with text */
static int count(const char *text)
{
	char path[128], line[4096];
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/events.json", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp))
		n += strstr(line, text) != NULL;
	fclose(fp);
	return n;
}

static void delay_mode(void)
{
	struct policy_app *a = app("whitelist_senders = @lists.example.com\n"
				   "honeytokens = trap@example.org");
	uint64_t now = 10 * NS_PER_SEC, dl;
	char rc[64];
	int i, p, waits = 0;

	ok(a != NULL, "delay mode (default) app");
	if (a == NULL)
		return;
	for (i = 0; i < 5; i++) {
		struct rq q = { .sasl = "alice", .sender = "a@example.org",
				.client = "192.0.2.1" };

		snprintf(rc, sizeof(rc), "f%d@example.net", i);
		q.rcpt = rc;
		if (strcmp(ask(a, &q, now, &p, &dl), "action=DUNNO") || p)
			waits++;
	}
	is_int(waits, 0, "five new recipients pass at once");
	{
		struct rq q = { .sasl = "alice", .sender = "other@example.org",
				.rcpt = "f9@example.net", .client = "192.0.2.1" };
		const char *r = ask(a, &q, now, &p, &dl);

		ok(p, "the sixth waits (SASL user is the identity, not the sender)");
		is_str(r, "action=450 4.7.1 Too many new recipients from this "
		       "sender; try again later", "its fallback is 450 4.7.1");
		is_uint(dl, now + 25 * NS_PER_SEC, "deadline: now + max_delay");
	}
	{
		struct rq q = { .sasl = "", .sender = "news@lists.example.com",
				.client = "192.0.2.2" };

		for (i = waits = 0; i < 30; i++) {
			snprintf(rc, sizeof(rc), "m%d@example.net", i);
			q.rcpt = rc;
			waits += strcmp(ask(a, &q, now, &p, &dl), "action=DUNNO") != 0 || p;
		}
		is_int(waits, 0, "a whitelisted sender passes 30 new recipients");
	}
	{
		struct rq q = { .sasl = "", .sender = "worm@example.org",
				.rcpt = "Trap@Example.ORG", .client = "192.0.2.66",
				.instance = "ab.cd" };
		const char *r = ask(a, &q, now, &p, &dl);

		ok(strncmp(r, "action=HOLD ", 12) == 0 && !p,
		   "honeytoken (case-folded): HOLD at once (%s)", r);
		is_int(count("\"event_type\":\"honeytoken\""), 1, "honeytoken event");
		is_int(count("\"src_ip\":\"192.0.2.66\""), 1, "with the client address");
		q.rcpt = "friend@example.net";
		r = ask(a, &q, now, &p, &dl);
		ok(strncmp(r, "action=HOLD ", 12) == 0,
		   "the sender's next recipient is held too");
		q.state = "END-OF-MESSAGE";
		q.qid = "4F00DA1";
		is_str(ask(a, &q, now, &p, &dl), "action=DUNNO",
		       "END-OF-MESSAGE answers DUNNO");
	}
	{
		struct rq q = { .sasl = "", .sender = "", .rcpt = "x@example.net",
				.client = "2001:db8:1:2::5" };

		is_str(ask(a, &q, now, &p, &dl), "action=DUNNO",
		       "client identity (IPv6) passes its first recipient");
		q.rcpt = "not an address";
		is_str(ask(a, &q, now, &p, &dl), "action=DUNNO",
		       "an unparsable recipient passes");
	}
	umask(022);	/* 0644 if the save asked for 0666 */
	is_int(policy_app_save(a, dir), 0, "state saved");
	{
		/* they hold SASL usernames (issue 20 point 10) */
		const char *f[] = { "policyd.state", "policyd.held" };
		char path[512];
		struct stat st;
		size_t i;

		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, f[i]);
			is_int(stat(path, &st) == 0 ? (int)(st.st_mode & 0777)
			       : -1, 0600, "%s is mode 0600", f[i]);
		}
	}
	policy_app_free(a);
	a = app("");
	is_int(policy_app_load(a, dir, now, note_warn), 0, "state loaded");
	{
		struct rq q = { .sasl = "alice", .sender = "a@example.org",
				.rcpt = "f2@example.net", .client = "192.0.2.1" };

		is_str(ask(a, &q, now, &p, &dl), "action=DUNNO",
		       "after loading, a known recipient of alice passes");
		q.rcpt = "f10@example.net";
		ask(a, &q, now, &p, &dl);
		ok(p, "and a new one waits: her full working set was loaded");
	}
	policy_app_free(a);
	held_garbage(dir, now);
}

static void defer_mode(void)
{
	struct policy_app *a = app("mode = defer\nrelease_interval = 1h\n"
				   "high_watermark = 10\nlow_watermark = 5");
	uint64_t now = 10 * NS_PER_SEC, dl;
	char rc[64];
	int i, p, defers = 0, holds = 0;
	const char *r;

	ok(a != NULL, "defer mode app");
	if (a == NULL)
		return;
	for (i = 0; i < 20; i++) {
		struct rq q = { .sasl = "", .sender = "mass@example.org",
				.client = "192.0.2.9" };

		snprintf(rc, sizeof(rc), "r%d@example.net", i);
		q.rcpt = rc;
		r = ask(a, &q, now, &p, &dl);
		defers += strncmp(r, "action=450 4.7.1", 16) == 0;
		holds += strncmp(r, "action=HOLD", 11) == 0;
		if (p)
			diag("defer mode left a reply pending");
	}
	is_int(defers, 10, "10 new recipients past the working set deferred");
	is_int(holds, 5, "then the lockout holds the rest");
	is_int(count("\"event_type\":\"lockout\""), 1, "one lockout event");
	policy_app_free(a);
	a = app("lockout_action = reject\nmode = defer\nrelease_interval = 1h\n"
		"high_watermark = 2\nlow_watermark = 1");
	for (i = 0; i < 10; i++) {
		struct rq q = { .sasl = "", .sender = "rej@example.org",
				.client = "192.0.2.9" };

		snprintf(rc, sizeof(rc), "r%d@example.net", i);
		q.rcpt = rc;
		r = ask(a, &q, now, &p, &dl);
	}
	is_str(r, "action=550 5.7.1 Sender locked out by the mail throttle; "
	       "contact the postmaster", "lockout_action = reject: 550 5.7.1");
	policy_app_free(a);
}

int main(void)
{
	char cmd[256];

	snprintf(dir, sizeof(dir), "/tmp/policy_app_t.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
	if (system(cmd) != 0)
		return 1;
	delay_mode();
	defer_mode();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
