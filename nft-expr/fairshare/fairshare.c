/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fairshare - fair load sharing per host, and graded containment
 * DESCRIPTION
 *	See fairshare.h. Why guaranteed rates are recomputed as hosts
 *	come and go, rather than left small with HTB's borrowing to do
 *	the sharing: a host under its guaranteed rate is served before
 *	any borrower, so the guarantee is what a flooding neighbour
 *	cannot take, whatever its packets look like; borrowing only
 *	spreads what idle hosts leave. The recomputation is one class
 *	change per host per interface, done at most once a second.
 *
 *	Activity is read from the classes' byte counters, which the
 *	kernel keeps anyway: no per-packet work in sluiced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "clock.h"
#include "daemon.h"
#include "event.h"
#include "fairshare/fairshare.h"
#include "fairshare/fs_alloc.h"
#include "fairshare/fs_nft.h"
#include "fairshare/fs_tc.h"
#include "table/nftrules.h"

#define ERRLEN 512
#define NDEV 2			/* the uplink, the LAN side */
#define MIN_RATE 8000ULL

struct fairshare {
	struct fs_conf c;		/* rates and times; strings not kept */
	struct fs_tc *tc[NDEV];		/* tc[1] NULL without lan_interface */
	uint64_t link[NDEV];
	struct fs_nft_ifs ifs;
	struct fs_nft *nft;
	struct fs_alloc *alloc;
	uint64_t *bytes;		/* [0..bound]: this tick's sums */
	const struct fairshare_ops *ops;
	void *ctx;
	uint64_t now;
	int dirty;			/* rates to recompute */
	struct fairshare_stats st;
};

/* cake_missing - 1 when neither the running kernel nor its modules
   have sch_cake (the name goes into the error) */
static int cake_missing(char *where, size_t len)
{
	struct utsname u;
	struct stat sb;
	char path[512];

	if (stat("/sys/module/sch_cake", &sb) == 0)
		return 0;
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path),
			 "/lib/modules/%s/kernel/net/sched/sch_cake.ko", u.release);
		snprintf(where, len, "%s", path);
		if (stat(path, &sb) == 0)
			return 0;
		strncat(path, ".xz", sizeof(path) - strlen(path) - 1);
		if (stat(path, &sb) == 0)
			return 0;
	}
	return 1;
}

/* method_check - method = cake only where the kernel has it; and
   then not here either: the classes per host, which containment
   needs, are HTB's */
static int method_check(const struct fs_conf *c, char *err, size_t len)
{
	char where[512] = "";

	if (c->method != FS_METHOD_CAKE)
		return 0;
	if (cake_missing(where, sizeof(where)))
		snprintf(err, len, "[fairshare] method = cake: this kernel has no "
			 "sch_cake (no /sys/module/sch_cake, no %s; "
			 "CONFIG_NET_SCH_CAKE is not set): use method = htb, "
			 "which gives each host a class of its own", where);
	else
		snprintf(err, len, "[fairshare] method = cake: sch_cake is there, "
			 "but graded containment needs a class per host, which "
			 "CAKE's dual-srchost does not give: use method = htb");
	return -1;
}

/* share_rates - slot's rates: its weight's part of what uncontained
   hosts share, the link as ceiling; contained: contain_rate both */
static void share_rates(const struct fairshare *f, int dev, unsigned slot,
			struct fs_tc_rates *r)
{
	const struct fs_slot *s = slot ? fs_alloc_slot(f->alloc, slot) : NULL;
	uint64_t link = f->link[dev], weights = 1 + fs_alloc_weights(f->alloc);
	uint64_t pool = link, contained = (uint64_t)f->st.contained * f->c.contain_rate;

	r->weight = s ? s->weight : 1;
	r->ceil = link;
	if (s != NULL && s->contained_until > f->now) {
		r->rate = r->ceil = f->c.contain_rate;
		return;
	}
	pool = contained < link / 2 ? link - contained : link / 2;
	r->rate = pool / weights * r->weight;
	if (r->rate < MIN_RATE)
		r->rate = MIN_RATE;
}

/* dev_host - create or change slot's classes on every interface */
static int dev_host(struct fairshare *f, unsigned slot, int create)
{
	struct fs_tc_rates r;
	char err[ERRLEN];
	int dev;

	for (dev = 0; dev < NDEV; dev++) {
		if (f->tc[dev] == NULL)
			continue;
		share_rates(f, dev, slot, &r);
		if (fs_tc_host(f->tc[dev], slot, &r, create, err, sizeof(err)) < 0) {
			daemon_log(LOG_ERR, "%s", err);
			f->st.errors++;
			return -1;
		}
	}
	return 0;
}

/* count_contained - hosts contained now */
static unsigned count_contained(struct fairshare *f)
{
	unsigned i, n = 0;

	for (i = 1; i <= fs_alloc_bound(f->alloc); i++) {
		const struct fs_slot *s = fs_alloc_slot(f->alloc, i);

		n += s->key.family != 0 && s->contained_until > f->now;
	}
	return n;
}

/* rerate - every host's rates after arrivals, departures, containment */
static void rerate(struct fairshare *f)
{
	unsigned i;

	f->st.contained = count_contained(f);
	(void)dev_host(f, 0, 0);
	for (i = 1; i <= fs_alloc_bound(f->alloc); i++)
		if (fs_alloc_slot(f->alloc, i)->key.family != 0)
			(void)dev_host(f, i, 0);
	f->dirty = 0;
}

/* trees_up - the tree of each interface, slot 0 at its share */
static int trees_up(struct fairshare *f, const struct fs_conf *c, char *err,
		    size_t len)
{
	const char *ifn[NDEV] = { c->interface, c->lan_interface };
	struct fs_tc_rates r;
	int dev;

	f->link[0] = c->rate;
	f->link[1] = c->lan_rate;
	for (dev = 0; dev < NDEV; dev++) {
		if (ifn[dev] == NULL)
			continue;
		if ((f->tc[dev] = fs_tc_open(ifn[dev], err, len)) == NULL)
			return -1;
		share_rates(f, dev, 0, &r);
		if (fs_tc_install(f->tc[dev], f->link[dev], &r, err, len) < 0)
			return -1;
	}
	f->ifs.up = fs_tc_ifindex(f->tc[0]);
	f->ifs.down = f->tc[1] ? fs_tc_ifindex(f->tc[1]) : 0;
	return 0;
}

/* fairshare_open - the trees of c */
struct fairshare *fairshare_open(const struct fs_conf *c,
				 const struct fairshare_ops *ops, void *ctx,
				 char *err, size_t errlen)
{
	struct fairshare *f;
	uint8_t seed[16];

	if (method_check(c, err, errlen) < 0)
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL
	    || getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)
	    || (f->alloc = fs_alloc_create(c->classes, seed)) == NULL
	    || (f->bytes = calloc(c->classes + 1, sizeof(*f->bytes))) == NULL) {
		snprintf(err, errlen, "fairshare: %s", strerror(errno ? errno : ENOMEM));
		fairshare_close(f);
		return NULL;
	}
	f->c = *c;
	f->c.interface = f->c.lan_interface = NULL;
	f->c.rate_text = f->c.lan_rate_text = f->c.contain_rate_text = NULL;
	f->ops = ops;
	f->ctx = ctx;
	if (trees_up(f, c, err, errlen) < 0) {
		fairshare_close(f);
		return NULL;
	}
	return f;
}

/* fairshare_nft - our map and rules into the table's batch */
void fairshare_nft(struct fairshare *f, struct nftrules_conf *nc)
{
	nc->extra = fs_nft_build;
	nc->extra_ctx = &f->ifs;
}

/* fairshare_attach - a socket for the map of table */
int fairshare_attach(struct fairshare *f, const char *table, char *err,
		     size_t errlen)
{
	if ((f->nft = fs_nft_open(table)) == NULL) {
		snprintf(err, errlen, "fairshare: netfilter socket: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* classes_del - slot's classes go from every interface, the slot
   is free */
static void classes_del(struct fairshare *f, unsigned slot)
{
	char err[ERRLEN];
	int dev;

	for (dev = 0; dev < NDEV; dev++)
		if (f->tc[dev] != NULL
		    && fs_tc_host_del(f->tc[dev], slot, err, sizeof(err)) < 0) {
			daemon_log(LOG_WARNING, "%s", err);
			f->st.errors++;
		}
	(void)fs_alloc_release(f->alloc, slot);
}

/* host_drop - slot's map element and classes go */
static void host_drop(struct fairshare *f, unsigned slot)
{
	struct fs_slot *s = fs_alloc_slot(f->alloc, slot);
	char err[ERRLEN];

	if (fs_nft_host(f->nft, &s->key, 0, 0, err, sizeof(err)) < 0) {
		daemon_log(LOG_WARNING, "%s", err);
		f->st.errors++;
	}
	classes_del(f, slot);
	f->st.departures++;
	f->dirty = 1;
}

/* host_add - a class for key (a host the rules saw, or one to
   contain): the least recently active host's slot if all are taken;
   0 if none could be had */
static unsigned host_add(struct fairshare *f, const struct sl_addr *key)
{
	struct sl_addr gone;
	unsigned slot = fs_alloc_find(f->alloc, key), w;
	char err[ERRLEN], shown[ADDR_STRLEN];

	if (slot != 0)
		return slot;
	w = f->ops->weight(f->ctx, key);
	if (fs_alloc_count(f->alloc) == fs_alloc_bound(f->alloc)) {
		/* the victim's kernel state goes before its slot is reused */
		slot = fs_alloc_add(f->alloc, key, w, f->now, &gone);
		if (slot == 0)
			return 0;
		daemon_log(LOG_INFO, "fairshare: %u classes in use: %s takes the "
			   "class of %s, the least recently active",
			   fs_alloc_bound(f->alloc), addr_format(key, shown),
			   addr_format(&gone, err));
		(void)fs_nft_host(f->nft, &gone, 0, 0, err, sizeof(err));
		f->st.evictions++;
		f->st.departures++;
	} else
		slot = fs_alloc_add(f->alloc, key, w, f->now, &gone);
	if (dev_host(f, slot, !gone.family) < 0) {
		classes_del(f, slot);
		return 0;
	}
	if (fs_nft_host(f->nft, key, FS_TC_PRIORITY(slot), 1, err,
			sizeof(err)) < 0) {
		daemon_log(LOG_WARNING, "%s", err);
		f->st.errors++;
		classes_del(f, slot);
		return 0;
	}
	f->st.arrivals++;
	f->dirty = 1;
	return slot;
}

/* on_new - fs_nft_new_fn: a host the rules saw without a class */
static void on_new(void *ctx, const struct sl_addr *a)
{
	struct fairshare *f = ctx;
	struct sl_addr key;

	fs_alloc_key(a, &key);
	(void)host_add(f, &key);
}

/* on_stat - fs_tc_stat_fn: a class's bytes into its slot's sum */
static void on_stat(void *ctx, const struct fs_tc_stat *st)
{
	struct fairshare *f = ctx;
	unsigned slot;

	if (st->minor < FS_TC_BULK(0) || st->minor > FS_TC_INTERACTIVE(fs_alloc_bound(f->alloc)))
		return;
	slot = (st->minor - FS_TC_BULK(0)) / 2;
	f->bytes[slot] += st->bytes;
}

/* activity - which hosts moved bytes since the last tick */
static void activity(struct fairshare *f)
{
	char err[ERRLEN];
	unsigned i;
	int dev;

	memset(f->bytes, 0, (fs_alloc_bound(f->alloc) + 1) * sizeof(*f->bytes));
	for (dev = 0; dev < NDEV; dev++)
		if (f->tc[dev] != NULL
		    && fs_tc_stats(f->tc[dev], on_stat, f, err, sizeof(err)) < 0) {
			daemon_log(LOG_WARNING, "%s", err);
			f->st.errors++;
			return;
		}
	for (i = 1; i <= fs_alloc_bound(f->alloc); i++) {
		struct fs_slot *s = fs_alloc_slot(f->alloc, i);

		if (s->key.family != 0 && f->bytes[i] != s->seen_bytes) {
			s->seen_bytes = f->bytes[i];
			s->last_active = f->now;
		}
	}
}

/* contain_event - "contain" or "uncontain" for key */
static void contain_event(struct fairshare *f, const char *type,
			  const struct sl_addr *key, uint64_t ttl_ns,
			  const char *reason)
{
	struct event_field fl[3] = {
		EF_S("reason", reason ? reason : "operator"),
		EF_U("rate_bps", f->c.contain_rate),
		EF_U("ttl", ttl_ns / NS_PER_SEC),
	};
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.src = key;
	ev.fields = fl;
	ev.nfields = ttl_ns ? 3 : 1;
	f->ops->event(f->ctx, &ev);
}

/* expire - containments run out, silent hosts leave */
static void expire(struct fairshare *f)
{
	unsigned i;

	for (i = 1; i <= fs_alloc_bound(f->alloc); i++) {
		struct fs_slot *s = fs_alloc_slot(f->alloc, i);

		if (s->key.family == 0)
			continue;
		if (s->contained_until != 0 && s->contained_until <= f->now) {
			s->contained_until = 0;
			s->last_active = f->now;
			f->st.restores++;
			f->dirty = 1;
			contain_event(f, "uncontain", &s->key, 0, "expired");
		} else if (s->contained_until == 0
			   && f->now - s->last_active >= f->c.idle_ns)
			host_drop(f, i);
	}
}

/* fairshare_tick - once a second */
void fairshare_tick(struct fairshare *f, uint64_t now)
{
	char err[ERRLEN];

	if (f == NULL || f->nft == NULL)
		return;
	f->now = now;
	if (fs_nft_new_hosts(f->nft, on_new, f, err, sizeof(err)) < 0) {
		daemon_log(LOG_WARNING, "%s", err);
		f->st.errors++;
	}
	activity(f);
	expire(f);
	if (f->dirty)
		rerate(f);
}

/* fairshare_contain - a's host to contain_rate for ttl_ns */
int fairshare_contain(struct fairshare *f, const struct sl_addr *a,
		      uint64_t ttl_ns, const char *reason, uint64_t now)
{
	struct sl_addr key;
	struct fs_slot *s;
	unsigned slot;

	if (f == NULL || f->nft == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	if (f->ops->whitelisted(f->ctx, a)) {
		errno = EPERM;
		return -1;
	}
	f->now = now;
	fs_alloc_key(a, &key);
	if ((slot = host_add(f, &key)) == 0) {
		errno = ENOSPC;
		return -1;
	}
	s = fs_alloc_slot(f->alloc, slot);
	s->contained_until = now + (ttl_ns ? ttl_ns : f->c.contain_ttl_ns);
	f->st.contains++;
	rerate(f);
	contain_event(f, "contain", &key, s->contained_until - now, reason);
	return 0;
}

/* fairshare_restore - end a's containment early */
int fairshare_restore(struct fairshare *f, const struct sl_addr *a,
		      const char *reason, uint64_t now)
{
	struct sl_addr key;
	struct fs_slot *s;

	if (f == NULL || f->nft == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	f->now = now;
	fs_alloc_key(a, &key);
	s = fs_alloc_slot(f->alloc, fs_alloc_find(f->alloc, &key));
	if (s == NULL || s->contained_until <= now) {
		errno = ENOENT;
		return -1;
	}
	s->contained_until = 0;
	s->last_active = now;
	f->st.restores++;
	rerate(f);
	contain_event(f, "uncontain", &key, 0, reason);
	return 0;
}

/* fairshare_contain_on_lockout - is [fairshare] contain = lockout */
int fairshare_contain_on_lockout(const struct fairshare *f)
{
	return f != NULL && f->c.contain == FS_CONTAIN_LOCKOUT;
}

/* fairshare_hosts - fn for each host with a class */
void fairshare_hosts(struct fairshare *f, uint64_t now,
		     void (*fn)(void *ctx, const struct fairshare_host *h),
		     void *ctx)
{
	struct fairshare_host h;
	struct fs_tc_rates r;
	unsigned i;

	if (f == NULL)
		return;
	f->now = now;
	for (i = 1; i <= fs_alloc_bound(f->alloc); i++) {
		const struct fs_slot *s = fs_alloc_slot(f->alloc, i);

		if (s->key.family == 0)
			continue;
		share_rates(f, 0, i, &r);
		memset(&h, 0, sizeof(h));
		h.key = s->key;
		h.slot = i;
		h.weight = s->weight;
		h.rate = r.rate;
		h.ceil = r.ceil;
		h.contain_left_ns = s->contained_until > now ? s->contained_until - now : 0;
		h.idle_ns = now - s->last_active;
		fn(ctx, &h);
	}
}

/* fairshare_stats - counters */
void fairshare_stats(const struct fairshare *f, struct fairshare_stats *out)
{
	*out = f->st;
	out->hosts = fs_alloc_count(f->alloc);
	out->bound = fs_alloc_bound(f->alloc);
}

/* fairshare_close - remove the trees */
void fairshare_close(struct fairshare *f)
{
	char err[ERRLEN];
	int dev;

	if (f == NULL)
		return;
	for (dev = 0; dev < NDEV; dev++) {
		if (f->tc[dev] != NULL && fs_tc_remove(f->tc[dev], err, sizeof(err)) < 0)
			daemon_log(LOG_ERR, "%s", err);
		fs_tc_close(f->tc[dev]);
	}
	fs_nft_close(f->nft);
	fs_alloc_free(f->alloc);
	free(f->bytes);
	free(f);
}

struct class_ctx {
	struct fairshare *f;
	const char *ifname;
	fairshare_class_fn *fn;
	void *ctx;
};

/* class_of - kind and host of class 1:minor: link, host (a host's
   share), bulk or interactive; host NULL for the link, family 0 for
   slot 0 (no host's traffic) and free slots */
static const char *class_of(struct fairshare *f, uint32_t minor,
			    struct sl_addr *host)
{
	unsigned bound = fs_alloc_bound(f->alloc), slot = 0;
	const struct fs_slot *s;
	const char *kind;

	if (minor >= FS_TC_BULK(0) && minor <= FS_TC_INTERACTIVE(bound)) {
		slot = (minor - FS_TC_BULK(0)) / 2;
		kind = minor & 1 ? "interactive" : "bulk";
	} else if (minor >= FS_TC_PARENT(0) && minor <= FS_TC_PARENT(bound)) {
		slot = minor - FS_TC_PARENT(0);
		kind = "host";
	} else
		return "link";
	s = slot ? fs_alloc_slot(f->alloc, slot) : NULL;
	memset(host, 0, sizeof(*host));
	if (s != NULL)
		*host = s->key;
	return kind;
}

/* class_stat - fs_tc_stat_fn: one class to the caller's fn */
static void class_stat(void *ctx, const struct fs_tc_stat *st)
{
	struct class_ctx *c = ctx;
	struct sl_addr host;
	const char *kind = class_of(c->f, st->minor, &host);

	c->fn(c->ctx, c->ifname, st, kind, strcmp(kind, "link") ? &host : NULL);
}

/* fairshare_classes - fn for each class of each interface's tree */
void fairshare_classes(struct fairshare *f, fairshare_class_fn *fn, void *ctx)
{
	struct class_ctx c = { f, NULL, fn, ctx };
	char err[ERRLEN];
	int dev;

	for (dev = 0; f != NULL && dev < NDEV; dev++)
		if (f->tc[dev] != NULL) {
			c.ifname = fs_tc_ifname(f->tc[dev]);
			if (fs_tc_stats(f->tc[dev], class_stat, &c, err, sizeof(err)) < 0)
				f->st.errors++;
		}
}
