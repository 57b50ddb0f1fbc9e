/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	redisc - a small Redis client with deadlines and bounded replies
 * SYNOPSIS
 *	#include "redisc.h"
 * DESCRIPTION
 *	One connection to one Redis (unix:/path or inet:host:port, parsed
 *	by endpoint(3)), opened on first use and again after any failure.
 *	hiredis formats the commands and parses the replies (its reader);
 *	the socket, its non-blocking I/O and the deadline are ours, so a
 *	call never waits past the deadline its caller gives, whatever the
 *	peer does: a slow peer, a half reply, a peer that never answers
 *	all end the call with -1 and a reason. A reply longer than
 *	reply_max bytes is refused the same way (a peer announcing a
 *	gigabyte bulk string does not make us buffer it), and so is an
 *	array of more than REDISC_ELEMENTS_MAX elements.
 *
 *	At each connect the client authenticates (AUTH [user] password)
 *	when a password is set, and asks INFO server: a Redis Cluster node
 *	or a Sentinel is refused, since this client follows no MOVED
 *	redirection and a Sentinel holds no data.
 *
 *	Not thread-safe: one caller at a time (the caller's lock).
 */
#ifndef SLUICE_REDISC_H
#define SLUICE_REDISC_H

#include <stddef.h>
#include <stdint.h>
#include <hiredis.h>
#include "endpoint.h"

#define REDISC_USER_MAX 64
#define REDISC_PASS_MAX 256
#define REDISC_REPLY_MAX 65536
#define REDISC_ELEMENTS_MAX 64		/* of one array in a reply */

struct redisc_params {
	struct endpoint ep;
	char user[REDISC_USER_MAX];	/* ACL user; empty: "default" */
	char pass[REDISC_PASS_MAX];	/* empty: no AUTH */
	size_t reply_max;		/* bytes of one reply; 0: REDISC_REPLY_MAX */
};

struct redisc;

/* redisc_create - a client (not yet connected); NULL with errno */
struct redisc *redisc_create(const struct redisc_params *p);
/* redisc_free - accepts NULL */
void redisc_free(struct redisc *rc);
/* redisc_call - one command; its reply in *out (freeReplyObject), an
   error reply included; -1 with a static reason in *why, the
   connection then closed. deadline is a monotonic now. */
int redisc_call(struct redisc *rc, uint64_t deadline, int argc,
		const char **argv, const size_t *argvlen, redisReply **out,
		const char **why);
/* redisc_script - EVALSHA of script: argv[0] "EVALSHA", argv[1] is
   set to sha (loaded with SCRIPT LOAD when sha is "", and again on
   NOSCRIPT: Redis restarted or flushed its scripts); the reply as
   redisc_call's */
int redisc_script(struct redisc *rc, uint64_t deadline, const char *script,
		  char sha[41], int argc, const char **argv, size_t *argvlen,
		  redisReply **out, const char **why);
/* redisc_pipeline - n commands of argc words each (argv[i], len[i])
   sent in one write, their n replies read into out[] (each to
   freeReplyObject); all or nothing: -1 with why, none kept */
int redisc_pipeline(struct redisc *rc, uint64_t deadline, size_t n, int argc,
		    const char *const *const *argv, const size_t *const *len,
		    redisReply **out, const char **why);
/* redisc_load - SCRIPT LOAD of script into sha; 0 or -1 with why */
int redisc_load(struct redisc *rc, uint64_t deadline, const char *script,
		char sha[41], const char **why);
/* redisc_refused - the last failure was a server this client refuses
   (Cluster, Sentinel): a configuration error, not an outage */
int redisc_refused(const struct redisc *rc);
/* redisc_close - drop the connection (the next call reconnects) */
void redisc_close(struct redisc *rc);
/* redisc_parse - one whole reply from buf (tests, fuzzing): 1 and *out,
   0 if incomplete, -1 if malformed or over max bytes */
int redisc_parse(const char *buf, size_t len, size_t max, redisReply **out);
/* redisc_password_file - "PASSWORD" or "USER PASSWORD", first line of
   path, into p; 0, or -1 with the reason in err */
int redisc_password_file(const char *path, struct redisc_params *p,
			 char *err, size_t errlen);

#endif
