/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdqueues - several fail-open queues, one reader thread each
 * SYNOPSIS
 *	#include "daemon/sdqueues.h"
 * DESCRIPTION
 *	Why one lock and not one engine a thread: the engine's state is
 *	reached from a dozen places outside the packet path (sluicectl,
 *	conntrack outcomes, countermeasures, capture, snapshots, reload),
 *	and one lock taken once a burst keeps every one of them as it is.
 *	What runs in parallel is the part that does not need the engine:
 *	the kernel's enqueue on the sending cores and each reader's copy
 *	of its burst (recvmmsg). The hash on the source alone still
 *	matters: a host's packets all arrive on one queue, in the order
 *	the kernel queued them, so its decisions are those a single
 *	queue gives (a hash on both addresses would let a host's later
 *	contact overtake an earlier one on another queue).
 *
 *	A reader blocks in poll() while idle (a tenth of a second, to
 *	see the stop flag), and under a flood (a full burst) naps
 *	READER_NAP_NS between reads instead, as the main loop does, so
 *	verdicts go out in bursts.
 */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/sdconf.h"
#include "daemon/sdqueues.h"
#include "queue/nfqueue.h"

#define READER_NAP_NS (30 * 1000L)	/* under a flood: read this often */
#define READER_NAPS 32		/* naps without a full burst, then poll */
#define READER_POLL_MS 100	/* idle: look at the stop flag this often */

struct reader {
	struct sdqueues *m;
	struct nfqueue *q;
	pthread_t tid;
	int started;
};

struct sdqueues {
	pthread_mutex_t lock;
	unsigned first, count;
	int stop;		/* atomic */
	int wakefd;		/* eventfd: a reader's news for the main loop */
	sdqueues_burst_fn *fn;
	void *ctx;
	struct reader r[SD_QUEUES_MAX];
};

/* sdqueues_open - bind count queues from first; NULL with err */
struct sdqueues *sdqueues_open(const struct nfqueue_conf *tmpl, unsigned first,
			       unsigned count, char *err, size_t errlen)
{
	struct sdqueues *m = calloc(1, sizeof(*m));
	struct nfqueue_conf c = *tmpl;
	unsigned i;

	if (m == NULL || count == 0 || count > SD_QUEUES_MAX) {
		snprintf(err, errlen, "queues: %s", m ? "bad count" : "out of memory");
		free(m);
		return NULL;
	}
	(void)pthread_mutex_init(&m->lock, NULL);
	m->first = first;
	if ((m->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(err, errlen, "queues: eventfd: %s", strerror(errno));
		free(m);
		return NULL;
	}
	c.nqueues = 1;
	for (i = 0; i < count; i++) {
		c.queue[0] = (uint16_t)(first + i);
		if ((m->r[i].q = nfqueue_open(&c, err, errlen)) == NULL) {
			sdqueues_close(m);
			return NULL;
		}
		m->r[i].m = m;
		m->count = i + 1;
	}
	return m;
}

/* nap - sleep READER_NAP_NS */
static void nap(void)
{
	struct timespec ts = { 0, READER_NAP_NS };

	(void)nanosleep(&ts, NULL);
}

/* reader_main - one queue: wait, read a burst unlocked, hand it over
   locked */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct sdqueues *m = r->m;
	struct pollfd p = { .fd = nfqueue_fd(r->q), .events = POLLIN };
	int naps = 0, n;

	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		if (naps > 0)
			nap();
		else if (poll(&p, 1, READER_POLL_MS) <= 0)
			continue;
		n = nfqueue_recv(r->q);
		if (n > 0) {
			pthread_mutex_lock(&m->lock);
			m->fn(m->ctx, r->q);
			pthread_mutex_unlock(&m->lock);
		}
		naps = n == NFQ_BURST ? READER_NAPS : naps > 0 ? naps - 1 : 0;
	}
	return NULL;
}

/* sdqueues_start - one reader thread a queue; -1 with errno */
int sdqueues_start(struct sdqueues *m, sdqueues_burst_fn *fn, void *ctx)
{
	unsigned i;
	int e;

	m->fn = fn;
	m->ctx = ctx;
	for (i = 0; i < m->count; i++) {
		if ((e = pthread_create(&m->r[i].tid, NULL, reader_main,
					&m->r[i])) != 0) {
			sdqueues_stop(m);
			errno = e;
			return -1;
		}
		m->r[i].started = 1;
	}
	return 0;
}

/* sdqueues_stop - stop and join the readers; accepts NULL */
void sdqueues_stop(struct sdqueues *m)
{
	unsigned i;

	if (m == NULL)
		return;
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < m->count; i++)
		if (m->r[i].started) {
			(void)pthread_join(m->r[i].tid, NULL);
			m->r[i].started = 0;
		}
}

/* sdqueues_close - accept what is held or queued, unbind; accepts NULL */
void sdqueues_close(struct sdqueues *m)
{
	unsigned i;

	if (m == NULL)
		return;
	sdqueues_stop(m);
	for (i = 0; i < m->count; i++)
		nfqueue_close(m->r[i].q);
	close(m->wakefd);
	(void)pthread_mutex_destroy(&m->lock);
	free(m);
}

/* sdqueues_wake - a reader tells the main loop to look at its timers
   again (it held a packet due before the loop meant to wake) */
void sdqueues_wake(struct sdqueues *m)
{
	uint64_t one = 1;

	if (m != NULL)
		(void)!write(m->wakefd, &one, sizeof(one));
}

/* sdqueues_wake_fd - for the main loop's epoll; -1 for NULL */
int sdqueues_wake_fd(const struct sdqueues *m)
{
	return m == NULL ? -1 : m->wakefd;
}

/* sdqueues_woken - the main loop read the wake-up */
void sdqueues_woken(struct sdqueues *m)
{
	uint64_t n;

	(void)!read(m->wakefd, &n, sizeof(n));
}

/* sdqueues_lock - the engine's lock; accepts NULL */
void sdqueues_lock(struct sdqueues *m)
{
	if (m != NULL)
		pthread_mutex_lock(&m->lock);
}

/* sdqueues_unlock - accepts NULL */
void sdqueues_unlock(struct sdqueues *m)
{
	if (m != NULL)
		pthread_mutex_unlock(&m->lock);
}

/* sdqueues_of - the socket of queue num, NULL if not in the range */
struct nfqueue *sdqueues_of(struct sdqueues *m, uint16_t num)
{
	if (m == NULL || num < m->first || num - m->first >= m->count)
		return NULL;
	return m->r[num - m->first].q;
}

/* sdqueues_count - queues in the range; 0 for NULL */
unsigned sdqueues_count(const struct sdqueues *m)
{
	return m == NULL ? 0 : m->count;
}

/* sdqueues_at - the i-th queue's socket */
struct nfqueue *sdqueues_at(struct sdqueues *m, unsigned i)
{
	return m != NULL && i < m->count ? m->r[i].q : NULL;
}

/* sdqueues_pending - verdicts buffered on all of them */
size_t sdqueues_pending(const struct sdqueues *m)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; m != NULL && i < m->count; i++)
		n += nfqueue_pending(m->r[i].q);
	return n;
}

/* sdqueues_flush - send them; 0, or -1 with errno */
int sdqueues_flush(struct sdqueues *m)
{
	unsigned i;
	int rc = 0;

	for (i = 0; m != NULL && i < m->count; i++)
		if (nfqueue_pending(m->r[i].q) > 0 && nfqueue_flush(m->r[i].q) < 0)
			rc = -1;
	return rc;
}

/* sdqueues_close_fds - in a forked child: let go of the sockets */
void sdqueues_close_fds(struct sdqueues *m)
{
	unsigned i;

	for (i = 0; m != NULL && i < m->count; i++)
		close(nfqueue_fd(m->r[i].q));
}

/* sdqueues_print - -n with a queue range: the queue rules sluiced
   would install (one queue: nothing, as before) */
int sdqueues_print(FILE *fp, const struct sd_conf *c)
{
	unsigned i, f;
	int rc = 0;

	if (c->queue_count <= 1)
		return 0;
	for (i = 0; i < c->queue_count; i++)
		for (f = 4; f <= 6; f += 2)
			rc |= fprintf(fp, "queue: first contacts: jhash %s mod "
				      "%u seed S == %u queue num %u bypass\n",
				      f == 4 ? "ip saddr" : "ip6 saddr",
				      c->queue_count, i, c->queue_num + i) < 0;
	rc |= fprintf(fp, "queue: S is chosen at each start; ip6 saddr is cut "
		      "to its first %u bits (v6_prefix), the engine's key; "
		      "fail-%s; one reader thread a queue\n", c->v6_prefix,
		      c->fail_open ? "open" : "closed") < 0;
	rc |= fprintf(fp, "queue: fail-closed zones' sources: queue num %u "
		      "(no bypass)\n", c->closed_queue_num) < 0;
	return rc ? -1 : 0;
}
