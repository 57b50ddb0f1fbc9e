/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nftbatch - one nf_tables netlink transaction: build, send, read acks
 * SYNOPSIS
 *	#include "table/nftbatch.h"
 * DESCRIPTION
 *	A batch is a buffer holding BEGIN, the messages, and END. Every
 *	message asks for an acknowledgement, so nftbatch_commit() knows
 *	when the kernel has answered all of them and which one failed (its
 *	sequence number): the kernel applies all or nothing.
 */
#ifndef SLUICE_NFTBATCH_H
#define SLUICE_NFTBATCH_H

#include <stddef.h>
#include <stdint.h>

struct mnl_socket;
struct nlmsghdr;
struct nftbatch;

/* nftbatch_create - room for size bytes of messages; NULL with errno */
struct nftbatch *nftbatch_create(size_t size, uint32_t first_seq);
/* nftbatch_free - accepts NULL */
void nftbatch_free(struct nftbatch *b);
/* nftbatch_msg - header of the next message (NLM_F_ACK added), or NULL
   when the buffer cannot hold another; *seq gets its sequence number */
struct nlmsghdr *nftbatch_msg(struct nftbatch *b, uint16_t type,
			      uint16_t family, uint16_t flags, uint32_t *seq);
/* nftbatch_done - the message from nftbatch_msg is complete; -1 if it
   overran the buffer */
int nftbatch_done(struct nftbatch *b);
/* nftbatch_commit - send and wait for every ack; 0, or -1 with errno
   of the first failure and *bad_seq its message */
int nftbatch_commit(struct nftbatch *b, struct mnl_socket *nl,
		    uint32_t *bad_seq);
/* nftbatch_next_seq - sequence number after the batch's last */
uint32_t nftbatch_next_seq(const struct nftbatch *b);

#endif
