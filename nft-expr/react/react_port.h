/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_port - the votes for blocking a destination port
 * SYNOPSIS
 *	#include "react/react_port.h"
 * DESCRIPTION
 *	Distinct sources that reached the block_port rung on each port,
 *	counted within a window (react_act.c blocks the port once enough
 *	voted).
 */
#ifndef SLUICE_REACT_PORT_H
#define SLUICE_REACT_PORT_H

#include <stddef.h>
#include <stdint.h>
#include "react/react_int.h"

/* react_port_create - no votes yet; NULL on error */
struct react_port *react_port_create(size_t mem, const uint8_t seed[16]);
/* react_port_free - accepts NULL */
void react_port_free(struct react_port *v);
/* react_port_vote - k's vote to block port at now (votes older than
   window ns do not count); the distinct voters now */
unsigned react_port_vote(struct react_port *v, const struct react_key *k,
			 uint16_t port, uint64_t window, uint64_t now);
/* react_port_reset - count the votes for port anew */
void react_port_reset(struct react_port *v, uint16_t port);

#endif
