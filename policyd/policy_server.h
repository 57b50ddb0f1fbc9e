/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_server - connections of the policy server on one epoll loop
 * SYNOPSIS
 *	#include "policy_server.h"
 * DESCRIPTION
 *	Listens on any number of endpoints (or adopts an already connected
 *	descriptor, as under Postfix's spawn(8)), reads requests with the
 *	bounds of policy_proto, and hands each complete one to the
 *	handler. The handler answers at once, or leaves the request
 *	pending with a fallback reply and a deadline: the connection then
 *	waits (other connections are served meanwhile) until
 *	policy_server_answer() or the deadline sends a reply.
 *
 *	Malformed input and a peer that starts a request and does not
 *	finish it within request_timeout are logged and disconnected;
 *	idle connections are closed after idle_timeout. A unix socket is
 *	born 0660 and given sock_uid:sock_gid (Postfix's group): the
 *	postfix user reaches it through the group, other local users not
 *	at all, even if the directory around it is opened up. On unix
 *	sockets each peer uid (SO_PEERCRED) may hold max_per_uid
 *	connections: one more closes that uid's own longest idle, so one
 *	local user cannot push Postfix's connections out. When every slot
 *	is taken the longest idle of all goes. Other descriptors
 *	(signals, control socket) can share the loop.
 */
#ifndef SLUICE_POLICY_SERVER_H
#define SLUICE_POLICY_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "endpoint.h"
#include "policy_proto.h"

struct policy_server_params {
	struct policy_limits lim;
	size_t max_conns;		/* open connections at most */
	size_t max_per_uid;		/* of one peer uid on unix sockets */
	uid_t sock_uid;			/* owner of unix sockets; -1 = ours */
	gid_t sock_gid;			/* their group; -1 = ours */
	uint64_t request_timeout_ns;	/* to finish a started request */
	uint64_t idle_timeout_ns;	/* between requests */
};

enum policy_answer { POLICY_ANSWERED, POLICY_PENDING };

/* handler: fill reply (length in *rlen); for POLICY_PENDING the reply is
   the fallback sent at *deadline (a monotonic now) if nothing else is */
typedef enum policy_answer policy_handler_fn(void *ctx, uint64_t conn_id,
					     const struct policy_req *req,
					     uint64_t now, char *reply,
					     size_t *rlen, uint64_t *deadline);
/* told of malformed input from peer before it is disconnected */
typedef void policy_malformed_fn(void *ctx, const char *peer, const char *why);
/* watch callback for other descriptors sharing the loop */
typedef void policy_watch_fn(void *ctx, int fd);

struct policy_server_stats {
	uint64_t accepted, requests, malformed, timeouts, pending, expired;
	uint64_t uid_closed;		/* closed for their uid's limit */
	size_t open;
};

struct policy_server;

/* policy_server_defaults - bounds and timeouts */
void policy_server_defaults(struct policy_server_params *p);
/* policy_server_create - NULL with errno */
struct policy_server *policy_server_create(const struct policy_server_params *p,
					   policy_handler_fn *fn, void *ctx);
/* policy_server_on_malformed - call fn (with the handler's ctx) for
   each malformed request */
void policy_server_on_malformed(struct policy_server *s,
				policy_malformed_fn *fn);
/* policy_server_free - closes everything; accepts NULL */
void policy_server_free(struct policy_server *s);
/* policy_server_listen - add a listener; -1 with errno */
int policy_server_listen(struct policy_server *s, const struct endpoint *ep);
/* policy_server_close_listeners - stop accepting (reload, stop) */
void policy_server_close_listeners(struct policy_server *s);
/* policy_server_forget - in a forked child: close listeners and
   connections without a word (a snapshot child must not keep them) */
void policy_server_forget(struct policy_server *s);
/* policy_server_adopt - serve one connected peer on rfd/wfd (spawn(8)) */
int policy_server_adopt(struct policy_server *s, int rfd, int wfd);
/* policy_server_watch - call fn when fd is readable; -1 with errno */
int policy_server_watch(struct policy_server *s, int fd,
			policy_watch_fn *fn, void *ctx);
/* policy_server_poll - wait for events until deadline (monotonic ns)
   and handle them; -1 with errno on a loop failure */
int policy_server_poll(struct policy_server *s, uint64_t deadline);
/* policy_server_expire - timeouts and pending deadlines due by now */
void policy_server_expire(struct policy_server *s, uint64_t now);
/* policy_server_next - earliest deadline the server has */
uint64_t policy_server_next(const struct policy_server *s);
/* policy_server_answer - reply to a pending request; -1 if the
   connection is gone or not waiting for it */
int policy_server_answer(struct policy_server *s, uint64_t conn_id,
			 const char *reply, size_t rlen);
/* policy_server_set_params - new bounds and timeouts (reload) */
void policy_server_set_params(struct policy_server *s,
			      const struct policy_server_params *p);
/* policy_server_adopted_done - an adopted peer has gone away */
int policy_server_adopted_done(const struct policy_server *s);
/* policy_server_stats - counters */
void policy_server_stats(const struct policy_server *s,
			 struct policy_server_stats *out);

#endif
