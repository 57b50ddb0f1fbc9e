/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailev - the mail filters' events: one builder, one vocabulary
 * SYNOPSIS
 *	See mailev.h.
 * DESCRIPTION
 *	The throttle summary keeps a small table of identities by hash: a
 *	slot taken by another identity is simply overwritten, so under a
 *	flood of many senders some lines are logged that could have been
 *	summarised, never the other way round, and memory stays fixed.
 *	The summary is for the syslog line only: people read it, and 25
 *	lines for one message to 30 recipients hid the rest of the log.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "mailev.h"

#define QUIET_SLOTS 64

struct quiet {
	char identity[MAILADDR_IDENT_MAX];
	uint64_t last;			/* monotonic ns of the last line */
	unsigned left_out;		/* throttle lines not logged since */
};

struct mailev {
	pthread_mutex_t mu;
	struct event_sink *sink;	/* NULL: no event file */
	int to_syslog;
	struct quiet quiet[QUIET_SLOTS];
	void (*follow)(void *ctx, const char *json, const char *text);
	void *follow_ctx;
};

/* mailev_verdict - the event name of a verdict */
const char *mailev_verdict(enum mailthr_verdict v)
{
	static const char *const names[] = {
		[MAILTHR_PASS] = "pass", [MAILTHR_WAIT] = "delay",
		[MAILTHR_HOLD] = "hold", [MAILTHR_DEFER] = "defer",
		[MAILTHR_REJECT] = "reject",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v]
							      : "unknown";
}

/* set - one string field unless the value is NULL or empty */
static size_t set(struct event_field *f, size_t n, const char *name,
		  const char *v)
{
	if (v && *v)
		f[n++] = (struct event_field)EF_S(name, v);
	return n;
}

/* mailev_build - the common fields, then the event's own */
size_t mailev_build(struct event *ev, struct event_field *f,
		    struct sl_addr *src, const char *type,
		    const char *verdict, const struct mailev_about *a,
		    const struct event_field *extra, size_t nextra)
{
	const struct mailthr_result *res = a->res;
	size_t i, n = 0;

	/* observe mode: say what would have been answered */
	if (res && res->observe)
		verdict = mailev_verdict(res->would);
	*ev = (struct event){ .type = type, .proto = "SMTP", .fields = f };
	if (a->client && addr_parse(a->client, src) == 0)
		ev->src = src;
	n = set(f, n, "verdict", verdict);
	n = set(f, n, "identity", a->identity ? a->identity :
		res ? res->identity : NULL);
	n = set(f, n, "recipient", res ? res->recipient : NULL);
	n = set(f, n, "sender", a->sender);
	n = set(f, n, "sasl_username", a->sasl);
	n = set(f, n, "queue_id", a->queue_id);
	if (res && res->event != MAILTHR_EV_NONE)
		f[n++] = (struct event_field)EF_U("queued", res->queued);
	if (res && res->whitelisted)
		f[n++] = (struct event_field)EF_B("whitelisted", 1);
	if (res && res->observe)
		f[n++] = (struct event_field)EF_B("observe", 1);
	for (i = 0; i < nextra && i < MAILEV_EXTRA; i++)
		if (extra[i].type != EF_STR || extra[i].v.s != NULL)
			f[n++] = extra[i];
	ev->nfields = n;
	return n;
}

/* mailev_open - the event file and the syslog switch */
struct mailev *mailev_open(const char *path, int to_syslog)
{
	struct mailev *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if (path && (m->sink = event_open(path)) == NULL) {
		int saved = errno;

		free(m);
		errno = saved;
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	m->to_syslog = to_syslog;
	return m;
}

/* mailev_close - accepts NULL */
void mailev_close(struct mailev *m)
{
	if (m == NULL)
		return;
	event_close(m->sink);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* mailev_syslog - the syslog switch, after a reload */
void mailev_syslog(struct mailev *m, int on)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	m->to_syslog = on;
	pthread_mutex_unlock(&m->mu);
}

/* mailev_reopen - after rotation (SIGHUP) */
int mailev_reopen(struct mailev *m)
{
	int r = 0;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(&m->mu);
	if (m->sink)
		r = event_reopen(m->sink);
	pthread_mutex_unlock(&m->mu);
	return r;
}

/* mailev_lost - events the file could not take */
uint64_t mailev_lost(struct mailev *m)
{
	uint64_t n;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(&m->mu);
	n = event_lost(m->sink);
	pthread_mutex_unlock(&m->mu);
	return n;
}

/* slot_of - the summary slot of an identity */
static struct quiet *slot_of(struct mailev *m, const char *identity)
{
	uint32_t h = 2166136261u;	/* FNV-1a: only spreads the slots */

	for (; *identity; identity++)
		h = (h ^ (unsigned char)*identity) * 16777619u;
	return &m->quiet[h % QUIET_SLOTS];
}

/* quiet_count - 1 if this throttle line is summarised away; else the
   count of lines left out before it goes to *left */
static int quiet_count(struct mailev *m, uint64_t now, const char *identity,
		       unsigned *left)
{
	struct quiet *q = slot_of(m, identity);

	*left = 0;
	if (strcmp(q->identity, identity) == 0 &&
	    now - q->last < MAILEV_QUIET) {
		q->left_out++;
		return 1;
	}
	if (strcmp(q->identity, identity) == 0)
		*left = q->left_out;
	snprintf(q->identity, sizeof(q->identity), "%s", identity);
	q->last = now;
	q->left_out = 0;
	return 0;
}

/* log_line - the syslog form of ev, summarising throttle lines */
static void log_line(struct mailev *m, uint64_t now, const struct event *ev,
		     const char *identity)
{
	char line[EVENT_MAX];
	unsigned left = 0;

	if (strcmp(ev->type, "throttle") == 0 && identity &&
	    quiet_count(m, now, identity, &left))
		return;
	event_summary(line, sizeof(line), ev);
	if (left)
		daemon_log(LOG_NOTICE, "%s (and %u more throttle events of %s "
		     "in the event log)", line, left, identity);
	else
		daemon_log(LOG_NOTICE, "%s", line);
}

/* follow - the event for the follower, both forms */
static void follow(struct mailev *m, const struct event *ev)
{
	char json[EVENT_MAX], text[EVENT_MAX];

	event_format(json, sizeof(json), ev);
	event_summary(text, sizeof(text), ev);
	m->follow(m->follow_ctx, json, text);
}

/* mailev_follow - one follower of every event */
void mailev_follow(struct mailev *m, void (*fn)(void *ctx, const char *json,
						const char *text), void *ctx)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	m->follow = fn;
	m->follow_ctx = ctx;
	pthread_mutex_unlock(&m->mu);
}

/* mailev_emit - one event to the file and to syslog */
int mailev_emit(struct mailev *m, uint64_t now, const char *type,
		const char *verdict, const struct mailev_about *a,
		const struct event_field *extra, size_t nextra)
{
	struct event_field f[MAILEV_FIELDS];
	struct sl_addr src;
	struct event ev;
	int r = 0, saved = 0;

	if (m == NULL)
		return 0;
	mailev_build(&ev, f, &src, type, verdict, a, extra, nextra);
	pthread_mutex_lock(&m->mu);
	if (m->sink && event_emit(m->sink, &ev) < 0) {
		r = -1;
		saved = errno;
	}
	if (m->to_syslog)
		log_line(m, now, &ev, a->identity ? a->identity :
			 a->res ? a->res->identity : NULL);
	if (m->follow)
		follow(m, &ev);
	pthread_mutex_unlock(&m->mu);
	errno = saved;
	return r;
}

/* mailev_unlock - an identity's queue fell below the low watermark */
int mailev_unlock(struct mailev *m, uint64_t now, const char *identity)
{
	return mailev_emit(m, now, "unlock", NULL,
			   &(struct mailev_about){ .identity = identity },
			   NULL, 0);
}
