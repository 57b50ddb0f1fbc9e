/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_app - the email throttle behind the policy protocol
 * SYNOPSIS
 *	#include "policy_app.h"
 * DESCRIPTION
 *	Answers each request with the mail throttle's verdict (mailthr):
 *	DUNNO, HOLD, a 4.7.1 deferral, a 5.7.1 rejection, or, in delay
 *	mode, nothing yet: the reply waits for the recipient's release
 *	slot and is DUNNO then, or the 4.7.1 deferral at max_delay. It
 *	writes the events (throttle, lockout, honeytoken, unlock), asks
 *	sluiced to quarantine a honeytoken sender's client, tracks held
 *	messages and releases them with postsuper, and saves and loads
 *	the state.
 */
#ifndef SLUICE_POLICY_APP_H
#define SLUICE_POLICY_APP_H

#include <stdint.h>
#include <stdio.h>
#include "mailctl.h"
#include "mailrelease.h"
#include "policy_conf.h"
#include "policy_server.h"

struct policy_app;

struct policy_app_stats {
	uint64_t requests, rcpt, passed, waited, held, deferred, rejected;
	uint64_t released, expired, honeytokens, lockouts, quarantines;
	uint64_t malformed;		/* recipients that are not addresses */
};

/* policy_app_create - takes conf; NULL with errno */
struct policy_app *policy_app_create(struct policy_conf *conf,
				     const uint8_t seed[16]);
struct mailpriv;
/* policy_app_privsep - release held mail through the privileged
   helper p (taken: freed with the app) instead of forking postsuper */
void policy_app_privsep(struct policy_app *a, struct mailpriv *p);
/* policy_app_free - frees conf too; accepts NULL */
void policy_app_free(struct policy_app *a);
/* policy_app_attach - the server the app answers through */
void policy_app_attach(struct policy_app *a, struct policy_server *s);
/* policy_app_handler - the policy_server handler; ctx is the app */
enum policy_answer policy_app_handler(void *ctx, uint64_t conn_id,
				      const struct policy_req *req,
				      uint64_t now, char *reply, size_t *rlen,
				      uint64_t *deadline);
/* policy_app_tick - releases and housekeeping due by now */
void policy_app_tick(struct policy_app *a, uint64_t now);
/* policy_app_next - the now of the next release */
uint64_t policy_app_next(const struct policy_app *a);
/* policy_app_reconfigure - new configuration (taken), state kept;
   -1 (and conf freed) if the throttle refuses it */
int policy_app_reconfigure(struct policy_app *a, struct policy_conf *conf);
struct mailshare;
/* policy_app_share - [core] redis set: decide through it (a Cluster or
   Sentinel is refused); 0, or -1 with err */
int policy_app_share(struct policy_app *a, char *err, size_t errlen);
/* policy_app_shared - the Redis share, or NULL */
struct mailshare *policy_app_shared(const struct policy_app *a);
/* policy_app_conf - the configuration in force */
const struct policy_conf *policy_app_conf(const struct policy_app *a);
/* policy_app_save - state into dir (atomically); -1 with errno */
int policy_app_save(struct policy_app *a, const char *dir);
/* policy_app_load - state from dir, each file on its own (atomicfile_load:
   a damaged one is moved aside); 0 when all loaded or none is there, -1
   when one was not loaded, warn told which and why */
int policy_app_load(struct policy_app *a, const char *dir, uint64_t now,
		    void (*warn)(const char *why));
/* policy_app_reap - SIGCHLD: collect postsuper children, offering
   each finished child to claim first (the snapshot's, policy_main) */
void policy_app_reap(struct policy_app *a, mailrelease_claim_fn *claim,
		     void *ctx);
/* policy_app_release - operator: unlock identity, release its queue and
   every message held for it; returns the messages released, -1 if
   the identity is unknown and holds nothing */
int policy_app_release(struct policy_app *a, const char *identity);
/* policy_app_held - each held message (policy_held_each) */
void policy_app_held(const struct policy_app *a, mailctl_held_fn *fn,
		     void *ctx);
/* policy_app_held_count - messages on hold, tracked */
size_t policy_app_held_count(const struct policy_app *a);
/* policy_app_events - the event sink in force (changes on reload) */
struct mailev *policy_app_events(const struct policy_app *a);
/* policy_app_follow - fn gets every event, across reloads */
void policy_app_follow(struct policy_app *a,
		       void (*fn)(void *ctx, const char *json,
				  const char *text), void *ctx);
/* policy_app_walk - identities with state */
void policy_app_walk(const struct policy_app *a,
		     int (*fn)(void *ctx, const char *identity,
			       const struct throttle_info *info), void *ctx);
/* policy_app_throttle_stats - the throttle's counters */
void policy_app_throttle_stats(const struct policy_app *a,
			       struct throttle_stats *out);
/* policy_app_counters - the mail layer's counters */
void policy_app_counters(const struct policy_app *a,
			 struct mailthr_counters *out);
/* policy_app_stats - counters */
void policy_app_stats(const struct policy_app *a, struct policy_app_stats *out);

#endif
