/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdsave - the verdict engine's throttle state to and from a file
 * SYNOPSIS
 *	#include "verdict/vdsave.h"
 * DESCRIPTION
 *	Little-endian, version 1:
 *
 *	    "SLSDSTA\n", u32 version (1), u32 zones, seed[16], u64 credit
 *	    hosts; per williamson zone: u32 name length, the name, u64
 *	    length, the zone's throttle (throttle_save); per credit host:
 *	    key[16], i32 balance, u8 recent used, 3 zero bytes, u64 ns
 *	    since its balance last changed by time, u32 recent[8]; then
 *	    u64 SipHash-2-4 of everything before, under a fixed key.
 *
 *	The whole file is checked (checksum, then every length) before
 *	anything is loaded. A zone saved under a name that is no
 *	williamson zone now is skipped; a credit host whose zone is not
 *	a credit zone now is skipped too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"
#include "verdict/vd.h"
#include "verdict/vdsave.h"

#define VS_MAGIC	"SLSDSTA\n"
#define VS_VERSION	1
#define VS_HEAD		(8 + 4 + 4 + 16 + 8)
#define VS_HOST		(HOSTKEY_LEN + 4 + 4 + 8 + 4 * VD_RECENT)

static const uint8_t vs_key[16] = "sluice-sluiced-1";

struct vs_out {
	FILE *fp;
	uint64_t now;
	int err;
};

struct vs_in {
	const unsigned char *p, *end;
};

/* vs_le - n bytes of v, little-endian, to o */
static void vs_le(struct vs_out *o, uint64_t v, size_t n)
{
	unsigned char b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	if (fwrite(b, 1, n, o->fp) != n)
		o->err = 1;
}

/* vs_bytes - the next n bytes, or NULL (and in marked bad) */
static const unsigned char *vs_bytes(struct vs_in *in, size_t n)
{
	const unsigned char *p = in->p;

	if (in->p == NULL || (size_t)(in->end - in->p) < n) {
		in->p = NULL;
		return NULL;
	}
	in->p += n;
	return p;
}

/* vs_get - the next n-byte little-endian number; 0 past the end */
static uint64_t vs_get(struct vs_in *in, size_t n)
{
	const unsigned char *b = vs_bytes(in, n);
	uint64_t v = 0;

	while (b != NULL && n-- > 0)
		v = v << 8 | b[n];
	return v;
}

/* vs_zone - one williamson zone: name, length, throttle; the length
   is patched in later from span[0] (where the throttle starts) and
   span[1] (where it ends) */
static void vs_zone(struct vs_out *o, const struct vzone *z, long span[2])
{
	size_t n = strlen(z->name);

	vs_le(o, n, 4);
	if (fwrite(z->name, 1, n, o->fp) != n)
		o->err = 1;
	vs_le(o, 0, 8);
	span[0] = ftell(o->fp);
	if (throttle_save(z->thr, o->fp) < 0)
		o->err = 1;
	span[1] = ftell(o->fp);
}

/* vs_host - hosttab_walk_fn: one credit host */
static int vs_host(void *ctx, const void *key, void *val)
{
	struct vs_out *o = ctx;
	const struct vhost *h = val;
	unsigned i;

	if (!h->credit_ready)
		return 0;
	if (fwrite(key, 1, HOSTKEY_LEN, o->fp) != HOSTKEY_LEN)
		o->err = 1;
	vs_le(o, (uint32_t)h->credit.balance, 4);
	vs_le(o, h->nrecent, 4);
	vs_le(o, o->now > h->credit.since ? o->now - h->credit.since : 0, 8);
	for (i = 0; i < VD_RECENT; i++)
		vs_le(o, i < h->nrecent ? h->recent[i] : 0, 4);
	return o->err;
}

/* credit_count - hosttab_walk_fn: count the credit hosts */
static int credit_count(void *ctx, const void *key, void *val)
{
	(void)key;
	*(uint64_t *)ctx += ((const struct vhost *)val)->credit_ready;
	return 0;
}

/* vs_head - magic, version, zone count, seed, credit host count */
static void vs_head(struct vs_out *o, const struct verdict *v, size_t nz)
{
	uint64_t nhost = 0;

	hosttab_walk_any(v->hosts, credit_count, &nhost);
	if (fwrite(VS_MAGIC, 1, 8, o->fp) != 8)
		o->err = 1;
	vs_le(o, VS_VERSION, 4);
	vs_le(o, nz, 4);
	if (fwrite(v->seed, 1, 16, o->fp) != 16)
		o->err = 1;
	vs_le(o, nhost, 8);
}

/* vs_body - everything the checksum covers into *buf (the caller
   frees it, also on failure) */
static int vs_body(const struct verdict *v, uint64_t now, char **buf,
		   size_t *len)
{
	struct vs_out o = { open_memstream(buf, len), now, 0 };
	long (*span)[2] = calloc(v->nzones + 1, sizeof(*span));
	size_t i, j, nz = 0;
	uint64_t zlen;

	if (o.fp == NULL || span == NULL) {
		if (o.fp != NULL)
			fclose(o.fp);
		free(span);
		return -1;
	}
	for (i = 0; i < v->nzones; i++)
		nz += v->zones[i].thr != NULL;
	vs_head(&o, v, nz);
	for (i = nz = 0; i < v->nzones && !o.err; i++)
		if (v->zones[i].thr != NULL)
			vs_zone(&o, &v->zones[i], span[nz++]);
	if (!o.err)
		hosttab_walk_any(v->hosts, vs_host, &o);
	if (fclose(o.fp) != 0)
		o.err = 1;
	for (i = 0; i < nz && !o.err; i++) {
		zlen = (uint64_t)(span[i][1] - span[i][0]);
		for (j = 0; j < 8; j++)
			(*buf)[span[i][0] - 8 + (long)j] = (char)(zlen >> (8 * j));
	}
	free(span);
	return o.err ? -1 : 0;
}

/* vdsave_write - the engine's state to fp; 0, or -1 with errno */
int vdsave_write(const struct verdict *v, FILE *fp, uint64_t now)
{
	struct vs_out o = { fp, now, 0 };
	char *buf = NULL;
	size_t len = 0;

	errno = 0;
	if (vs_body(v, now, &buf, &len) < 0) {
		free(buf);
		if (errno == 0)
			errno = ENOMEM;
		return -1;
	}
	if (fwrite(buf, 1, len, fp) != len)
		o.err = 1;
	vs_le(&o, siphash_24(vs_key, buf, len), 8);
	free(buf);
	if (o.err || fflush(fp) != 0) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* vdsave_seed - check the whole file and copy its seed */
int vdsave_seed(const unsigned char *b, size_t len, uint8_t seed[16],
		const char **why)
{
	struct vs_in sum = { b + len - 8, b + len };

	errno = EINVAL;
	if (len < VS_HEAD + 8 || memcmp(b, VS_MAGIC, 8) != 0) {
		*why = "not a sluiced state file";
		return -1;
	}
	if (siphash_24(vs_key, b, len - 8) != vs_get(&sum, 8)) {
		*why = "checksum mismatch (torn or damaged)";
		return -1;
	}
	if (b[8] != VS_VERSION || b[9] || b[10] || b[11]) {
		*why = "unknown version";
		return -1;
	}
	memcpy(seed, b + 16, 16);
	errno = 0;
	return 0;
}

/* zone_named - the williamson zone record named n (len bytes), or NULL */
static struct vzone *zone_named(struct verdict *v, const unsigned char *n,
				size_t len)
{
	size_t i;

	for (i = 0; n != NULL && i < v->nzones; i++)
		if (v->zones[i].thr != NULL && strlen(v->zones[i].name) == len
		    && memcmp(v->zones[i].name, n, len) == 0)
			return &v->zones[i];
	return NULL;
}

struct view_ctx {
	struct verdict *v;
	struct vzone *z;
	uint64_t now;
};

/* ld_view - throttle_walk callback: a host record for a restored host,
   so that sluicectl hosts and show see it (its counters start at 0) */
static int ld_view(void *ctx, const void *key, const struct throttle_info *i)
{
	struct view_ctx *c = ctx;
	struct vhost *h = vd_host(c->v, key, c->z, c->now);

	(void)i;
	if (h != NULL)
		h->last_seen = c->now;
	return 0;
}

/* ld_zone - one saved zone into the zone of that name, its held
   packets as stand-ins; 0, or -1 */
static int ld_zone(struct verdict *v, struct vs_in *in, uint64_t now,
		   struct vdsave_info *out)
{
	size_t nlen = (size_t)vs_get(in, 4);
	const unsigned char *name = nlen <= SD_ZONE_NAME_MAX
				    ? vs_bytes(in, nlen) : NULL;
	uint64_t tlen = vs_get(in, 8);
	const unsigned char *t = in->p && tlen <= (uint64_t)(in->end - in->p)
				 ? vs_bytes(in, (size_t)tlen) : NULL;
	struct vzone *z = zone_named(v, name, nlen);
	FILE *fp;
	int r;

	if (t == NULL || tlen == 0)
		return -1;
	if (z == NULL) {
		out->zones_skipped++;
		return 0;
	}
	if ((fp = fmemopen((void *)t, (size_t)tlen, "r")) == NULL)
		return -1;
	r = throttle_load_as(z->thr, fp, now, VD_OBSERVED);
	fclose(fp);
	out->zones++;
	if (r == 0)
		throttle_walk_any(z->thr, ld_view, &(struct view_ctx){ v, z, now });
	return r;
}

/* ld_host - one credit host, if its zone is a credit zone now */
static int ld_host(struct verdict *v, struct vs_in *in, uint64_t now,
		   struct vdsave_info *out)
{
	const unsigned char *key = vs_bytes(in, HOSTKEY_LEN);
	int32_t bal = (int32_t)(uint32_t)vs_get(in, 4);
	uint32_t nrecent = (uint32_t)vs_get(in, 4);
	uint64_t age = vs_get(in, 8);
	struct sl_addr a;
	struct vzone *z;
	struct vhost *h;
	unsigned i;

	if (in->p == NULL || nrecent > VD_RECENT)
		return -1;
	hostkey_addr(key, &a);
	z = vd_zone_of(v, &a);
	if (z == NULL || z->p->mode != SD_MODE_CREDIT
	    || (h = vd_host(v, key, z, now)) == NULL) {
		(void)vs_bytes(in, 4 * VD_RECENT);
		return in->p == NULL ? -1 : 0;
	}
	h->credit.balance = bal < 0 ? 0 : bal < z->cp.cap ? bal : z->cp.cap;
	h->credit.since = age < now ? now - age : 0;
	h->nrecent = (uint8_t)nrecent;
	for (i = 0; i < VD_RECENT; i++)
		h->recent[i] = (uint32_t)vs_get(in, 4);
	out->credit_hosts++;
	return in->p == NULL ? -1 : 0;
}

/* ld_totals - hosts, held and locked over the zones' throttles */
static void ld_totals(const struct verdict *v, struct vdsave_info *out)
{
	struct throttle_stats st;
	size_t i;

	for (i = 0; i < v->nzones; i++) {
		if (v->zones[i].thr == NULL)
			continue;
		throttle_stats(v->zones[i].thr, &st);
		out->hosts += st.hosts;
		out->held += st.held;
		out->locked += st.locked;
	}
}

/* vdsave_load - put a saved state back into an engine just created */
int vdsave_load(struct verdict *v, const unsigned char *b, size_t len,
		uint64_t now, struct vdsave_info *out, const char **why)
{
	struct vs_in in = { b + 32, b + len - 8 };	/* at the host count */
	uint8_t seed[16];
	uint64_t nz, nh, i;

	memset(out, 0, sizeof(*out));
	if (vdsave_seed(b, len, seed, why) < 0)
		return -1;
	errno = EINVAL;
	if (memcmp(seed, v->seed, 16) != 0) {
		*why = "the engine has another seed";
		return -1;
	}
	nz = b[12] | (uint64_t)b[13] << 8 | (uint64_t)b[14] << 16 |
	     (uint64_t)b[15] << 24;
	nh = vs_get(&in, 8);
	*why = "a zone's throttle state does not load";
	for (i = 0; i < nz; i++)
		if (ld_zone(v, &in, now, out) < 0)
			return -1;
	*why = "a credit host record is damaged";
	if (nh > (uint64_t)(in.end - in.p) / VS_HOST)
		return -1;
	for (i = 0; i < nh; i++)
		if (ld_host(v, &in, now, out) < 0)
			return -1;
	if (in.p != in.end) {
		*why = "bytes left over";
		return -1;
	}
	ld_totals(v, out);
	errno = 0;
	return 0;
}
