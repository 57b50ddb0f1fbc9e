/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl_server - the server side of the control protocol (ctl.h)
 * SYNOPSIS
 *	#include "ctl_server.h"
 * DESCRIPTION
 *	Every socket is non-blocking and every buffer bounded: a request
 *	line longer than CTL_LINE_MAX, or one that takes longer than
 *	CTL_SERVER_LINE_MS, gets an ERR and the door; a follower whose
 *	unsent events pass CTL_SERVER_BACKLOG is dropped rather than let
 *	grow. A client can never block the packet path.
 *
 *	The peer's credentials are read once, at accept: a request is
 *	judged by who sent it (SO_PEERCRED, SO_PEERGROUPS), so a socket
 *	file whose mode was widened by mistake gives nobody more than the
 *	level their groups give. The socket is made 0660 by the umask at
 *	bind, never chmod'ed after: there is no moment it is wider.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/limits.h>

#include "clock.h"
#include "ctl.h"
#include "ctl_server.h"
#include "endpoint.h"


enum conn_state { CONN_FREE, CONN_READING, CONN_WRITING, CONN_FOLLOWING };

struct conn {
	int fd;
	enum conn_state state;
	int json;
	char line[CTL_LINE_MAX + 1];
	size_t llen;
	GString *out;
	size_t sent;
	uint64_t deadline;
	uint64_t since;		/* accepted at */
	struct ctl_peer peer;
};

struct ctl_server {
	int lfd, efd;
	struct ctl_access acc;
	struct ctl_rate rate;	/* control peers' reports */
	char path[108];
	ctl_handler *fn;
	void *ctx;
	struct conn c[CTL_SERVER_CONNS];
};

/* watch - (re)register fd in the server's epoll set */
static void watch(struct ctl_server *s, int fd, uint32_t events, int op,
		  void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	(void)epoll_ctl(s->efd, op, fd, &ev);
}

/* make_parent - the socket's directory, if only its last part is
   missing (/run/sluice after a reboot); the rest must exist */
static void make_parent(const char *path)
{
	char dir[sizeof(((struct ctl_server *)0)->path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = 0;
	(void)mkdir(dir, 0755);		/* EEXIST, or listen says why */
}

/* listen_private - born 0660 (the umask at bind), then given the
   control group, which is never wider than before */
static int listen_private(struct ctl_server *s, const struct endpoint *ep)
{
	return endpoint_listen_owned(ep, 16, 0660, (uid_t)-1,
				     s->acc.control_gid);
}

/* ctl_server_open - listen on path; NULL with err */
struct ctl_server *ctl_server_open(const char *path,
				   const struct ctl_access *acc,
				   ctl_handler *fn, void *ctx, char *err,
				   size_t errlen)
{
	struct ctl_server *s = calloc(1, sizeof(*s));
	struct endpoint ep;

	if (s == NULL) {
		snprintf(err, errlen, "control socket: out of memory");
		return NULL;
	}
	s->lfd = s->efd = -1;
	s->acc.control_gid = s->acc.admin_gid = (gid_t)-1;
	if (acc != NULL)
		s->acc = *acc;
	s->fn = fn;
	s->ctx = ctx;
	if (endpoint_parse(path, &ep, err, errlen) < 0) {
		free(s);
		return NULL;
	}
	if (ep.family != AF_UNIX) {
		snprintf(err, errlen, "control socket %s: not a unix socket", path);
		free(s);
		return NULL;
	}
	snprintf(s->path, sizeof(s->path), "%s", ep.path);
	make_parent(s->path);
	if ((s->lfd = listen_private(s, &ep)) < 0
	    || (s->efd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "control socket %s: %s", s->path, strerror(errno));
		ctl_server_close(s);
		return NULL;
	}
	watch(s, s->lfd, EPOLLIN, EPOLL_CTL_ADD, NULL);
	return s;
}

/* conn_close - end one connection */
static void conn_close(struct ctl_server *s, struct conn *c)
{
	if (c->state == CONN_FREE)
		return;
	(void)epoll_ctl(s->efd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->out != NULL)
		g_string_free(c->out, TRUE);
	memset(c, 0, sizeof(*c));
}

/* ctl_server_close - close every connection, remove the socket */
void ctl_server_close(struct ctl_server *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < CTL_SERVER_CONNS; i++)
		conn_close(s, &s->c[i]);
	if (s->lfd >= 0) {
		close(s->lfd);
		(void)unlink(s->path);
	}
	if (s->efd >= 0)
		close(s->efd);
	free(s);
}

/* ctl_server_fd - readable when ctl_server_run has work */
int ctl_server_fd(const struct ctl_server *s)
{
	return s->efd;
}

/* in_group - is gid the peer's primary or one of its groups */
static int in_group(gid_t gid, gid_t primary, const gid_t *g, size_t n)
{
	size_t i;

	if (gid == (gid_t)-1)
		return 0;
	for (i = 0; i < n; i++)
		if (g[i] == gid)
			return 1;
	return gid == primary;
}

/* peer_level - root or the admin group, the control group, or none */
static enum ctl_level peer_level(const struct ctl_server *s, int fd,
				 uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t g[NGROUPS_MAX > 256 ? 256 : NGROUPS_MAX];
	socklen_t glen = sizeof(g);
	size_t n;

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return CTL_PEER_NONE;
	*uid = cr.uid;
	if (cr.uid == 0)
		return CTL_PEER_ADMIN;
	/* more groups than g holds: judged by the primary group alone */
	n = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &glen) < 0 ? 0
	    : glen / sizeof(g[0]);
	if (in_group(s->acc.admin_gid, cr.gid, g, n))
		return CTL_PEER_ADMIN;
	if (in_group(s->acc.control_gid, cr.gid, g, n))
		return CTL_PEER_CONTROL;
	return CTL_PEER_NONE;
}

/* conn_victim - the slot a newcomer of level lv may take when all are
   used: the one waiting longest for its line, else the oldest
   follower, of the lowest level there is, never above lv; -1 if none */
static int conn_victim(const struct ctl_server *s, enum ctl_level lv)
{
	int i, best = -1;
	unsigned rank, brank = 0;

	for (i = 0; i < CTL_SERVER_CONNS; i++) {
		const struct conn *c = &s->c[i];

		if (c->peer.level > lv || c->state == CONN_WRITING)
			continue;
		rank = (unsigned)c->peer.level * 2 + (c->state == CONN_FOLLOWING);
		if (best < 0 || rank < brank
		    || (rank == brank && c->since < s->c[best].since)) {
			best = i;
			brank = rank;
		}
	}
	return best;
}

/* conn_slot - a free slot, or the victim's; -1 when full */
static int conn_slot(struct ctl_server *s, enum ctl_level lv)
{
	int i;

	for (i = 0; i < CTL_SERVER_CONNS; i++)
		if (s->c[i].state == CONN_FREE)
			return i;
	if ((i = conn_victim(s, lv)) >= 0)
		conn_close(s, &s->c[i]);
	return i;
}

/* conn_accept - take every waiting connection, making room if need be */
static void conn_accept(struct ctl_server *s, uint64_t now)
{
	enum ctl_level lv;
	uid_t uid;
	int i, fd;

	while ((fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		lv = peer_level(s, fd, &uid);
		if ((i = conn_slot(s, lv)) < 0) {
			static const char busy[] = "ERR busy\n";

			(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		s->c[i].fd = fd;
		s->c[i].state = CONN_READING;
		s->c[i].since = now;
		s->c[i].deadline = now + CTL_SERVER_LINE_MS * NS_PER_MS;
		s->c[i].peer.uid = uid;
		s->c[i].peer.level = lv;
		s->c[i].peer.rate = &s->rate;
		watch(s, fd, EPOLLIN, EPOLL_CTL_ADD, &s->c[i]);
	}
}

/* conn_flush - write what is pending; close when a reply is done */
static void conn_flush(struct ctl_server *s, struct conn *c)
{
	ssize_t w;

	while (c->out != NULL && c->sent < c->out->len) {
		w = send(c->fd, c->out->str + c->sent, c->out->len - c->sent,
			 MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			watch(s, c->fd, EPOLLOUT | (c->state == CONN_FOLLOWING
				    ? EPOLLIN : 0), EPOLL_CTL_MOD, c);
			return;
		}
		if (w <= 0) {
			conn_close(s, c);
			return;
		}
		c->sent += (size_t)w;
	}
	if (c->out != NULL) {
		g_string_truncate(c->out, 0);
		c->sent = 0;
	}
	if (c->state == CONN_WRITING)
		conn_close(s, c);
	else if (c->state == CONN_FOLLOWING)
		watch(s, c->fd, EPOLLIN, EPOLL_CTL_MOD, c);
}

/* ctl_server_words - split a request line in place */
int ctl_server_words(char *line, char **argv, int *json)
{
	char *p = line, *tok, *save = NULL;
	int argc = 0;

	*json = 0;
	while ((tok = strtok_r(p, " \t\r", &save)) != NULL
	       && argc < CTL_SERVER_ARGS) {
		p = NULL;
		if (argc == 0 && !*json && strcmp(tok, "--json") == 0) {
			*json = 1;
			continue;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return tok != NULL ? -1 : argc;
}

/* conn_answer - run the request line through the handler */
static void conn_answer(struct ctl_server *s, struct conn *c, uint64_t now)
{
	char *argv[CTL_SERVER_ARGS + 1];
	GString *body = g_string_new(NULL);
	int argc = ctl_server_words(c->line, argv, &c->json), rc;

	if (argc == 0) {
		g_string_assign(body, "empty request");
		rc = -1;
	} else if (argc < 0) {
		g_string_assign(body, "too many arguments");
		rc = -1;
	} else {
		c->peer.now = now;
		rc = s->fn(s->ctx, &c->peer, c->json, argc, argv, body);
	}
	c->out = g_string_new(rc < 0 ? "ERR " : "OK\n");
	g_string_append_len(c->out, body->str, (gssize)body->len);
	if (rc < 0)
		g_string_append_c(c->out, '\n');
	g_string_free(body, TRUE);
	c->state = rc == 1 ? CONN_FOLLOWING : CONN_WRITING;
	conn_flush(s, c);
}

/* conn_read - gather the request line */
static void conn_read(struct ctl_server *s, struct conn *c, uint64_t now)
{
	ssize_t r;
	char *nl;

	if (c->state == CONN_FOLLOWING) {
		char sink[256];

		/* a follower only ever says goodbye */
		r = recv(c->fd, sink, sizeof(sink), 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			conn_close(s, c);
		return;
	}
	r = recv(c->fd, c->line + c->llen, CTL_LINE_MAX - c->llen, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		conn_close(s, c);
		return;
	}
	c->llen += (size_t)r;
	c->line[c->llen] = 0;
	if ((nl = memchr(c->line, '\n', c->llen)) != NULL) {
		*nl = 0;
		conn_answer(s, c, now);
	} else if (c->llen >= CTL_LINE_MAX) {
		c->out = g_string_new("ERR request line too long\n");
		c->state = CONN_WRITING;
		conn_flush(s, c);
	}
}

/* ctl_server_expire - close connections that never sent their line */
void ctl_server_expire(struct ctl_server *s, uint64_t now)
{
	size_t i;

	for (i = 0; i < CTL_SERVER_CONNS; i++)
		if (s->c[i].state == CONN_READING && now > s->c[i].deadline)
			conn_close(s, &s->c[i]);
}

/* ctl_server_run - accept, read, answer, write what is ready */
void ctl_server_run(struct ctl_server *s, uint64_t now)
{
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(s->efd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		struct conn *c = ev[i].data.ptr;

		if (c == NULL) {
			conn_accept(s, now);
			continue;
		}
		if (c->state == CONN_FREE)
			continue;
		if (ev[i].events & (EPOLLERR | EPOLLHUP))
			conn_close(s, c);
		else if (ev[i].events & EPOLLOUT)
			conn_flush(s, c);
		else if (ev[i].events & EPOLLIN)
			conn_read(s, c, now);
	}
}

/* ctl_server_publish - one event to every follower */
void ctl_server_publish(struct ctl_server *s, const char *json,
			const char *text)
{
	size_t i;

	for (i = 0; s != NULL && i < CTL_SERVER_CONNS; i++) {
		struct conn *c = &s->c[i];

		if (c->state != CONN_FOLLOWING)
			continue;
		if (c->out->len - c->sent > CTL_SERVER_BACKLOG) {
			conn_close(s, c);
			continue;
		}
		g_string_append(c->out, c->json ? json : text);
		if (c->out->len == 0 || c->out->str[c->out->len - 1] != '\n')
			g_string_append_c(c->out, '\n');
		conn_flush(s, c);
	}
}

/* ctl_server_join - argv's words joined by single spaces (an
   operator's reason: the rest of the line); NULL if there are none */
const char *ctl_server_join(char **argv, GString *out)
{
	int i;

	g_string_truncate(out, 0);
	for (i = 0; argv[i]; i++)
		g_string_append_printf(out, "%s%s", i ? " " : "", argv[i]);
	return out->len ? out->str : NULL;
}

/* ctl_server_known - the table's commands, as the table spells them,
   so the list cannot drift from what is served */
void ctl_server_known(const struct ctl_command *cmds, size_t n,
		      GString *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_string_append_printf(out, "%s%s%s%s", i ? ", " : "",
				       cmds[i].name, cmds[i].args ? " " : "",
				       cmds[i].args ? cmds[i].args : "");
}

/* peer_may - may peer run cmd; else the refusal, naming the command
   and what it needs, in out */
static int peer_may(const struct ctl_command *cmd, const struct ctl_peer *peer,
		    GString *out)
{
	struct ctl_rate *r = peer->rate;

	if (peer->level == CTL_PEER_ADMIN)
		return 1;
	if (cmd->need == CTL_NEED_ADMIN || peer->level == CTL_PEER_NONE) {
		g_string_append_printf(out, "%s needs root or admin_group%s "
				       "(uid %ld is in neither)", cmd->name,
				       cmd->need == CTL_NEED_ADMIN ? ""
				       : " or control_group", (long)(int)peer->uid);
		return 0;
	}
	if (cmd->need == CTL_NEED_REPORT && r != NULL) {
		/* a fixed minute, as anvil does: simple and quick to recover */
		if (peer->now - r->window >= 60 * NS_PER_SEC) {
			r->window = peer->now;
			r->n = 0;
		}
		if (r->n >= CTL_SERVER_REPORTS) {
			g_string_append_printf(out, "%s: control_group's cap of %d "
					       "a minute reached; try later",
					       cmd->name, CTL_SERVER_REPORTS);
			return 0;
		}
		r->n++;
	}
	return 1;
}

/* ctl_server_dispatch - run the command of a table named by argv[0] */
int ctl_server_dispatch(const struct ctl_command *cmds, size_t n,
			void *ctx, const struct ctl_peer *peer, int json,
			int argc, char **argv, GString *out)
{
	size_t i;

	for (i = 0; argc > 0 && i < n; i++)
		if (strcmp(argv[0], cmds[i].name) == 0) {
			if (argc < cmds[i].min_argc || argc > cmds[i].max_argc) {
				g_string_append_printf(out, "usage: %s %s", argv[0],
						       cmds[i].args ? cmds[i].args
						       : "(no arguments)");
				return -1;
			}
			if (!peer_may(&cmds[i], peer, out))
				return -1;
			return cmds[i].fn(ctx, json, argv, out);
		}
	g_string_append(out, "unknown command; known: ");
	ctl_server_known(cmds, n, out);
	return -1;
}
