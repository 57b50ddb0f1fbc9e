/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	react_goat - a changed goat file names its suspects
 * SYNOPSIS
 *	#include "react/react_goat.h"
 * DESCRIPTION
 *	A bait file changed (cap_goat(3)) says nothing about who wrote it:
 *	the writer is a file-sharing daemon acting for a peer. So when a
 *	bait changes (seen by inotify or a sweep; not the start-up sweep,
 *	whose change happened while sluiced was away), the conntrack table
 *	is read once for the peers with a live TCP connection (open or
 *	closing, not time wait) to one of this machine's own addresses on
 *	[capture] goat_ports. The goat event names them (peers), and with
 *	[capture] action = signal each one gets a goat signal (weight_goat)
 *	for the ladder. No peer: the event alone, as before.
 *
 *	Every peer connected at that moment is named: the share cannot
 *	tell which one wrote. One read serves every change within a
 *	second (a worm rewriting baits in a loop costs one dump a
 *	second), and at most REACT_GOAT_PEERS peers are named.
 */
#ifndef SLUICE_REACT_GOAT_H
#define SLUICE_REACT_GOAT_H

#include <stdint.h>
#include "event.h"

#define REACT_GOAT_PEERS 32

struct sluiced;

/* react_goat - goat event ev: the peers looked up and added to it,
   written with write(sd, ...), then signalled */
void react_goat(struct sluiced *sd, const struct event *ev,
		void (*write)(void *ctx, const struct event *ev), uint64_t now);

#endif
