/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailshare - the mail throttle's state shared through Redis
 * SYNOPSIS
 *	#include "mailshare.h"
 * DESCRIPTION
 *	Several mail hosts sharing one Redis keep each identity's working
 *	set, delay queue, throttle lockout and lockout time in one Redis
 *	hash, prefix + "{identity}" (one Cluster slot per identity, were
 *	Cluster supported: see redisc(3)). One Lua script, loaded once
 *	(SCRIPT LOAD) and called by its SHA (EVALSHA; loaded again on
 *	NOSCRIPT), decides each recipient atomically with the rules of
 *	throttle(3) and the lockout times of mailthr(3), on Redis's clock
 *	(TIME), so the hosts agree whatever their own clocks say. A held
 *	recipient's release time is fixed when it is queued (the queue
 *	releases one destination per period, in order), so the script
 *	returns the wait and the host that holds the request releases it
 *	itself: no message between hosts.
 *
 *	Destination tags come from wset(3) under the shared key
 *	(redis_keyfile), so every host's tag of a recipient is the same.
 *	Keys expire after idle_ns without use (longer while a lockout or
 *	queue lives).
 *
 *	Any failure (no connection, timeout, malformed or unexpected
 *	reply) puts the module in local mode: calls return -1 at once,
 *	without touching Redis, until retry_ns has passed; the next call
 *	then tries again. Each change of mode is told once through the
 *	mode callback (the front end logs and counts it). Thread-safe.
 */
#ifndef SLUICE_MAILSHARE_H
#define SLUICE_MAILSHARE_H

#include <stddef.h>
#include <stdint.h>
#include "redisc.h"
#include "throttle.h"

#define MAILSHARE_PREFIX_MAX 64
#define MAILSHARE_BATCH 64		/* decisions in one round trip */

struct mailshare_params {
	struct redisc_params rc;
	uint64_t timeout_ns;		/* one decision, all round trips */
	char prefix[MAILSHARE_PREFIX_MAX];
	uint8_t key[16];		/* destination tags */
	uint64_t idle_ns;		/* keys expire after this unused */
	unsigned nodes;			/* hosts sharing: local rate / nodes */
	uint64_t retry_ns;		/* local mode: try Redis this often */
};

struct mailshare_verdict {
	enum throttle_verdict v;	/* PASS, HOLD, LOCKOUT, LOCKED */
	int lock_live;			/* LOCKED by a lockout time */
	unsigned queued;		/* the identity's queue after this */
	uint64_t wait_ns;		/* HOLD: its release is this far off */
};

struct mailshare_stats {
	uint64_t calls, errors, fallbacks, recoveries;
	int shared;			/* 1 shared, 0 local */
};

/* told once per change of mode: shared 1 or 0, and why */
typedef void mailshare_mode_fn(void *ctx, int shared, const char *why);

struct mailshare;

/* mailshare_create - NULL with errno; starts in shared mode */
struct mailshare *mailshare_create(const struct mailshare_params *p,
				   mailshare_mode_fn *fn, void *ctx);
/* mailshare_free - accepts NULL */
void mailshare_free(struct mailshare *s);
/* mailshare_decide - one recipient of identity under the throttle
   parameters tp and lockout_min; 0, or -1 (local mode: decide
   locally). now is monotonic, for the retry timer; clock_ms, when not
   0, replaces Redis's clock (tests) */
int mailshare_decide(struct mailshare *s, const struct throttle_params *tp,
		     uint64_t lockout_min_ns, const char *identity,
		     const char *rcpt, uint64_t now, uint64_t clock_ms,
		     struct mailshare_verdict *out);
/* mailshare_decide_batch - n recipients (at most MAILSHARE_BATCH) of
   identity[i] to rcpt[i], in order, pipelined in one round trip; 0 and
   every out[i], or -1 for all (local mode) */
int mailshare_decide_batch(struct mailshare *s, const struct throttle_params *tp,
			   uint64_t lockout_min_ns, size_t n,
			   const char *const *identity, const char *const *rcpt,
			   uint64_t now, uint64_t clock_ms,
			   struct mailshare_verdict *out);
/* mailshare_wants - 1 in shared mode, or when it is time to try Redis
   again; 0: decide locally without asking */
int mailshare_wants(struct mailshare *s, uint64_t now);
/* mailshare_lock - lock identity out for ttl_ns (a honeytoken); 0 or -1 */
int mailshare_lock(struct mailshare *s, const struct throttle_params *tp,
		   const char *identity, uint64_t ttl_ns, uint64_t now);
/* mailshare_release - operator: unlock identity, empty its queue;
   1 if Redis had it, 0 if not, -1 */
int mailshare_release(struct mailshare *s, const struct throttle_params *tp,
		      const char *identity, uint64_t now);
/* mailshare_nodes - the hosts sharing (local mode's divisor) */
unsigned mailshare_nodes(const struct mailshare *s);
/* mailshare_stats - counters and mode */
void mailshare_stats(struct mailshare *s, struct mailshare_stats *out);
/* mailshare_reply - the script's reply checked: 0 and out, or -1 */
int mailshare_reply(const redisReply *r, struct mailshare_verdict *out);
struct core_conf;
/* mailshare_from_core - the parameters [core] gives (coreconf(3)) */
void mailshare_from_core(const struct core_conf *cc, struct mailshare_params *p);
/* mailshare_open - the front ends' share from [core] (NULL and no
   error when redis is unset): changes of mode logged (daemon_log)
   with what local mode releases (release_ns x nodes); one PING at
   start, so a Cluster or Sentinel is refused then: NULL, err set */
struct mailshare *mailshare_open(const struct core_conf *cc,
				 uint64_t release_ns, char *err, size_t errlen);
/* mailshare_key_file - 16 bytes of key from the file's contents (at
   least 16 bytes); 0, or -1 with the reason in err */
int mailshare_key_file(const char *path, uint8_t key[16], char *err,
		       size_t errlen);

#endif
