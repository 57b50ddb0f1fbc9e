/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_conn - one policy connection: read, scan, answer, wait, close
 * DESCRIPTION
 *	See policy_conn.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "clock.h"
#include "daemon.h"
#include "policy_conn.h"

/* policy_conn_unwait - take a connection off the pending list */
void policy_conn_unwait(struct policy_server *s, struct conn *c)
{
	if (c->wait_id == 0)
		return;
	if (c->wprev)
		c->wprev->wnext = c->wnext;
	else
		s->whead = c->wnext;
	if (c->wnext)
		c->wnext->wprev = c->wprev;
	else
		s->wtail = c->wprev;
	c->wprev = c->wnext = NULL;
	c->wait_id = 0;
	s->st.pending--;
}

/* wait_link - insert in deadline order (almost always at the tail) */
static void wait_link(struct policy_server *s, struct conn *c)
{
	struct conn *at = s->wtail;

	while (at && at->deadline > c->deadline)
		at = at->wprev;
	c->wprev = at;
	c->wnext = at ? at->wnext : s->whead;
	if (c->wnext)
		c->wnext->wprev = c;
	else
		s->wtail = c;
	if (at)
		at->wnext = c;
	else
		s->whead = c;
	s->st.pending++;
}

/* policy_conn_close - free the slot; the sequence makes old ids stale */
void policy_conn_close(struct policy_server *s, struct conn *c)
{
	policy_conn_unwait(s, c);
	if (c->again)
		s->again--;
	if (c->adopted)
		s->adopted_done = 1;
	close(c->rfd);
	if (c->wfd != c->rfd)
		close(c->wfd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->rfd = c->wfd = -1;
	s->st.open--;
}

/* policy_conn_warn - malformed input, a reply that cannot be sent, or a
   peer gone while its reply waited: warn and disconnect */
void policy_conn_warn(struct policy_server *s, struct conn *c, const char *why)
{
	daemon_log(LOG_WARNING, "%s: %s; disconnecting", c->peer, why);
	policy_conn_close(s, c);
}

/* policy_conn_malformed - count, report, warn and disconnect */
static void policy_conn_malformed(struct policy_server *s, struct conn *c,
				  const char *why)
{
	s->st.malformed++;
	if (s->bad)
		s->bad(s->ctx, c->peer, why);
	policy_conn_warn(s, c, why);
}

/* policy_conn_events - epoll interest: input unless a reply is pending or
   unsent; output while a reply is unsent */
void policy_conn_events(struct policy_server *s, struct conn *c)
{
	struct epoll_event ev = { .data.u64 = TAG(TAG_CONN, c - s->conns) };

	ev.events = EPOLLRDHUP;
	if (c->out_len > c->out_off && c->wait_id == 0)
		ev.events |= EPOLLOUT;
	else if (c->wait_id == 0)
		ev.events |= EPOLLIN;
	/* one epoll_ctl per change, not per request: it was a third of
	   the system calls under load */
	if (ev.events == c->events && c->wfd == c->rfd)
		return;
	c->events = ev.events;
	if (c->wfd != c->rfd && (ev.events & EPOLLOUT)) {
		/* separate write descriptor (spawn with pipes) */
		struct epoll_event wev = { .events = EPOLLOUT,
					   .data.u64 = ev.data.u64 };
		epoll_ctl(s->ep, EPOLL_CTL_MOD, c->wfd, &wev);
		ev.events &= ~EPOLLOUT;
	}
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->rfd, &ev);
}

/* policy_conn_flush - write what is unsent; 0 done, 1 blocked, -1 failed */
int policy_conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = write(c->wfd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	c->out_len = c->out_off = 0;
	return 0;
}

/* policy_conn_send - send the reply in c->out and go on with buffered input */
void policy_conn_send(struct policy_server *s, struct conn *c, uint64_t now)
{
	int r;

	c->out_off = 0;
	r = policy_conn_flush(c);
	if (r < 0) {
		policy_conn_warn(s, c, strerror(errno));
		return;
	}
	if (r > 0) {
		policy_conn_events(s, c);
		return;
	}
	policy_conn_process(s, c, now);
}

/* conn_request - one complete request of reqlen bytes at buf */
static int conn_request(struct policy_server *s, struct conn *c,
			size_t reqlen, uint64_t now)
{
	struct policy_req req;
	const char *why;
	enum policy_answer a;
	uint64_t id, deadline = 0;
	size_t rlen = 0;

	if (policy_parse(c->buf, reqlen, &req, &why) < 0) {
		policy_conn_malformed(s, c, why);
		return -1;
	}
	s->st.requests++;
	id = (++s->seq << SLOT_BITS) | (uint64_t)(c - s->conns);
	a = s->fn(s->ctx, id, &req, now, c->out, &rlen, &deadline);
	/* the request's bytes are no longer needed: keep what follows */
	memmove(c->buf, c->buf + reqlen, c->len - reqlen);
	c->len -= reqlen;
	policy_scan_init(&c->scan);
	c->started = now;
	c->out_len = rlen;
	if (a == POLICY_PENDING) {
		c->wait_id = id;
		c->deadline = deadline;
		wait_link(s, c);
		policy_conn_events(s, c);
		return 1;
	}
	return 0;
}

/* policy_conn_process - handle every complete request in the buffer */
void policy_conn_process(struct policy_server *s, struct conn *c, uint64_t now)
{
	enum policy_status st;
	size_t reqlen = 0;
	int r;

	while (c->len > 0) {
		st = policy_scan(&c->scan, &s->p.lim, c->buf, c->len, &reqlen);
		if (st == POLICY_ERROR) {
			policy_conn_malformed(s, c, c->scan.why);
			return;
		}
		if (st == POLICY_MORE)
			break;
		if ((r = conn_request(s, c, reqlen, now)) != 0)
			return;		/* closed, or pending */
		if ((r = policy_conn_flush(c)) < 0) {
			policy_conn_warn(s, c, strerror(errno));
			return;
		}
		if (r > 0)
			break;		/* EPOLLOUT resumes */
	}
	policy_conn_events(s, c);
}

/* conn_read - input arrived */
static void conn_read(struct policy_server *s, struct conn *c, uint64_t now)
{
	size_t room = s->p.lim.req_max - c->len;
	ssize_t n;

	if (room == 0) {
		/* cannot happen: the scanner refuses before the buffer fills */
		policy_conn_warn(s, c, "request buffer full");
		return;
	}
	n = read(c->rfd, c->buf + c->len, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->len > 0)
			policy_conn_warn(s, c, "peer closed in the middle of a request");
		else
			policy_conn_close(s, c);
		return;
	}
	if (c->len == 0)
		c->started = now;
	c->len += (size_t)n;
	c->last = now;
	policy_conn_process(s, c, now);
}

/* policy_conn_peer - "ADDR:PORT" or "unix" for logs */
void policy_conn_peer(const struct sockaddr_storage *ss, char *out)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(out, PEER_MAX, "%s:%u", a, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(out, PEER_MAX, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else
		snprintf(out, PEER_MAX, "unix");
}

/* slot_take - a free connection slot, or NULL when all are open */
static struct conn *slot_take(struct policy_server *s)
{
	size_t i, k;

	for (i = 0; i < s->p.max_conns; i++) {
		k = (s->free_hint + i) % s->p.max_conns;
		if (s->conns[k].rfd < 0) {
			s->free_hint = k + 1;
			return &s->conns[k];
		}
	}
	return NULL;
}

/* policy_conn_open - start serving rfd/wfd; -1 with errno */
int policy_conn_open(struct policy_server *s, int rfd, int wfd,
		     const char *peer, int adopted, const uid_t *uid)
{
	struct conn *c = slot_take(s);
	struct epoll_event ev;
	uint64_t now = sl_monotonic_ns();

	if (c == NULL) {
		errno = EMFILE;
		return -1;
	}
	if ((c->buf = malloc(s->p.lim.req_max)) == NULL)
		return -1;
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u64 = TAG(TAG_CONN, c - s->conns);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, rfd, &ev) < 0 ||
	    (wfd != rfd && (ev.events = 0,
			    epoll_ctl(s->ep, EPOLL_CTL_ADD, wfd, &ev) < 0))) {
		free(c->buf);
		c->buf = NULL;
		return -1;
	}
	c->rfd = rfd;
	c->wfd = wfd;
	c->events = EPOLLIN | EPOLLRDHUP;
	c->adopted = adopted;
	c->has_uid = uid != NULL;
	c->uid = uid ? *uid : 0;
	c->last = c->started = now;
	policy_scan_init(&c->scan);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	s->st.open++;
	s->st.accepted++;
	return 0;
}

/* policy_conn_event - readiness on a connection */
void policy_conn_event(struct policy_server *s, struct conn *c,
		       uint32_t events, uint64_t now)
{
	int r;

	if (c->rfd < 0)
		return;			/* closed earlier in this batch */
	if (events & EPOLLOUT) {
		if ((r = policy_conn_flush(c)) < 0) {
			policy_conn_warn(s, c, strerror(errno));
			return;
		}
		if (r == 0)
			policy_conn_process(s, c, now);
		return;
	}
	if (events & EPOLLIN) {
		conn_read(s, c, now);
		return;
	}
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		policy_conn_warn(s, c, "hung up while its reply waited");
}
