/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_conn - one policy connection: read, scan, answer, wait, close
 * SYNOPSIS
 *	#include "policy_conn.h"
 * DESCRIPTION
 *	The inside of policy_server(3), shared by its two files: the
 *	server's and the connection's state, and the connection's life.
 *	Connections live in a fixed array of slots so a request id,
 *	(sequence << 24) | slot, finds its connection in O(1) and a stale
 *	id (connection closed, slot reused) is refused. Each connection
 *	has one request buffer of lim.req_max bytes: a request is parsed
 *	in place and answered before the next is read, which is all
 *	Postfix does (it never pipelines). Pending requests sit on a list
 *	in deadline order. Not for use outside policy_server.c.
 */
#ifndef SLUICE_POLICY_CONN_H
#define SLUICE_POLICY_CONN_H

#include <stdint.h>
#include <sys/socket.h>
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
	uid_t uid;			/* SO_PEERCRED (unix), if has_uid */
	int has_uid;
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
	policy_malformed_fn *bad;	/* told of malformed input; may be NULL */
	int ep;
	int listen[MAX_LISTEN];
	struct endpoint_file listen_file[MAX_LISTEN];	/* removed at close */
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
	uint64_t full_logged;		/* when "all taken" was last logged */
	unsigned full_quiet;		/* such events not logged since */
	uint64_t uid_logged;		/* the same for one uid's limit */
	unsigned uid_quiet;
	struct policy_server_stats st;
};

/* policy_conn_open - start serving rfd/wfd (peer uid if known, else
   NULL); -1 with errno */
int policy_conn_open(struct policy_server *s, int rfd, int wfd,
		     const char *peer, int adopted, const uid_t *uid);
/* policy_conn_close - free the slot */
void policy_conn_close(struct policy_server *s, struct conn *c);
/* policy_conn_warn - log why and disconnect */
void policy_conn_warn(struct policy_server *s, struct conn *c, const char *why);
/* policy_conn_event - readiness reported by epoll */
void policy_conn_event(struct policy_server *s, struct conn *c,
		       uint32_t events, uint64_t now);
/* policy_conn_process - handle every complete request buffered */
void policy_conn_process(struct policy_server *s, struct conn *c, uint64_t now);
/* policy_conn_send - send the reply in c->out, go on with input */
void policy_conn_send(struct policy_server *s, struct conn *c, uint64_t now);
/* policy_conn_flush - write what is unsent; 0 done, 1 blocked, -1 failed */
int policy_conn_flush(struct conn *c);
/* policy_conn_events - bring the epoll interest up to date */
void policy_conn_events(struct policy_server *s, struct conn *c);
/* policy_conn_unwait - take a connection off the pending list */
void policy_conn_unwait(struct policy_server *s, struct conn *c);
/* policy_conn_peer - "ADDR:PORT" or "unix" for logs (PEER_MAX) */
void policy_conn_peer(const struct sockaddr_storage *ss, char *out);

#endif
