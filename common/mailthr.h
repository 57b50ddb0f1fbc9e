/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailthr - Williamson's email throttle, shared by policyd and milter
 * SYNOPSIS
 *	#include "mailthr.h"
 * DESCRIPTION
 *	One decision per recipient. The sender's identity and the
 *	normalised recipient come from mailaddr(3). Recipients are
 *	throttled with a throttle(3) keyed by identity: a recipient in the
 *	working set, or one that fits, passes; another waits in the
 *	identity's delay queue; a queue over the high watermark locks the
 *	identity out, for at least lockout_min (maillock(3)), lifted early
 *	only by mailthr_release().
 *
 *	What "waits" means is the mode: MAILTHR_MODE_HOLD accepts the message
 *	onto the MTA's hold queue (released at the release rate by the
 *	front end); MAILTHR_MODE_DELAY keeps the reply until the recipient's
 *	release (or defers with 4.7.1 past max_delay); MAILTHR_MODE_DEFER
 *	defers at once.
 *
 *	Only the site's own senders are throttled: SASL-authenticated
 *	clients, clients in own_nets, and clients with no address (local
 *	submission). Everyone else passes (result.outside, counted): an MX
 *	must not delay the Internet's mail to its users.
 *
 *	Honeytoken recipients (exact addresses, or shell patterns such as
 *	"*-x7f3@lists.example.org") apply to every client: the message is
 *	held and the client's quarantine asked for. An own sender is also
 *	locked out at once; an outside one is not, since a relay that
 *	forwarded one harvested address would have all its mail held.
 *	Whitelisted SASL users, senders and client networks pass untouched
 *	and are never locked out.
 *
 *	In observe mode (observe, or [countermeasures] dry_run) every
 *	decision is made and the state kept as usual, but the verdict is
 *	MAILTHR_PASS: the result says what it would have been (observe, would)
 *	and no quarantine is asked for, so the operator sees what would be
 *	held, deferred or locked out before enforcing.
 *
 *	The module decides and reports; the front end talks to the MTA,
 *	writes events and asks sluiced for quarantines.
 */
#ifndef SLUICE_MAILTHR_H
#define SLUICE_MAILTHR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mailaddr.h"
#include "throttle.h"
#include "prefixset.h"

enum mailthr_mode { MAILTHR_MODE_HOLD, MAILTHR_MODE_DELAY, MAILTHR_MODE_DEFER };
enum mailthr_lockout { MAILTHR_LOCK_HOLD, MAILTHR_LOCK_REJECT };

struct mailthr_params {
	struct throttle_params thr;	/* wset 5, 1 s, high 50, low 25 */
	enum mailthr_mode mode;
	uint64_t max_delay_ns;		/* MAILTHR_MODE_DELAY: then 4.7.1 */
	enum mailthr_lockout lockout;
	struct mailaddr_idopts id;	/* what makes an identity */
	char **honeytokens;		/* exact or fnmatch patterns; borrowed */
	uint64_t honeytoken_ttl_ns;	/* lockout length after a honeytoken */
	uint64_t lockout_min_ns;	/* a throttle lockout lasts this, at
					   least (0: until the queue drains) */
	int observe;			/* decide and report, enforce nothing */
	char **wl_sasl;			/* borrowed, NULL-terminated */
	char **wl_senders;		/* exact or "@domain" */
	const struct prefixset *wl_clients;	/* borrowed */
	const struct prefixset *own_nets;	/* borrowed; NULL = all own */
};

enum mailthr_verdict {
	MAILTHR_PASS,		/* continue (DUNNO, SMFIS_CONTINUE) */
	MAILTHR_WAIT,		/* delay mode: answer when cookie is released */
	MAILTHR_HOLD,		/* accept, message to the hold queue */
	MAILTHR_DEFER,		/* 450/451 4.7.1 text */
	MAILTHR_REJECT,		/* 550 5.7.1 text (lockout = reject) */
};

enum mailthr_event {
	MAILTHR_EV_NONE,
	MAILTHR_EV_DELAYED,	/* a new recipient was queued */
	MAILTHR_EV_LOCKOUT,	/* this recipient locked the identity out */
	MAILTHR_EV_HONEYTOKEN,	/* a honeytoken recipient */
	MAILTHR_EV_MALFORMED,	/* recipient could not be parsed: passed */
};

struct mailthr_result {
	enum mailthr_verdict verdict;
	enum mailthr_event event;
	const char *text;		/* static reply text, with enhanced code */
	char identity[MAILADDR_IDENT_MAX];	/* "sasl:alice", "sender:a@b", "client:::1/64" */
	char recipient[MAILADDR_MAX];	/* normalised */
	int whitelisted;
	int quarantine_client;		/* honeytoken from a non-whitelisted client */
	int outside;			/* not one of the site's own senders */
	int observe;			/* observe mode: verdict is PASS, and
					   would is what it would have been */
	enum mailthr_verdict would;
	unsigned queued;		/* the identity's queue after this */
};

/* called for each cookie leaving a queue, and for unlocks (cookie 0) */
typedef void mailthr_fn(void *ctx, const char *identity, uint64_t cookie,
			enum throttle_why why);

struct mailthr;

/* mailthr_defaults - mail defaults (see README for the reasoning) */
void mailthr_defaults(struct mailthr_params *p);
/* mailthr_check_params - 0, or -1 with a reason */
int mailthr_check_params(const struct mailthr_params *p, const char **why);
/* mailthr_create - NULL with errno */
struct mailthr *mailthr_create(const struct mailthr_params *p,
			       const uint8_t seed[16], mailthr_fn *fn, void *ctx);
/* mailthr_free - accepts NULL */
void mailthr_free(struct mailthr *m);
/* mailthr_reconfigure - new parameters (borrowed lists too), state kept */
int mailthr_reconfigure(struct mailthr *m, const struct mailthr_params *p);
/* mailthr_rcpt - decide one recipient; cookie identifies it if it waits */
enum mailthr_verdict mailthr_rcpt(struct mailthr *m, const struct mailaddr_req *r,
			       uint64_t cookie, uint64_t now,
			       struct mailthr_result *out);
/* mailthr_tick - releases due by now; returns how many */
size_t mailthr_tick(struct mailthr *m, uint64_t now);
/* mailthr_next - now of the next due release (UINT64_MAX if none) */
uint64_t mailthr_next(const struct mailthr *m);
/* mailthr_release - operator: unlock identity and release its queue */
int mailthr_release(struct mailthr *m, const char *identity);
/* mailthr_walk - identities with state */
void mailthr_walk(const struct mailthr *m,
		  int (*fn)(void *ctx, const char *identity,
			    const struct throttle_info *info), void *ctx);
/* mailthr_save, mailthr_load - state across restarts: the throttle's
   (throttle_save) and the lockouts' (maillock_save), versioned and
   checksummed (mailthr_save.c); a version 1 file (the throttle's
   alone) still loads; a damaged one is refused with EINVAL and leaves
   the state empty */
int mailthr_save(const struct mailthr *m, FILE *fp);
int mailthr_load(struct mailthr *m, FILE *fp, uint64_t now);
/* mailthr_stats - the throttle's counters */
void mailthr_stats(const struct mailthr *m, struct throttle_stats *out);

struct mailthr_counters {
	uint64_t outside;		/* recipients of outside clients: passed */
	/* observe mode: recipients passed that would have been ... */
	uint64_t would_delay, would_hold, would_defer, would_reject;
	uint64_t would_lockout;		/* lockouts that would have begun */
	uint64_t shared_lockouts;	/* lockouts the shared throttle began */
};

/* mailthr_counters - the mail layer's own counters, added to *out */
void mailthr_counters(const struct mailthr *m, struct mailthr_counters *out);

struct mailshare;
/* mailthr_share - decide through Redis (mailshare(3), borrowed; NULL:
   local only): the working set, queue and lockouts live there while
   it answers; when it does not, the local throttle decides, releasing
   one per release interval x the nodes sharing. sim_clock (tests):
   the callers' now, not Redis's clock, times the shared decisions.
   0, or -1 with errno */
int mailthr_share(struct mailthr *m, struct mailshare *s, int sim_clock);

struct mailshare_verdict;
/* mailthr_rcpt_begin, mailthr_rcpt_end - mailthr_rcpt in two steps,
   so a front end can send many shared decisions to Redis at once
   (mailshare_decide_batch): begin decides what each host decides
   alone and returns 0 with out final, or 1 when the shared throttle
   must decide out->identity and out->recipient; end completes it with
   the shared verdict, or locally when sv is NULL (Redis failed) */
int mailthr_rcpt_begin(struct mailthr *m, const struct mailaddr_req *r,
		       uint64_t cookie, uint64_t now, struct mailthr_result *out);
enum mailthr_verdict mailthr_rcpt_end(struct mailthr *m, uint64_t cookie,
				      uint64_t now,
				      const struct mailshare_verdict *sv,
				      struct mailthr_result *out);
/* mailthr_shared - the share attached, or NULL */
struct mailshare *mailthr_shared(const struct mailthr *m);
/* mailthr_share_clock - the clock a shared decision of now uses (0:
   Redis's own) */
uint64_t mailthr_share_clock(const struct mailthr *m, uint64_t now);
/* mailthr_params_of - the parameters in force */
const struct mailthr_params *mailthr_params_of(const struct mailthr *m);

/* mailthr_is_honeytoken - normalised recipient matches a honeytoken */
int mailthr_is_honeytoken(const struct mailthr_params *p, const char *rcpt);

#endif
