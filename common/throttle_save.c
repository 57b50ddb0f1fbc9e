/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	throttle_save - throttle state to and from a file; resizing
 * SYNOPSIS
 *	#include "throttle.h"
 *
 *	int throttle_save(const struct throttle *t, FILE *fp);
 *	int throttle_load(struct throttle *t, FILE *fp, uint64_t now);
 *	int throttle_load_as(struct throttle *t, FILE *fp, uint64_t now,
 *			     uint64_t mark);
 * DESCRIPTION
 *	The format is little-endian binary, versioned and checksummed:
 *
 *	    "SLTHRST\n", u32 version (1), u32 key_len, u32 wset_size,
 *	    u32 0, u64 release_ns, u64 ns to the next release, u64 hosts,
 *	    u64 held items; then per host, least recently used first:
 *	    key, u8 flags, u8 slots used, u8 hardened slots (0 = none), u8
 *	    hardened periods a release (0 = each), u32 ms since last seen,
 *	    u32 ms since locked, u32 periods since accounted, u32 queue
 *	    length, the tags, and (u64 cookie, u32 tag) per held item;
 *	    then u64 FNV-1a of everything before it.
 *
 *	Times are ages, so a load rebases them to its own now. The loader
 *	reads the whole file (bounded by four times mem_cap), checks the
 *	checksum before touching the throttle, and checks every field
 *	against what it can hold, so a damaged file is refused with EINVAL.
 *	Loading more hosts than fit evicts the oldest (their cookies are
 *	released); more held items than fit are released at once.
 *	throttle_load_as() ORs mark into every loaded cookie: sluiced
 *	loads its queues as stand-ins, since the packets behind the saved
 *	cookies died with the old process's queue.
 *
 *	th_rebuild() serves throttle_reconfigure() when the sizes change:
 *	it saves into memory and loads into a new throttle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "delayq.h"
#include "hosttab.h"
#include "throttle_int.h"

#define SV_MAGIC	"SLTHRST\n"
#define SV_VERSION	1
#define SV_HEAD		(8 + 4 * 4 + 4 * 8)
#define SV_ITEM		12
#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

struct sv_out {
	FILE *fp;
	const struct throttle *t;
	uint64_t sum;
	uint32_t ms, ep;	/* now of the save */
	int err;
};

struct sv_in {
	const unsigned char *p, *end;
	int bad;
	uint64_t mark;		/* ORed into every loaded cookie */
};

/* sv_fnv - continue an FNV-1a checksum over n bytes */
static uint64_t sv_fnv(uint64_t sum, const unsigned char *p, size_t n)
{
	while (n-- > 0) {
		sum ^= *p++;
		sum *= FNV_PRIME;
	}
	return sum;
}

/* sv_bytes - write and checksum n bytes */
static void sv_bytes(struct sv_out *o, const void *p, size_t n)
{
	o->sum = sv_fnv(o->sum, p, n);
	if (fwrite(p, 1, n, o->fp) != n)
		o->err = 1;
}

/* sv_uint - write an n-byte little-endian number */
static void sv_uint(struct sv_out *o, uint64_t v, size_t n)
{
	unsigned char b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	sv_bytes(o, b, n);
}

/* sv_item - one held item */
static void sv_item(void *ctx, uint64_t cookie, uint32_t tag)
{
	sv_uint(ctx, cookie, 8);
	sv_uint(ctx, tag, 4);
}

/* sv_host - one host record and its queue */
static int sv_host(void *ctx, const void *key, void *val)
{
	struct sv_out *o = ctx;
	const struct th_host *h = val;
	unsigned char b[4] = { h->flags, h->used, h->hset, h->hevery };
	unsigned i;

	sv_bytes(o, key, o->t->key_len);
	sv_bytes(o, b, sizeof(b));
	sv_uint(o, o->ms - h->seen_ms, 4);
	sv_uint(o, h->flags & TH_LOCKED ? o->ms - h->locked_ms : 0, 4);
	sv_uint(o, o->ep - h->epoch, 4);
	sv_uint(o, delayq_len(o->t->q, h->qd), 4);
	for (i = 0; i < h->used; i++)
		sv_uint(o, h->tag[i], 4);
	delayq_walk(o->t->q, h->qd, sv_item, o);
	return o->err;
}

/* throttle_save - write the state to fp; 0 or -1 with errno */
int throttle_save(const struct throttle *t, FILE *fp)
{
	struct sv_out o = { fp, t, FNV_OFFSET, th_ms(t->last_now),
			    (uint32_t)(t->last_now / t->p.release_ns), 0 };
	uint64_t phase = 0, sum;

	if (delayq_active(t->q) > 0 && t->next_release > t->last_now)
		phase = t->next_release - t->last_now;
	sv_bytes(&o, SV_MAGIC, 8);
	sv_uint(&o, SV_VERSION, 4);
	sv_uint(&o, t->key_len, 4);
	sv_uint(&o, t->p.wset_size, 4);
	sv_uint(&o, 0, 4);
	sv_uint(&o, t->p.release_ns, 8);
	sv_uint(&o, phase, 8);
	sv_uint(&o, hosttab_count(t->hosts), 8);
	sv_uint(&o, delayq_held(t->q), 8);
	/* Oldest first, so that loading recreates the recency order. */
	hosttab_walk_lru((struct hosttab *)t->hosts, sv_host, &o);
	sum = o.sum;
	sv_uint(&o, sum, 8);
	if (o.err || fflush(fp) != 0) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* in_bytes - the next n bytes, or NULL (and bad) past the end */
static const unsigned char *in_bytes(struct sv_in *in, size_t n)
{
	const unsigned char *p = in->p;

	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = 1;
		return NULL;
	}
	in->p += n;
	return p;
}

/* in_uint - the next n-byte little-endian number (0 past the end) */
static uint64_t in_uint(struct sv_in *in, size_t n)
{
	const unsigned char *p = in_bytes(in, n);
	uint64_t v = 0;

	while (p && n-- > 0)
		v |= (uint64_t)p[n] << (8 * n);
	return v;
}

/* ld_items - push a host's held items; those that do not fit go now */
static int ld_items(struct throttle *t, struct th_host *h, struct sv_in *in,
		    uint32_t qlen, uint64_t *items)
{
	uint64_t cookie;
	uint32_t tag;

	if (qlen > (size_t)(in->end - in->p) / SV_ITEM)
		return -1;
	for (; qlen > 0; qlen--, (*items)++) {
		cookie = in_uint(in, 8) | in->mark;
		tag = (uint32_t)in_uint(in, 4);
		if (delayq_push(t->q, &h->qd, cookie, tag) == 0)
			continue;
		/* No room in a smaller pool: fail open, like eviction. */
		if (t->fn)
			t->fn(t->ctx, hosttab_key_of(t->hosts, h), cookie,
			      THROTTLE_RELEASED);
	}
	return in->bad ? -1 : 0;
}

/* ld_host - one host record; -1 if it does not make sense */
static int ld_host(struct throttle *t, struct sv_in *in, unsigned saved_n,
		   uint32_t ms, uint32_t ep, uint64_t *items)
{
	const unsigned char *key = in_bytes(in, t->key_len);
	const unsigned char *b = in_bytes(in, 4);
	uint32_t seen = (uint32_t)in_uint(in, 4), locked = (uint32_t)in_uint(in, 4);
	uint32_t lag = (uint32_t)in_uint(in, 4), qlen = (uint32_t)in_uint(in, 4);
	struct th_host *h;
	uint32_t tag;
	int created;
	unsigned i;

	if (in->bad || (b[0] & ~TH_FLAGS) || b[1] > saved_n || b[2] > WSET_MAX)
		return -1;
	if ((h = hosttab_put(t->hosts, key, &created)) == NULL || !created)
		return -1;
	h->flags = b[0];
	h->hset = b[2];
	h->hevery = b[3];
	h->seen_ms = ms - seen;
	h->epoch = ep - lag;
	if (h->flags & TH_LOCKED) {
		h->locked_ms = ms - locked;
		t->locked++;
	}
	/* A smaller working set keeps the most recent destinations. */
	for (i = 0; i < b[1]; i++) {
		tag = (uint32_t)in_uint(in, 4);
		if (i < th_slots(t, h))
			h->tag[h->used++] = tag;
	}
	return ld_items(t, h, in, qlen, items);
}

/* ld_clear_one - forget one host and its queue, silently */
static int ld_clear_one(void *ctx, const void *key, void *val)
{
	struct throttle *t = ctx;

	delayq_drain(t->q, &((struct th_host *)val)->qd, NULL, NULL);
	hosttab_del(t->hosts, key);
	return 0;
}

/* ld_body - check the header and load every host */
static int ld_body(struct throttle *t, struct sv_in *in, uint64_t now)
{
	uint32_t ms = th_ms(now), ep = (uint32_t)(now / t->p.release_ns);
	uint64_t phase, hosts, items, seen = 0, n;
	unsigned saved_n;

	if (memcmp(in_bytes(in, 8), SV_MAGIC, 8) != 0
	    || in_uint(in, 4) != SV_VERSION || in_uint(in, 4) != t->key_len)
		return -1;
	saved_n = (unsigned)in_uint(in, 4);
	if (saved_n < 1 || saved_n > WSET_MAX || in_uint(in, 4) != 0)
		return -1;
	(void)in_uint(in, 8);	/* the saver's release interval */
	phase = in_uint(in, 8);
	hosts = in_uint(in, 8);
	items = in_uint(in, 8);
	for (n = 0; n < hosts; n++)
		if (ld_host(t, in, saved_n, ms, ep, &seen) < 0)
			return -1;
	if (in->bad || in->p != in->end || seen != items)
		return -1;
	if (phase > t->p.release_ns)
		phase = t->p.release_ns;
	t->next_release = now + phase;
	if (now > t->last_now)
		t->last_now = now;
	t->ep_start = UINT64_MAX;
	return 0;
}

/* th_load_buf - load a saved state held in memory */
static int th_load_buf(struct throttle *t, const unsigned char *buf,
		       size_t len, uint64_t now, uint64_t mark)
{
	struct sv_in in = { buf, buf + len - 8, 0, mark };
	struct sv_in sum = { buf + len - 8, buf + len, 0, 0 };

	if (len < SV_HEAD + 8 || sv_fnv(FNV_OFFSET, buf, len - 8)
	    != in_uint(&sum, 8) || ld_body(t, &in, now) < 0) {
		/* Leave the throttle empty, as it came. */
		hosttab_walk_any(t->hosts, ld_clear_one, t);
		t->locked = 0;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* throttle_load - read a saved state into an empty throttle */
int throttle_load(struct throttle *t, FILE *fp, uint64_t now)
{
	return throttle_load_as(t, fp, now, 0);
}

/* throttle_load_as - the same, mark ORed into every cookie */
int throttle_load_as(struct throttle *t, FILE *fp, uint64_t now,
		     uint64_t mark)
{
	size_t limit = 4 * t->p.mem_cap + 4096, len;
	unsigned char *buf;
	int r;

	if (hosttab_count(t->hosts) > 0 || delayq_held(t->q) > 0) {
		errno = EBUSY;
		return -1;
	}
	if ((buf = atomicfile_read(fp, limit, &len)) == NULL)
		return -1;
	r = th_load_buf(t, buf, len, now, mark);
	free(buf);
	return r;
}

/* th_rebuild - new sizes: copy the state into a new throttle */
int th_rebuild(struct throttle *t, const struct throttle_params *p)
{
	struct throttle *n, tmp;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int r = -1;

	if ((n = throttle_create(p, t->key_len, t->seed, t->fn, t->ctx)) == NULL)
		return -1;
	if ((fp = open_memstream(&buf, &len)) != NULL) {
		r = throttle_save(t, fp);
		if (fclose(fp) != 0)
			r = -1;
	}
	if (r == 0)
		r = th_load_buf(n, (unsigned char *)buf, len, t->last_now, 0);
	free(buf);
	if (r < 0) {
		throttle_free(n);
		return -1;
	}
	n->passed = t->passed;
	n->holds = t->holds;
	n->releases = t->releases;
	n->lockouts = t->lockouts;
	n->refused = t->refused;
	n->full = t->full;
	tmp = *t;
	*t = *n;
	*n = tmp;
	th_adopt(t);
	throttle_free(n);
	return 0;
}
