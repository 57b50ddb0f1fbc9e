/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftbatch - one nf_tables netlink transaction: build, send, read acks
 * SYNOPSIS
 *	#include "table/nftbatch.h"
 * DESCRIPTION
 *	Messages are written straight into one buffer; a message that does
 *	not fit makes the batch fail rather than be cut. Acks are awaited
 *	with a bounded wait, so a kernel that answers fewer messages than
 *	we sent (after an error) cannot hang the daemon.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nfnetlink.h>

#include "table/nftbatch.h"

#define ACK_WAIT_MS 2000	/* the kernel answers in microseconds */
#define ACK_LINGER_MS 100	/* after an error, wait this long for more */
#define ACK_TRUESIZE 2048	/* receive buffer an ack takes, generously */

struct nftbatch {
	char *buf;
	size_t size;		/* usable bytes; as much again of slack past it */
	struct mnl_nlmsg_batch *mb;
	uint32_t first_seq, seq;
	unsigned acks;		/* messages that will be acknowledged */
	int overrun;
};

/* nftbatch_create - room for size bytes of messages; NULL with errno */
struct nftbatch *nftbatch_create(size_t size, uint32_t first_seq)
{
	struct nftbatch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	/* libmnl lets a message run past size into the slack, then we stop */
	b->size = size;
	b->buf = calloc(2, size);
	if (b->buf == NULL) {
		free(b);
		return NULL;
	}
	b->mb = mnl_nlmsg_batch_start(b->buf, size);
	b->first_seq = b->seq = first_seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->mb), b->seq++);
	mnl_nlmsg_batch_next(b->mb);
	return b;
}

/* nftbatch_free - accepts NULL */
void nftbatch_free(struct nftbatch *b)
{
	if (b == NULL)
		return;
	mnl_nlmsg_batch_stop(b->mb);
	free(b->buf);
	free(b);
}

/* nftbatch_msg - header of the next message, or NULL if full */
struct nlmsghdr *nftbatch_msg(struct nftbatch *b, uint16_t type,
			      uint16_t family, uint16_t flags, uint32_t *seq)
{
	if (b->overrun)
		return NULL;
	if (seq != NULL)
		*seq = b->seq;
	b->acks++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->mb), type,
				     family, flags | NLM_F_ACK, b->seq++);
}

/* nftbatch_done - the message is complete; -1 if it overran */
int nftbatch_done(struct nftbatch *b)
{
	/* false means the message crossed size: it sits in the slack */
	if (!mnl_nlmsg_batch_next(b->mb))
		b->overrun = 1;
	return b->overrun ? -1 : 0;
}

/* acks_read - count acks in one datagram, keep the first error */
static void acks_read(const char *buf, int len, unsigned *got, int *err,
		      uint32_t *bad_seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
			continue;
		e = mnl_nlmsg_get_payload(nlh);
		(*got)++;
		if (e->error != 0 && *err == 0) {
			*err = -e->error;
			*bad_seq = nlh->nlmsg_seq;
		}
	}
}

/* acks_wait - read acks until all came, or a bounded wait ran out */
static int acks_wait(struct nftbatch *b, struct mnl_socket *nl,
		     uint32_t *bad_seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	unsigned got = 0;
	int err = 0, n;

	while (got < b->acks) {
		n = poll(&pfd, 1, err ? ACK_LINGER_MS : ACK_WAIT_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		acks_read(buf, n, &got, &err, bad_seq);
	}
	if (err == 0 && got < b->acks)
		err = ETIMEDOUT;
	errno = err;
	return err ? -1 : 0;
}

/* sndbuf_fit - a transaction goes in one sendmsg (the kernel takes a
   batch from one message), so a big one (100,000 quarantines is some
   megabytes) needs a send buffer that big: raised with CAP_NET_ADMIN
   (SO_SNDBUFFORCE), else as far as the system lets us */
static void sndbuf_fit(struct mnl_socket *nl, size_t len)
{
	int fd = mnl_socket_get_fd(nl), have = 0, want;
	socklen_t sl = sizeof(have);

	if (len > (size_t)1 << 30)
		return;
	want = (int)len + 65536;
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &sl) == 0 && have >= want)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/* rcvbuf_fit - every message of a batch is acknowledged, and each ack
   costs the receive buffer a whole socket buffer (about a kilobyte of
   truesize for 36 bytes): the default 208 KB overflowed (ENOBUFS) at
   a few hundred messages, so the buffer is raised to hold them all */
static void rcvbuf_fit(struct mnl_socket *nl, unsigned acks)
{
	int fd = mnl_socket_get_fd(nl), have = 0, want;
	socklen_t sl = sizeof(have);

	if (acks > (1U << 20))
		acks = 1U << 20;
	want = (int)acks * ACK_TRUESIZE + 65536;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &sl) == 0 && have >= want)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
}

/* nftbatch_commit - send and wait for every ack */
int nftbatch_commit(struct nftbatch *b, struct mnl_socket *nl,
		    uint32_t *bad_seq)
{
	uint32_t dummy;

	if (bad_seq == NULL)
		bad_seq = &dummy;
	*bad_seq = 0;
	if (b->overrun) {
		errno = EMSGSIZE;
		return -1;
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(b->mb), b->seq++);
	mnl_nlmsg_batch_next(b->mb);
	sndbuf_fit(nl, mnl_nlmsg_batch_size(b->mb));
	rcvbuf_fit(nl, b->acks);
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->mb),
			      mnl_nlmsg_batch_size(b->mb)) < 0)
		return -1;
	return acks_wait(b, nl, bad_seq);
}

/* nftbatch_next_seq - sequence number after the batch's last */
uint32_t nftbatch_next_seq(const struct nftbatch *b)
{
	return b->seq;
}
