/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_server - connections of the policy server on one epoll loop
 * DESCRIPTION
 *	See policy_server.h: listeners, the loop, timeouts and answers;
 *	policy_conn.c is each connection's life. Request and idle
 *	timeouts are swept once a second, which is precise enough for
 *	them; pending deadlines come off their ordered list exactly.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "clock.h"
#include "daemon.h"
#include "policy_conn.h"

/* policy_server_defaults - bounds and timeouts */
void policy_server_defaults(struct policy_server_params *p)
{
	policy_limits_default(&p->lim);
	p->max_conns = 1024;
	/* above Postfix's default_process_limit (100 smtpd, one policy
	   connection each), a quarter of the slots */
	p->max_per_uid = 256;
	p->sock_uid = (uid_t)-1;
	p->sock_gid = (gid_t)-1;
	/* Postfix writes a request in one go; 10 s is generous. */
	p->request_timeout_ns = 10 * NS_PER_SEC;
	/* Above Postfix's smtpd_policy_service_max_idle (300 s). */
	p->idle_timeout_ns = 600 * NS_PER_SEC;
}

/* policy_server_create - NULL with errno */
struct policy_server *policy_server_create(const struct policy_server_params *p,
					   policy_handler_fn *fn, void *ctx)
{
	struct policy_server *s;
	size_t i;

	if (p->max_conns == 0 || p->max_conns > SLOT_MASK ||
	    p->lim.req_max < 2) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->p = *p;
	s->fn = fn;
	s->ctx = ctx;
	s->conns = calloc(p->max_conns, sizeof(*s->conns));
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->conns == NULL || s->ep < 0) {
		int saved = errno;

		free(s->conns);
		if (s->ep >= 0)
			close(s->ep);
		free(s);
		errno = saved;
		return NULL;
	}
	for (i = 0; i < p->max_conns; i++)
		s->conns[i].rfd = s->conns[i].wfd = -1;
	/*
	 * Request ids are throttle cookies, and saved cookies come back
	 * after a restart: start the sequence at the wall clock in
	 * microseconds, which runs far ahead of any request count, so a
	 * new id never equals one handed out before the restart.
	 */
	s->seq = (sl_realtime_ns() / 1000) & ((1ULL << (63 - SLOT_BITS)) - 1);
	return s;
}

#define FULL_LOG_NS (10 * NS_PER_SEC)	/* one "all taken" line this often */

/* log_quiet - 1 if a line logged at *last is too recent (then counted
   in *quiet), else 0 and the clock restarted: a local client opening
   connections in a loop must not flood the log */
static int log_quiet(uint64_t *last, unsigned *quiet)
{
	uint64_t now = sl_monotonic_ns();

	if (*last != 0 && sl_since(now, *last) < FULL_LOG_NS) {
		(*quiet)++;
		return 1;
	}
	*last = now;
	return 0;
}

/* note_full - every slot was taken: said at most once a FULL_LOG_NS,
   with the count of those not logged */
static void note_full(struct policy_server *s, const char *peer,
		      const char *what)
{
	if (log_quiet(&s->full_logged, &s->full_quiet))
		return;
	daemon_log(LOG_WARNING, "%s: all %zu connections taken (max_connections): "
		   "%s; %u more such since the last line", peer, s->p.max_conns,
		   what, s->full_quiet);
	s->full_quiet = 0;
}

/* note_uid - one uid reached its limit: said as rarely */
static void note_uid(struct policy_server *s, uid_t uid, const char *what)
{
	if (log_quiet(&s->uid_logged, &s->uid_quiet))
		return;
	daemon_log(LOG_WARNING, "uid %u holds %zu connections "
		   "(max_connections_per_uid): %s; %u more such since the "
		   "last line", (unsigned)uid, s->p.max_per_uid, what,
		   s->uid_quiet);
	s->uid_quiet = 0;
}

/* idlest - the connection idle the longest (no request under way, none
   pending, nothing unsent), of uid only if one_uid; NULL if none is
   idle; *count gets how many connections uid has */
static struct conn *idlest(struct policy_server *s, int one_uid, uid_t uid,
			   size_t *count)
{
	struct conn *c, *best = NULL;
	size_t i, n = 0;

	for (i = 0; i < s->p.max_conns; i++) {
		c = &s->conns[i];
		if (c->rfd < 0 || c->adopted ||
		    (one_uid && !(c->has_uid && c->uid == uid)))
			continue;
		n++;
		if (c->wait_id || c->len > 0 || c->out_off < c->out_len)
			continue;
		if (best == NULL || c->last < best->last)
			best = c;
	}
	if (count)
		*count = n;
	return best;
}

/* make_room - every slot is taken: close the connection idle the
   longest, so idle clients cannot keep Postfix out; 0, or -1 if none
   is idle */
static int make_room(struct policy_server *s, const char *peer)
{
	struct conn *best = idlest(s, 0, 0, NULL);

	if (best == NULL)
		return -1;
	note_full(s, peer, "the longest idle one closed for it");
	policy_conn_close(s, best);
	return 0;
}

/* uid_room - a new connection of uid: within its limit, or that uid's
   own longest idle connection closed for it; 0, or -1 to refuse */
static int uid_room(struct policy_server *s, uid_t uid)
{
	size_t n;
	struct conn *best = idlest(s, 1, uid, &n);

	if (n < s->p.max_per_uid)
		return 0;
	s->st.uid_closed++;
	if (best == NULL) {
		note_uid(s, uid, "refused, none of them is idle");
		return -1;
	}
	note_uid(s, uid, "its longest idle one closed for the new one");
	policy_conn_close(s, best);
	return 0;
}

/* peer_uid - the peer's uid on a unix socket; 0, or -1 if unknown */
static int peer_uid(int fd, const struct sockaddr_storage *ss, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (ss->ss_family != AF_UNIX ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -1;
	*uid = cr.uid;
	return 0;
}

/* open_conn - serve fd, within its uid's limit and the slots */
static void open_conn(struct policy_server *s, int fd,
		      const struct sockaddr_storage *ss)
{
	char peer[PEER_MAX];
	uid_t uid = 0;
	int has_uid = peer_uid(fd, ss, &uid) == 0;

	policy_conn_peer(ss, peer);
	if (has_uid) {
		snprintf(peer, sizeof(peer), "unix uid %u", (unsigned)uid);
		if (uid_room(s, uid) < 0) {
			close(fd);
			return;
		}
	}
	if (policy_conn_open(s, fd, fd, peer, 0, has_uid ? &uid : NULL) < 0 &&
	    (errno != EMFILE || make_room(s, peer) < 0 ||
	     policy_conn_open(s, fd, fd, peer, 0, has_uid ? &uid : NULL) < 0)) {
		if (errno == EMFILE)
			note_full(s, peer, "refused, none is idle");
		else
			daemon_log(LOG_WARNING, "%s: refused: %s", peer,
				   strerror(errno));
		close(fd);
	}
}

/* do_accept - take every waiting connection */
static void do_accept(struct policy_server *s, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	for (;;) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				daemon_log(LOG_WARNING, "accept: %s",
					   strerror(errno));
			return;
		}
		open_conn(s, fd, &ss);
	}
}

/* policy_server_listen - add a listener */
int policy_server_listen(struct policy_server *s, const struct endpoint *ep)
{
	struct epoll_event ev;
	int fd;

	if (s->nlisten == MAX_LISTEN) {
		errno = ENOSPC;
		return -1;
	}
	if ((fd = endpoint_listen_owned(ep, 512, 0660, s->p.sock_uid,
					s->p.sock_gid)) < 0)
		return -1;
	ev.events = EPOLLIN;
	ev.data.u64 = TAG(TAG_LISTEN, s->nlisten);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	endpoint_file_get(ep, &s->listen_file[s->nlisten]);
	s->listen[s->nlisten++] = fd;
	return 0;
}

/* policy_server_close_listeners - stop accepting; a unix socket file
   goes too, if it is still the one this server made */
void policy_server_close_listeners(struct policy_server *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++) {
		close(s->listen[i]);
		endpoint_file_remove(&s->listen_file[i]);
	}
	s->nlisten = 0;
}

/* policy_server_forget - in a forked child: close the listeners and
   the connections, touching nothing else (no socket file removed, no
   log line), so that a child still writing a snapshot after its
   parent was killed holds neither the port nor the peers */
void policy_server_forget(struct policy_server *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++)
		close(s->listen[i]);
	s->nlisten = 0;
	for (i = 0; i < s->p.max_conns; i++) {
		struct conn *c = &s->conns[i];

		if (c->rfd < 0)
			continue;
		close(c->rfd);
		if (c->wfd != c->rfd)
			close(c->wfd);
		c->rfd = c->wfd = -1;
	}
}

/* policy_server_adopt - serve one connected peer (spawn(8)) */
int policy_server_adopt(struct policy_server *s, int rfd, int wfd)
{
	return policy_conn_open(s, rfd, wfd, "spawn", 1, NULL);
}

/* policy_server_watch - another descriptor in the loop */
int policy_server_watch(struct policy_server *s, int fd,
			policy_watch_fn *fn, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (s->nwatch == MAX_WATCH) {
		errno = ENOSPC;
		return -1;
	}
	ev.data.u64 = TAG(TAG_WATCH, s->nwatch);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	s->watch[s->nwatch].fd = fd;
	s->watch[s->nwatch].fn = fn;
	s->watch[s->nwatch].ctx = ctx;
	s->nwatch++;
	return 0;
}

/* policy_server_poll - wait until deadline and dispatch */
int policy_server_poll(struct policy_server *s, uint64_t deadline)
{
	struct epoll_event evs[64];
	uint64_t now = sl_monotonic_ns(), t;
	int n, i, timeout;

	t = policy_server_next(s);
	if (t < deadline)
		deadline = t;
	if (deadline <= now)
		timeout = 0;
	else if (deadline - now > 60 * NS_PER_SEC)
		timeout = 60000;
	else
		timeout = (int)((deadline - now + NS_PER_MS - 1) / NS_PER_MS);
	n = epoll_wait(s->ep, evs, 64, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	now = sl_monotonic_ns();
	for (i = 0; i < n; i++) {
		uint32_t tag = (uint32_t)(evs[i].data.u64 >> 32);
		uint32_t idx = (uint32_t)evs[i].data.u64;

		if (tag == TAG_LISTEN && idx < s->nlisten)
			do_accept(s, s->listen[idx]);
		else if (tag == TAG_CONN && idx < s->p.max_conns)
			policy_conn_event(s, &s->conns[idx], evs[i].events, now);
		else if (tag == TAG_WATCH && idx < s->nwatch)
			s->watch[idx].fn(s->watch[idx].ctx, s->watch[idx].fd);
	}
	return 0;
}

/* sweep - request and idle timeouts */
static void sweep(struct policy_server *s, uint64_t now)
{
	struct conn *c;
	uint64_t idle;
	size_t i;

	for (i = 0; i < s->p.max_conns; i++) {
		c = &s->conns[i];
		if (c->rfd < 0 || c->wait_id)
			continue;
		idle = sl_since(now, c->last);
		if (c->len > 0 &&
		    sl_since(now, c->started) > s->p.request_timeout_ns) {
			s->st.timeouts++;
			policy_conn_warn(s, c, "request not finished in time");
		} else if (c->len == 0 && !c->adopted &&
			   idle > s->p.idle_timeout_ns) {
			daemon_log(LOG_INFO, "%s: idle for %llu s; "
				   "disconnecting", c->peer,
				   (unsigned long long)(idle / NS_PER_SEC));
			policy_conn_close(s, c);
		}
	}
}

/* resume - connections with input left behind by an answer */
static void resume(struct policy_server *s, uint64_t now)
{
	size_t i;

	for (i = 0; i < s->p.max_conns && s->again; i++)
		if (s->conns[i].again) {
			s->conns[i].again = 0;
			s->again--;
			policy_conn_process(s, &s->conns[i], now);
		}
	s->again = 0;
}

/* policy_server_expire - deadlines due by now */
void policy_server_expire(struct policy_server *s, uint64_t now)
{
	struct conn *c;

	while ((c = s->whead) != NULL && c->deadline <= now) {
		policy_conn_unwait(s, c);
		s->st.expired++;
		c->last = now;
		policy_conn_send(s, c, now);	/* the fallback reply */
	}
	if (s->again)
		resume(s, now);
	if (now >= s->next_sweep) {
		sweep(s, now);
		s->next_sweep = now + SWEEP_NS;
	}
}

/* policy_server_next - earliest deadline */
uint64_t policy_server_next(const struct policy_server *s)
{
	uint64_t t = s->again ? 0 : s->next_sweep;

	if (s->whead && s->whead->deadline < t)
		t = s->whead->deadline;
	return t;
}

/* policy_server_answer - reply to a pending request */
int policy_server_answer(struct policy_server *s, uint64_t conn_id,
			 const char *reply, size_t rlen)
{
	size_t slot = conn_id & SLOT_MASK;
	struct conn *c;

	if (slot >= s->p.max_conns || rlen > sizeof(s->conns[0].out))
		return -1;
	c = &s->conns[slot];
	if (c->rfd < 0 || c->wait_id != conn_id)
		return -1;
	policy_conn_unwait(s, c);
	memcpy(c->out, reply, rlen);
	c->out_len = rlen;
	c->out_off = 0;
	c->last = sl_monotonic_ns();
	/*
	 * Answers come from inside the throttle's release callback: send,
	 * but leave any further buffered request to policy_server_expire()
	 * so the handler is never re-entered from there.
	 */
	if (policy_conn_flush(c) < 0) {
		policy_conn_warn(s, c, strerror(errno));
		return 0;
	}
	if (c->len > 0 && c->out_len == 0) {
		c->again = 1;
		s->again++;
	}
	policy_conn_events(s, c);
	return 0;
}

/* policy_server_set_params - new bounds and timeouts, same slots */
void policy_server_set_params(struct policy_server *s,
			      const struct policy_server_params *p)
{
	/* Buffers and slots keep their sizes: only the bounds checked
	   against them may shrink. */
	if (p->lim.req_max <= s->p.lim.req_max)
		s->p.lim = p->lim;
	s->p.max_per_uid = p->max_per_uid;
	s->p.request_timeout_ns = p->request_timeout_ns;
	s->p.idle_timeout_ns = p->idle_timeout_ns;
}

/* policy_server_adopted_done - the spawn(8) peer went away */
int policy_server_adopted_done(const struct policy_server *s)
{
	return s->adopted_done;
}

/* policy_server_stats - counters */
void policy_server_stats(const struct policy_server *s,
			 struct policy_server_stats *out)
{
	*out = s->st;
}

/* policy_server_on_malformed - who hears of malformed input */
void policy_server_on_malformed(struct policy_server *s,
				policy_malformed_fn *fn)
{
	s->bad = fn;
}

/* policy_server_free - close everything */
void policy_server_free(struct policy_server *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->p.max_conns; i++)
		if (s->conns[i].rfd >= 0)
			policy_conn_close(s, &s->conns[i]);
	policy_server_close_listeners(s);
	close(s->ep);
	free(s->conns);
	free(s);
}
