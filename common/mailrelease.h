/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailrelease - release held messages with postsuper(1)
 * SYNOPSIS
 *	#include "mailrelease.h"
 * DESCRIPTION
 *	Queue ids due for release are collected and handed in batches to
 *	a child process, which runs "postsuper [-c DIR] -H -" (ids on its
 *	standard input) and then "postqueue [-c DIR] -i ID" for each, so
 *	the mail leaves the deferred queue at once; the event loop never
 *	waits for either. Children are reaped by mailrelease_reap() on
 *	SIGCHLD (mailrelease_reap_with() when the process has other
 *	children, as sluice-policyd's snapshot). sluice-policyd and
 *	sluice-milter both release held mail this way.
 */
#ifndef SLUICE_MAILRELEASE_H
#define SLUICE_MAILRELEASE_H

#include <stddef.h>
#include <sys/types.h>

#define MAILRELEASE_BATCH 512	/* ids per postsuper run */
#define MAILRELEASE_QID_MAX 32	/* a Postfix queue id, with its NUL */
#define MAILRELEASE_PATH_MAX 4096	/* postsuper, config_dir */

struct mailrelease;

/* mailrelease_create - postsuper path (NULL: /usr/sbin/postsuper),
   Postfix config dir (NULL or "" = Postfix's default); NULL with
   errno (EINVAL: empty postsuper; ENAMETOOLONG) */
struct mailrelease *mailrelease_create(const char *postsuper,
				       const char *config_dir);
/* mailrelease_free - accepts NULL; queued ids are lost */
void mailrelease_free(struct mailrelease *r);
/* mailrelease_add - queue one id (checked to be a Postfix queue id);
   -1 if it is not one or the batch is full */
int mailrelease_add(struct mailrelease *r, const char *queue_id);
/* mailrelease_queue - mailrelease_add, starting postsuper for a full
   batch first; -1 if it is not a queue id or postsuper cannot start */
int mailrelease_queue(struct mailrelease *r, const char *queue_id);
/* mailrelease_run - start postsuper for the queued ids; returns how
   many were handed over, -1 with errno if it could not start */
int mailrelease_run(struct mailrelease *r);
/* mailrelease_run_wait - run postsuper for the queued ids in a child
   and wait for it, killing it after timeout_s seconds (the release
   helper, mailpriv); 0 done, 1 postsuper failed, 2 postqueue failed,
   3 timed out, -1 with errno if it could not start */
int mailrelease_run_wait(struct mailrelease *r, unsigned timeout_s);
/* mailrelease_join - the queued ids, one per line, into buf (NUL
   ended); its length, or -1 if it does not fit */
int mailrelease_join(const struct mailrelease *r, char *buf, size_t len);
/* mailrelease_clear - forget the queued ids (handed over) */
void mailrelease_clear(struct mailrelease *r);
/* mailrelease_pending - ids waiting for the next run */
size_t mailrelease_pending(const struct mailrelease *r);
/* mailrelease_reap - collect finished children; how many failed */
int mailrelease_reap(struct mailrelease *r);
/* mailrelease_claim_fn - a finished child (pid, wait status) that may
   be the caller's own: 1 if it is (taken, not counted), else 0 */
typedef int mailrelease_claim_fn(void *ctx, pid_t pid, int status);
/* mailrelease_reap_with - mailrelease_reap, for a process with other
   children too: each finished one goes to claim first */
int mailrelease_reap_with(struct mailrelease *r, mailrelease_claim_fn *claim,
			  void *ctx);

#endif
