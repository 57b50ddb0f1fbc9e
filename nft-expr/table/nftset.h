/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftset - elements of the sets in sluiced's table
 * SYNOPSIS
 *	#include "table/nftset.h"
 * DESCRIPTION
 *	nftset_fill() replaces the whole content of an interval set
 *	(whitelist4/6, closed4/6) in one transaction: flush and refill, so
 *	no packet ever sees it half-filled. The element builders below
 *	serve the other rooms' sets (quarantine/quarset.c).
 */
#ifndef SLUICE_NFTSET_H
#define SLUICE_NFTSET_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "table/nftrules.h"
#include "table/ranges.h"

/* nftset_fill - set base+family holds exactly the ranges; 0 or -1 */
int nftset_fill(struct nftrules *n, const char *base, int family,
		const struct sl_range *r, size_t nr, char *err, size_t errlen);

struct nftbatch;
struct nftnl_set;

/* nftset_for - a libnftnl set naming base+family ("quarantine", 4 is
   quarantine4) in table; NULL if libnftnl could not allocate or
   copy it */
struct nftnl_set *nftset_for(const char *table, const char *base, int family);
/* nftset_elem - add one element with key, flags and timeout (0 = none)
   to s; 0, or -1 if libnftnl could not */
int nftset_elem(struct nftnl_set *s, const uint8_t *key, int family,
		uint32_t flags, uint64_t timeout_ms);
/* nftset_elem_key - the same with a key of len bytes (a port: 2) */
int nftset_elem_key(struct nftnl_set *s, const void *key, size_t len,
		    uint32_t flags, uint64_t timeout_ms);
/* nftset_msg - one NEWSETELEM/DELSETELEM message of s's elements;
   excl makes adding an element that exists an error (EEXIST) */
int nftset_msg(struct nftbatch *b, struct nftnl_set *s, uint16_t type,
	       int excl);
/* nftset_anon - an anonymous constant interval set in table (family 4
   or 6) whose keys are width bytes (4 or 16 for addresses, 2 for ports,
   network order, at the start of lo and hi), holding the ranges: the
   NEWSET and its elements into b, for a rule of the same batch to look
   up as "__set%d" with set_id. It goes when its rule goes. */
int nftset_anon(struct nftbatch *b, const char *table, int family,
		uint32_t set_id, uint32_t key_type, unsigned width,
		const struct sl_range *r, size_t nr);
/* nftset_fail - "what: strerror(e)" in err; returns -1 */
int nftset_fail(char *err, size_t len, const char *what, int e);

#endif
