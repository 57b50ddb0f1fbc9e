/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dnscorr - which (client, address) contacts a DNS answer justified
 * SYNOPSIS
 *	#include "dnscorr.h"
 * DESCRIPTION
 *	One hosttab entry per (client, address) pair holds the time until
 *	which the pair is justified: max(TTL, ttl_floor) after the answer,
 *	extended (never shortened) by later answers. The floor exists
 *	because resolvers and applications cache past the TTL (browsers
 *	pin addresses for minutes); the TTL is capped at a day so a record
 *	claiming years cannot justify contacts forever. Memory is the
 *	hosttab's cap: when full, the least recently used pair goes, and
 *	a contact it covered then counts as unjustified, which is a weak
 *	signal only (DESIGN.md), never a block on its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnscorr.h"
#include "hosttab.h"

#define DC_PART 16		/* IPv6 address or shorter key */
#define DC_KEY (2 + 2 * DC_PART)
#define DC_TTL_MAX (86400ULL * 1000000000ULL)
#define DC_FLOOR_DEFAULT (300ULL * 1000000000ULL)

struct dnscorr {
	struct hosttab *tab;
	uint64_t floor;
};

struct dc_val {
	uint64_t until;
};

/* dc_key - length-prefixed client and address, zero padded */
static int dc_key(uint8_t key[DC_KEY], const void *client, size_t client_len,
		  const void *addr, size_t addr_len)
{
	if (client_len == 0 || client_len > DC_PART || addr_len == 0 ||
	    addr_len > DC_PART) {
		errno = EINVAL;
		return -1;
	}
	memset(key, 0, DC_KEY);
	key[0] = (uint8_t)client_len;
	memcpy(key + 1, client, client_len);
	key[1 + DC_PART] = (uint8_t)addr_len;
	memcpy(key + 2 + DC_PART, addr, addr_len);
	return 0;
}

/* dnscorr_create - ttl_floor 300 s when 0; NULL on error */
struct dnscorr *dnscorr_create(uint64_t ttl_floor_ns, size_t mem_cap,
			       const uint8_t seed[16])
{
	struct dnscorr *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->floor = ttl_floor_ns ? ttl_floor_ns : DC_FLOOR_DEFAULT;
	d->tab = hosttab_create(DC_KEY, sizeof(struct dc_val), mem_cap, seed);
	if (d->tab == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

/* dnscorr_free - accepts NULL */
void dnscorr_free(struct dnscorr *d)
{
	if (d == NULL)
		return;
	hosttab_free(d->tab);
	free(d);
}

/* dnscorr_answer - client learned addr with ttl seconds; 0 or -1 */
int dnscorr_answer(struct dnscorr *d, const void *client, size_t client_len,
		   const void *addr, size_t addr_len, uint32_t ttl, uint64_t now)
{
	uint8_t key[DC_KEY];
	struct dc_val *v;
	uint64_t life = (uint64_t)ttl * 1000000000ULL;

	if (dc_key(key, client, client_len, addr, addr_len) < 0)
		return -1;
	if (life > DC_TTL_MAX)
		life = DC_TTL_MAX;
	if (life < d->floor)
		life = d->floor;
	if ((v = hosttab_put(d->tab, key, NULL)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (v->until < now + life)
		v->until = now + life;
	return 0;
}

/* dnscorr_justified - 1 if a live answer covers this contact, else 0 */
int dnscorr_justified(struct dnscorr *d, const void *client, size_t client_len,
		      const void *addr, size_t addr_len, uint64_t now)
{
	uint8_t key[DC_KEY];
	struct dc_val *v;

	if (dc_key(key, client, client_len, addr, addr_len) < 0)
		return 0;
	if ((v = hosttab_get(d->tab, key)) == NULL)
		return 0;
	if (v->until > now)
		return 1;
	/* expired: free the slot now rather than wait for eviction */
	hosttab_del(d->tab, key);
	return 0;
}

/* dnscorr_count - pairs held now */
size_t dnscorr_count(const struct dnscorr *d)
{
	return hosttab_count(d->tab);
}
