/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	prefixset - longest-prefix match over IPv4 and IPv6 prefixes
 * SYNOPSIS
 *	#include "prefixset.h"
 * DESCRIPTION
 *	Whitelists, dark ranges and zones. Each prefix carries a value
 *	(a zone index, a flag); lookup returns the value of the longest
 *	prefix holding the address. /0, /32 and /128 are valid.
 */
#ifndef SLUICE_PREFIXSET_H
#define SLUICE_PREFIXSET_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

struct prefixset;

/* prefixset_create - an empty set; NULL on ENOMEM */
struct prefixset *prefixset_create(void);
/* prefixset_free - accepts NULL */
void prefixset_free(struct prefixset *s);
/* prefixset_add - insert or replace; -1 EINVAL (plen) or ENOMEM */
int prefixset_add(struct prefixset *s, const struct sl_addr *a,
		  unsigned plen, uintptr_t value);
/* prefixset_add_str - "ADDR/LEN" or "ADDR"; -1 EINVAL if unparsable */
int prefixset_add_str(struct prefixset *s, const char *text, uintptr_t value);
/* prefixset_lookup - 1 and *value (may be NULL) for the longest match, else 0 */
int prefixset_lookup(const struct prefixset *s, const struct sl_addr *a,
		     uintptr_t *value);
/* prefixset_count - prefixes held */
size_t prefixset_count(const struct prefixset *s);
/* prefixset_walk - every prefix; fn returns non-zero to stop */
void prefixset_walk(const struct prefixset *s,
		    int (*fn)(void *ctx, const struct sl_addr *a,
			      unsigned plen, uintptr_t value), void *ctx);

#endif
