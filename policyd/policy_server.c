/*
 * NAME
 *	policy_server - connections of the policy server on one epoll loop
 * DESCRIPTION
 *	See policy_server.h. Connections live in a fixed array of slots
 *	so a request id, (sequence << 24) | slot, finds its connection in
 *	O(1) and a stale id (connection closed, slot reused) is refused.
 *	Each connection has one request buffer of lim.req_max bytes: a
 *	request is parsed in place and answered before the next is read,
 *	which is all Postfix does (it never pipelines). Pending requests
 *	sit on a list in deadline order; request and idle timeouts are
 *	swept once a second, which is precise enough for them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "clock.h"
#include "daemon.h"
#include "policy_server.h"

#define SLOT_BITS 24
#define SLOT_MASK ((1ULL << SLOT_BITS) - 1)
#define MAX_LISTEN 16
#define MAX_WATCH 8
#define SWEEP_NS NS_PER_SEC
#define PEER_MAX 64

enum tag { TAG_LISTEN = 1, TAG_CONN, TAG_WATCH };
#define TAG(t, i) (((uint64_t)(t) << 32) | (uint32_t)(i))

struct conn {
	int rfd, wfd;			/* -1 when the slot is free */
	int adopted;
	char *buf;			/* lim.req_max bytes */
	size_t len;			/* bytes in buf */
	struct policy_scan scan;
	uint64_t started;		/* now of the first byte of a request */
	uint64_t last;			/* now of the last activity */
	uint64_t wait_id;		/* pending request, 0 if none */
	int again;			/* buffered input left after an answer */
	uint32_t events;		/* epoll interest registered now */
	uint64_t deadline;		/* of the pending request */
	struct conn *wprev, *wnext;	/* pending list */
	char out[POLICY_REPLY_MAX];	/* unsent reply, or the fallback */
	size_t out_len, out_off;
	char peer[PEER_MAX];
};

struct watch {
	int fd;
	policy_watch_fn *fn;
	void *ctx;
};

struct policy_server {
	struct policy_server_params p;
	policy_handler_fn *fn;
	void *ctx;
	int ep;
	int listen[MAX_LISTEN];
	size_t nlisten;
	struct watch watch[MAX_WATCH];
	size_t nwatch;
	struct conn *conns;
	size_t free_hint;
	uint64_t seq;
	struct conn *whead, *wtail;	/* pending, earliest deadline first */
	uint64_t next_sweep;
	size_t again;			/* connections with c->again set */
	int adopted_done;
	struct policy_server_stats st;
};

/* policy_server_defaults - bounds and timeouts */
void policy_server_defaults(struct policy_server_params *p)
{
	policy_limits_default(&p->lim);
	p->max_conns = 1024;
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

/* wait_unlink - take a connection off the pending list */
static void wait_unlink(struct policy_server *s, struct conn *c)
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

/* conn_close - free the slot; the sequence makes old ids stale */
static void conn_close(struct policy_server *s, struct conn *c)
{
	wait_unlink(s, c);
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

/* conn_warn - malformed input: warn and disconnect, as Postfix asks */
static void conn_warn(struct policy_server *s, struct conn *c, const char *why)
{
	slog(LOG_WARNING, "%s: %s; disconnecting", c->peer, why);
	conn_close(s, c);
}

/* conn_events - epoll interest: input unless a reply is pending or
   unsent; output while a reply is unsent */
static void conn_events(struct policy_server *s, struct conn *c)
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

/* conn_flush - write what is unsent; 0 done, 1 blocked, -1 failed */
static int conn_flush(struct conn *c)
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

static void conn_process(struct policy_server *s, struct conn *c, uint64_t now);

/* conn_send - send the reply in c->out and go on with buffered input */
static void conn_send(struct policy_server *s, struct conn *c, uint64_t now)
{
	int r;

	c->out_off = 0;
	r = conn_flush(c);
	if (r < 0) {
		conn_close(s, c);
		return;
	}
	if (r > 0) {
		conn_events(s, c);
		return;
	}
	conn_process(s, c, now);
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
		s->st.malformed++;
		conn_warn(s, c, why);
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
		conn_events(s, c);
		return 1;
	}
	return 0;
}

/* conn_process - handle every complete request in the buffer */
static void conn_process(struct policy_server *s, struct conn *c, uint64_t now)
{
	enum policy_status st;
	size_t reqlen = 0;
	int r;

	while (c->len > 0) {
		st = policy_scan(&c->scan, &s->p.lim, c->buf, c->len, &reqlen);
		if (st == POLICY_ERROR) {
			s->st.malformed++;
			conn_warn(s, c, c->scan.why);
			return;
		}
		if (st == POLICY_MORE)
			break;
		if ((r = conn_request(s, c, reqlen, now)) != 0)
			return;		/* closed, or pending */
		if ((r = conn_flush(c)) < 0) {
			conn_close(s, c);
			return;
		}
		if (r > 0)
			break;		/* EPOLLOUT resumes */
	}
	conn_events(s, c);
}

/* conn_read - input arrived */
static void conn_read(struct policy_server *s, struct conn *c, uint64_t now)
{
	size_t room = s->p.lim.req_max - c->len;
	ssize_t n;

	if (room == 0) {
		/* cannot happen: the scanner refuses before the buffer fills */
		conn_warn(s, c, "request buffer full");
		return;
	}
	n = read(c->rfd, c->buf + c->len, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->len > 0)
			conn_warn(s, c, "peer closed in the middle of a request");
		else
			conn_close(s, c);
		return;
	}
	if (c->len == 0)
		c->started = now;
	c->len += (size_t)n;
	c->last = now;
	conn_process(s, c, now);
}

/* peer_name - "ADDR:PORT" or "unix" for logs */
static void peer_name(const struct sockaddr_storage *ss, char *out)
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

/* conn_open - start serving rfd/wfd; -1 with errno */
static int conn_open(struct policy_server *s, int rfd, int wfd,
		     const char *peer, int adopted)
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
	c->last = c->started = now;
	policy_scan_init(&c->scan);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	s->st.open++;
	s->st.accepted++;
	return 0;
}

/* do_accept - take every waiting connection */
static void do_accept(struct policy_server *s, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char peer[PEER_MAX];
	int fd;

	for (;;) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				slog(LOG_WARNING, "accept: %s",
				     strerror(errno));
			return;
		}
		peer_name(&ss, peer);
		if (conn_open(s, fd, fd, peer, 0) < 0) {
			slog(LOG_WARNING, "%s: refused: %s "
			     "(max_connections %zu)", peer, strerror(errno),
			     s->p.max_conns);
			close(fd);
		}
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
	if ((fd = endpoint_listen(ep, 512)) < 0)
		return -1;
	ev.events = EPOLLIN;
	ev.data.u64 = TAG(TAG_LISTEN, s->nlisten);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	s->listen[s->nlisten++] = fd;
	return 0;
}

/* policy_server_close_listeners - stop accepting */
void policy_server_close_listeners(struct policy_server *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++)
		close(s->listen[i]);
	s->nlisten = 0;
}

/* policy_server_adopt - serve one connected peer (spawn(8)) */
int policy_server_adopt(struct policy_server *s, int rfd, int wfd)
{
	return conn_open(s, rfd, wfd, "spawn", 1);
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

/* conn_event - readiness on a connection */
static void conn_event(struct policy_server *s, struct conn *c,
		       uint32_t events, uint64_t now)
{
	int r;

	if (c->rfd < 0)
		return;			/* closed earlier in this batch */
	if (events & EPOLLOUT) {
		if ((r = conn_flush(c)) < 0) {
			conn_close(s, c);
			return;
		}
		if (r == 0)
			conn_process(s, c, now);
		return;
	}
	if (events & EPOLLIN) {
		conn_read(s, c, now);
		return;
	}
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		conn_close(s, c);	/* gone while its reply waited */
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
			conn_event(s, &s->conns[idx], evs[i].events, now);
		else if (tag == TAG_WATCH && idx < s->nwatch)
			s->watch[idx].fn(s->watch[idx].ctx, s->watch[idx].fd);
	}
	return 0;
}

/* sweep - request and idle timeouts */
static void sweep(struct policy_server *s, uint64_t now)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < s->p.max_conns; i++) {
		c = &s->conns[i];
		if (c->rfd < 0 || c->wait_id)
			continue;
		if (c->len > 0 && now - c->started > s->p.request_timeout_ns) {
			s->st.timeouts++;
			conn_warn(s, c, "request not finished in time");
		} else if (c->len == 0 && !c->adopted &&
			   now - c->last > s->p.idle_timeout_ns)
			conn_close(s, c);
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
			conn_process(s, &s->conns[i], now);
		}
	s->again = 0;
}

/* policy_server_expire - deadlines due by now */
void policy_server_expire(struct policy_server *s, uint64_t now)
{
	struct conn *c;

	while ((c = s->whead) != NULL && c->deadline <= now) {
		wait_unlink(s, c);
		s->st.expired++;
		c->last = now;
		conn_send(s, c, now);	/* the fallback reply */
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
	wait_unlink(s, c);
	memcpy(c->out, reply, rlen);
	c->out_len = rlen;
	c->out_off = 0;
	c->last = sl_monotonic_ns();
	/*
	 * Answers come from inside the throttle's release callback: send,
	 * but leave any further buffered request to policy_server_expire()
	 * so the handler is never re-entered from there.
	 */
	if (conn_flush(c) < 0) {
		conn_close(s, c);
		return 0;
	}
	if (c->len > 0 && c->out_len == 0) {
		c->again = 1;
		s->again++;
	}
	conn_events(s, c);
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

/* policy_server_free - close everything */
void policy_server_free(struct policy_server *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->p.max_conns; i++)
		if (s->conns[i].rfd >= 0)
			conn_close(s, &s->conns[i]);
	policy_server_close_listeners(s);
	close(s->ep);
	free(s->conns);
	free(s);
}
