/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_port - a destination port blocked network-wide, by votes
 * SYNOPSIS
 *	#include "react/react_port.h"
 * DESCRIPTION
 *	A source that reaches the block_port rung on a port casts one
 *	vote for blocking it; the port is blocked for every source once
 *	[countermeasures] block_port_sources distinct sources voted within
 *	ttl_block_port (cheaper than a quarantine per host once many are
 *	infected, and no one source can force it). protected_ports are
 *	never blocked, however many vote: a worm must not be able to make
 *	us cut SSH, DNS or HTTPS for the whole site.
 */
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "react/react_port.h"

#define VOTE_KEY 19		/* port, family, 16 address bytes */

struct react_port {
	struct hosttab *seen;		/* (port, source) -> time of its vote */
	uint32_t count[65536];		/* distinct voters since since[port] */
	uint64_t since[65536];
};

/* react_port_create - no votes yet; NULL on error */
struct react_port *react_port_create(size_t mem, const uint8_t seed[16])
{
	struct react_port *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	if ((v->seen = hosttab_create(VOTE_KEY, sizeof(uint64_t), mem, seed)) == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

/* react_port_free - accepts NULL */
void react_port_free(struct react_port *v)
{
	if (v == NULL)
		return;
	hosttab_free(v->seen);
	free(v);
}

/* react_port_vote - k's vote to block port at now, within window ns; the
   distinct voters counted now */
unsigned react_port_vote(struct react_port *v, const struct react_key *k,
		    uint16_t port, uint64_t window, uint64_t now)
{
	uint8_t key[VOTE_KEY];
	uint64_t *at;
	int created;

	if (v->count[port] == 0 || now - v->since[port] > window) {
		v->count[port] = 0;	/* the old votes are too old to count */
		v->since[port] = now;
	}
	key[0] = (uint8_t)(port >> 8);
	key[1] = (uint8_t)port;
	key[2] = k->net.family;
	memcpy(key + 3, k->net.b, 16);
	if ((at = hosttab_put(v->seen, key, &created)) == NULL)
		return v->count[port];
	if (created || *at < v->since[port])
		v->count[port]++;
	*at = now;
	return v->count[port];
}

/* react_port_reset - a block of port started or ended: count anew */
void react_port_reset(struct react_port *v, uint16_t port)
{
	v->count[port] = 0;
}
