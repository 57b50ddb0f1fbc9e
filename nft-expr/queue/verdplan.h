/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	verdplan - which verdict messages answer a queue's pending packets
 * SYNOPSIS
 *	#include "queue/verdplan.h"
 * DESCRIPTION
 *	The kernel applies a NFQNL_MSG_VERDICT_BATCH for id X to every
 *	packet of the queue still waiting with an id up to X; a single
 *	verdict to one id. verdplan() turns the verdicts of one flush
 *	(one queue, sorted by id) into the fewest messages that give every
 *	packet its own verdict and leave the held packets alone: below the
 *	oldest held packet, one batch per run of equal verdicts (a run's
 *	batch also reaches the runs before it, answered already, since
 *	the kernel handles one send in order); from the oldest held packet
 *	on, single verdicts. The caller guarantees that every packet it
 *	has read is answered, held, or in this list.
 */
#ifndef SLUICE_VERDPLAN_H
#define SLUICE_VERDPLAN_H

#include <stddef.h>
#include <stdint.h>
#include "queue/heldids.h"	/* heldids_before */

struct verd {
	uint16_t queue;
	uint32_t id;
	int verdict;		/* NF_ACCEPT, NF_DROP */
};

struct verd_msg {
	int batch;		/* NFQNL_MSG_VERDICT_BATCH, else single */
	uint32_t id;
	int verdict;
};

/* verdplan - messages for p[0..n) (one queue, sorted by id, modulo
   2^32); held: whether any packet is held, oldest: the oldest held
   id; out has room for n; returns the number of messages */
size_t verdplan(const struct verd *p, size_t n, int held, uint32_t oldest,
		struct verd_msg *out);

#endif
