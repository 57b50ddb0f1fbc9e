/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailev.t - the mail filters' one event vocabulary, and the syslog
 *	summary of throttle lines
 * DESCRIPTION
 *	Golden lines pin the field names and their order, so the two
 *	filters cannot drift apart again; the syslog side is read back
 *	from stderr, where slog writes in a test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "mailev.h"
#include "../tap.h"
#include "jsoncheck.h"

#define WALL (1000000000ULL * 1700000000ULL)
#define SEC 1000000000ULL

/* line - mailev_build then event_format at a fixed time */
static const char *line(const char *type, const char *verdict,
			const struct mailev_about *a,
			const struct event_field *x, size_t nx)
{
	static char buf[EVENT_MAX];
	struct event_field f[MAILEV_FIELDS];
	struct sl_addr src;
	struct event ev;

	mailev_build(&ev, f, &src, type, verdict, a, x, nx);
	ev.wall_ns = WALL;
	event_format(buf, sizeof(buf), &ev);
	return buf;
}

static void test_vocabulary(void)
{
	static const struct { enum mailthr_verdict v; const char *name; } t[] = {
		{ MAILTHR_PASS, "pass" }, { MAILTHR_WAIT, "delay" },
		{ MAILTHR_HOLD, "hold" }, { MAILTHR_DEFER, "defer" },
		{ MAILTHR_REJECT, "reject" }, { (enum mailthr_verdict)99, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_str(mailev_verdict(t[i].v), t[i].name, "verdict %d",
		       (int)t[i].v);
}

/* test_observe - observe mode: the verdict that would have been given,
   marked "observe": true (the marking sluiced uses) */
static void test_observe(void)
{
	struct mailthr_result res = { .verdict = MAILTHR_PASS, .observe = 1,
				   .would = MAILTHR_HOLD,
				   .event = MAILTHR_EV_LOCKOUT, .queued = 51 };
	struct mailev_about a = { .client = "192.0.2.8", .res = &res };

	strcpy(res.identity, "client:192.0.2.8");
	strcpy(res.recipient, "v@example.net");
	is_str(line("lockout", mailev_verdict(res.verdict), &a, NULL, 0),
	       "{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\","
	       "\"event_type\":\"lockout\",\"src_ip\":\"192.0.2.8\","
	       "\"proto\":\"SMTP\",\"lockout\":{\"verdict\":\"hold\","
	       "\"identity\":\"client:192.0.2.8\",\"recipient\":"
	       "\"v@example.net\",\"queued\":51,\"observe\":true}}\n",
	       "a would-be lockout: verdict hold, observe true");
}

static void test_golden(void)
{
	struct mailthr_result res = { .verdict = MAILTHR_WAIT,
				   .event = MAILTHR_EV_DELAYED, .queued = 3 };
	struct mailev_about a = { .client = "192.0.2.7",
				  .sender = "alice@example.org",
				  .sasl = "alice", .queue_id = "4XyZ1",
				  .res = &res };
	struct event_field x[] = { EF_S("release", "throttle"),
				   EF_S("sample", NULL) };

	strcpy(res.identity, "sasl:alice");
	strcpy(res.recipient, "bob@example.net");
	is_str(line("throttle", mailev_verdict(res.verdict), &a, x, 2),
	       "{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\","
	       "\"event_type\":\"throttle\",\"src_ip\":\"192.0.2.7\","
	       "\"proto\":\"SMTP\",\"throttle\":{\"verdict\":\"delay\","
	       "\"identity\":\"sasl:alice\",\"recipient\":\"bob@example.net\","
	       "\"sender\":\"alice@example.org\",\"sasl_username\":\"alice\","
	       "\"queue_id\":\"4XyZ1\",\"queued\":3,\"release\":\"throttle\"}}\n",
	       "every common field in order, a NULL extra left out");

	res.whitelisted = 1;
	res.event = MAILTHR_EV_HONEYTOKEN;
	a.sasl = "";
	a.queue_id = NULL;
	a.client = "not an address";
	is_str(line("honeytoken", "pass", &a, NULL, 0),
	       "{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\","
	       "\"event_type\":\"honeytoken\",\"proto\":\"SMTP\","
	       "\"honeytoken\":{\"verdict\":\"pass\",\"identity\":\"sasl:alice\","
	       "\"recipient\":\"bob@example.net\",\"sender\":\"alice@example.org\","
	       "\"queued\":3,\"whitelisted\":true}}\n",
	       "empty values and an unparsable client left out");

	is_str(line("unlock", NULL, &(struct mailev_about){
			.identity = "client:192.0.2.7" }, NULL, 0),
	       "{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\","
	       "\"event_type\":\"unlock\",\"proto\":\"SMTP\","
	       "\"unlock\":{\"identity\":\"client:192.0.2.7\"}}\n",
	       "an event about an identity alone");
}

static void test_extra_bound(void)
{
	struct event_field x[MAILEV_EXTRA + 3];
	struct event_field f[MAILEV_FIELDS];
	struct mailthr_result res = { .event = MAILTHR_EV_LOCKOUT, .whitelisted = 1,
				   .observe = 1, .would = MAILTHR_HOLD };
	struct mailev_about a = { .client = "::1", .sender = "s@x",
				  .sasl = "u", .queue_id = "q", .res = &res };
	struct sl_addr src;
	struct event ev;
	char buf[EVENT_MAX];
	size_t i, n;

	strcpy(res.identity, "sasl:u");
	strcpy(res.recipient, "r@x");
	for (i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		x[i] = (struct event_field)EF_U("n", i);
	n = mailev_build(&ev, f, &src, "lockout", "hold", &a, x,
			 sizeof(x) / sizeof(x[0]));
	is_uint(n, MAILEV_FIELDS, "extras beyond MAILEV_EXTRA are cut");
	event_format(buf, sizeof(buf), &ev);
	ok(json_line_valid(buf, strlen(buf)), "still one valid line: %s", buf);
}

/* count - lines of path holding s */
static int count(const char *path, const char *s)
{
	char buf[EVENT_MAX + 200];
	FILE *fp = fopen(path, "r");
	int n = 0;

	if (fp == NULL)
		return -1;
	while (fgets(buf, sizeof(buf), fp))
		n += strstr(buf, s) != NULL;
	fclose(fp);
	return n;
}

static void test_sink(void)
{
	char dir[] = "/tmp/mailev.XXXXXX", ev[64], log[64];
	struct mailthr_result res = { .verdict = MAILTHR_WAIT,
				   .event = MAILTHR_EV_DELAYED };
	struct mailev_about a = { .client = "192.0.2.9", .res = &res };
	struct mailthr_result other = res;
	struct mailev *m;
	int i, saved = dup(2), fd;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(ev, sizeof(ev), "%s/events.json", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	daemon_log_open("mailev.t", 1, LOG_MAIL);
	m = mailev_open(ev, 1);
	strcpy(res.identity, "client:192.0.2.9");
	strcpy(other.identity, "client:192.0.2.10");
	/* one message to 30 recipients, 25 of them delayed, within 2 s */
	for (i = 0; i < 25; i++) {
		snprintf(res.recipient, sizeof(res.recipient), "r%d@x", i);
		mailev_emit(m, 100 * SEC + (uint64_t)i * SEC / 12, "throttle",
			    "delay", &a, NULL, 0);
		if (i == 10)
			mailev_emit(m, 101 * SEC, "throttle", "delay",
				    &(struct mailev_about){ .res = &other },
				    NULL, 0);
	}
	mailev_emit(m, 103 * SEC, "lockout", "hold", &a, NULL, 0);
	mailev_emit(m, 100 * SEC + MAILEV_QUIET, "throttle", "delay", &a,
		    NULL, 0);
	mailev_close(m);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	is_int(count(ev, "\"event_type\":\"throttle\""), 27,
	       "the event file keeps every throttle event");
	is_int(count(log, "192.0.2.9") , 3,
	       "syslog: one throttle line per quiet period and the lockout");
	is_int(count(log, "and 24 more throttle events of client:192.0.2.9"), 1,
	       "the next line says how many were left out");
	is_int(count(log, "192.0.2.10"), 1, "another identity is still logged");
	is_int(count(log, "lockout"), 1, "other event types are never summarised");
	ok(mailev_emit(NULL, 0, "throttle", "delay", &a, NULL, 0) == 0,
	   "a NULL sink takes events quietly");
	unlink(ev);
	unlink(log);
	rmdir(dir);
}

int main(void)
{
	test_vocabulary();
	test_golden();
	test_observe();
	test_extra_bound();
	test_sink();
	return done_testing();
}
