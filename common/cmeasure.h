/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cmeasure - automatic countermeasures: signals in, guarded actions out
 * SYNOPSIS
 *	#include "cmeasure.h"
 * DESCRIPTION
 *	Signals (honeypot hit, throttle lockout, port fan-out, contact with
 *	no DNS answer behind it, TRW verdict, honeytoken mail, operator)
 *	raise a per-source score; the score picks a rung on the ladder:
 *	observe, throttle harder, quarantine the host, block the
 *	destination port, isolate a protected network, run an operator
 *	hook. Guards, in order: the whitelist (nothing overrides it), an
 *	action already in force, the global rate cap (actions per minute).
 *	Every action has a TTL; cmeasure_expire() hands back what ran out.
 *	In dry-run mode decisions are made and reported exactly the same,
 *	marked dry_run, and the caller enforces nothing.
 *
 *	The engine only decides: the caller enforces (nft set elements,
 *	hold queue, hook) and writes the event.
 *
 *	Defaults (cmeasure_defaults): weights honeypot 100, lockout 100,
 *	honeytoken 100, operator 100, goat 100, fan-out 50, TRW 50,
 *	outbound 50, spike 10, no-DNS 5; rungs
 *	throttle 10, block port 50, quarantine 100, isolate and hook 0
 *	(never: the operator turns them on). So honeypot, lockout,
 *	honeytoken and operator go straight to quarantine; a fan-out
 *	blocks its port (a second fan-out quarantines); a TRW verdict
 *	throttles harder (two quarantine). No-DNS is the weak signal: a
 *	first contact with no preceding answer is a weak signal, never a
 *	block on its own, so its share of the score is capped below the
 *	lowest rung and no number of them alone does more than observe.
 *	The action picked is the one with the highest rung the score
 *	reaches (block port only when the signal names a port).
 *	TTLs: throttle 10 min, quarantine, block port, isolate and hook
 *	1 h. Scores halve every 10 min. Rate cap 60 actions per minute
 *	over all sources (a sliding window); operator signals are not
 *	counted against it, but the whitelist refuses them too. An
 *	action in force is never evicted: when its table is full a new
 *	action is refused as CMEASURE_RATE_CAPPED. Quarantine in force
 *	covers throttle and port blocks of the same host
 *	(CMEASURE_IN_FORCE).
 */
#ifndef SLUICE_CMEASURE_H
#define SLUICE_CMEASURE_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "prefixset.h"

enum cmeasure_signal {
	CMEASURE_SIG_HONEYPOT,		/* contact to a dark address */
	CMEASURE_SIG_LOCKOUT,		/* delay queue over the high mark */
	CMEASURE_SIG_FANOUT,		/* port fan-out over threshold */
	CMEASURE_SIG_NODNS,		/* contact with no DNS answer (weak) */
	CMEASURE_SIG_TRW,		/* TRW says scanner */
	CMEASURE_SIG_HONEYTOKEN,	/* mail to a salted address */
	CMEASURE_SIG_OPERATOR,		/* sluicectl quarantine */
	CMEASURE_SIG_GOAT,		/* a goat file changed */
	CMEASURE_SIG_OUTBOUND,		/* a zone's outbound policy broken */
	CMEASURE_SIG_SPIKE,		/* many hosts of a zone delayed at once */
	CMEASURE_SIG_COUNT
};

enum cmeasure_action {
	CMEASURE_OBSERVE, CMEASURE_THROTTLE, CMEASURE_QUARANTINE,
	CMEASURE_BLOCK_PORT, CMEASURE_ISOLATE, CMEASURE_HOOK,
	CMEASURE_ACTION_COUNT
};

enum cmeasure_outcome {
	CMEASURE_ACT,		/* enforce it (unless dry_run) */
	CMEASURE_NONE,		/* score below any enforcing rung: observe */
	CMEASURE_WHITELISTED,	/* refused: the whitelist holds */
	CMEASURE_IN_FORCE,	/* the same action is already active */
	CMEASURE_RATE_CAPPED,	/* refused: too many actions this minute */
};

struct cmeasure_params {
	unsigned weight[CMEASURE_SIG_COUNT];	/* score a signal adds */
	unsigned rung[CMEASURE_ACTION_COUNT];	/* score at which each
						   action starts; 0 = never */
	uint64_t ttl_ns[CMEASURE_ACTION_COUNT];	/* quarantine 1 h ... */
	uint64_t score_decay_ns;	/* a source's score halves this often */
	unsigned rate_cap;		/* actions per minute, all sources: 60 */
	int dry_run;
};

struct cmeasure_decision {
	enum cmeasure_outcome outcome;
	enum cmeasure_action action;
	enum cmeasure_signal signal;
	struct sl_addr target;
	uint16_t port;			/* CMEASURE_BLOCK_PORT */
	uint64_t expires;		/* now + ttl */
	int dry_run;
	unsigned score;
	unsigned signals;		/* 1 << signal of each that added to
					   score since it was last 0 */
};

struct cmeasure;

/* cmeasure_defaults - the documented ladder and guards */
void cmeasure_defaults(struct cmeasure_params *p);
/* cmeasure_check_params - 0, or -1 with a reason */
int cmeasure_check_params(const struct cmeasure_params *p, const char **why);
/* cmeasure_create - whitelist is borrowed and may be NULL; NULL on error */
struct cmeasure *cmeasure_create(const struct cmeasure_params *p,
				 size_t mem_cap,
				 const struct prefixset *whitelist);
/* cmeasure_free - accepts NULL */
void cmeasure_free(struct cmeasure *c);
/* cmeasure_reconfigure - new params and whitelist; actions in force kept */
int cmeasure_reconfigure(struct cmeasure *c, const struct cmeasure_params *p,
			 const struct prefixset *whitelist);
/* cmeasure_signal - decide on one signal from src (port for fan-out) */
void cmeasure_signal(struct cmeasure *c, enum cmeasure_signal sig,
		     const struct sl_addr *src, uint16_t port, uint64_t now,
		     struct cmeasure_decision *out);
/* cmeasure_extend - an action in force lasts until expires now (its
   cause still there); -1 if none in force */
int cmeasure_extend(struct cmeasure *c, enum cmeasure_action a,
		    const struct sl_addr *src, uint16_t port, uint64_t expires);
/* cmeasure_lift - end an action early (operator); -1 if none in force */
int cmeasure_lift(struct cmeasure *c, enum cmeasure_action a,
		  const struct sl_addr *src, uint16_t port);
/* cmeasure_expire - report and forget every action expired by now; count */
size_t cmeasure_expire(struct cmeasure *c, uint64_t now,
		       void (*fn)(void *ctx, const struct cmeasure_decision *d),
		       void *ctx);
/* cmeasure_active - number of actions in force */
size_t cmeasure_active(const struct cmeasure *c);
/* cmeasure_action_name, cmeasure_signal_name, cmeasure_outcome_name - for
   events and logs */
const char *cmeasure_action_name(enum cmeasure_action a);
const char *cmeasure_signal_name(enum cmeasure_signal s);
const char *cmeasure_outcome_name(enum cmeasure_outcome o);

#endif
