/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdqueues - several fail-open queues, one reader thread each
 * SYNOPSIS
 *	#include "daemon/sdqueues.h"
 * DESCRIPTION
 *	With [sluiced] queue_num = N-M the kernel spreads first packets
 *	over the queues N..M by a hash of the source (nftrules), and
 *	sdqueues binds each queue on a socket of its own, read by a
 *	thread of its own. A thread reads a burst without any lock (the
 *	copy from the kernel), then takes the engine's lock for the
 *	burst: the caller's burst function parses, decides and sends the
 *	verdicts. The main loop holds the same lock while it works
 *	(timers, conntrack outcomes, sluicectl, capture), so everything
 *	that touches the engine runs under one lock, taken once a burst,
 *	never once a packet.
 *
 *	sdqueues also watches every queue's overruns (ids skipped, the
 *	kernel's drops) for the log: sdqueues_overrun_note().
 */
#ifndef SLUICE_SDQUEUES_H
#define SLUICE_SDQUEUES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nfqueue;
struct nfqueue_conf;
struct sd_conf;

/* sdqueues_burst_fn - one burst read from q, under the lock: dispatch,
   decide and flush */
typedef void sdqueues_burst_fn(void *ctx, struct nfqueue *q);

struct sdqueues;

/* sdqueues_open - bind count queues from first, each as tmpl says
   (fail-open flag, lengths); NULL with the reason in err */
struct sdqueues *sdqueues_open(const struct nfqueue_conf *tmpl, unsigned first,
			       unsigned count, char *err, size_t errlen);
/* sdqueues_start - one reader thread a queue; -1 with errno */
int sdqueues_start(struct sdqueues *m, sdqueues_burst_fn *fn, void *ctx);
/* sdqueues_stop - stop and join the readers; accepts NULL */
void sdqueues_stop(struct sdqueues *m);
/* sdqueues_close - accept what is held or queued, unbind; accepts NULL */
void sdqueues_close(struct sdqueues *m);
/* sdqueues_lock, sdqueues_unlock - the engine's lock; accept NULL */
void sdqueues_lock(struct sdqueues *m);
void sdqueues_unlock(struct sdqueues *m);
/* sdqueues_wake - a reader: the main loop must look at its timers */
void sdqueues_wake(struct sdqueues *m);
/* sdqueues_wake_fd - that wake-up's descriptor; -1 for NULL */
int sdqueues_wake_fd(const struct sdqueues *m);
/* sdqueues_woken - the main loop: clear it */
void sdqueues_woken(struct sdqueues *m);
/* sdqueues_of - the socket of queue num, NULL if not in the range */
struct nfqueue *sdqueues_of(struct sdqueues *m, uint16_t num);
/* sdqueues_count - queues in the range; 0 for NULL */
unsigned sdqueues_count(const struct sdqueues *m);
/* sdqueues_at - the i-th queue's socket */
struct nfqueue *sdqueues_at(struct sdqueues *m, unsigned i);
/* sdqueues_pending - verdicts buffered on all of them */
size_t sdqueues_pending(const struct sdqueues *m);
/* sdqueues_flush - send them; 0, or -1 with errno */
int sdqueues_flush(struct sdqueues *m);
/* sdqueues_close_fds - in a forked child: let go of the sockets */
void sdqueues_close_fds(struct sdqueues *m);
/* sdqueues_print - -n with a range: the queue rules; one queue: nothing */
int sdqueues_print(FILE *fp, const struct sd_conf *c);

#endif
