/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nfqueue - NFQUEUE over libmnl: read packets in bursts, batch verdicts
 * SYNOPSIS
 *	#include "queue/nfqueue.h"
 * DESCRIPTION
 *	One netlink socket bound to one or more queues, each with its own
 *	fail-open flag (NFQA_CFG_F_FAIL_OPEN: the kernel accepts when the
 *	queue is full). nfqueue_read() takes up to NFQ_BURST packets per
 *	recvmmsg() and hands each to the caller, which answers at once with
 *	nfqueue_verdict() or later after nfqueue_hold(). Verdicts are buffered and
 *	go out with nfqueue_flush() in one send: below the queue's oldest
 *	held packet each run of equal verdicts as one
 *	NFQNL_MSG_VERDICT_BATCH, above it single verdicts. Only the first
 *	copy_range bytes of each packet are copied to us: the headers are
 *	all we read.
 */
#ifndef SLUICE_NFQUEUE_H
#define SLUICE_NFQUEUE_H

#include <stddef.h>
#include <stdint.h>

#define NFQ_MAX_QUEUES 2
#define NFQ_BURST 64		/* datagrams per recvmmsg */
#define NFQ_BURSTS 4		/* recvmmsg calls per nfqueue_read */

struct nfqueue_conf {
	uint16_t queue[NFQ_MAX_QUEUES];
	int fail_open[NFQ_MAX_QUEUES];
	unsigned nqueues;
	uint32_t maxlen;	/* packets the kernel keeps waiting per queue */
	int rcvbuf;		/* socket receive buffer, bytes */
	uint32_t copy_range;	/* bytes of each packet copied to us */
};

struct nfqueue_pkt {
	uint16_t queue;
	uint32_t id;
	const uint8_t *data;	/* network header first */
	size_t len;		/* at most copy_range */
};

struct nfqueue_stats {
	uint64_t packets, accepts, drops, batches, singles, sends;
	uint64_t held_now, overruns, bad_msgs;
	/* the kernel's (procfs): packets in the queue now (held ones too),
	   dropped because a fail-closed queue was full, lost on the way
	   to us */
	uint64_t kernel_waiting, kernel_dropped, kernel_user_dropped;
};

/* one queue's: what we read, what never reached us */
struct nfqueue_qstats {
	uint16_t queue;
	int fail_open;
	uint64_t packets, held_now;
	uint64_t gap_ids;	/* ids skipped in what we read */
	uint64_t overruns;	/* gap_ids + kernel_dropped */
	uint64_t kernel_waiting, kernel_dropped, kernel_user_dropped;
};

typedef void nfqueue_fn(void *ctx, const struct nfqueue_pkt *p);

struct nfqueue;

/* nfqueue_open - bind the queues; NULL with the reason in err */
struct nfqueue *nfqueue_open(const struct nfqueue_conf *c, char *err, size_t errlen);
/* nfqueue_close - accept everything still held, unbind; accepts NULL */
void nfqueue_close(struct nfqueue *q);
/* nfqueue_fd - for epoll */
int nfqueue_fd(const struct nfqueue *q);
/* nfqueue_read - one burst; packets handed to fn, or -1 with errno */
int nfqueue_read(struct nfqueue *q, nfqueue_fn *fn, void *ctx);
/* nfqueue_recv - one recvmmsg, unparsed (no engine needed): datagrams
   read, 0 if none, -1 with errno */
int nfqueue_recv(struct nfqueue *q);
/* nfqueue_dispatch - what nfqueue_recv read, handed to fn; packets */
int nfqueue_dispatch(struct nfqueue *q, nfqueue_fn *fn, void *ctx);
/* nfqueue_verdict - answer packet id of queue (NF_ACCEPT, NF_DROP) */
void nfqueue_verdict(struct nfqueue *q, uint16_t queue, uint32_t id, int verdict);
/* nfqueue_hold - packet id will be answered later */
void nfqueue_hold(struct nfqueue *q, uint16_t queue, uint32_t id);
/* nfqueue_pending - verdicts buffered, not yet sent */
size_t nfqueue_pending(const struct nfqueue *q);
/* nfqueue_flush - send buffered verdicts; 0 or -1 with errno */
int nfqueue_flush(struct nfqueue *q);
/* nfqueue_stats - counters */
void nfqueue_stats(const struct nfqueue *q, struct nfqueue_stats *out);
/* nfqueue_queue_stats - counters of the slot-th queue bound; -1 if none */
int nfqueue_queue_stats(const struct nfqueue *q, unsigned slot,
			struct nfqueue_qstats *out);

#endif
