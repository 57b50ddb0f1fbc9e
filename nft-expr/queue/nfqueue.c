/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nfqueue - NFQUEUE over libmnl: read packets in bursts, batch verdicts
 * SYNOPSIS
 *	#include "queue/nfqueue.h"
 * DESCRIPTION
 *	Why batch: one recv and one send per packet cost about half the
 *	rate a kernel-only rule reaches. Here one recvmmsg() takes a burst
 *	and one send carries all of its verdicts.
 *
 *	A NFQNL_MSG_VERDICT_BATCH for id X answers every packet of the
 *	queue with an id up to X, so it is only used below the oldest
 *	packet we still hold. There the pending verdicts, sorted by id, go
 *	out as runs of equal verdicts, one batch per run: a run's batch
 *	also reaches the ids of the runs before it, which the kernel has
 *	answered already (one send is processed in order). Packets read
 *	are always decided (answered or held) before the flush, so nothing
 *	else lies below X. Above the oldest held packet: single verdicts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "queue/heldids.h"
#include "queue/nfqueue.h"
#include "queue/verdplan.h"

#define NFQ_PENDING 2048	/* buffered verdicts before a forced flush */
#define NFQ_SEND_MAX (64 * 1024)	/* bytes per send */
#define NFQ_MSG_SLACK 512	/* netlink headers and attributes per packet */
#define NFQ_PROC "/proc/net/netfilter/nfnetlink_queue"


struct nfqueue {
	struct mnl_socket *nl;
	struct nfqueue_conf conf;
	struct heldids *held[NFQ_MAX_QUEUES];
	uint32_t last_id[NFQ_MAX_QUEUES];	/* newest id read */
	int seen[NFQ_MAX_QUEUES];
	uint64_t qpackets[NFQ_MAX_QUEUES];	/* packets read per queue */
	uint64_t gap_ids[NFQ_MAX_QUEUES];	/* ids never read: overruns */
	unsigned long enobufs;	/* the reader's, atomic: read unlocked */
	unsigned nread;		/* datagrams nfqueue_recv buffered */
	unsigned rlen[NFQ_BURST];	/* their lengths */
	int procfd;		/* /proc/net/netfilter/nfnetlink_queue, or -1 */
	struct verd pend[NFQ_PENDING];
	size_t npend;
	char *rbuf;		/* NFQ_BURST buffers of rsize bytes */
	size_t rsize;
	char *sbuf;		/* NFQ_SEND_MAX + slack */
	size_t slen;
	struct nfqueue_stats st;
};

/* qindex - slot of a queue number, -1 if not ours */
static int qindex(const struct nfqueue *q, uint16_t queue)
{
	unsigned i;

	for (i = 0; i < q->conf.nqueues; i++)
		if (q->conf.queue[i] == queue)
			return (int)i;
	return -1;
}

/* config_msg - bind/unbind and configure one queue in one message */
static int config_msg(struct nfqueue *q, unsigned i, uint8_t cmd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG,
					     q->conf.queue[i]);
	uint32_t flags = NFQA_CFG_F_GSO;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, cmd);
	if (cmd == NFQNL_CFG_CMD_BIND) {
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET,
					 (int)q->conf.copy_range);
		nfq_nlmsg_cfg_put_qmaxlen(nlh, q->conf.maxlen);
		if (q->conf.fail_open[i])
			flags |= NFQA_CFG_F_FAIL_OPEN;
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	}
	return mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* ack_wait - the kernel's answer to a config message; packets that
   arrive meanwhile (another queue is already bound) are accepted */
static int ack_wait(struct nfqueue *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE + 0xffff];
	const struct nlmsghdr *nlh;
	int n;

	for (;;) {
		n = (int)mnl_socket_recvfrom(q->nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				errno = -e->error;
				return e->error ? -1 : 0;
			}
			/* a packet: answered by the batch accept at the end */
		}
	}
}

/* nfqueue_bind - bind every queue and set its parameters */
static int nfqueue_bind(struct nfqueue *q, char *err, size_t errlen)
{
	unsigned i;

	for (i = 0; i < q->conf.nqueues; i++) {
		if (config_msg(q, i, NFQNL_CFG_CMD_BIND) < 0 || ack_wait(q) < 0) {
			snprintf(err, errlen, "binding NFQUEUE %u: %s%s",
				 q->conf.queue[i], strerror(errno),
				 errno == EBUSY || errno == EPERM ?
				 " (another program holds it, or we lack CAP_NET_ADMIN)" : "");
			return -1;
		}
	}
	return 0;
}

/* nfqueue_socket - socket options: buffer, no ENOBUFS, non-blocking later */
static void nfqueue_socket(struct nfqueue *q)
{
	int fd = mnl_socket_get_fd(q->nl), one = 1;

	/* FORCE passes rmem_max; we run with CAP_NET_ADMIN at start-up */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &q->conf.rcvbuf,
		       sizeof(q->conf.rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &q->conf.rcvbuf,
				 sizeof(q->conf.rcvbuf));
	/* an overrun is counted by the kernel (fail-open), not an error */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
}

/* nfqueue_open - bind the queues; NULL with the reason in err */
struct nfqueue *nfqueue_open(const struct nfqueue_conf *c, char *err, size_t errlen)
{
	struct nfqueue *q = calloc(1, sizeof(*q));
	unsigned i;

	if (q != NULL)
		q->procfd = -1;
	if (q == NULL || c->nqueues == 0 || c->nqueues > NFQ_MAX_QUEUES) {
		snprintf(err, errlen, "nfqueue: %s", q ? "bad queue count" : "out of memory");
		free(q);
		return NULL;
	}
	q->conf = *c;
	q->rsize = c->copy_range + NFQ_MSG_SLACK;
	q->rbuf = malloc(q->rsize * NFQ_BURST);
	q->sbuf = malloc(NFQ_SEND_MAX + MNL_SOCKET_BUFFER_SIZE);
	for (i = 0; i < c->nqueues; i++)
		q->held[i] = heldids_create();
	if (q->rbuf == NULL || q->sbuf == NULL || q->held[c->nqueues - 1] == NULL
	    || q->held[0] == NULL) {
		snprintf(err, errlen, "nfqueue: out of memory");
		goto fail;
	}
	q->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (q->nl == NULL || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "nfqueue: netlink socket: %s", strerror(errno));
		goto fail;
	}
	nfqueue_socket(q);
	if (nfqueue_bind(q, err, errlen) < 0)
		goto fail;
	/* opened now: it is root's, and we may not stay root */
	q->procfd = open(NFQ_PROC, O_RDONLY | O_CLOEXEC);
	return q;
fail:
	nfqueue_close(q);
	return NULL;
}

/* accept_one - nfqueue_fn for the drain at close: accept */
static void accept_one(void *ctx, const struct nfqueue_pkt *p)
{
	nfqueue_verdict(ctx, p->queue, p->id, NF_ACCEPT);
}

/* accept_all - accept what is held and what still waits to be read:
   at unbind the kernel would drop every packet still queued */
static void accept_all(struct nfqueue *q)
{
	unsigned i;
	int n;

	for (i = 0; i < q->conf.nqueues; i++) {
		heldids_clear(q->held[i]);
		if (q->seen[i])
			nfqueue_verdict(q, q->conf.queue[i], q->last_id[i], NF_ACCEPT);
	}
	do {
		n = nfqueue_read(q, accept_one, q);
		(void)nfqueue_flush(q);
	} while (n > 0);
}

/* nfqueue_close - accept everything still held, unbind; accepts NULL */
void nfqueue_close(struct nfqueue *q)
{
	unsigned i;

	if (q == NULL)
		return;
	if (q->nl != NULL) {
		/* held packets would be dropped by the kernel at close */
		accept_all(q);
		for (i = 0; i < q->conf.nqueues; i++)
			(void)config_msg(q, i, NFQNL_CFG_CMD_UNBIND);
		mnl_socket_close(q->nl);
	}
	for (i = 0; i < NFQ_MAX_QUEUES; i++)
		heldids_free(q->held[i]);
	if (q->procfd >= 0)
		close(q->procfd);
	free(q->rbuf);
	free(q->sbuf);
	free(q);
}

/* nfqueue_fd - for epoll */
int nfqueue_fd(const struct nfqueue *q)
{
	return mnl_socket_get_fd(q->nl);
}

/* packet_cb - one packet message */
static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	void **args = data;
	struct nfqueue *q = args[0];
	nfqueue_fn *fn = (nfqueue_fn *)args[1];
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	const struct nfqnl_msg_packet_hdr *ph;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct nfqueue_pkt p;
	int i;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || attr[NFQA_PACKET_HDR] == NULL
	    || mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph)) {
		q->st.bad_msgs++;
		return MNL_CB_OK;
	}
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	p.queue = ntohs(g->res_id);
	p.id = ntohl(ph->packet_id);
	p.data = attr[NFQA_PAYLOAD] ? mnl_attr_get_payload(attr[NFQA_PAYLOAD]) : NULL;
	p.len = attr[NFQA_PAYLOAD] ? mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]) : 0;
	if ((i = qindex(q, p.queue)) < 0) {
		q->st.bad_msgs++;
		return MNL_CB_OK;
	}
	/* The kernel numbers a queue's packets one by one and hands them
	   over in that order: ids skipped are packets it numbered and
	   could not deliver (socket full), which fail-open accepts
	   without a word. */
	if (q->seen[i] && heldids_before(q->last_id[i], p.id))
		q->gap_ids[i] += p.id - q->last_id[i] - 1;
	q->last_id[i] = p.id;
	q->seen[i] = 1;
	q->qpackets[i]++;
	q->st.packets++;
	fn(args[2], &p);
	return MNL_CB_OK;
}

/* nfqueue_recv - one recvmmsg into our buffers, not yet parsed (a
   reader thread calls it without the engine's lock): datagrams read,
   0 if none, -1 on error */
int nfqueue_recv(struct nfqueue *q)
{
	struct mmsghdr msgs[NFQ_BURST];
	struct iovec iov[NFQ_BURST];
	int i, n;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < NFQ_BURST; i++) {
		iov[i].iov_base = q->rbuf + (size_t)i * q->rsize;
		iov[i].iov_len = q->rsize;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	q->nread = 0;
	n = recvmmsg(nfqueue_fd(q), msgs, NFQ_BURST, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == ENOBUFS) {
			__atomic_add_fetch(&q->enobufs, 1, __ATOMIC_RELAXED);
			return 0;
		}
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	}
	for (i = 0; i < n; i++)
		q->rlen[i] = msgs[i].msg_len;
	q->nread = (unsigned)n;
	return n;
}

/* nfqueue_dispatch - the packets nfqueue_recv read, handed to fn;
   their number */
int nfqueue_dispatch(struct nfqueue *q, nfqueue_fn *fn, void *ctx)
{
	void *args[3] = { q, (void *)fn, ctx };
	uint64_t before = q->st.packets;
	unsigned i;

	for (i = 0; i < q->nread; i++)
		if (mnl_cb_run(q->rbuf + (size_t)i * q->rsize, q->rlen[i], 0, 0,
			       packet_cb, args) < 0)
			q->st.bad_msgs++;
	q->nread = 0;
	return (int)(q->st.packets - before);
}

/* nfqueue_read - up to NFQ_BURSTS bursts while they come full;
   packets handed to fn, or -1 with errno */
int nfqueue_read(struct nfqueue *q, nfqueue_fn *fn, void *ctx)
{
	uint64_t before = q->st.packets;
	int i, n = NFQ_BURST;

	/* a full burst means more is waiting: read on before one flush
	   answers them all, so a flood costs fewer wake-ups and sends */
	for (i = 0; i < NFQ_BURSTS && n == NFQ_BURST; i++) {
		if ((n = nfqueue_recv(q)) < 0)
			return -1;
		(void)nfqueue_dispatch(q, fn, ctx);
	}
	return (int)(q->st.packets - before);
}

/* nfqueue_hold - packet id will be answered later */
void nfqueue_hold(struct nfqueue *q, uint16_t queue, uint32_t id)
{
	int i = qindex(q, queue);

	/* without room to remember it, answer now: fail-open */
	if (i < 0 || heldids_add(q->held[i], id) < 0)
		nfqueue_verdict(q, queue, id, NF_ACCEPT);
}

/* nfqueue_verdict - answer packet id of queue */
void nfqueue_verdict(struct nfqueue *q, uint16_t queue, uint32_t id, int verdict)
{
	int i = qindex(q, queue);

	if (i >= 0)
		(void)heldids_del(q->held[i], id);
	if (q->npend == NFQ_PENDING)
		(void)nfqueue_flush(q);
	q->pend[q->npend].queue = queue;
	q->pend[q->npend].id = id;
	q->pend[q->npend++].verdict = verdict;
	if (verdict == NF_ACCEPT)
		q->st.accepts++;
	else
		q->st.drops++;
}

/* send_out - write the send buffer to the kernel */
static int send_out(struct nfqueue *q)
{
	int rc = 0;

	if (q->slen > 0) {
		rc = mnl_socket_sendto(q->nl, q->sbuf, q->slen) < 0 ? -1 : 0;
		q->st.sends++;
	}
	q->slen = 0;
	return rc;
}

/* put_verdict - append one verdict message (batch or single) */
static int put_verdict(struct nfqueue *q, int type, uint16_t queue, uint32_t id,
		       int verdict)
{
	struct nlmsghdr *nlh;
	int rc = 0;

	if (q->slen >= NFQ_SEND_MAX)
		rc = send_out(q);
	nlh = nfq_nlmsg_put(q->sbuf + q->slen, type, queue);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	q->slen += NLMSG_ALIGN(nlh->nlmsg_len);
	if (type == NFQNL_MSG_VERDICT_BATCH)
		q->st.batches++;
	else
		q->st.singles++;
	return rc;
}

/* pend_cmp - order by queue, then id (modulo 2^32: one flush spans
   far less than 2^31 ids) */
static int pend_cmp(const void *x, const void *y)
{
	const struct verd *a = x, *b = y;

	if (a->queue != b->queue)
		return a->queue < b->queue ? -1 : 1;
	if (a->id == b->id)
		return 0;
	return heldids_before(a->id, b->id) ? -1 : 1;
}

/* pend_sort - sort the pending verdicts unless they already are */
static void pend_sort(struct nfqueue *q)
{
	size_t k;

	for (k = 1; k < q->npend; k++)
		if (pend_cmp(&q->pend[k - 1], &q->pend[k]) > 0) {
			qsort(q->pend, q->npend, sizeof(q->pend[0]), pend_cmp);
			return;
		}
}

/* flush_queue - the pending verdicts [from, to) of queue slot i,
   sorted, as verdplan() says */
static int flush_queue(struct nfqueue *q, unsigned i, size_t from, size_t to)
{
	struct verd_msg msgs[NFQ_PENDING];
	uint32_t oldest = 0;
	int held = heldids_oldest(q->held[i], &oldest), rc = 0;
	size_t k, n = verdplan(&q->pend[from], to - from, held, oldest, msgs);

	for (k = 0; k < n; k++)
		rc |= put_verdict(q, msgs[k].batch ? NFQNL_MSG_VERDICT_BATCH
				  : NFQNL_MSG_VERDICT, q->conf.queue[i],
				  msgs[k].id, msgs[k].verdict);
	return rc;
}

/* nfqueue_flush - send buffered verdicts; 0 or -1 with errno */
int nfqueue_flush(struct nfqueue *q)
{
	size_t k, from;
	int rc = 0, slot;

	pend_sort(q);
	for (k = 0; k < q->npend; k = from) {
		from = k;
		while (from < q->npend && q->pend[from].queue == q->pend[k].queue)
			from++;
		if ((slot = qindex(q, q->pend[k].queue)) >= 0)
			rc |= flush_queue(q, (unsigned)slot, k, from);
	}
	q->npend = 0;
	rc |= send_out(q);
	return rc ? -1 : 0;
}

/* nfqueue_pending - verdicts buffered, not yet sent */
size_t nfqueue_pending(const struct nfqueue *q)
{
	return q->npend;
}

/* kernel_line - the procfs line of queue num: in the queue now,
   dropped (queue full, fail-closed), dropped on delivery to us, the
   last id numbered; 0, or -1 if the kernel has no such queue */
static int kernel_line(const struct nfqueue *q, int num,
		       struct nfqueue_qstats *out)
{
	char buf[4096], *line, *save = NULL;
	unsigned n, portid, total, mode, range, dropped, udropped, seq;
	ssize_t len;
	int found = -1;

	if (q->procfd < 0 || (len = pread(q->procfd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%u %u %u %u %u %u %u %u", &n, &portid, &total,
			   &mode, &range, &dropped, &udropped, &seq) < 7
		    || n > UINT16_MAX || qindex(q, (uint16_t)n) < 0
		    || (num >= 0 && n != (unsigned)num))
			continue;
		out->kernel_waiting += total;
		out->kernel_dropped += dropped;
		out->kernel_user_dropped += udropped;
		found = 0;
	}
	return found;
}

/* nfqueue_queue_stats - counters of the slot-th queue bound (0, 1);
   -1 if there is none */
int nfqueue_queue_stats(const struct nfqueue *q, unsigned slot,
			struct nfqueue_qstats *out)
{
	memset(out, 0, sizeof(*out));
	if (slot >= q->conf.nqueues)
		return -1;
	out->queue = q->conf.queue[slot];
	out->fail_open = q->conf.fail_open[slot];
	out->packets = q->qpackets[slot];
	out->gap_ids = q->gap_ids[slot];
	out->held_now = heldids_count(q->held[slot]);
	(void)kernel_line(q, q->conf.queue[slot], out);
	/* a fail-closed queue's kernel drops left gaps too (numbered,
	   then undeliverable): count those once */
	out->overruns = out->gap_ids + out->kernel_dropped;
	return 0;
}

/* nfqueue_stats - counters */
void nfqueue_stats(const struct nfqueue *q, struct nfqueue_stats *out)
{
	struct nfqueue_qstats k;
	unsigned i;

	*out = q->st;
	out->overruns = __atomic_load_n(&q->enobufs, __ATOMIC_RELAXED);
	out->held_now = 0;
	for (i = 0; i < q->conf.nqueues; i++)
		out->held_now += heldids_count(q->held[i]);
	memset(&k, 0, sizeof(k));
	(void)kernel_line(q, -1, &k);
	out->kernel_waiting = k.kernel_waiting;
	out->kernel_dropped = k.kernel_dropped;
	out->kernel_user_dropped = k.kernel_user_dropped;
}
