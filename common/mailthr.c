/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailthr - Williamson's email throttle, shared by policyd and milter
 * SYNOPSIS
 *	See mailthr.h.
 * DESCRIPTION
 *	A thin layer over throttle(3): it turns a mail request into an
 *	identity key and a normalised recipient (mailaddr(3)), applies the
 *	whitelists, own_nets and honeytokens, and maps throttle verdicts to
 *	mail verdicts by the configured mode (or to a pass in observe
 *	mode). Lockouts have a time of their own, kept in a
 *	maillock(3) table beside the throttle: a throttle lockout ends when
 *	the queue drains (26 s with the defaults), while the identity must
 *	stay locked for lockout_min, or honeytoken_ttl after a honeytoken.
 *	The throttle's unlock report is held back while such a lock lives;
 *	the tick reports the lock's end instead. mailthr_save.c keeps both
 *	across restarts.
 *
 *	With a mailshare attached, the throttle and lockout part of each
 *	decision is made in Redis (the same rules, mailshare.c's script);
 *	the whitelists, own_nets and honeytokens stay local, being each
 *	host's configuration. A held request waits here, in a mailwait(3)
 *	heap, for the release time Redis gave it. When Redis fails, the
 *	local throttle and locks decide, at release_interval x nodes, so
 *	that the hosts together still release about one a period.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "mailthr_int.h"

static const char text_defer[] =
	"4.7.1 Too many new recipients from this sender; try again later";
static const char text_reject[] =
	"5.7.1 Sender locked out by the mail throttle; contact the postmaster";
static const char text_hold[] = "sender throttled";

/* mailthr_defaults - mail defaults */
void mailthr_defaults(struct mailthr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->thr.wset_size = 5;
	p->thr.release_ns = 1000000000ULL;
	p->thr.high = 50;
	p->thr.low = 25;
	p->thr.mem_cap = 64u << 20;
	p->thr.max_held = 100000;
	/*
	 * Delay mode: the reply to a new recipient waits for its release
	 * slot. A person's message to 20 new recipients costs about 15 s
	 * (5 fit in the empty working set, then one a second) and no
	 * error; 25 s stays under both Postfix's policy (100 s) and milter
	 * (30 s) command timeouts.
	 */
	p->mode = MAILTHR_MODE_DELAY;
	p->max_delay_ns = 25 * 1000000000ULL;
	p->lockout = MAILTHR_LOCK_HOLD;
	p->id.extension_delim = '+';
	/*
	 * The envelope sender is not in the default order: anyone forges
	 * it at will, so a worm that varies it would get a fresh working
	 * set per message (60 sessions with forged senders passed 360
	 * recipients in 3 s). The client address it cannot choose.
	 */
	p->id.order[0] = MAILADDR_ID_SASL;
	p->id.order[1] = MAILADDR_ID_CLIENT;
	p->id.order[2] = MAILADDR_ID_NONE;
	p->id.v6_prefix = 64;
	p->honeytoken_ttl_ns = 3600 * 1000000000ULL;
	/*
	 * A throttle lockout alone ends once the queue drains below the
	 * low watermark, 26 s later: a serial mass mailer would get about
	 * 3,600 new recipients an hour. An hour's lockout, like sluiced's
	 * quarantine_ttl, leaves it wset_size + high_watermark + 1 = 56.
	 */
	p->lockout_min_ns = 3600 * 1000000000ULL;
}

/* mailthr_check_params - 0, or -1 with a reason */
int mailthr_check_params(const struct mailthr_params *p, const char **why)
{
	if (throttle_check_params(&p->thr, why) < 0)
		return -1;
	if (p->mode > MAILTHR_MODE_DEFER || p->lockout > MAILTHR_LOCK_REJECT) {
		*why = "unknown mode or lockout action";
		return -1;
	}
	if (p->mode == MAILTHR_MODE_DELAY && p->max_delay_ns == 0) {
		*why = "delay mode needs a max_delay above 0";
		return -1;
	}
	if (p->id.v6_prefix < 8 || p->id.v6_prefix > 128) {
		*why = "client IPv6 prefix must be from 8 to 128";
		return -1;
	}
	return 0;
}

/* throttle_cb - forward throttle reports with the identity text */
static void throttle_cb(void *ctx, const void *key, uint64_t cookie,
			enum throttle_why why)
{
	struct mailthr *m = ctx;

	/* A lockout of our own outlives the throttle's: its end is told
	   by the tick when its time is over. */
	if (why == THROTTLE_UNLOCKED && maillock_live(m->locks, key, m->now,
						      NULL))
		return;
	if (m->fn)
		m->fn(m->ctx, key, cookie, why);
}

/* mailthr_create - NULL with errno */
struct mailthr *mailthr_create(const struct mailthr_params *p,
			       const uint8_t seed[16], mailthr_fn *fn, void *ctx)
{
	struct mailthr *m;
	const char *why;

	if (mailthr_check_params(p, &why) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->p = *p;
	m->fn = fn;
	m->ctx = ctx;
	m->thr = throttle_create(&p->thr, MAILADDR_IDENT_MAX, seed, throttle_cb, m);
	m->locks = maillock_create(LOCK_TAB_BYTES, seed);
	if (m->thr == NULL || m->locks == NULL) {
		int saved = errno;

		mailthr_free(m);
		errno = saved;
		return NULL;
	}
	return m;
}

/* mailthr_free - accepts NULL */
void mailthr_free(struct mailthr *m)
{
	if (m == NULL)
		return;
	throttle_free(m->thr);
	maillock_free(m->locks);
	mailwait_free(m->waits);
	free(m);
}

/* local_params - the local throttle's: with a share, it stands in
   for all the nodes, so each releases 1/nodes of the rate */
static struct throttle_params local_params(const struct mailthr *m,
					   const struct mailthr_params *p)
{
	struct throttle_params t = p->thr;
	uint64_t max = 3600 * 1000000000ULL;

	if (m->share) {
		t.release_ns *= mailshare_nodes(m->share);
		if (t.release_ns > max)
			t.release_ns = max;
	}
	return t;
}

/* mailthr_reconfigure - new parameters, state kept */
int mailthr_reconfigure(struct mailthr *m, const struct mailthr_params *p)
{
	struct throttle_params t = local_params(m, p);
	const char *why;

	if (mailthr_check_params(p, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (throttle_reconfigure(m->thr, &t) < 0)
		return -1;
	m->p = *p;
	return 0;
}

/* mailthr_share - decide through Redis while it answers */
int mailthr_share(struct mailthr *m, struct mailshare *s, int sim_clock)
{
	struct throttle_params t;

	if (s && m->waits == NULL &&
	    (m->waits = mailwait_create(m->p.thr.max_held)) == NULL)
		return -1;
	m->share = s;
	m->share_clock = sim_clock;
	t = local_params(m, &m->p);
	return throttle_reconfigure(m->thr, &t);
}

/* in_list - exact (case-insensitive) membership */
static int in_list(char **list, const char *s)
{
	for (; list && *list; list++)
		if (strcasecmp(*list, s) == 0)
			return 1;
	return 0;
}

/* sender_listed - exact address, or "@domain" matching the domain */
static int sender_listed(char **list, const char *sender)
{
	const char *at = strrchr(sender, '@');

	for (; list && *list; list++) {
		if (strcasecmp(*list, sender) == 0)
			return 1;
		if ((*list)[0] == '@' && at && strcasecmp(*list, at) == 0)
			return 1;
	}
	return 0;
}

/* whitelisted - SASL user, sender or client network on a whitelist */
static int whitelisted(const struct mailthr_params *p, const struct mailaddr_req *r)
{
	char norm[MAILADDR_MAX];
	struct sl_addr a;

	if (r->sasl_user && *r->sasl_user && in_list(p->wl_sasl, r->sasl_user))
		return 1;
	if (r->sender && mailaddr_normalise(r->sender, 0, 0, norm,
					sizeof(norm)) == 0 &&
	    sender_listed(p->wl_senders, norm))
		return 1;
	if (p->wl_clients && r->client_addr && addr_parse(r->client_addr, &a) == 0
	    && prefixset_lookup(p->wl_clients, &a, NULL))
		return 1;
	return 0;
}

/* token_match - one form of the recipient against the honeytokens */
static int token_match(char **tokens, const char *rcpt)
{
	for (; tokens && *tokens; tokens++)
		if (fnmatch(*tokens, rcpt, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

/* mailthr_is_honeytoken - match with and without the "+extension": the salt
   often sits in the extension, which normalisation may have dropped */
int mailthr_is_honeytoken(const struct mailthr_params *p, const char *rcpt)
{
	char plain[MAILADDR_MAX];

	if (token_match(p->honeytokens, rcpt))
		return 1;
	if (mailaddr_normalise(rcpt, 1, p->id.extension_delim, plain,
			   sizeof(plain)) == 0 && strcmp(plain, rcpt) != 0)
		return token_match(p->honeytokens, plain);
	return 0;
}

/* lockout_verdict - what a locked-out identity's recipients get */
static enum mailthr_verdict lockout_verdict(struct mailthr *m,
					 struct mailthr_result *out)
{
	if (m->p.lockout == MAILTHR_LOCK_REJECT) {
		out->text = text_reject;
		return out->verdict = MAILTHR_REJECT;
	}
	out->text = text_hold;
	return out->verdict = MAILTHR_HOLD;
}

/* wait_verdict - what a recipient that must wait gets, by mode */
static enum mailthr_verdict wait_verdict(struct mailthr *m,
				      struct mailthr_result *out)
{
	switch (m->p.mode) {
	case MAILTHR_MODE_HOLD:
		out->text = text_hold;
		return out->verdict = MAILTHR_HOLD;
	case MAILTHR_MODE_DELAY:
		out->text = text_defer;	/* if the wait runs out */
		return out->verdict = MAILTHR_WAIT;
	case MAILTHR_MODE_DEFER:
	default:
		out->text = text_defer;
		return out->verdict = MAILTHR_DEFER;
	}
}

/* own_sender - SASL-authenticated, in own_nets, or without a client
   address (local submission: the conservative side is to throttle) */
static int own_sender(const struct mailthr *m, const struct mailaddr_req *r)
{
	if (m->p.own_nets == NULL || (r->sasl_user && *r->sasl_user))
		return 1;
	if (r->client_addr == NULL || *r->client_addr == 0)
		return 1;
	return mailaddr_in_networks(m->p.own_nets, r->client_addr);
}

/* honeytoken - hold, ask for quarantine, lock an own sender out */
static enum mailthr_verdict honeytoken(struct mailthr *m, const struct mailaddr_req *r,
				    uint64_t now, struct mailthr_result *out)
{
	out->event = MAILTHR_EV_HONEYTOKEN;
	if (out->whitelisted)
		return out->verdict = MAILTHR_PASS;
	out->quarantine_client = r->client_addr && *r->client_addr;
	out->outside = !own_sender(m, r);
	if (!out->outside) {	/* no room: the throttle still decides */
		(void)maillock_set(m->locks, out->identity,
				   now + m->p.honeytoken_ttl_ns,
				   MAILLOCK_HONEYTOKEN);
		/* the other hosts too; if Redis fails, this one at least */
		if (m->share)
			(void)mailshare_lock(m->share, &m->p.thr, out->identity,
					     m->p.honeytoken_ttl_ns, now);
	}
	return lockout_verdict(m, out);
}

/* throttled - the working set and delay queue decide */
static enum mailthr_verdict throttled(struct mailthr *m, uint64_t cookie,
				   uint64_t now, struct mailthr_result *out)
{
	struct throttle_info info;
	enum throttle_verdict v;

	v = throttle_contact(m->thr, out->identity, out->recipient,
			     strlen(out->recipient), cookie, now);
	if (throttle_info(m->thr, out->identity, &info) == 0)
		out->queued = info.queued;
	switch (v) {
	case THROTTLE_PASS:
		return out->verdict = MAILTHR_PASS;
	case THROTTLE_HOLD:
		out->event = MAILTHR_EV_DELAYED;
		return wait_verdict(m, out);
	case THROTTLE_LOCKOUT:
		out->event = MAILTHR_EV_LOCKOUT;
		if (m->p.lockout_min_ns)
			(void)maillock_set(m->locks, out->identity,
					   now + m->p.lockout_min_ns,
					   MAILLOCK_LOCKOUT);
		return lockout_verdict(m, out);
	case THROTTLE_LOCKED:
		return lockout_verdict(m, out);
	case THROTTLE_FULL:
	default:
		/* No room to hold it: fail open, as the network side does. */
		return out->verdict = MAILTHR_PASS;
	}
}

/* apply_shared - the verdict of the shared throttle, as the local one's */
static void apply_shared(struct mailthr *m, uint64_t cookie, uint64_t now,
			 const struct mailshare_verdict *sv,
			 struct mailthr_result *out)
{
	/* a lockout time answers before the throttle: no queue told */
	out->queued = sv->lock_live ? 0 : sv->queued;
	switch (sv->v) {
	case THROTTLE_PASS:
		out->verdict = MAILTHR_PASS;
		break;
	case THROTTLE_HOLD:
		out->event = MAILTHR_EV_DELAYED;
		/* no room to keep it waiting: fail open, as THROTTLE_FULL */
		if (mailwait_add(m->waits, out->identity, cookie,
				 now + sv->wait_ns) < 0)
			out->verdict = MAILTHR_PASS;
		else
			wait_verdict(m, out);
		break;
	case THROTTLE_LOCKOUT:
		out->event = MAILTHR_EV_LOCKOUT;
		m->c.shared_lockouts++;
		lockout_verdict(m, out);
		break;
	default:
		lockout_verdict(m, out);
		break;
	}
}

/* share_clock - Redis's clock (0), or the caller's now in tests */
static uint64_t share_clock(const struct mailthr *m, uint64_t now)
{
	return m->share_clock ? now / 1000000 : 0;
}

/* local - the local throttle and lockouts decide */
static enum mailthr_verdict local(struct mailthr *m, uint64_t cookie,
				  uint64_t now, struct mailthr_result *out)
{
	if (maillock_live(m->locks, out->identity, now, NULL))
		return lockout_verdict(m, out);
	return throttled(m, cookie, now, out);
}

/* pre - what each host decides alone (addresses, whitelists,
   honeytokens, own senders): 1 if the throttle must decide, 0 with
   out->verdict final */
static int pre(struct mailthr *m, const struct mailaddr_req *r, uint64_t now,
	       struct mailthr_result *out)
{
	memset(out, 0, sizeof(*out));
	out->verdict = MAILTHR_PASS;
	if (now > m->now)
		m->now = now;
	if (mailaddr_normalise(r->recipient, m->p.id.strip_extension,
			   m->p.id.extension_delim, out->recipient,
			   sizeof(out->recipient)) < 0) {
		out->event = MAILTHR_EV_MALFORMED;
		return 0;
	}
	if (mailaddr_identity(&m->p.id, r, out->identity) == MAILADDR_ID_NONE)
		return 0;
	out->whitelisted = whitelisted(&m->p, r);
	if (mailthr_is_honeytoken(&m->p, out->recipient)) {
		honeytoken(m, r, now, out);
		return 0;
	}
	if (out->whitelisted)
		return 0;
	if (!own_sender(m, r)) {
		out->outside = 1;
		m->c.outside++;
		return 0;
	}
	return 1;
}

/* decide - one recipient, enforcing: Redis first if shared */
static enum mailthr_verdict decide(struct mailthr *m, const struct mailaddr_req *r,
				uint64_t cookie, uint64_t now,
				struct mailthr_result *out)
{
	struct mailshare_verdict sv;

	if (!pre(m, r, now, out))
		return out->verdict;
	if (m->share && mailshare_decide(m->share, &m->p.thr,
					 m->p.lockout_min_ns, out->identity,
					 out->recipient, now,
					 share_clock(m, now), &sv) == 0) {
		apply_shared(m, cookie, now, &sv, out);
		return out->verdict;
	}
	return local(m, cookie, now, out);
}

/* lock_over - a lockout's time is over: say so, unless the throttle
   still holds the identity (its own unlock will tell) */
static void lock_over(void *ctx, const char *identity)
{
	struct mailthr *m = ctx;
	struct throttle_info info;

	if (throttle_info(m->thr, identity, &info) == 0 && info.locked)
		return;
	if (m->fn)
		m->fn(m->ctx, identity, 0, THROTTLE_UNLOCKED);
}

/* observed - observe mode: pass, and count what would have been */
static enum mailthr_verdict observed(struct mailthr *m, struct mailthr_result *out)
{
	uint64_t *c[] = { [MAILTHR_WAIT] = &m->c.would_delay,
			  [MAILTHR_HOLD] = &m->c.would_hold,
			  [MAILTHR_DEFER] = &m->c.would_defer,
			  [MAILTHR_REJECT] = &m->c.would_reject };

	if (out->event == MAILTHR_EV_LOCKOUT)
		m->c.would_lockout++;
	if (out->verdict == MAILTHR_PASS)
		return MAILTHR_PASS;
	if ((unsigned)out->verdict < sizeof(c) / sizeof(c[0]) &&
	    c[out->verdict])
		(*c[out->verdict])++;
	out->observe = 1;
	out->would = out->verdict;
	out->quarantine_client = 0;
	out->text = NULL;
	return out->verdict = MAILTHR_PASS;
}

/* mailthr_rcpt - decide one recipient; in observe mode enforce nothing */
enum mailthr_verdict mailthr_rcpt(struct mailthr *m, const struct mailaddr_req *r,
			       uint64_t cookie, uint64_t now,
			       struct mailthr_result *out)
{
	enum mailthr_verdict v = decide(m, r, cookie, now, out);

	return m->p.observe ? observed(m, out) : v;
}

/* mailthr_rcpt_begin - the local part; 1: the shared throttle must
   decide (mailthr_rcpt_end), 0: out is final */
int mailthr_rcpt_begin(struct mailthr *m, const struct mailaddr_req *r,
		       uint64_t cookie, uint64_t now, struct mailthr_result *out)
{
	if (pre(m, r, now, out)) {
		if (m->share && mailshare_wants(m->share, now))
			return 1;
		local(m, cookie, now, out);
	}
	if (m->p.observe)
		observed(m, out);
	return 0;
}

/* mailthr_rcpt_end - the shared verdict (NULL: Redis failed, decide
   locally) completes a decision mailthr_rcpt_begin left open */
enum mailthr_verdict mailthr_rcpt_end(struct mailthr *m, uint64_t cookie,
				      uint64_t now,
				      const struct mailshare_verdict *sv,
				      struct mailthr_result *out)
{
	if (sv)
		apply_shared(m, cookie, now, sv, out);
	else
		local(m, cookie, now, out);
	return m->p.observe ? observed(m, out) : out->verdict;
}

/* mailthr_shared - the share attached, or NULL */
struct mailshare *mailthr_shared(const struct mailthr *m)
{
	return m->share;
}

/* mailthr_share_clock - the clock a shared decision of now uses */
uint64_t mailthr_share_clock(const struct mailthr *m, uint64_t now)
{
	return share_clock(m, now);
}

/* mailthr_params_of - the parameters in force */
const struct mailthr_params *mailthr_params_of(const struct mailthr *m)
{
	return &m->p;
}

/* waited - a request held for Redis's release time: its turn */
static void waited(void *ctx, const char *identity, uint64_t cookie)
{
	struct mailthr *m = ctx;

	if (m->fn)
		m->fn(m->ctx, identity, cookie, THROTTLE_RELEASED);
}

/* mailthr_tick - releases due by now; ended lockouts once a second */
size_t mailthr_tick(struct mailthr *m, uint64_t now)
{
	size_t n = 0;

	if (now > m->now)
		m->now = now;
	if (now >= m->next_sweep) {
		maillock_expire(m->locks, now, lock_over, m);
		m->next_sweep = now + LOCK_SWEEP_NS;
	}
	if (m->waits)
		n = mailwait_due(m->waits, now, waited, m);
	return n + throttle_tick(m->thr, now);
}

/* mailthr_next - now of the next due release, or lock sweep */
uint64_t mailthr_next(const struct mailthr *m)
{
	uint64_t t = throttle_next(m->thr);

	if (m->waits && mailwait_next(m->waits) < t)
		t = mailwait_next(m->waits);
	if (maillock_count(m->locks) > 0 && m->next_sweep < t)
		t = m->next_sweep;
	return t;
}

/* ident_key - a NUL-padded key from an identity text; -1 if too long */
static int ident_key(const char *identity, char key[MAILADDR_IDENT_MAX])
{
	size_t n = strlen(identity);

	if (n >= MAILADDR_IDENT_MAX)
		return -1;
	memset(key, 0, MAILADDR_IDENT_MAX);
	memcpy(key, identity, n);
	return 0;
}

/* mailthr_release - operator: unlock identity and release its queue */
int mailthr_release(struct mailthr *m, const char *identity)
{
	char key[MAILADDR_IDENT_MAX];
	int found = 0;

	if (ident_key(identity, key) < 0)
		return -1;
	if (maillock_del(m->locks, key) == 0)
		found = 1;
	if (throttle_unlock(m->thr, key) == 0)
		found = 1;
	throttle_flush(m->thr, key, 0);
	if (m->share && mailshare_release(m->share, &m->p.thr, key,
					  m->now) > 0)
		found = 1;
	if (m->waits && mailwait_flush(m->waits, key, waited, m) > 0)
		found = 1;
	return found ? 0 : -1;
}

struct walk_ctx {
	const struct mailthr *m;
	int (*fn)(void *ctx, const char *identity,
		  const struct throttle_info *info);
	void *ctx;
	int stop;
};

/* walk_one - keys are NUL-padded texts; a live lock of ours is locked */
static int walk_one(void *ctx, const void *key, const struct throttle_info *info)
{
	struct walk_ctx *w = ctx;
	struct throttle_info i = *info;

	if (!i.locked && maillock_live(w->m->locks, key, w->m->now, NULL))
		i.locked = 1;
	return w->stop = w->fn(w->ctx, key, &i);
}

/* walk_lock - an identity locked out with no throttle state (a
   honeytoken before any other mail, or forgotten by the throttle) */
static int walk_lock(void *ctx, const char *identity, uint64_t until,
		     enum maillock_why why)
{
	struct walk_ctx *w = ctx;
	struct throttle_info i = { 0 };

	(void)why;
	if (until <= w->m->now || throttle_info(w->m->thr, identity, &i) == 0)
		return 0;
	i.locked = 1;
	return w->stop = w->fn(w->ctx, identity, &i);
}

/* mailthr_walk - identities with state */
void mailthr_walk(const struct mailthr *m,
		  int (*fn)(void *ctx, const char *identity,
			    const struct throttle_info *info), void *ctx)
{
	struct walk_ctx w = { m, fn, ctx, 0 };

	throttle_walk(m->thr, walk_one, &w);
	if (!w.stop)
		maillock_walk(m->locks, walk_lock, &w);
}

/* count_lock - a live lock the throttle does not count as locked */
static int count_lock(void *ctx, const char *identity, uint64_t until,
		      enum maillock_why why)
{
	struct walk_ctx *w = ctx;
	struct throttle_info i;

	(void)why;
	if (until > w->m->now && (throttle_info(w->m->thr, identity, &i) < 0
				  || !i.locked))
		(*(size_t *)w->ctx)++;
	return 0;
}

/* mailthr_stats - the throttle's counters; locked counts our locks too */
void mailthr_stats(const struct mailthr *m, struct throttle_stats *out)
{
	size_t more = 0;
	struct walk_ctx w = { m, NULL, &more, 0 };

	throttle_stats(m->thr, out);
	maillock_walk(m->locks, count_lock, &w);
	out->locked += more;
}

/* mailthr_counters - the mail layer's own counters, added to *out */
void mailthr_counters(const struct mailthr *m, struct mailthr_counters *out)
{
	out->outside += m->c.outside;
	out->would_delay += m->c.would_delay;
	out->would_hold += m->c.would_hold;
	out->would_defer += m->c.would_defer;
	out->would_reject += m->c.would_reject;
	out->would_lockout += m->c.would_lockout;
	out->shared_lockouts += m->c.shared_lockouts;
}
