/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_held - messages put on Postfix's hold queue, and when to release them
 * DESCRIPTION
 *	See policy_held.h. Two GLib hash tables index the same records:
 *	by transaction instance (to learn the queue id) and by throttle
 *	cookie (to count releases). Records are few (held mail only) and
 *	bounded by max; when full, a held message is simply not tracked
 *	and stays on hold for the operator, which is the safe side.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "clock.h"
#include "policy_held.h"

struct held_msg {
	char instance[HELD_INST_MAX];
	char qid[HELD_QID_MAX];
	char identity[MAILADDR_IDENT_MAX];
	unsigned outstanding;	/* throttle cookies not yet released */
	int manual;		/* lockout or honeytoken: operator releases */
	uint64_t created;
};

struct policy_held {
	size_t max;
	policy_held_fn *fn;
	void *ctx;
	GHashTable *by_inst;	/* instance -> struct held_msg (owned) */
	GHashTable *by_cookie;	/* &cookie -> struct held_msg */
};

/* policy_held_create - empty registry */
struct policy_held *policy_held_create(size_t max, policy_held_fn *fn,
				       void *ctx)
{
	struct policy_held *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->max = max;
	h->fn = fn;
	h->ctx = ctx;
	h->by_inst = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	h->by_cookie = g_hash_table_new_full(g_int64_hash, g_int64_equal,
					     g_free, NULL);
	return h;
}

/* policy_held_free - accepts NULL */
void policy_held_free(struct policy_held *h)
{
	if (h == NULL)
		return;
	g_hash_table_destroy(h->by_cookie);
	g_hash_table_destroy(h->by_inst);
	free(h);
}

/* copy_cut - bounded copy */
static void copy_cut(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* msg_forget - drop a record and every cookie pointing at it */
static void msg_forget(struct policy_held *h, struct held_msg *m)
{
	GHashTableIter it;
	gpointer k, v;

	if (m->outstanding) {
		g_hash_table_iter_init(&it, h->by_cookie);
		while (g_hash_table_iter_next(&it, &k, &v))
			if (v == m)
				g_hash_table_iter_remove(&it);
	}
	g_hash_table_remove(h->by_inst, m->instance);
}

/* msg_maybe_due - release a throttle-held message once it can go */
static void msg_maybe_due(struct policy_held *h, struct held_msg *m)
{
	if (m->manual || m->outstanding || m->qid[0] == 0)
		return;
	h->fn(h->ctx, m->qid, m->identity);
	msg_forget(h, m);
}

/* policy_held_add - track a held message */
int policy_held_add(struct policy_held *h, const char *instance,
		    const char *queue_id, const char *identity,
		    uint64_t cookie, uint64_t now)
{
	struct held_msg *m;
	uint64_t *k;

	if (instance == NULL || *instance == 0)
		return -1;	/* cannot match it to a queue id later */
	m = g_hash_table_lookup(h->by_inst, instance);
	if (m == NULL) {
		if (g_hash_table_size(h->by_inst) >= h->max) {
			errno = ENOSPC;
			return -1;
		}
		m = g_new0(struct held_msg, 1);
		copy_cut(m->instance, sizeof(m->instance), instance);
		copy_cut(m->identity, sizeof(m->identity), identity);
		m->created = now;
		g_hash_table_insert(h->by_inst, m->instance, m);
	}
	if (queue_id && *queue_id)
		copy_cut(m->qid, sizeof(m->qid), queue_id);
	if (cookie == 0) {
		m->manual = 1;
		return 0;
	}
	k = g_new(uint64_t, 1);
	*k = cookie;
	if (!g_hash_table_contains(h->by_cookie, k))
		m->outstanding++;
	g_hash_table_replace(h->by_cookie, k, m);
	return 0;
}

/* policy_held_queue_id - learn the queue id, release if due */
void policy_held_queue_id(struct policy_held *h, const char *instance,
			  const char *queue_id)
{
	struct held_msg *m;

	if (!instance || !*instance || !queue_id || !*queue_id)
		return;
	if ((m = g_hash_table_lookup(h->by_inst, instance)) == NULL)
		return;
	copy_cut(m->qid, sizeof(m->qid), queue_id);
	msg_maybe_due(h, m);
}

/* policy_held_cookie - one waiting recipient released */
int policy_held_cookie(struct policy_held *h, uint64_t cookie)
{
	struct held_msg *m = g_hash_table_lookup(h->by_cookie, &cookie);

	if (m == NULL)
		return 0;
	g_hash_table_remove(h->by_cookie, &cookie);
	if (m->outstanding)
		m->outstanding--;
	msg_maybe_due(h, m);
	return 1;
}

/* policy_held_release_identity - operator release */
size_t policy_held_release_identity(struct policy_held *h,
				    const char *identity)
{
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *due = g_ptr_array_new();
	size_t i, n;

	g_hash_table_iter_init(&it, h->by_inst);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct held_msg *m = v;

		if (identity == NULL || strcmp(m->identity, identity) == 0)
			g_ptr_array_add(due, m);
	}
	for (i = n = 0; i < due->len; i++) {
		struct held_msg *m = g_ptr_array_index(due, i);

		m->manual = 0;
		m->outstanding = 0;
		if (m->qid[0]) {
			h->fn(h->ctx, m->qid, m->identity);
			n++;
		}
		msg_forget(h, m);
	}
	g_ptr_array_free(due, TRUE);
	return n;
}

/* policy_held_expire - the queue id of a message never came (the
   client gave up before the queue file was made): forget it */
void policy_held_expire(struct policy_held *h, uint64_t now, uint64_t ttl)
{
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *old = g_ptr_array_new();
	size_t i;

	g_hash_table_iter_init(&it, h->by_inst);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct held_msg *m = v;

		if (m->qid[0] == 0 && sl_since(now, m->created) > ttl)
			g_ptr_array_add(old, m);
	}
	for (i = 0; i < old->len; i++)
		msg_forget(h, g_ptr_array_index(old, i));
	g_ptr_array_free(old, TRUE);
}

/* policy_held_count - messages tracked */
size_t policy_held_count(const struct policy_held *h)
{
	return g_hash_table_size(h->by_inst);
}

/* policy_held_each - for the operator */
void policy_held_each(const struct policy_held *h, mailctl_held_fn *fn,
		      void *ctx)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, h->by_inst);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct held_msg *m = v;

		fn(ctx, m->qid[0] ? m->qid : "-", m->identity,
		   m->manual ? "operator" : "throttle");
	}
}

/* policy_held_save - "sluice-held 2", "M instance qid identity manual"
   and "C cookie instance" lines, "end M C" with their counts (version
   1 had no end line, so a file cut at a line's end went unnoticed);
   fields never hold spaces (Postfix's and ours) */
int policy_held_save(const struct policy_held *h, FILE *fp)
{
	GHashTableIter it;
	gpointer k, v;

	fprintf(fp, "sluice-held 2\n");
	g_hash_table_iter_init(&it, h->by_inst);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct held_msg *m = v;

		fprintf(fp, "M %s %s %s %d\n", m->instance,
			m->qid[0] ? m->qid : "-", m->identity, m->manual);
	}
	g_hash_table_iter_init(&it, h->by_cookie);
	while (g_hash_table_iter_next(&it, &k, &v))
		fprintf(fp, "C %" PRIu64 " %s\n", *(uint64_t *)k,
			((struct held_msg *)v)->instance);
	fprintf(fp, "end %u %u\n", g_hash_table_size(h->by_inst),
		g_hash_table_size(h->by_cookie));
	return ferror(fp) ? -1 : 0;
}

/* msg_load - a saved record, with no cookie yet */
static int msg_load(struct policy_held *h, char **f, uint64_t now)
{
	struct held_msg *m;

	if (g_hash_table_size(h->by_inst) >= h->max ||
	    g_hash_table_contains(h->by_inst, f[1]))
		return -1;
	m = g_new0(struct held_msg, 1);
	copy_cut(m->instance, sizeof(m->instance), f[1]);
	copy_cut(m->qid, sizeof(m->qid), strcmp(f[2], "-") ? f[2] : "");
	copy_cut(m->identity, sizeof(m->identity), f[3]);
	m->manual = strcmp(f[4], "1") == 0;
	m->created = now;
	g_hash_table_insert(h->by_inst, m->instance, m);
	return 0;
}

/* load_line - one saved line back into the registry */
static int load_line(struct policy_held *h, char *line, uint64_t now)
{
	char *f[5], *save = NULL, *t;
	size_t n = 0;
	struct held_msg *m;

	for (t = strtok_r(line, " \n", &save); t && n < 5;
	     t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	if (n == 5 && strcmp(f[0], "M") == 0)
		return msg_load(h, f, now);
	if (n == 3 && strcmp(f[0], "C") == 0) {
		if ((m = g_hash_table_lookup(h->by_inst, f[2])) == NULL)
			return -1;
		return policy_held_add(h, f[2], "", m->identity,
				       strtoull(f[1], NULL, 10), now);
	}
	return -1;
}

/* held_end - "end M C" matches what was read */
static int held_end(const struct policy_held *h, const char *line)
{
	char want[64];

	snprintf(want, sizeof(want), "end %u %u\n", g_hash_table_size(h->by_inst),
		 g_hash_table_size(h->by_cookie));
	return strcmp(line, want) == 0;
}

/* held_read - every line of a version 1 or 2 file into h; 0, or -1 */
static int held_read(struct policy_held *h, FILE *fp, uint64_t now)
{
	char line[HELD_INST_MAX + HELD_QID_MAX + MAILADDR_IDENT_MAX + 64];
	int version, ended = 0;

	if (fgets(line, sizeof(line), fp) == NULL)
		return -1;
	if (strcmp(line, "sluice-held 1\n") == 0)
		version = 1;
	else if (strcmp(line, "sluice-held 2\n") == 0)
		version = 2;
	else
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (ended)
			return -1;	/* nothing after the end */
		if (version == 2 && strncmp(line, "end ", 4) == 0) {
			if (!held_end(h, line))
				return -1;
			ended = 1;
		} else if (load_line(h, line, now) < 0)
			return -1;
	}
	return version == 1 || ended ? 0 : -1;
}

/* policy_held_load - read a saved registry, all or nothing: into a
   fresh one, which takes h's place only once the whole file is read */
int policy_held_load(struct policy_held *h, FILE *fp, uint64_t now)
{
	struct policy_held *t = policy_held_create(h->max, h->fn, h->ctx);
	GHashTable *x;

	if (t == NULL)
		return -1;
	if (held_read(t, fp, now) < 0) {
		policy_held_free(t);
		errno = EINVAL;
		return -1;
	}
	x = h->by_inst, h->by_inst = t->by_inst, t->by_inst = x;
	x = h->by_cookie, h->by_cookie = t->by_cookie, t->by_cookie = x;
	policy_held_free(t);
	return 0;
}
