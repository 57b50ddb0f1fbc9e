/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_app - the email throttle behind the policy protocol
 * DESCRIPTION
 *	See policy_app.h. The request id the server gives each request is
 *	the throttle cookie: a released cookie either answers a waiting
 *	connection (delay mode) or counts towards releasing a held
 *	message (hold mode); an id whose connection has gone is ignored,
 *	which is what Postfix expects of a policy server it hung up on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "atomicfile.h"
#include "clock.h"
#include "ctl.h"
#include "daemon.h"
#include "mailev.h"
#include "mailnotify.h"
#include "mailquar.h"
#include "mailpriv.h"
#include "mailrelease.h"
#include "mailshare.h"
#include "policy_app.h"
#include "policy_held.h"

#define HELD_MAX 100000
#define BATCH_MAX MAILSHARE_BATCH
#define FIELD_MAX 512		/* of a request field kept for a batch */

/* a recipient waiting in the batch for its shared decision, with the
   request fields its events and held-mail record need */
struct pend {
	uint64_t id;
	struct mailthr_result res;
	char client[FIELD_MAX], sender[FIELD_MAX], sasl[FIELD_MAX];
	char queue_id[FIELD_MAX], instance[FIELD_MAX], recipient[FIELD_MAX];
};
#define STATE_FILE "policyd.state"
#define HELD_FILE "policyd.held"

struct policy_app {
	struct policy_conf *conf;
	struct mailthr *mt;
	struct mailshare *share;	/* [core] redis; NULL = none */
	struct pend *pend;		/* the batch for Redis, BATCH_MAX */
	size_t npend;
	struct policy_server *srv;
	struct policy_held *held;
	struct mailrelease *rel;
	struct mailpriv *priv;		/* root's helper, or NULL: fork */
	mailrelease_claim_fn *claim;	/* policy_app_reap's caller's */
	void *claim_ctx;
	struct mailev *events;
	void (*follow)(void *ctx, const char *json, const char *text);
	void *follow_ctx;		/* the operator socket's followers */
	uint64_t next_expire;		/* of held messages */
	struct policy_app_stats st;
};

/* emit - one event about a request (q may be NULL) */
static void emit(struct policy_app *a, const char *type, const char *verdict,
		 const struct policy_req *q, const struct mailthr_result *res,
		 const struct event_field *x, size_t nx)
{
	struct mailev_about ab = { .res = res };

	if (q) {
		ab.client = q->client_address;
		ab.sender = q->sender;
		ab.sasl = q->sasl_username;
		ab.queue_id = q->queue_id;
	}
	if (mailev_emit(a->events, sl_monotonic_ns(), type, verdict, &ab, x,
			nx) < 0)
		daemon_log(LOG_WARNING, "event log: %s; events are counted as "
			   "lost (status events_lost) until it takes them again",
			   strerror(errno));
}

/* quarantine - ask sluiced to quarantine a honeytoken sender's client;
   the answer for the event */
static const char *quarantine(struct policy_app *a, const char *client)
{
	const struct policy_conf *c = a->conf;
	const char *r = mailquar_request(&c->mail, &c->core, client);

	if (strcmp(r, "requested") == 0)
		a->st.quarantines++;
	return r;
}

/* note - events and quarantines for one decision */
static void note(struct policy_app *a, const struct policy_req *q,
		 const struct mailthr_result *res)
{
	static const char *const types[] = {
		[MAILTHR_EV_DELAYED] = "throttle", [MAILTHR_EV_LOCKOUT] = "lockout",
		[MAILTHR_EV_HONEYTOKEN] = "honeytoken",
		[MAILTHR_EV_MALFORMED] = "malformed",
	};
	struct event_field x[1] = { EF_S("recipient_raw", q->recipient) };
	const char *verdict = mailev_verdict(res->verdict);

	switch (res->event) {
	case MAILTHR_EV_NONE:
		return;
	case MAILTHR_EV_LOCKOUT:
		a->st.lockouts++;
		if (res->verdict == MAILTHR_HOLD)
			mailnotify_held(&a->conf->mail, "sluice-policyd",
					res->identity, "locked out");
		break;
	case MAILTHR_EV_HONEYTOKEN:
		a->st.honeytokens++;
		if (res->verdict == MAILTHR_HOLD && !res->whitelisted)
			mailnotify_held(&a->conf->mail, "sluice-policyd",
					res->identity, "honeytoken recipient");
		x[0] = (struct event_field)EF_S("client_quarantine",
			res->whitelisted ? "whitelisted" :
			res->observe ? "observe" : res->quarantine_client ?
			quarantine(a, q->client_address) : "no client");
		emit(a, types[res->event], verdict, q, res, x, 1);
		return;
	case MAILTHR_EV_MALFORMED:
		a->st.malformed++;
		emit(a, types[res->event], verdict, q, res, x, 1);
		return;
	default:
		break;
	}
	emit(a, types[res->event], verdict, q, res, NULL, 0);
}

/* track_hold - remember a held message to release it later */
static void track_hold(struct policy_app *a, const struct policy_req *q,
		       const struct mailthr_result *res, uint64_t id, uint64_t now)
{
	/* Only a queued recipient (hold mode) is released by the throttle;
	   lockouts and honeytokens wait for the operator. */
	uint64_t cookie = res->event == MAILTHR_EV_DELAYED ? id : 0;

	if (policy_held_add(a->held, q->instance, q->queue_id, res->identity,
			    cookie, now) < 0)
		daemon_log(LOG_WARNING, "held message of %s (instance %s) "
		     "not tracked: release it by hand", res->identity,
		     *q->instance ? q->instance : "none");
}

/* answer - count and format the reply for a verdict */
static size_t answer(struct policy_app *a, enum mailthr_verdict v,
		     const char *text, char *reply)
{
	switch (v) {
	case MAILTHR_PASS: a->st.passed++; break;
	case MAILTHR_WAIT: a->st.waited++; break;
	case MAILTHR_HOLD: a->st.held++; break;
	case MAILTHR_DEFER: a->st.deferred++; break;
	case MAILTHR_REJECT: a->st.rejected++; break;
	}
	return policy_action(reply, POLICY_REPLY_MAX, v, text);
}

/* decided - events, held mail and the reply of a decided recipient;
   a WAIT stays pending with the fallback reply until its release */
static enum policy_answer decided(struct policy_app *a, const struct policy_req *q,
				  struct mailthr_result *res,
				  enum mailthr_verdict v, uint64_t id,
				  uint64_t now, char *reply, size_t *rlen,
				  uint64_t *deadline)
{
	note(a, q, res);
	if (v == MAILTHR_HOLD)
		track_hold(a, q, res, id, now);
	*rlen = answer(a, v, res->text, reply);
	if (v != MAILTHR_WAIT)
		return POLICY_ANSWERED;
	/* the fallback, sent if the release slot is not reached in time */
	*rlen = policy_action(reply, POLICY_REPLY_MAX, MAILTHR_DEFER, res->text);
	*deadline = now + a->conf->params.max_delay_ns;
	return POLICY_PENDING;
}

/* keep - a request field into a batch entry (cut at FIELD_MAX) */
static void keep(char *dst, const char *src)
{
	snprintf(dst, FIELD_MAX, "%s", src ? src : "");
}

/* stash - a recipient for the next batch to Redis */
static void stash(struct policy_app *a, uint64_t id, const struct policy_req *q,
		  const struct mailthr_result *res)
{
	struct pend *p = &a->pend[a->npend++];

	p->id = id;
	p->res = *res;
	keep(p->client, q->client_address);
	keep(p->sender, q->sender);
	keep(p->sasl, q->sasl_username);
	keep(p->queue_id, q->queue_id);
	keep(p->instance, q->instance);
	keep(p->recipient, q->recipient);
}

/* flush - the batch's shared decisions in one round trip (pipelined:
   the requests one wake-up of the loop read from many connections),
   then each recipient's events and reply */
static void flush(struct policy_app *a, uint64_t now)
{
	const struct mailthr_params *mp = mailthr_params_of(a->mt);
	const char *ids[BATCH_MAX], *rcpts[BATCH_MAX];
	struct mailshare_verdict sv[BATCH_MAX];
	char reply[POLICY_REPLY_MAX];
	size_t i, n = a->npend, rlen;
	uint64_t deadline;
	int ok;

	if (n == 0)
		return;
	a->npend = 0;
	for (i = 0; i < n; i++) {
		ids[i] = a->pend[i].res.identity;
		rcpts[i] = a->pend[i].res.recipient;
	}
	ok = mailshare_decide_batch(a->share, &mp->thr, mp->lockout_min_ns, n,
				    ids, rcpts, now,
				    mailthr_share_clock(a->mt, now), sv) == 0;
	for (i = 0; i < n; i++) {
		struct pend *p = &a->pend[i];
		struct policy_req q = {
			.client_address = p->client, .sender = p->sender,
			.sasl_username = p->sasl, .queue_id = p->queue_id,
			.instance = p->instance, .recipient = p->recipient };
		enum mailthr_verdict v = mailthr_rcpt_end(a->mt, p->id, now,
							  ok ? &sv[i] : NULL,
							  &p->res);

		if (decided(a, &q, &p->res, v, p->id, now, reply, &rlen,
			    &deadline) == POLICY_ANSWERED && a->srv)
			(void)policy_server_answer(a->srv, p->id, reply, rlen);
	}
}

/* policy_app_handler - one request; with Redis, a recipient waits for
   the batch of this loop turn (pending, its fallback reply a 4.7.1) */
enum policy_answer policy_app_handler(void *ctx, uint64_t id,
				      const struct policy_req *q,
				      uint64_t now, char *reply, size_t *rlen,
				      uint64_t *deadline)
{
	struct policy_app *a = ctx;
	struct mailaddr_req r = { q->sasl_username, q->sender, q->client_address,
			      q->recipient };
	struct mailthr_result res;
	enum mailthr_verdict v;

	a->st.requests++;
	if (*q->queue_id)
		policy_held_queue_id(a->held, q->instance, q->queue_id);
	if (strcmp(q->protocol_state, "RCPT") != 0) {
		/* END-OF-MESSAGE and others: only the queue id mattered */
		*rlen = policy_reply(reply, POLICY_REPLY_MAX, "DUNNO", NULL);
		return POLICY_ANSWERED;
	}
	a->st.rcpt++;
	if (a->share == NULL) {
		v = mailthr_rcpt(a->mt, &r, id, now, &res);
	} else if (mailthr_rcpt_begin(a->mt, &r, id, now, &res) == 1) {
		if (a->npend == BATCH_MAX)
			flush(a, now);
		stash(a, id, q, &res);
		*rlen = policy_action(reply, POLICY_REPLY_MAX, MAILTHR_DEFER, NULL);
		*deadline = now + a->conf->params.max_delay_ns;
		return POLICY_PENDING;
	} else {
		v = res.verdict;
	}
	return decided(a, q, &res, v, id, now, reply, rlen, deadline);
}

/* released - the throttle let a cookie go, or unlocked an identity */
static void released(void *ctx, const char *identity, uint64_t cookie,
		     enum throttle_why why)
{
	struct policy_app *a = ctx;
	char buf[POLICY_REPLY_MAX];
	size_t n;
	if (why == THROTTLE_UNLOCKED) {
		if (mailev_unlock(a->events, sl_monotonic_ns(), identity) < 0)
			daemon_log(LOG_WARNING, "event log: %s",
				   strerror(errno));
		return;
	}
	if (why == THROTTLE_DROPPED)
		n = policy_action(buf, sizeof(buf), MAILTHR_DEFER, NULL);
	else
		n = policy_reply(buf, sizeof(buf), "DUNNO", NULL);
	if (a->srv && policy_server_answer(a->srv, cookie, buf, n) == 0) {
		a->st.released++;
		return;
	}
	if (why != THROTTLE_DROPPED && policy_held_cookie(a->held, cookie))
		a->st.released++;
}

/* rel_run - the due ids to postsuper: through the privileged helper
   once root is given up, else in a child of our own; logged if not */
static void rel_run(struct policy_app *a)
{
	int r;

	if (mailrelease_pending(a->rel) == 0)
		return;
	r = mailpriv_release(a->priv, a->rel);
	if (r < 0 && errno != EAGAIN)
		daemon_log(LOG_WARNING, "postsuper: %s%s", strerror(errno),
			   a->priv && errno == EPIPE ? " (the release "
			   "helper is gone: restart sluice-policyd)" : "");
}

/* policy_app_privsep - release through helper p from now on (taken) */
void policy_app_privsep(struct policy_app *a, struct mailpriv *p)
{
	a->priv = p;
}

/* due - a held message may go: postsuper -H in the next batch */
static void due(void *ctx, const char *queue_id, const char *identity)
{
	struct policy_app *a = ctx;

	if (mailpriv_queue(a->priv, a->rel, queue_id) < 0)
		daemon_log(LOG_WARNING, "cannot release %s of %s",
			   queue_id, identity);
}

/* policy_app_create - throttle, registry, releaser, event sink */
struct policy_app *policy_app_create(struct policy_conf *conf,
				     const uint8_t seed[16])
{
	struct policy_app *a = calloc(1, sizeof(*a));
	int saved;

	if (a == NULL)
		return NULL;
	a->conf = conf;
	a->mt = mailthr_create(&conf->params, seed, released, a);
	a->held = policy_held_create(HELD_MAX, due, a);
	a->rel = mailrelease_create(conf->mail.postsuper,
				    conf->mail.postfix_config_directory);
	if ((a->events = mailev_open(conf->core.events,
				     conf->core.syslog_events)) == NULL)
		daemon_log(LOG_ERR, "event log %s: %s", conf->core.events,
		     strerror(errno));
	if (a->mt && a->held && a->rel && a->events)
		return a;
	saved = errno;
	a->conf = NULL;		/* the caller keeps conf on failure */
	policy_app_free(a);
	errno = saved;
	return NULL;
}

/* policy_app_share - [core] redis: decide through it; 0, or -1 with err */
int policy_app_share(struct policy_app *a, char *err, size_t errlen)
{
	a->share = mailshare_open(&a->conf->core,
				  a->conf->params.thr.release_ns, err, errlen);
	if (a->share == NULL)
		return *err ? -1 : 0;
	if ((a->pend = calloc(BATCH_MAX, sizeof(*a->pend))) == NULL ||
	    mailthr_share(a->mt, a->share, 0) < 0) {
		snprintf(err, errlen, "redis: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* policy_app_shared - the Redis share, or NULL */
struct mailshare *policy_app_shared(const struct policy_app *a)
{
	return a->share;
}

/* policy_app_free - accepts NULL */
void policy_app_free(struct policy_app *a)
{
	if (a == NULL)
		return;
	mailthr_free(a->mt);
	mailshare_free(a->share);
	free(a->pend);
	policy_held_free(a->held);
	mailrelease_free(a->rel);
	mailpriv_free(a->priv);
	mailev_close(a->events);
	policy_conf_free(a->conf);
	free(a);
}

/* malformed - a request the server could not parse: its event */
static void malformed(void *ctx, const char *peer, const char *why)
{
	struct policy_app *a = ctx;
	struct event_field x[] = { EF_S("peer", peer), EF_S("reason", why) };

	emit(a, "malformed", NULL, NULL, NULL, x, 2);
}

/* policy_app_attach - the server the app answers through */
void policy_app_attach(struct policy_app *a, struct policy_server *s)
{
	a->srv = s;
	policy_server_on_malformed(s, malformed);
}

/* policy_app_tick - releases and housekeeping */
void policy_app_tick(struct policy_app *a, uint64_t now)
{
	flush(a, now);
	mailthr_tick(a->mt, now);
	/* a walk over every held message: once a second, not per wake-up */
	if (now >= a->next_expire) {
		policy_held_expire(a->held, now, a->conf->held_ttl);
		a->next_expire = now + NS_PER_SEC;
	}
	rel_run(a);
}

/* policy_app_next - the now of the next release */
uint64_t policy_app_next(const struct policy_app *a)
{
	if (a->npend > 0)
		return 0;	/* the batch goes at once */
	return mailthr_next(a->mt);
}

/* policy_app_reconfigure - new configuration, state kept */
int policy_app_reconfigure(struct policy_app *a, struct policy_conf *conf)
{
	struct mailev *ev;
	struct mailrelease *rel;

	if (mailthr_reconfigure(a->mt, &conf->params) < 0)
		goto fail;
	if ((ev = mailev_open(conf->core.events,
			      conf->core.syslog_events)) == NULL) {
		daemon_log(LOG_ERR, "event log %s: %s", conf->core.events,
		     strerror(errno));
		goto fail;
	}
	rel = mailrelease_create(conf->mail.postsuper,
				 conf->mail.postfix_config_directory);
	if (rel == NULL) {
		mailev_close(ev);
		goto fail;
	}
	rel_run(a);	/* what was due goes out first */
	mailrelease_free(a->rel);
	a->rel = rel;
	mailev_close(a->events);
	a->events = ev;
	mailev_follow(ev, a->follow, a->follow_ctx);
	policy_conf_free(a->conf);
	a->conf = conf;
	return 0;
fail:
	/* mailthr borrowed conf's lists: keep the old parameters */
	mailthr_reconfigure(a->mt, &a->conf->params);
	policy_conf_free(conf);
	return -1;
}

/* policy_app_conf - the configuration in force */
const struct policy_conf *policy_app_conf(const struct policy_app *a)
{
	return a->conf;
}

/* save_one - write dir/name through a temporary file and rename */
static int save_one(const char *dir, const char *name, atomicfile_fn *fn,
		    void *obj)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return atomicfile_write(path, 0600, fn, obj);
}

/* save_mt - save_one's writer for the throttle */
static int save_mt(FILE *fp, void *o)
{
	return mailthr_save(o, fp);
}

/* save_held - save_one's writer for the held messages */
static int save_held(FILE *fp, void *o)
{
	return policy_held_save(o, fp);
}

/* policy_app_save - throttle state and held messages */
int policy_app_save(struct policy_app *a, const char *dir)
{
	if (save_one(dir, STATE_FILE, save_mt, a->mt) < 0 ||
	    save_one(dir, HELD_FILE, save_held, a->held) < 0)
		return -1;
	return 0;
}

struct load_ctx {
	struct policy_app *a;
	uint64_t now;
};

/* load_mt - atomicfile_load_fn for the throttle state */
static int load_mt(FILE *fp, void *ctx)
{
	struct load_ctx *l = ctx;

	return mailthr_load(l->a->mt, fp, l->now);
}

/* load_held - atomicfile_load_fn for the held messages */
static int load_held(FILE *fp, void *ctx)
{
	struct load_ctx *l = ctx;

	return policy_held_load(l->a->held, fp, l->now);
}

/* policy_app_load - each file of dir on its own: a damaged one is
   moved aside and named through warn, the other still loads */
int policy_app_load(struct policy_app *a, const char *dir, uint64_t now,
		    void (*warn)(const char *why))
{
	struct load_ctx l = { a, now };
	char path[4096], why[4096 + 256];
	int bad = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	if (atomicfile_load(path, load_mt, &l, why, sizeof(why)) < 0) {
		warn(why);
		bad = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, HELD_FILE);
	if (atomicfile_load(path, load_held, &l, why, sizeof(why)) < 0) {
		warn(why);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* reap_claim - the helper's end is ours; the caller's child its own */
static int reap_claim(void *ctx, pid_t pid, int st)
{
	struct policy_app *a = ctx;

	if (mailpriv_reap(a->priv, pid, st))
		return 1;
	return a->claim ? a->claim(a->claim_ctx, pid, st) : 0;
}

/* policy_app_reap - collect postsuper children (or the helper's
   replies); the others to claim; a dead helper said at once */
void policy_app_reap(struct policy_app *a, mailrelease_claim_fn *claim,
		     void *ctx)
{
	char why[128];
	int failed;

	a->claim = claim;
	a->claim_ctx = ctx;
	failed = mailrelease_reap_with(a->rel, reap_claim, a);
	if (a->priv)
		failed += mailpriv_replies(a->priv);
	if (failed)
		daemon_log(LOG_WARNING, "%d postsuper run(s) failed", failed);
	if (mailpriv_lost(a->priv, why, sizeof(why)))
		daemon_log(LOG_ERR, "the privileged release helper died (%s): "
			   "held mail is not released until sluice-policyd "
			   "restarts", why);
}

/* policy_app_stats - counters */
void policy_app_stats(const struct policy_app *a, struct policy_app_stats *out)
{
	*out = a->st;
}

/* policy_app_release - operator release of one identity */
int policy_app_release(struct policy_app *a, const char *identity)
{
	int known = mailthr_release(a->mt, identity) == 0;
	size_t n = policy_held_release_identity(a->held, identity);

	rel_run(a);
	return known || n ? (int)n : -1;
}

/* policy_app_held - for the operator */
void policy_app_held(const struct policy_app *a, mailctl_held_fn *fn,
		     void *ctx)
{
	policy_held_each(a->held, fn, ctx);
}

/* policy_app_held_count - messages tracked */
size_t policy_app_held_count(const struct policy_app *a)
{
	return policy_held_count(a->held);
}

/* policy_app_events - the sink in force */
struct mailev *policy_app_events(const struct policy_app *a)
{
	return a->events;
}

/* policy_app_follow - remembered, so a reload's new sink gets it too */
void policy_app_follow(struct policy_app *a,
		       void (*fn)(void *ctx, const char *json,
				  const char *text), void *ctx)
{
	a->follow = fn;
	a->follow_ctx = ctx;
	mailev_follow(a->events, fn, ctx);
}

/* policy_app_walk - identities with state */
void policy_app_walk(const struct policy_app *a,
		     int (*fn)(void *ctx, const char *identity,
			       const struct throttle_info *info), void *ctx)
{
	mailthr_walk(a->mt, fn, ctx);
}

/* policy_app_counters - the mail layer's counters */
void policy_app_counters(const struct policy_app *a,
			 struct mailthr_counters *out)
{
	memset(out, 0, sizeof(*out));
	mailthr_counters(a->mt, out);
}

/* policy_app_throttle_stats - the throttle's counters */
void policy_app_throttle_stats(const struct policy_app *a,
			       struct throttle_stats *out)
{
	mailthr_stats(a->mt, out);
}
