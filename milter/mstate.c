/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mstate - the mail throttle shared by sluice-milter's threads
 * DESCRIPTION
 *	See mstate.h. Lock order: a shard's mutex, then nothing else (the
 *	release callback runs under the shard's mutex and only touches
 *	that shard's tickets). The ticker takes one shard at a time.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>

#include "clock.h"
#include "mstate.h"
#include "siphash.h"

struct mstate_msg {			/* a held message (hold mode) */
	char queue_id[MSTATE_QID_MAX];
	unsigned pending;		/* its tickets not yet released */
};

struct mstate_ticket {
	uint64_t cookie;		/* key in the shard's table */
	pthread_cond_t cond;
	unsigned shard;
	int hold;			/* a hold ticket, not a wait */
	int done;			/* left the queue */
	int released;			/* ... by a release, not a drop */
	struct mstate_msg *msg;		/* committed hold: its message */
	struct mstate_ticket *next;	/* the session's list of holds */
};

struct mstate_shard {
	pthread_mutex_t mu;
	struct mailthr *m;
	GHashTable *tickets;		/* cookie -> ticket, waiting */
	GPtrArray *due;			/* queue ids whose holds all left */
	uint64_t cookies;		/* handed out by this shard */
	uint64_t decisions, contended;	/* recipients; found the lock taken */
	struct mstate *s;		/* the state it belongs to */
	GHashTable *opheld;		/* identity -> GPtrArray of queue ids
					   held for the operator */
	unsigned nopheld;
} __attribute__((aligned(64)));		/* no false sharing of mutexes */

struct mstate {
	struct mailthr_params p;	/* identity order and v6_prefix */
	unsigned n;
	uint8_t seed[16];
	struct mstate_shard *sh;
	mstate_unlock_fn *unlock;	/* told of unlocks; may be NULL */
	void *unlock_ctx;
	struct mailshare *share;	/* borrowed; NULL = local only */
};

/* ticket_free - a ticket nobody references any more */
static void ticket_free(struct mstate_ticket *t)
{
	pthread_cond_destroy(&t->cond);
	free(t);
}

/* msg_left - one of a held message's tickets left the queue */
static void msg_left(struct mstate_shard *sh, struct mstate_msg *msg)
{
	if (--msg->pending > 0)
		return;
	if (sh->due->len < MSTATE_DUE_MAX)
		g_ptr_array_add(sh->due, g_strdup(msg->queue_id));
	free(msg);
}

/* shard_release - mailthr callback: wake the ticket's waiter, or count
   a held message's ticket out */
static void shard_release(void *ctx, const char *identity, uint64_t cookie,
			  enum throttle_why why)
{
	struct mstate_shard *sh = ctx;
	struct mstate_ticket *t;

	if (cookie == 0) {		/* an unlock: nobody waits for it */
		if (why == THROTTLE_UNLOCKED && sh->s->unlock)
			sh->s->unlock(sh->s->unlock_ctx, identity);
		return;
	}
	t = g_hash_table_lookup(sh->tickets, &cookie);
	if (t == NULL)
		return;			/* its waiter gave up already */
	g_hash_table_remove(sh->tickets, &cookie);
	t->done = 1;
	t->released = why != THROTTLE_DROPPED;
	if (t->msg) {			/* committed: the shard owns it */
		msg_left(sh, t->msg);
		ticket_free(t);
	} else if (!t->hold) {
		pthread_cond_signal(&t->cond);
	}
}

/* mstate_shard_of - keyed hash (seeded at start) of the identity */
unsigned mstate_shard_of(const struct mstate *s, const char *identity)
{
	return (unsigned)(siphash_24(s->seed, identity, strlen(identity)) %
			  s->n);
}

/* mstate_create - n shards over p */
struct mstate *mstate_create(const struct mailthr_params *p, unsigned shards,
			     const uint8_t seed[16])
{
	struct mailthr_params q;
	struct mstate *s;
	unsigned i;

	if (shards == 0 || shards > MSTATE_SHARDS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->p = *p;
	s->n = shards;
	memcpy(s->seed, seed, sizeof(s->seed));
	if (posix_memalign((void **)&s->sh, 64, shards * sizeof(*s->sh))) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	memset(s->sh, 0, shards * sizeof(*s->sh));
	q = mstate_shard_params(p, shards);
	for (i = 0; i < shards; i++) {
		struct mstate_shard *sh = &s->sh[i];

		pthread_mutex_init(&sh->mu, NULL);
		sh->s = s;
		sh->opheld = g_hash_table_new_full(g_str_hash, g_str_equal,
						   g_free, (GDestroyNotify)
						   g_ptr_array_unref);
		sh->tickets = g_hash_table_new(g_int64_hash, g_int64_equal);
		sh->due = g_ptr_array_new_with_free_func(g_free);
		sh->m = mailthr_create(&q, seed, shard_release, sh);
		if (sh->m == NULL) {
			int e = errno;

			s->n = i + 1;
			mstate_free(s);
			errno = e;
			return NULL;
		}
	}
	return s;
}

/* mstate_on_unlock - who hears of identities unlocked */
void mstate_on_unlock(struct mstate *s, mstate_unlock_fn *fn, void *ctx)
{
	s->unlock = fn;
	s->unlock_ctx = ctx;
}

/* drop_committed - free a committed hold ticket (state going away) */
static gboolean drop_committed(gpointer key, gpointer val, gpointer ctx)
{
	struct mstate_ticket *t = val;

	(void)key;
	(void)ctx;
	if (t->msg == NULL)
		return FALSE;		/* a session's: not ours to free */
	if (--t->msg->pending == 0)
		free(t->msg);
	ticket_free(t);
	return TRUE;
}

/* mstate_free - the shards and their throttles */
void mstate_free(struct mstate *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		mailthr_free(s->sh[i].m);
		if (s->sh[i].tickets) {
			g_hash_table_foreach_remove(s->sh[i].tickets,
						    drop_committed, NULL);
			g_hash_table_destroy(s->sh[i].tickets);
		}
		if (s->sh[i].due)
			g_ptr_array_unref(s->sh[i].due);
		if (s->sh[i].opheld)
			g_hash_table_destroy(s->sh[i].opheld);
		pthread_mutex_destroy(&s->sh[i].mu);
	}
	free(s->sh);
	free(s);
}

/* mstate_share - every shard decides through Redis (borrowed) */
int mstate_share(struct mstate *s, struct mailshare *share)
{
	unsigned i;
	int rc = 0;

	s->share = share;
	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		if (mailthr_share(s->sh[i].m, share, 0) < 0)
			rc = -1;
		pthread_mutex_unlock(&s->sh[i].mu);
	}
	return rc;
}

/* mstate_shared - the Redis share, or NULL */
struct mailshare *mstate_shared(const struct mstate *s)
{
	return s->share;
}

/* mstate_reconfigure - each shard in turn, under its own lock */
int mstate_reconfigure(struct mstate *s, const struct mailthr_params *p)
{
	struct mailthr_params q = mstate_shard_params(p, s->n);
	unsigned i;
	int rc = 0;

	/*
	 * What makes an identity must not change under the stored keys,
	 * and the shard of an identity is computed from these fields.
	 */
	q.id = s->p.id;
	s->p.observe = p->observe;
	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		if (mailthr_reconfigure(s->sh[i].m, &q) < 0)
			rc = -1;
		pthread_mutex_unlock(&s->sh[i].mu);
	}
	return rc;
}

/* ticket_new - a ticket for cookie in shard i, registered (locked) */
static struct mstate_ticket *ticket_new(struct mstate_shard *sh, unsigned i,
					uint64_t cookie)
{
	pthread_condattr_t ca;
	struct mstate_ticket *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	t->cookie = cookie;
	t->shard = i;
	g_hash_table_insert(sh->tickets, &t->cookie, t);
	return t;
}

/* shard_lock - take a shard's lock for a decision, counting the times
   another thread had it (the measure of what sharding saves) */
static void shard_lock(struct mstate_shard *sh)
{
	int busy = pthread_mutex_trylock(&sh->mu) != 0;

	if (busy)
		pthread_mutex_lock(&sh->mu);
	sh->decisions++;
	sh->contended += (uint64_t)busy;
}

/* mstate_rcpt - decide under the identity's shard lock */
enum mailthr_verdict mstate_rcpt(struct mstate *s, const struct mailaddr_req *r,
			      uint64_t now, struct mailthr_result *out,
			      struct mstate_ticket **t)
{
	char ident[MAILADDR_IDENT_MAX];
	struct mstate_shard *sh;
	enum mailthr_verdict v;
	uint64_t cookie;
	unsigned i;

	*t = NULL;
	mailaddr_identity(&s->p.id, r, ident);
	i = mstate_shard_of(s, ident);
	sh = &s->sh[i];
	shard_lock(sh);
	/* unique over all shards (the low byte is the shard), never 0,
	   and no shared counter for the threads to fight over */
	cookie = (++sh->cookies << 8) | i;
	v = mailthr_rcpt(sh->m, r, cookie, now, out);
	if (v == MAILTHR_WAIT && (*t = ticket_new(sh, i, cookie)) == NULL)
		v = MAILTHR_PASS;		/* no memory to wait: fail open */
	/* hold mode: the recipient was queued; its message waits for it */
	if (v == MAILTHR_HOLD && out->event == MAILTHR_EV_DELAYED &&
	    (*t = ticket_new(sh, i, cookie)) != NULL)
		(*t)->hold = 1;
	pthread_mutex_unlock(&sh->mu);
	return v;
}

/* mstate_wait - sleep on the ticket until released or deadline */
int mstate_wait(struct mstate *s, struct mstate_ticket *t, uint64_t deadline)
{
	struct mstate_shard *sh = &s->sh[t->shard];
	struct timespec ts;
	int released;

	ts.tv_sec = (time_t)(deadline / NS_PER_SEC);
	ts.tv_nsec = (long)(deadline % NS_PER_SEC);
	pthread_mutex_lock(&sh->mu);
	while (!t->done)
		if (pthread_cond_timedwait(&t->cond, &sh->mu, &ts) == ETIMEDOUT)
			break;
	if (!t->done)
		g_hash_table_remove(sh->tickets, &t->cookie);
	released = t->done && t->released;
	pthread_mutex_unlock(&sh->mu);
	ticket_free(t);
	return released;
}

/* mstate_tick - release what is due, one shard at a time */
size_t mstate_tick(struct mstate *s, uint64_t now)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		n += mailthr_tick(s->sh[i].m, now);
		pthread_mutex_unlock(&s->sh[i].mu);
	}
	return n;
}

/* mstate_next - earliest next release */
uint64_t mstate_next(struct mstate *s)
{
	uint64_t next = UINT64_MAX, t;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		t = mailthr_next(s->sh[i].m);
		pthread_mutex_unlock(&s->sh[i].mu);
		if (t < next)
			next = t;
	}
	return next;
}

/* mstate_stats - sums over the shards */
void mstate_stats(struct mstate *s, struct throttle_stats *out,
		  size_t *waiting)
{
	struct throttle_stats one;
	unsigned i;

	memset(out, 0, sizeof(*out));
	*waiting = 0;
	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		mailthr_stats(s->sh[i].m, &one);
		*waiting += g_hash_table_size(s->sh[i].tickets);
		pthread_mutex_unlock(&s->sh[i].mu);
		out->hosts += one.hosts;
		out->held += one.held;
		out->locked += one.locked;
		out->bytes += one.bytes;
		out->capacity += one.capacity;
		out->passed += one.passed;
		out->holds += one.holds;
		out->releases += one.releases;
		out->lockouts += one.lockouts;
		out->refused += one.refused;
		out->full += one.full;
		out->evictions += one.evictions;
	}
}

/* mstate_hold - a message's hold tickets: the pending ones now wait for
   their release under queue_id; the others are done with */
unsigned mstate_hold(struct mstate *s, struct mstate_ticket *list,
		     const char *queue_id)
{
	struct mstate_ticket *t, *next;
	struct mstate_shard *sh;
	struct mstate_msg *msg;
	unsigned n = 0;

	if (list == NULL)
		return 0;
	sh = &s->sh[list->shard];	/* one message, one identity, one shard */
	msg = calloc(1, sizeof(*msg));
	pthread_mutex_lock(&sh->mu);
	for (t = list; t; t = next) {
		next = t->next;
		if (!t->done && msg && queue_id && *queue_id) {
			t->msg = msg;	/* the shard frees it on release */
			n++;
			continue;
		}
		if (!t->done)
			g_hash_table_remove(sh->tickets, &t->cookie);
		ticket_free(t);
	}
	if (msg && n) {
		msg->pending = n;
		g_strlcpy(msg->queue_id, queue_id, sizeof(msg->queue_id));
	}
	pthread_mutex_unlock(&sh->mu);
	if (n == 0)
		free(msg);
	return n;
}

/* mstate_cancel - the message went away: forget its hold tickets */
void mstate_cancel(struct mstate *s, struct mstate_ticket *list)
{
	mstate_hold(s, list, NULL);
}

/* mstate_pending - hold tickets of a list not yet released */
unsigned mstate_pending(struct mstate *s, struct mstate_ticket *list)
{
	struct mstate_ticket *t;
	unsigned n = 0;

	if (list == NULL)
		return 0;
	pthread_mutex_lock(&s->sh[list->shard].mu);
	for (t = list; t; t = t->next)
		n += !t->done;
	pthread_mutex_unlock(&s->sh[list->shard].mu);
	return n;
}

/* mstate_chain - put hold ticket t at the head of *list */
void mstate_chain(struct mstate_ticket **list, struct mstate_ticket *t)
{
	/* one message has one identity, so one shard: mstate_hold locks
	   that shard alone */
	if (*list && (*list)->shard != t->shard)
		abort();
	t->next = *list;
	*list = t;
}

/* mstate_due - hand every queue id due for release to fn */
size_t mstate_due(struct mstate *s, void (*fn)(void *ctx, const char *qid),
		  void *ctx)
{
	GPtrArray *due;
	size_t n = 0, k;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		if (s->sh[i].due->len == 0) {
			pthread_mutex_unlock(&s->sh[i].mu);
			continue;
		}
		due = s->sh[i].due;
		s->sh[i].due = g_ptr_array_new_with_free_func(g_free);
		pthread_mutex_unlock(&s->sh[i].mu);
		for (k = 0; k < due->len; k++)
			fn(ctx, g_ptr_array_index(due, k));
		n += due->len;
		g_ptr_array_unref(due);
	}
	return n;
}

/* mstate_counters - the mail layer's counters summed over the shards */
void mstate_counters(struct mstate *s, struct mailthr_counters *out)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		mailthr_counters(s->sh[i].m, out);
		pthread_mutex_unlock(&s->sh[i].mu);
	}
}

/* mstate_observe - observe mode is on */
int mstate_observe(const struct mstate *s)
{
	return s->p.observe;
}

/* mstate_contention - decisions so far, and how many found their
   shard's lock taken by another thread */
void mstate_contention(struct mstate *s, uint64_t *decisions,
		       uint64_t *contended)
{
	unsigned i;

	*decisions = *contended = 0;
	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		*decisions += s->sh[i].decisions;
		*contended += s->sh[i].contended;
		pthread_mutex_unlock(&s->sh[i].mu);
	}
}

/* mstate_shards - the shard count */
unsigned mstate_shards(const struct mstate *s)
{
	return s->n;
}

/* mstate_seed - the seed shards are chosen with */
void mstate_seed(const struct mstate *s, uint8_t out[16])
{
	memcpy(out, s->seed, sizeof(s->seed));
}

/* mstate_fork - fork with all shards locked, in order (nobody holds
   two at once otherwise, so the order cannot deadlock) */
pid_t mstate_fork(struct mstate *s)
{
	unsigned i;
	pid_t pid;
	int e;

	for (i = 0; i < s->n; i++)
		pthread_mutex_lock(&s->sh[i].mu);
	pid = fork();
	e = errno;
	/* in the child the copy of this thread unlocks them: glibc's
	   default mutexes do not check the owner */
	for (i = s->n; i-- > 0;)
		pthread_mutex_unlock(&s->sh[i].mu);
	errno = e;
	return pid;
}

/* mstate_with_shard - run fn on shard i's throttle under its lock */
int mstate_with_shard(struct mstate *s, unsigned i,
		      int (*fn)(struct mailthr *m, void *ctx), void *ctx)
{
	int r;

	if (i >= s->n) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&s->sh[i].mu);
	r = fn(s->sh[i].m, ctx);
	pthread_mutex_unlock(&s->sh[i].mu);
	return r;
}

/* mstate_walk - every identity with state, shard by shard (each under
   its lock while fn runs); fn returns non-zero to stop */
void mstate_walk(struct mstate *s, int (*fn)(void *ctx, const char *identity,
		 const struct throttle_info *info), void *ctx)
{
	unsigned i;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		mailthr_walk(s->sh[i].m, fn, ctx);
		pthread_mutex_unlock(&s->sh[i].mu);
	}
}

/* mstate_hold_operator - a message held until the operator releases
   its identity */
int mstate_hold_operator(struct mstate *s, const char *identity,
			 const char *queue_id)
{
	struct mstate_shard *sh = &s->sh[mstate_shard_of(s, identity)];
	GPtrArray *ids;
	int r = -1;

	if (queue_id == NULL || *queue_id == 0)
		return -1;
	pthread_mutex_lock(&sh->mu);
	if (sh->nopheld < MSTATE_OPHELD_MAX) {
		if ((ids = g_hash_table_lookup(sh->opheld, identity)) == NULL) {
			ids = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(sh->opheld, g_strdup(identity), ids);
		}
		g_ptr_array_add(ids, g_strndup(queue_id, MSTATE_QID_MAX - 1));
		sh->nopheld++;
		r = 0;
	}
	pthread_mutex_unlock(&sh->mu);
	return r;
}

/* op_release - the identity's held messages become due; how many */
static int op_release(struct mstate_shard *sh, const char *identity)
{
	GPtrArray *ids = g_hash_table_lookup(sh->opheld, identity);
	unsigned i, n = 0;

	for (i = 0; ids && i < ids->len; i++)
		if (sh->due->len < MSTATE_DUE_MAX) {
			g_ptr_array_add(sh->due, g_strdup(ids->pdata[i]));
			n++;
		}
	if (ids) {
		sh->nopheld -= ids->len;
		g_hash_table_remove(sh->opheld, identity);
	}
	return (int)n;
}

/* mstate_release - operator: unlock identity, release its queue (its
   waiting sessions pass) and the messages held for it */
int mstate_release(struct mstate *s, const char *identity)
{
	struct mstate_shard *sh = &s->sh[mstate_shard_of(s, identity)];
	int r, n;

	pthread_mutex_lock(&sh->mu);
	r = mailthr_release(sh->m, identity);
	n = op_release(sh, identity);
	pthread_mutex_unlock(&sh->mu);
	return r < 0 && n == 0 ? -1 : n;
}

/* mstate_held - every message held for the operator */
void mstate_held(struct mstate *s, void (*fn)(void *ctx, const char *qid,
		 const char *identity, const char *release), void *ctx)
{
	GHashTableIter it;
	gpointer k, v;
	unsigned i, j;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		g_hash_table_iter_init(&it, s->sh[i].opheld);
		while (g_hash_table_iter_next(&it, &k, &v))
			for (j = 0; j < ((GPtrArray *)v)->len; j++)
				fn(ctx, ((GPtrArray *)v)->pdata[j], k,
				   "operator");
		pthread_mutex_unlock(&s->sh[i].mu);
	}
}

/* mstate_held_count - messages held for the operator */
size_t mstate_held_count(struct mstate *s)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		pthread_mutex_lock(&s->sh[i].mu);
		n += s->sh[i].nopheld;
		pthread_mutex_unlock(&s->sh[i].mu);
	}
	return n;
}
