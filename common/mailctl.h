/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailctl - the mail filters' operator socket, one for both
 * SYNOPSIS
 *	#include "mailctl.h"
 * DESCRIPTION
 *	sluice-policyd and sluice-milter serve the same commands over the
 *	control protocol (ctl_server), from one table, so "sluicectl -s
 *	SOCKET" works alike against either:
 *
 *	status		the counters both filters keep (struct
 *			mailctl_stats), and the filter's own
 *	hosts [all]	identities with a queue or a lockout ("all": every
 *			identity with state), "IDENTITY queued=N wset=N",
 *			" locked" after it while locked out
 *	show IDENTITY	one identity
 *	held		messages on hold: "QUEUE_ID IDENTITY RELEASE"
 *	release IDENTITY [REASON...]
 *			lift the lockout, release the queue and the held
 *			mail; a "release" event keeps reason "operator"
 *			and the operator's words as "note"
 *	events		follow the events as they are written
 *	metrics		the counters in the Prometheus text format
 *
 *	--json makes each answer JSON. An IDENTITY is written as the
 *	events write it (sasl:alice, sender:a@example.org,
 *	client:192.0.2.7, client:2001:db8::/64), or bare (alice,
 *	a@example.org, 192.0.2.7, 2001:db8::5) when exactly one identity
 *	with state matches it; several are refused, listed.
 *
 *	A filter gives its state through struct mailctl_ops. Events reach
 *	followers through mailctl_publish, which any thread may call: the
 *	lines wait in a bounded buffer until the serving thread's next
 *	mailctl_run, woken through mailctl_fd.
 */
#ifndef SLUICE_MAILCTL_H
#define SLUICE_MAILCTL_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "ctl_server.h"
#include "mailev.h"
#include "throttle.h"

#define MAILCTL_EXTRA 6

struct mailctl_stats {			/* the same set in both filters */
	uint64_t rcpt, passed, delayed, held, deferred, rejected;
	uint64_t released, lockouts, honeytokens, quarantines, malformed;
	uint64_t outside;		/* recipients of outside clients */
	uint64_t observe;		/* 1: observe mode, nothing enforced */
	uint64_t would_delay, would_hold, would_defer, would_reject;
	uint64_t would_lockout;		/* what observe mode let pass */
	uint64_t events_lost;		/* the event file had no room */
	uint64_t evictions;		/* identities forgotten for room */
	size_t identities, queued, locked, held_messages;
	size_t identities_max;		/* identities mem_cap holds */
	struct { const char *name; uint64_t v; } extra[MAILCTL_EXTRA];
	size_t nextra;			/* the filter's own counters */
};

typedef int mailctl_walk_fn(void *ctx, const char *identity,
			    const struct throttle_info *info);
typedef void mailctl_held_fn(void *ctx, const char *queue_id,
			     const char *identity, const char *release);

struct mailctl_ops {
	void (*stats)(void *obj, struct mailctl_stats *out);
	void (*walk)(void *obj, mailctl_walk_fn *fn, void *ctx);
	void (*held)(void *obj, mailctl_held_fn *fn, void *ctx);
	/* messages released, or -1 if identity is unknown and holds none */
	int (*release)(void *obj, const char *identity);
	/* where the release events go (the sink in force; may be NULL) */
	struct mailev *(*events)(void *obj);
};

struct mailctl;
struct mailshare;

/* mailctl_add_share - the Redis mode (redis_shared, yes or no) and
   its fallbacks as two of the filter's own counters; s may be NULL */
void mailctl_add_share(struct mailctl_stats *out, struct mailshare *s);

/* mailctl_open - serve path ("unix:" optional) for obj, to acc's
   groups; NULL with err */
struct mailctl *mailctl_open(const char *path, const struct ctl_access *acc,
			     const struct mailctl_ops *ops, void *obj,
			     char *err, size_t errlen);
/* mailctl_close - accepts NULL */
void mailctl_close(struct mailctl *c);
/* mailctl_fd - readable when mailctl_run has work */
int mailctl_fd(const struct mailctl *c);
/* mailctl_run - serve, publish what waits, drop slow clients */
void mailctl_run(struct mailctl *c, uint64_t now);
/* mailctl_publish - an event for the followers (any thread); a
   mailev_follow callback, ctx the mailctl */
void mailctl_publish(void *ctx, const char *json, const char *text);
/* mailctl_handle - the command table behind the socket (tests) */
int mailctl_handle(void *ctx, const struct ctl_peer *peer, int json,
		   int argc, char **argv, GString *out);

#endif
