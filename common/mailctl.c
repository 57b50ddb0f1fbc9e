/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailctl - the mail filters' operator socket, one for both
 * DESCRIPTION
 *	See mailctl.h. Events from other threads (the milter's sessions)
 *	are not written to the followers from there: ctl_server is run by
 *	one thread, so they wait in "pending" under a lock of their own,
 *	which nothing else is taken under, and a pipe wakes that thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "ctl_server.h"
#include "mailctl.h"
#include "mailshare.h"

#define PENDING_MAX (256 * 1024)	/* bytes of events waiting */
#define MATCH_MAX 4			/* bare identities listed */

struct mailctl {
	struct ctl_server *cs;
	const struct mailctl_ops *ops;
	void *obj;
	int efd, wake[2];		/* epoll of cs and wake[0] */
	pthread_mutex_t mu;		/* pending only */
	GString *pj, *pt;		/* pending events, JSON and text */
};

/* ---- identities ---- */

struct find {				/* resolving a bare identity */
	const char *word;
	struct sl_addr addr;
	int is_addr;
	char match[MATCH_MAX][MAILADDR_IDENT_MAX];
	int n;
};

/* client_covers - identity text "P[/L]" of a client holds the address */
static int client_covers(const char *text, const struct sl_addr *a)
{
	struct sl_addr p, na, np;
	unsigned len;

	if (prefix_parse(text, &p, &len) < 0 || p.family != a->family)
		return 0;
	prefix_network(a, len, &na);
	prefix_network(&p, len, &np);
	return addr_equal(&na, &np);
}

/* find_one - walk callback: does this identity match the bare word? */
static int find_one(void *ctx, const char *identity,
		    const struct throttle_info *info)
{
	struct find *f = ctx;
	const char *colon = strchr(identity, ':');

	(void)info;
	if (colon == NULL)
		return 0;
	if (strcmp(colon + 1, f->word) == 0 ||
	    (f->is_addr && strncmp(identity, "client:", 7) == 0 &&
	     client_covers(colon + 1, &f->addr))) {
		if (f->n < MATCH_MAX)
			snprintf(f->match[f->n], MAILADDR_IDENT_MAX, "%s", identity);
		f->n++;
	}
	return 0;
}

/* resolve - the identity a word names into out; 0, or -1 with why */
static int resolve(struct mailctl *c, const char *word, char *out,
		   GString *why)
{
	static const char *const kinds[] = { "sasl:", "sender:", "client:" };
	struct find f = { .word = word };
	size_t i;
	int k;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(word, kinds[i], strlen(kinds[i])) == 0) {
			snprintf(out, MAILADDR_IDENT_MAX, "%s", word);
			return 0;
		}
	f.is_addr = addr_parse(word, &f.addr) == 0;
	c->ops->walk(c->obj, find_one, &f);
	if (f.n == 1) {
		snprintf(out, MAILADDR_IDENT_MAX, "%s", f.match[0]);
		return 0;
	}
	if (f.n == 0) {
		g_string_append_printf(why, "%s: no identity with state "
				       "matches it; write sasl:, sender: or "
				       "client: before it", word);
		return -1;
	}
	g_string_append_printf(why, "%s is ambiguous: it matches", word);
	for (k = 0; k < f.n && k < MATCH_MAX; k++)
		g_string_append_printf(why, " %s", f.match[k]);
	g_string_append(why, f.n > MATCH_MAX ? " and more; write one" :
			"; write one of them");
	return -1;
}

/* ---- commands ---- */

struct hosts {
	GString *out;
	int json, all;
	const char *only;		/* show: this identity alone */
	int found;
};

/* host_line - walk callback: one identity, text or JSON */
static int host_line(void *ctx, const char *identity,
		     const struct throttle_info *info)
{
	struct hosts *h = ctx;

	if (h->only && strcmp(h->only, identity) != 0)
		return 0;
	if (!h->only && !h->all && info->queued == 0 && !info->locked)
		return 0;
	h->found++;
	if (h->json)
		g_string_append_printf(h->out, "{\"identity\":\"%s\","
				       "\"queued\":%u,\"wset\":%u,"
				       "\"locked\":%s}\n", identity,
				       info->queued, info->wset_used,
				       info->locked ? "true" : "false");
	else
		g_string_append_printf(h->out, "%s queued=%u wset=%u%s\n",
				       identity, info->queued,
				       info->wset_used,
				       info->locked ? " locked" : "");
	return 0;
}

/* cmd_hosts - identities with a queue or lockout, or all */
static int cmd_hosts(void *ctx, int json, char **argv, GString *out)
{
	struct mailctl *c = ctx;
	struct hosts h = { out, json, 0, NULL, 0 };

	if (argv[1] && strcmp(argv[1], "all") != 0) {
		g_string_append_printf(out, "hosts %s: expected nothing or "
				       "\"all\"", argv[1]);
		return -1;
	}
	h.all = argv[1] != NULL;
	c->ops->walk(c->obj, host_line, &h);
	return 0;
}

/* cmd_show - one identity */
static int cmd_show(void *ctx, int json, char **argv, GString *out)
{
	struct mailctl *c = ctx;
	char id[MAILADDR_IDENT_MAX];
	struct hosts h = { out, json, 1, id, 0 };

	if (resolve(c, argv[1], id, out) < 0)
		return -1;
	c->ops->walk(c->obj, host_line, &h);
	if (h.found == 0) {
		g_string_append_printf(out, "%s: no such identity", id);
		return -1;
	}
	return 0;
}

/* held_line - held callback: one message */
static void held_line(void *ctx, const char *queue_id, const char *identity,
		      const char *release)
{
	struct hosts *h = ctx;

	if (h->json)
		g_string_append_printf(h->out, "{\"queue_id\":\"%s\","
				       "\"identity\":\"%s\",\"release\":"
				       "\"%s\"}\n", queue_id, identity,
				       release);
	else
		g_string_append_printf(h->out, "%s %s %s\n", queue_id,
				       identity, release);
}

/* cmd_held - messages on hold */
static int cmd_held(void *ctx, int json, char **argv, GString *out)
{
	struct mailctl *c = ctx;
	struct hosts h = { out, json, 0, NULL, 0 };

	(void)argv;
	c->ops->held(c->obj, held_line, &h);
	return 0;
}

/* cmd_release - lift a lockout, release the mail, write the event */
static int cmd_release(void *ctx, int json, char **argv, GString *out)
{
	struct mailctl *c = ctx;
	char id[MAILADDR_IDENT_MAX];
	GString *note;
	int n;

	if (resolve(c, argv[1], id, out) < 0)
		return -1;
	if ((n = c->ops->release(c->obj, id)) < 0) {
		g_string_append_printf(out, "%s: no such identity", id);
		return -1;
	}
	note = g_string_new(NULL);
	mailev_emit(c->ops->events(c->obj), sl_monotonic_ns(), "release", NULL,
		    &(struct mailev_about){ .identity = id },
		    (struct event_field[]){ EF_S("reason", "operator"),
					    EF_S("note",
						 ctl_server_join(argv + 2, note)),
					    EF_U("messages", (uint64_t)n) }, 3);
	g_string_free(note, TRUE);
	g_string_append_printf(out, json ? "{\"released\":\"%s\","
			       "\"messages\":%d}\n" :
			       "released %s, %d held message(s)\n", id, n);
	return 0;
}

#define F(f) { #f, offsetof(struct mailctl_stats, f), \
		    sizeof(((struct mailctl_stats *)0)->f) }
static const struct {
	const char *name;
	size_t off, size;		/* a uint64_t or a size_t */
} stat_fields[] = {
	F(rcpt), F(passed), F(delayed), F(held), F(deferred), F(rejected),
	F(released), F(lockouts), F(honeytokens), F(quarantines),
	F(malformed), F(outside), F(would_delay), F(would_hold),
	F(would_defer), F(would_reject), F(would_lockout), F(events_lost),
	F(evictions),
	/* gauges from here */
	F(observe), F(identities), F(identities_max), F(queued), F(locked),
	F(held_messages),
};
#define NCOUNTERS 19
#define NFIELDS (sizeof(stat_fields) / sizeof(stat_fields[0]))

/* stat_pairs - the counters as (name, value), the filter's own last */
static size_t stat_pairs(const struct mailctl_stats *s, const char **name,
			 uint64_t *v)
{
	size_t i, n = NFIELDS;

	for (i = 0; i < n; i++) {
		const char *p = (const char *)s + stat_fields[i].off;

		name[i] = stat_fields[i].name;
		v[i] = stat_fields[i].size == sizeof(uint64_t) ?
		       *(const uint64_t *)p : (uint64_t)*(const size_t *)p;
	}
	for (i = 0; i < s->nextra && i < MAILCTL_EXTRA; i++) {
		name[n + i] = s->extra[i].name;
		v[n + i] = s->extra[i].v;
	}
	return n + i;
}

#define NSTATS (NFIELDS + MAILCTL_EXTRA)

/* collect - the filter's counters as (name, value) pairs */
static size_t collect(struct mailctl *c, const char **name, uint64_t *v)
{
	struct mailctl_stats s = { 0 };

	c->ops->stats(c->obj, &s);
	s.events_lost = mailev_lost(c->ops->events(c->obj));
	return stat_pairs(&s, name, v);
}

/* mailctl_add_share - the Redis mode and its fallbacks as extras */
void mailctl_add_share(struct mailctl_stats *out, struct mailshare *s)
{
	struct mailshare_stats st;

	if (s == NULL || out->nextra + 2 > MAILCTL_EXTRA)
		return;
	mailshare_stats(s, &st);
	out->extra[out->nextra].name = "redis_shared";
	out->extra[out->nextra++].v = (uint64_t)st.shared;
	out->extra[out->nextra].name = "redis_fallbacks";
	out->extra[out->nextra++].v = st.fallbacks;
}

/* cmd_status - the counters */
static int cmd_status(void *ctx, int json, char **argv, GString *out)
{
	const char *name[NSTATS];
	uint64_t v[NSTATS];
	size_t i, n = collect(ctx, name, v);

	(void)argv;
	for (i = 0; i < n; i++) {
		g_string_append_printf(out, json ? "%s\"%s\":" : "%s%s ",
				       json ? (i ? "," : "{") : "", name[i]);
		/* a switch reads as one, as sluiced's status says it */
		if (strcmp(name[i], "observe") == 0 ||
		    strcmp(name[i], "redis_shared") == 0)
			g_string_append(out, json ? (v[i] ? "true" : "false") :
					v[i] ? "yes" : "no");
		else
			g_string_append_printf(out, "%" PRIu64, v[i]);
		if (!json)
			g_string_append_c(out, '\n');
	}
	if (json)
		g_string_append(out, "}\n");
	return 0;
}

/* cmd_metrics - the counters in the Prometheus text format */
static int cmd_metrics(void *ctx, int json, char **argv, GString *out)
{
	const char *name[NSTATS];
	uint64_t v[NSTATS];
	size_t i, n = collect(ctx, name, v);

	(void)json;
	(void)argv;
	for (i = 0; i < n; i++)
		g_string_append_printf(out, "# TYPE sluice_mail_%s %s\n"
				       "sluice_mail_%s %" PRIu64 "\n", name[i],
				       i < NCOUNTERS ? "counter" : "gauge", name[i],
				       v[i]);
	return 0;
}

/* cmd_events - follow the events */
static int cmd_events(void *ctx, int json, char **argv, GString *out)
{
	(void)ctx;
	(void)json;
	(void)argv;
	(void)out;
	return 1;
}

static const struct ctl_command commands[] = {
	{ "status", 1, 1, cmd_status, NULL, CTL_NEED_READ },
	{ "hosts", 1, 2, cmd_hosts, "[all]", CTL_NEED_READ },
	{ "show", 2, 2, cmd_show, "IDENTITY", CTL_NEED_READ },
	{ "held", 1, 1, cmd_held, NULL, CTL_NEED_READ },
	{ "release", 2, 32, cmd_release, "IDENTITY [REASON...]", CTL_NEED_ADMIN },
	{ "events", 1, 1, cmd_events, NULL, CTL_NEED_READ },
	{ "metrics", 1, 1, cmd_metrics, NULL, CTL_NEED_READ },
};

/* mailctl_handle - the table */
int mailctl_handle(void *ctx, const struct ctl_peer *peer, int json,
		   int argc, char **argv, GString *out)
{
	return ctl_server_dispatch(commands, G_N_ELEMENTS(commands), ctx,
				   peer, json, argc, argv, out);
}

/* ---- the socket ---- */

/* mailctl_open - listen, and the wake-up pipe */
struct mailctl *mailctl_open(const char *path, const struct ctl_access *acc,
			     const struct mailctl_ops *ops, void *obj,
			     char *err, size_t errlen)
{
	struct mailctl *c = calloc(1, sizeof(*c));
	struct epoll_event ev = { .events = EPOLLIN };

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ops = ops;
	c->obj = obj;
	c->efd = c->wake[0] = c->wake[1] = -1;
	pthread_mutex_init(&c->mu, NULL);
	c->pj = g_string_new(NULL);
	c->pt = g_string_new(NULL);
	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	if ((c->cs = ctl_server_open(path, acc, mailctl_handle, c, err,
				     errlen)) == NULL) {
		mailctl_close(c);
		return NULL;
	}
	if (pipe2(c->wake, O_NONBLOCK | O_CLOEXEC) < 0 ||
	    (c->efd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    epoll_ctl(c->efd, EPOLL_CTL_ADD, ctl_server_fd(c->cs), &ev) < 0 ||
	    epoll_ctl(c->efd, EPOLL_CTL_ADD, c->wake[0], &ev) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		mailctl_close(c);
		return NULL;
	}
	return c;
}

/* mailctl_close - accepts NULL */
void mailctl_close(struct mailctl *c)
{
	if (c == NULL)
		return;
	ctl_server_close(c->cs);
	if (c->efd >= 0)
		close(c->efd);
	if (c->wake[0] >= 0)
		close(c->wake[0]);
	if (c->wake[1] >= 0)
		close(c->wake[1]);
	g_string_free(c->pj, TRUE);
	g_string_free(c->pt, TRUE);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* mailctl_fd - the epoll set of the socket and the wake-up pipe */
int mailctl_fd(const struct mailctl *c)
{
	return c->efd;
}

/* mailctl_publish - queue an event for the serving thread */
void mailctl_publish(void *ctx, const char *json, const char *text)
{
	struct mailctl *c = ctx;
	char b = 1;

	pthread_mutex_lock(&c->mu);
	if (c->pj->len + c->pt->len < PENDING_MAX) {
		g_string_append_printf(c->pj, "%s%c", json, 0);
		g_string_append_printf(c->pt, "%s%c", text, 0);
	}
	pthread_mutex_unlock(&c->mu);
	if (write(c->wake[1], &b, 1) < 0 && errno != EAGAIN)
		return;			/* the next run finds them anyway */
}

/* flush - what waits goes to the followers (the serving thread) */
static void flush(struct mailctl *c)
{
	GString *pj, *pt;
	char buf[64];
	size_t oj = 0, ot = 0;

	while (read(c->wake[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&c->mu);
	pj = c->pj;
	pt = c->pt;
	c->pj = g_string_new(NULL);
	c->pt = g_string_new(NULL);
	pthread_mutex_unlock(&c->mu);
	while (oj < pj->len && ot < pt->len) {
		ctl_server_publish(c->cs, pj->str + oj, pt->str + ot);
		oj += strlen(pj->str + oj) + 1;
		ot += strlen(pt->str + ot) + 1;
	}
	g_string_free(pj, TRUE);
	g_string_free(pt, TRUE);
}

/* mailctl_run - serve */
void mailctl_run(struct mailctl *c, uint64_t now)
{
	struct epoll_event ev[2];

	(void)epoll_wait(c->efd, ev, 2, 0);
	flush(c);
	ctl_server_run(c->cs, now);
	ctl_server_expire(c->cs, now);
}
