/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	policy_held - messages put on Postfix's hold queue, and when to release them
 * SYNOPSIS
 *	#include "policy_held.h"
 * DESCRIPTION
 *	A message answered HOLD is tracked by the SMTP transaction's
 *	"instance" attribute (the same for every RCPT and END-OF-MESSAGE
 *	request of one message) until its queue id is known: Postfix
 *	opens the queue file after the first accepted RCPT, so the id
 *	comes with a later RCPT or with END-OF-MESSAGE. A message held
 *	by the throttle (hold mode) has one throttle cookie per waiting
 *	recipient; once all are released, and its queue id is known, the
 *	message is due for release. A message held by a lockout or a
 *	honeytoken waits for the operator. The registry is bounded.
 */
#ifndef SLUICE_POLICY_HELD_H
#define SLUICE_POLICY_HELD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mailctl.h"
#include "mailrelease.h"
#include "mailthr.h"

#define HELD_QID_MAX MAILRELEASE_QID_MAX
#define HELD_INST_MAX 64

struct policy_held;

/* called for each message due for release */
typedef void policy_held_fn(void *ctx, const char *queue_id,
			    const char *identity);

/* policy_held_create - at most max messages; NULL with errno */
struct policy_held *policy_held_create(size_t max, policy_held_fn *fn,
				       void *ctx);
/* policy_held_free - accepts NULL */
void policy_held_free(struct policy_held *h);
/* policy_held_add - the message (instance) was answered HOLD; cookie is
   the throttle cookie of a waiting recipient, or 0 for a lockout (held
   for the operator); queue_id may be ""; -1 when full */
int policy_held_add(struct policy_held *h, const char *instance,
		    const char *queue_id, const char *identity,
		    uint64_t cookie, uint64_t now);
/* policy_held_queue_id - the message's queue id became known */
void policy_held_queue_id(struct policy_held *h, const char *instance,
			  const char *queue_id);
/* policy_held_cookie - a throttle cookie was released; 1 if it was ours */
int policy_held_cookie(struct policy_held *h, uint64_t cookie);
/* policy_held_release_identity - operator: release every message held
   for identity (NULL = all); returns how many were due */
size_t policy_held_release_identity(struct policy_held *h,
				    const char *identity);
/* policy_held_expire - forget messages whose queue id never came */
void policy_held_expire(struct policy_held *h, uint64_t now, uint64_t ttl);
/* policy_held_count - messages tracked */
size_t policy_held_count(const struct policy_held *h);
/* policy_held_each - fn for each message: queue id ("-" while not
   known), identity, who releases it ("throttle" or "operator") */
void policy_held_each(const struct policy_held *h, mailctl_held_fn *fn,
		      void *ctx);
/* policy_held_save, policy_held_load - across restarts */
int policy_held_save(const struct policy_held *h, FILE *fp);
int policy_held_load(struct policy_held *h, FILE *fp, uint64_t now);

#endif
