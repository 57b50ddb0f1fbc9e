/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fanout - distinct destinations per (source, destination port) in a window
 * SYNOPSIS
 *	#include "fanout.h"
 * DESCRIPTION
 *	A host table keyed by (source, port) holds, per key, up to
 *	`threshold` distinct destinations (keyed 32-bit tags, as the
 *	working set makes them) with the millisecond each was last seen.
 *	That is exactly enough: the distinct count in the window reaches
 *	the threshold iff the threshold most recently seen destinations
 *	all fall in it, so counts are exact up to the threshold and
 *	reported as the threshold above it. The crossing is reported once
 *	and re-armed when the count falls back below the threshold.
 *
 *	Times are compared modulo 2^32 ms, so a time a little earlier than
 *	one already recorded (callers that read the clock before taking a
 *	lock) would look four billion ms later and expire every
 *	destination: the table's clock never goes back instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fanout.h"
#include "hosttab.h"
#include "wset.h"

#define FO_DEF_THRESHOLD 20
#define FO_DEF_WINDOW (60 * NS_PER_SEC)
#define FO_MAX_THRESHOLD 1024
#define FO_KEY_LEN (1 + 16 + 2)	/* source length, source, port */

struct fo_dst {
	uint32_t tag;
	uint32_t ms;		/* last seen, monotonic ms mod 2^32 */
};

struct fo_val {
	uint16_t n;		/* destinations held */
	uint16_t above;		/* crossing reported, not yet re-armed */
	uint32_t pad;
	struct fo_dst dst[];
};

struct fanout {
	struct hosttab *tab;
	struct wset_key wkey;
	unsigned threshold;
	uint32_t window_ms;
	uint64_t last;		/* the latest now seen */
};

/* fanout_create - threshold 20, window 60 s by default; NULL on error */
struct fanout *fanout_create(unsigned threshold, uint64_t window_ns,
			     size_t mem_cap, const uint8_t seed[16])
{
	struct fanout *f;

	if (threshold == 0)
		threshold = FO_DEF_THRESHOLD;
	if (window_ns == 0)
		window_ns = FO_DEF_WINDOW;
	if (threshold > FO_MAX_THRESHOLD || window_ns < NS_PER_MS
	    || window_ns > 86400 * NS_PER_SEC || seed == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->threshold = threshold;
	f->window_ms = (uint32_t)(window_ns / NS_PER_MS);
	wset_key_init(&f->wkey, seed);
	f->tab = hosttab_create(FO_KEY_LEN, sizeof(struct fo_val)
				+ threshold * sizeof(struct fo_dst),
				mem_cap, seed);
	if (f->tab == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

/* fanout_free - accepts NULL */
void fanout_free(struct fanout *f)
{
	if (f == NULL)
		return;
	hosttab_free(f->tab);
	free(f);
}

/* fo_expire - drop destinations last seen a window or more ago */
static void fo_expire(const struct fanout *f, struct fo_val *v, uint32_t ms)
{
	unsigned i, j = 0;

	for (i = 0; i < v->n; i++)
		if (ms - v->dst[i].ms < f->window_ms)
			v->dst[j++] = v->dst[i];
	v->n = (uint16_t)j;
}

/* fo_note - record tag at ms: refresh, append, or replace the oldest */
static void fo_note(const struct fanout *f, struct fo_val *v, uint32_t tag,
		    uint32_t ms)
{
	unsigned i, old = 0;

	for (i = 0; i < v->n; i++) {
		if (v->dst[i].tag == tag) {
			v->dst[i].ms = ms;
			return;
		}
		if (ms - v->dst[i].ms > ms - v->dst[old].ms)
			old = i;
	}
	if (v->n < f->threshold)
		i = v->n++;
	else
		i = old;
	v->dst[i].tag = tag;
	v->dst[i].ms = ms;
}

/* fanout_add - record a contact; the distinct count in the window after
   it (at most the threshold); *crossed once per crossing */
unsigned fanout_add(struct fanout *f, const void *src, size_t src_len,
		    uint16_t dport, const void *dst, size_t dst_len,
		    uint64_t now, int *crossed)
{
	unsigned char key[FO_KEY_LEN] = { 0 };
	struct fo_val *v;
	uint32_t ms;

	/* An earlier now counts as the latest: no recorded time is later. */
	if (now < f->last)
		now = f->last;
	f->last = now;
	ms = (uint32_t)(now / NS_PER_MS);
	if (crossed)
		*crossed = 0;
	if (src_len == 0 || src_len > 16)
		return 0;
	key[0] = (unsigned char)src_len;
	memcpy(key + 1, src, src_len);
	key[17] = (unsigned char)(dport >> 8);
	key[18] = (unsigned char)dport;
	if ((v = hosttab_put(f->tab, key, NULL)) == NULL)
		return 0;
	fo_expire(f, v, ms);
	if (v->n < f->threshold)
		v->above = 0;	/* fell back below: the next crossing counts */
	fo_note(f, v, wset_tag(&f->wkey, dst, dst_len), ms);
	if (v->n >= f->threshold && !v->above) {
		v->above = 1;
		if (crossed)
			*crossed = 1;
	}
	return v->n;
}
