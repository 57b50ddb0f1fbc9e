/*
 * NAME
 *	policy_release - release held messages with postsuper(1)
 * SYNOPSIS
 *	#include "policy_release.h"
 * DESCRIPTION
 *	Queue ids due for release are collected and handed in batches to
 *	a child process, which runs "postsuper [-c DIR] -H -" (ids on its
 *	standard input) and then "postqueue [-c DIR] -i ID" for each, so
 *	the mail leaves the deferred queue at once; the event loop never
 *	waits for either. Children are reaped by policy_release_reap() on
 *	SIGCHLD. Proposed for common/:
 *	sluice-milter holds messages the same way (see the report).
 */
#ifndef SLUICE_POLICY_RELEASE_H
#define SLUICE_POLICY_RELEASE_H

#include <stddef.h>

#define RELEASE_BATCH 512	/* ids per postsuper run */

struct policy_release;

/* policy_release_create - postsuper path, Postfix config dir (NULL =
   default); NULL with errno */
struct policy_release *policy_release_create(const char *postsuper,
					     const char *config_dir);
/* policy_release_free - accepts NULL; queued ids are lost */
void policy_release_free(struct policy_release *r);
/* policy_release_add - queue one id (checked to be a Postfix queue id);
   -1 if it is not one or the batch is full */
int policy_release_add(struct policy_release *r, const char *queue_id);
/* policy_release_run - start postsuper for the queued ids; returns how
   many were handed over, -1 with errno if it could not start */
int policy_release_run(struct policy_release *r);
/* policy_release_pending - ids waiting for the next run */
size_t policy_release_pending(const struct policy_release *r);
/* policy_release_reap - collect finished children; how many failed */
int policy_release_reap(struct policy_release *r);

#endif
