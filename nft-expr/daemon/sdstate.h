/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdstate - sluiced's throttle state across restarts
 * SYNOPSIS
 *	#include "daemon/sdstate.h"
 * DESCRIPTION
 *	The verdict engine's state (vdsave) in [core] state_dir/
 *	sluiced.state: written every [sluiced] snapshot_interval (by a
 *	forked child, so the loop does not wait for the disk) and at stop,
 *	loaded at start before the first packet.
 */
#ifndef SLUICE_SDSTATE_H
#define SLUICE_SDSTATE_H

#include <stdint.h>

struct sluiced;
struct verdict_ops;

#define SDSTATE_NAME "sluiced.state"

/* sdstate_engine - create s->v with the saved seed and load the saved
   state into it; a damaged file is logged by name, moved aside
   (atomicfile_load) and sluiced starts empty */
void sdstate_engine(struct sluiced *s, const struct verdict_ops *ops);
/* sdstate_save - write the state now, in this process */
void sdstate_save(struct sluiced *s);
/* sdstate_stop - the snapshot at stop (after a running child's) */
void sdstate_stop(struct sluiced *s);
/* sdstate_tick - once a second: a snapshot by a forked child when
   snapshot_interval is up */
void sdstate_tick(struct sluiced *s, uint64_t now);

#endif
