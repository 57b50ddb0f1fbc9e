/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	outd - the outbound room's part in sluiced: the log group read
 * SYNOPSIS
 *	#include "outbound/outd.h"
 * DESCRIPTION
 *	The group is bound only while some zone has a policy: another
 *	program (ulogd) may hold the same number on a host that uses no
 *	reverse firewall, and must not keep sluiced from starting. Its
 *	socket gets a quarter of [sluiced] socket_buffer; a flood beyond
 *	that loses log messages (never the drops, which the kernel does,
 *	nor their counts, which it keeps).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "clock.h"
#include "daemon.h"
#include "daemon/sdconf.h"
#include "daemon/sluiced.h"
#include "outbound/outd.h"
#include "outbound/outlog.h"
#include "outbound/outplan.h"
#include "outbound/outstat.h"
#include "queue/nflog.h"
#include "react/react.h"
#include "table/nftrules.h"

struct outd {
	outd_event_fn *event;
	struct nflog *nl;
	struct outlog *log;
	unsigned per_second;	/* the log's, to see a reload change it */
};

/* on_event - outlog_ops: the daemon's event function */
static void on_event(void *ctx, const struct event *ev)
{
	struct sluiced *s = ctx;

	s->out->event(s, ev);
}

/* on_signal - outlog_ops: a violation for the countermeasures */
static void on_signal(void *ctx, const struct sl_addr *src, uint16_t dport,
		      uint64_t now)
{
	react_signal(ctx, CMEASURE_SIG_OUTBOUND, src, dport, now);
}

static const struct outlog_ops log_ops = { on_event, on_signal };

/* unbind - let go of the group */
static void unbind(struct sluiced *s)
{
	if (s->out->nl == NULL)
		return;
	(void)epoll_ctl(s->efd, EPOLL_CTL_DEL, nflog_fd(s->out->nl), NULL);
	nflog_close(s->out->nl);
	s->out->nl = NULL;
}

/* bind_group - bind the group and watch it */
static int bind_group(struct sluiced *s, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };

	s->out->nl = nflog_open((uint16_t)s->conf->outbound_log_group,
				(int)s->conf->socket_buffer / 4, err, errlen);
	if (s->out->nl == NULL)
		return -1;
	ev.data.fd = nflog_fd(s->out->nl);
	if (epoll_ctl(s->efd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		unbind(s);
		return -1;
	}
	return 0;
}

/* outd_sync - bind or let go of the group for s->conf */
int outd_sync(struct sluiced *s, char *err, size_t errlen)
{
	struct outd *o = s->out;
	int need = s->nft != NULL && outplan_any(s->conf);

	if (o->log == NULL || o->per_second != s->conf->outbound_events) {
		outlog_free(o->log);
		o->per_second = s->conf->outbound_events;
		if ((o->log = outlog_create(o->per_second, &log_ops, s)) == NULL) {
			snprintf(err, errlen, "outbound events: %s", strerror(errno));
			return -1;
		}
	}
	if (!need)
		unbind(s);
	else if (o->nl == NULL && bind_group(s, err, errlen) < 0)
		return -1;
	return 0;
}

/* outd_up - the room's state in s, the group bound if needed */
void outd_up(struct sluiced *s, outd_event_fn *event)
{
	char err[512];

	if ((s->out = calloc(1, sizeof(*s->out))) == NULL)
		daemon_die(1, "outbound: out of memory");
	s->out->event = event;
	if (outd_sync(s, err, sizeof(err)) < 0)
		daemon_die(1, "%s", err);
	if (s->out->nl != NULL)
		daemon_log(LOG_INFO, "outbound policy: violations read from NFLOG "
			   "group %u", s->conf->outbound_log_group);
}

/* outd_owns - is fd the log group's socket */
int outd_owns(const struct sluiced *s, int fd)
{
	return s->out != NULL && s->out->nl != NULL && fd == nflog_fd(s->out->nl);
}

/* on_logged - nflog_fn: one dropped packet */
static void on_logged(void *ctx, const struct nflog_pkt *p)
{
	struct sluiced *s = ctx;

	outlog_packet(s->out->log, s->conf, p->data, p->len, sl_monotonic_ns());
}

/* outd_read - drain the log group */
void outd_read(struct sluiced *s)
{
	if (nflog_read(s->out->nl, on_logged, s) < 0)
		daemon_log(LOG_WARNING, "outbound log group: %s", strerror(errno));
}

/* outd_tick - once a second */
void outd_tick(struct sluiced *s, uint64_t now)
{
	if (s->out != NULL)
		outlog_tick(s->out->log, now);
}

/* outd_metrics - the policy's counters and the group's */
void outd_metrics(const struct sluiced *s, GString *out)
{
	if (s->out == NULL || !outplan_any(s->conf))
		return;
	outstat_metrics(s->nft != NULL ? nftrules_table(s->nft) : NULL,
			s->out->log, out);
}

/* outd_down - let go of the group, free the state */
void outd_down(struct sluiced *s)
{
	if (s->out == NULL)
		return;
	unbind(s);
	outlog_free(s->out->log);
	free(s->out);
	s->out = NULL;
}
