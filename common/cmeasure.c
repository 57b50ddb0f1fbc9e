/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cmeasure - automatic countermeasures: signals in, guarded actions out
 * SYNOPSIS
 *	#include "cmeasure.h"
 * DESCRIPTION
 *	Two bounded hosttabs: per-source scores, and the actions in force
 *	keyed by (action, target, port). A sliding window of the times of
 *	the last rate_cap actions enforces the global cap exactly: an
 *	action may start only if the rate_cap-th most recent one is a
 *	minute old.
 *
 *	The weak signal (no DNS answer behind a contact) is scored apart
 *	and its share is capped just below the lowest enforcing rung, so
 *	any number of such signals alone only ever observes; with a strong
 *	signal it still adds up to that cap.
 *
 *	Operator signals skip the rate cap (it guards against automatic
 *	runaway, not against the operator) but never the whitelist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cmeasure.h"
#include "hosttab.h"

#define CMEASURE_MINUTE (60ULL * 1000000000ULL)
#define CMEASURE_SCORE_MAX 1000000u
#define CMEASURE_RATE_MAX 100000u
#define CMEASURE_BATCH 64
#define CMEASURE_SKEY 17		/* family, 16 address bytes */
#define CMEASURE_AKEY 20	/* action, family, 16 address bytes, port */

struct cmeasure_src {
	uint64_t last;		/* decay applied up to here */
	unsigned strong, weak;
	unsigned signals;	/* 1 << signal of each that scored */
};

struct cmeasure_act {
	uint64_t expires;
	unsigned score;
	uint8_t signal;
	uint8_t dry_run;
};

struct cmeasure {
	struct cmeasure_params p;
	const struct prefixset *wl;
	struct hosttab *src, *act;
	uint64_t *ring;		/* times of the last rate_cap actions */
	unsigned ring_cap, ring_n, ring_head;	/* head = oldest */
	uint8_t seed[16];
};

static const char *const action_names[CMEASURE_ACTION_COUNT] = {
	"observe", "throttle", "quarantine", "block_port", "isolate", "hook",
};
static const char *const signal_names[CMEASURE_SIG_COUNT] = {
	"honeypot", "lockout", "fanout", "nodns", "trw", "honeytoken", "operator",
	"goat", "outbound", "spike",
};

/* cmeasure_defaults - the documented ladder and guards (see cmeasure.h) */
void cmeasure_defaults(struct cmeasure_params *p)
{
	memset(p, 0, sizeof(*p));
	p->weight[CMEASURE_SIG_HONEYPOT] = 100;
	p->weight[CMEASURE_SIG_LOCKOUT] = 100;
	p->weight[CMEASURE_SIG_HONEYTOKEN] = 100;
	p->weight[CMEASURE_SIG_OPERATOR] = 100;
	p->weight[CMEASURE_SIG_FANOUT] = 50;
	p->weight[CMEASURE_SIG_TRW] = 50;
	p->weight[CMEASURE_SIG_NODNS] = 5;
	p->weight[CMEASURE_SIG_GOAT] = 100;
	p->weight[CMEASURE_SIG_OUTBOUND] = 50;
	p->weight[CMEASURE_SIG_SPIKE] = 10;
	p->rung[CMEASURE_THROTTLE] = 10;
	p->rung[CMEASURE_BLOCK_PORT] = 50;
	p->rung[CMEASURE_QUARANTINE] = 100;
	p->ttl_ns[CMEASURE_THROTTLE] = 10 * CMEASURE_MINUTE;
	p->ttl_ns[CMEASURE_QUARANTINE] = 60 * CMEASURE_MINUTE;
	p->ttl_ns[CMEASURE_BLOCK_PORT] = 60 * CMEASURE_MINUTE;
	p->ttl_ns[CMEASURE_ISOLATE] = 60 * CMEASURE_MINUTE;
	p->ttl_ns[CMEASURE_HOOK] = 60 * CMEASURE_MINUTE;
	p->score_decay_ns = 10 * CMEASURE_MINUTE;
	p->rate_cap = 60;
	p->dry_run = 0;
}

/* cmeasure_check_params - 0, or -1 with a reason */
int cmeasure_check_params(const struct cmeasure_params *p, const char **why)
{
	int a, s;

	for (s = 0; s < CMEASURE_SIG_COUNT; s++)
		if (p->weight[s] > CMEASURE_SCORE_MAX)
			return *why = "a signal weight is over 1000000", -1;
	for (a = CMEASURE_THROTTLE; a < CMEASURE_ACTION_COUNT; a++) {
		if (p->rung[a] > CMEASURE_SCORE_MAX)
			return *why = "a rung is over 1000000", -1;
		if (p->rung[a] && p->ttl_ns[a] == 0)
			return *why = "an action that can start needs a TTL above 0", -1;
	}
	if (p->rate_cap == 0 || p->rate_cap > CMEASURE_RATE_MAX)
		return *why = "rate_cap must be from 1 to 100000 actions a minute", -1;
	return 0;
}

/* cmeasure_ring_resize - keep the most recent action times in a new ring */
static int cmeasure_ring_resize(struct cmeasure *c, unsigned cap)
{
	uint64_t *r = calloc(cap, sizeof(*r));
	unsigned keep, i;

	if (r == NULL)
		return -1;
	keep = c->ring_n < cap ? c->ring_n : cap;
	for (i = 0; i < keep; i++)
		r[i] = c->ring[(c->ring_head + c->ring_n - keep + i) % c->ring_cap];
	free(c->ring);
	c->ring = r;
	c->ring_cap = cap;
	c->ring_n = keep;
	c->ring_head = 0;
	return 0;
}

/* cmeasure_create - whitelist is borrowed and may be NULL; NULL on error */
struct cmeasure *cmeasure_create(const struct cmeasure_params *p,
				 size_t mem_cap,
				 const struct prefixset *whitelist)
{
	struct cmeasure *c;
	const char *why;
	size_t i;

	if (cmeasure_check_params(p, &why) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->p = *p;
	c->wl = whitelist;
	/* a random seed: sources choose their addresses, and must not be
	   able to pile them into one hash chain */
	if (getrandom(c->seed, sizeof(c->seed), GRND_NONBLOCK) != sizeof(c->seed))
		for (i = 0; i < sizeof(c->seed); i++)
			c->seed[i] = (uint8_t)(random() >> 3) ^ (uint8_t)((uintptr_t)c >> (i % 8));
	c->src = hosttab_create(CMEASURE_SKEY, sizeof(struct cmeasure_src),
				mem_cap / 2, c->seed);
	c->act = hosttab_create(CMEASURE_AKEY, sizeof(struct cmeasure_act),
				mem_cap / 2, c->seed);
	c->ring_cap = 1;
	c->ring = calloc(1, sizeof(*c->ring));
	if (c->src == NULL || c->act == NULL || c->ring == NULL ||
	    cmeasure_ring_resize(c, p->rate_cap) < 0) {
		cmeasure_free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

/* cmeasure_free - accepts NULL */
void cmeasure_free(struct cmeasure *c)
{
	if (c == NULL)
		return;
	hosttab_free(c->src);
	hosttab_free(c->act);
	free(c->ring);
	free(c);
}

/* cmeasure_reconfigure - new params and whitelist; actions in force kept */
int cmeasure_reconfigure(struct cmeasure *c, const struct cmeasure_params *p,
			 const struct prefixset *whitelist)
{
	const char *why;

	if (cmeasure_check_params(p, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (p->rate_cap != c->ring_cap &&
	    cmeasure_ring_resize(c, p->rate_cap) < 0)
		return -1;
	c->p = *p;
	c->wl = whitelist;
	return 0;
}

/* cmeasure_skey - score table key: family, address */
static void cmeasure_skey(uint8_t k[CMEASURE_SKEY], const struct sl_addr *a)
{
	k[0] = a->family;
	memcpy(k + 1, a->b, 16);
}

/* cmeasure_akey - action table key: action, family, address, port */
static void cmeasure_akey(uint8_t k[CMEASURE_AKEY], enum cmeasure_action act,
			  const struct sl_addr *a, uint16_t port)
{
	k[0] = (uint8_t)act;
	k[1] = a->family;
	memcpy(k + 2, a->b, 16);
	/* only a port block is per port */
	if (act != CMEASURE_BLOCK_PORT)
		port = 0;
	k[18] = (uint8_t)(port >> 8);
	k[19] = (uint8_t)port;
}

/* cmeasure_weak_cap - the most the weak signal may add: below every rung */
static unsigned cmeasure_weak_cap(const struct cmeasure_params *p)
{
	unsigned low = 0;
	int a;

	for (a = CMEASURE_THROTTLE; a < CMEASURE_ACTION_COUNT; a++)
		if (p->rung[a] && (low == 0 || p->rung[a] < low))
			low = p->rung[a];
	return low ? low - 1 : 0;
}

/* cmeasure_decay - halve the score once per score_decay_ns elapsed */
static void cmeasure_decay(const struct cmeasure_params *p,
			   struct cmeasure_src *s, uint64_t now)
{
	uint64_t periods;

	if (p->score_decay_ns == 0 || now <= s->last)
		return;
	periods = (now - s->last) / p->score_decay_ns;
	if (periods >= 32) {
		s->strong = s->weak = 0;
		s->signals = 0;
		s->last = now;
		return;
	}
	s->strong >>= periods;
	s->weak >>= periods;
	if (s->strong == 0 && s->weak == 0)
		s->signals = 0;
	/* keep the remainder so frequent signals still decay */
	s->last += periods * p->score_decay_ns;
}

/* cmeasure_score - add the signal to src's score; the score now, and
   in *signals the signals behind it */
static unsigned cmeasure_score(struct cmeasure *c, enum cmeasure_signal sig,
			       const struct sl_addr *src, uint64_t now,
			       unsigned *signals)
{
	uint8_t k[CMEASURE_SKEY];
	struct cmeasure_src *s;
	unsigned w = c->p.weight[sig], cap = cmeasure_weak_cap(&c->p), weak;
	int created;

	*signals = 1u << sig;
	cmeasure_skey(k, src);
	if ((s = hosttab_put(c->src, k, &created)) == NULL)
		return sig == CMEASURE_SIG_NODNS ? (w < cap ? w : cap) : w;
	if (created)
		s->last = now;
	cmeasure_decay(&c->p, s, now);
	if (sig == CMEASURE_SIG_NODNS)
		s->weak = s->weak + w > cap ? cap : s->weak + w;
	else
		s->strong = s->strong + w > CMEASURE_SCORE_MAX ?
		    CMEASURE_SCORE_MAX : s->strong + w;
	if (w > 0)
		s->signals |= 1u << sig;
	*signals = s->signals;
	weak = s->weak < cap ? s->weak : cap;
	return s->strong + weak;
}

/* cmeasure_pick - the enforcing action with the highest rung the score
   reaches */
static enum cmeasure_action cmeasure_pick(const struct cmeasure_params *p,
					  unsigned score, uint16_t port)
{
	enum cmeasure_action best = CMEASURE_OBSERVE;
	int a;

	for (a = CMEASURE_THROTTLE; a < CMEASURE_ACTION_COUNT; a++) {
		if (p->rung[a] == 0 || score < p->rung[a])
			continue;
		if (a == CMEASURE_BLOCK_PORT && port == 0)
			continue;	/* nothing to block without a port */
		if (best == CMEASURE_OBSERVE || p->rung[a] >= p->rung[best])
			best = (enum cmeasure_action)a;
	}
	return best;
}

/* cmeasure_live - the action entry for key if in force at now */
static const struct cmeasure_act *cmeasure_live(const struct cmeasure *c,
						const uint8_t k[CMEASURE_AKEY],
						uint64_t now)
{
	const struct cmeasure_act *v = hosttab_peek(c->act, k);

	return v && v->expires > now ? v : NULL;
}

/* cmeasure_in_force - the same action, or a quarantine that covers it */
static enum cmeasure_action cmeasure_in_force(const struct cmeasure *c,
					      enum cmeasure_action a,
					      const struct sl_addr *src,
					      uint16_t port, uint64_t now)
{
	uint8_t k[CMEASURE_AKEY];

	cmeasure_akey(k, a, src, port);
	if (cmeasure_live(c, k, now))
		return a;
	if (a == CMEASURE_THROTTLE || a == CMEASURE_BLOCK_PORT) {
		cmeasure_akey(k, CMEASURE_QUARANTINE, src, 0);
		if (cmeasure_live(c, k, now))
			return CMEASURE_QUARANTINE;
	}
	return CMEASURE_OBSERVE;
}

/* cmeasure_rate_ok - may one more action start at now? */
static int cmeasure_rate_ok(const struct cmeasure *c, uint64_t now)
{
	if (c->ring_n < c->ring_cap)
		return 1;
	return now >= c->ring[c->ring_head] + CMEASURE_MINUTE;
}

/* cmeasure_rate_note - remember an action started at now */
static void cmeasure_rate_note(struct cmeasure *c, uint64_t now)
{
	if (c->ring_n < c->ring_cap) {
		c->ring[(c->ring_head + c->ring_n++) % c->ring_cap] = now;
		return;
	}
	c->ring[c->ring_head] = now;
	c->ring_head = (c->ring_head + 1) % c->ring_cap;
}

/* cmeasure_record - put the action in force; -1 if the table is full */
static int cmeasure_record(struct cmeasure *c, struct cmeasure_decision *d)
{
	uint8_t k[CMEASURE_AKEY];
	struct cmeasure_act *v;

	cmeasure_akey(k, d->action, &d->target, d->port);
	/* never evict an action in force: its expiry must be reported */
	if (hosttab_peek(c->act, k) == NULL &&
	    hosttab_count(c->act) >= hosttab_capacity(c->act))
		return -1;
	if ((v = hosttab_put(c->act, k, NULL)) == NULL)
		return -1;
	v->expires = d->expires;
	v->score = d->score;
	v->signal = (uint8_t)d->signal;
	v->dry_run = (uint8_t)d->dry_run;
	return 0;
}

/* cmeasure_signal - decide on one signal from src (port for fan-out) */
void cmeasure_signal(struct cmeasure *c, enum cmeasure_signal sig,
		     const struct sl_addr *src, uint16_t port, uint64_t now,
		     struct cmeasure_decision *out)
{
	enum cmeasure_action forced;

	memset(out, 0, sizeof(*out));
	out->signal = sig;
	out->target = *src;
	out->dry_run = c->p.dry_run;
	out->action = CMEASURE_OBSERVE;
	if ((unsigned)sig >= CMEASURE_SIG_COUNT ||
	    (src->family != 4 && src->family != 6)) {
		out->outcome = CMEASURE_NONE;
		return;
	}
	if (prefixset_lookup(c->wl, src, NULL)) {
		out->outcome = CMEASURE_WHITELISTED;
		return;
	}
	out->score = cmeasure_score(c, sig, src, now, &out->signals);
	out->action = cmeasure_pick(&c->p, out->score, port);
	if (out->action == CMEASURE_OBSERVE) {
		out->outcome = CMEASURE_NONE;
		return;
	}
	if (out->action == CMEASURE_BLOCK_PORT)
		out->port = port;
	forced = cmeasure_in_force(c, out->action, src, port, now);
	if (forced != CMEASURE_OBSERVE) {
		out->action = forced;
		out->outcome = CMEASURE_IN_FORCE;
		return;
	}
	if (sig != CMEASURE_SIG_OPERATOR && !cmeasure_rate_ok(c, now)) {
		out->outcome = CMEASURE_RATE_CAPPED;
		return;
	}
	out->expires = now + c->p.ttl_ns[out->action];
	if (cmeasure_record(c, out) < 0) {
		out->outcome = CMEASURE_RATE_CAPPED;
		return;
	}
	if (sig != CMEASURE_SIG_OPERATOR)
		cmeasure_rate_note(c, now);
	out->outcome = CMEASURE_ACT;
}

/* cmeasure_extend - an action in force lasts until expires */
int cmeasure_extend(struct cmeasure *c, enum cmeasure_action a,
		    const struct sl_addr *src, uint16_t port, uint64_t expires)
{
	uint8_t k[CMEASURE_AKEY];
	struct cmeasure_act *v;

	cmeasure_akey(k, a, src, port);
	if ((v = hosttab_get(c->act, k)) == NULL)
		return -1;
	v->expires = expires;
	return 0;
}

/* cmeasure_lift - end an action early (operator); -1 if none in force */
int cmeasure_lift(struct cmeasure *c, enum cmeasure_action a,
		  const struct sl_addr *src, uint16_t port)
{
	uint8_t k[CMEASURE_AKEY];

	cmeasure_akey(k, a, src, port);
	return hosttab_del(c->act, k);
}

struct cmeasure_reap {
	uint64_t now;
	size_t n;
	uint8_t key[CMEASURE_BATCH][CMEASURE_AKEY];
	struct cmeasure_decision d[CMEASURE_BATCH];
};

/* cmeasure_reap_fn - collect expired actions, a batch at a time */
static int cmeasure_reap_fn(void *ctx, const void *key, void *val)
{
	struct cmeasure_reap *r = ctx;
	const uint8_t *k = key;
	const struct cmeasure_act *v = val;
	struct cmeasure_decision *d;

	if (v->expires > r->now)
		return 0;
	memcpy(r->key[r->n], k, CMEASURE_AKEY);
	d = &r->d[r->n];
	memset(d, 0, sizeof(*d));
	d->outcome = CMEASURE_ACT;
	d->action = (enum cmeasure_action)k[0];
	d->signal = (enum cmeasure_signal)v->signal;
	d->target.family = k[1];
	memcpy(d->target.b, k + 2, 16);
	d->port = (uint16_t)(k[18] << 8 | k[19]);
	d->expires = v->expires;
	d->dry_run = v->dry_run;
	d->score = v->score;
	return ++r->n == CMEASURE_BATCH;
}

/* cmeasure_expire - report and forget every action expired by now; count */
size_t cmeasure_expire(struct cmeasure *c, uint64_t now,
		       void (*fn)(void *ctx, const struct cmeasure_decision *d),
		       void *ctx)
{
	struct cmeasure_reap *r = malloc(sizeof(*r));
	size_t total = 0, i;

	if (r == NULL)
		return 0;
	/* the table cannot change during a walk: collect, then delete */
	do {
		r->now = now;
		r->n = 0;
		hosttab_walk_any(c->act, cmeasure_reap_fn, r);
		for (i = 0; i < r->n; i++) {
			hosttab_del(c->act, r->key[i]);
			if (fn)
				fn(ctx, &r->d[i]);
		}
		total += r->n;
	} while (r->n == CMEASURE_BATCH);
	free(r);
	return total;
}

/* cmeasure_active - number of actions in force (until cmeasure_expire
   reaps them) */
size_t cmeasure_active(const struct cmeasure *c)
{
	return hosttab_count(c->act);
}

/* cmeasure_action_name - for events and logs */
const char *cmeasure_action_name(enum cmeasure_action a)
{
	return (unsigned)a < CMEASURE_ACTION_COUNT ? action_names[a] : "unknown";
}

/* cmeasure_signal_name - for events and logs */
const char *cmeasure_signal_name(enum cmeasure_signal s)
{
	return (unsigned)s < CMEASURE_SIG_COUNT ? signal_names[s] : "unknown";
}

/* cmeasure_outcome_name - for events and logs */
const char *cmeasure_outcome_name(enum cmeasure_outcome o)
{
	static const char *const names[] = {
		"act", "none", "whitelisted", "in_force", "rate_capped",
	};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}
