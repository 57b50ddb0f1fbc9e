/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nflog - read one NFLOG group over libmnl
 * SYNOPSIS
 *	#include "queue/nflog.h"
 * DESCRIPTION
 *	nflog_open() binds a log group (the nft statement `log group N`)
 *	in copy-packet mode; nflog_read() drains what is there, at most a
 *	burst of datagrams per call, and hands each logged packet (network
 *	header first, as far as the kernel copied it) to the caller.
 *	nflog_parse() reads one NFULNL_MSG_PACKET message: every attribute
 *	is validated (type bound, exact length where the type has one)
 *	before use; a message without a payload or with a broken attribute
 *	is refused, never half read. A log group has one listener per
 *	network namespace: a group another program (ulogd) holds is EBUSY.
 */
#ifndef SLUICE_NFLOG_H
#define SLUICE_NFLOG_H

#include <stddef.h>
#include <stdint.h>

struct nflog_pkt {
	uint16_t group;		/* from the message header (res_id) */
	uint8_t family;		/* NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10) */
	uint8_t hook;		/* NF_INET_*, from NFULA_PACKET_HDR */
	uint16_t hw_protocol;	/* host order; 0 if the kernel gave none */
	const uint8_t *data;	/* the packet, network header first */
	size_t len;
};

struct nflog_stats {
	uint64_t messages;	/* packet messages read */
	uint64_t refused;	/* not a packet message, or malformed */
};

struct nlmsghdr;

/* nflog_parse - one message into out; 0, or -1 if it is not a
   well-formed NFULNL_MSG_PACKET with a payload */
int nflog_parse(const struct nlmsghdr *nlh, struct nflog_pkt *out);

typedef void nflog_fn(void *ctx, const struct nflog_pkt *p);

struct nflog;

/* nflog_open - bind group, copying packets whole; NULL with the
   reason in err */
struct nflog *nflog_open(uint16_t group, int rcvbuf, char *err, size_t errlen);
/* nflog_close - accepts NULL */
void nflog_close(struct nflog *l);
/* nflog_fd - for epoll */
int nflog_fd(const struct nflog *l);
/* nflog_read - drain a burst; packets to fn; how many, or -1 with errno */
int nflog_read(struct nflog *l, nflog_fn *fn, void *ctx);
/* nflog_stats - counters */
void nflog_stats(const struct nflog *l, struct nflog_stats *out);

#endif
