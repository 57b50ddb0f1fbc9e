/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailpriv - the privileged release helper of the mail filters
 * SYNOPSIS
 *	#include "mailpriv.h"
 * DESCRIPTION
 *	postsuper -H runs only as root, and mode = hold needs it to let
 *	held mail go. Rather than keep the whole filter root, the filter
 *	forks this helper before it drops privileges (OpenSMTPD's
 *	privilege separation): the helper keeps root and nothing else
 *	(every other descriptor closed, signals reset), and reads
 *	requests from a socketpair. A request is one datagram of queue
 *	ids, one per line, at most MAILRELEASE_BATCH; every id must be a
 *	Postfix queue id (mailrelease_add's check) or the whole request
 *	is refused unrun. A good one runs postsuper [-c DIR] -H - and
 *	postqueue -i with the argv fixed at fork (no shell) and a
 *	timeout. Each request gets one reply byte (MAILPRIV_*).
 *
 *	The unprivileged side sends without waiting, reads the replies
 *	later (mailpriv_replies) and learns of the helper's death from
 *	its SIGCHLD (mailpriv_reap) or from the socket's end; a dead
 *	helper is reported once (mailpriv_lost) and every later release
 *	fails with EPIPE: it cannot be restarted without root.
 */
#ifndef SLUICE_MAILPRIV_H
#define SLUICE_MAILPRIV_H

#include <stddef.h>
#include <sys/types.h>
#include "mailrelease.h"

#define MAILPRIV_OK	'O'	/* released */
#define MAILPRIV_FAILED	'F'	/* postsuper or postqueue failed */
#define MAILPRIV_LATE	'T'	/* killed after the timeout */
#define MAILPRIV_BAD	'B'	/* refused: not queue ids */
#define MAILPRIV_TIMEOUT 60	/* seconds for one batch */
#define MAILPRIV_REQ_MAX (MAILRELEASE_BATCH * MAILRELEASE_QID_MAX + 1)

struct mailpriv;

/* mailpriv_parse - the helper's check of one request of n bytes:
   queue ids, one per line (the last newline optional), at least one;
   0 with them queued in r, or -1 with r empty */
int mailpriv_parse(struct mailrelease *r, const char *req, size_t n);
/* mailpriv_start - fork the helper for postsuper (NULL: the default)
   and config_dir; NULL with errno */
struct mailpriv *mailpriv_start(const char *postsuper, const char *config_dir);
/* mailpriv_free - close the socket (the helper then exits) and wait
   for it; accepts NULL */
void mailpriv_free(struct mailpriv *p);
/* mailpriv_run - hand r's queued ids to the helper (r emptied); the
   count handed over, or -1 with errno (EPIPE: the helper is gone,
   EAGAIN: it is behind; the ids stay queued) */
int mailpriv_run(struct mailpriv *p, struct mailrelease *r);
/* mailpriv_release - mailpriv_run through p, or mailrelease_run (a
   child of the caller's own) when p is NULL */
int mailpriv_release(struct mailpriv *p, struct mailrelease *r);
/* mailpriv_queue - queue one id in r, handing a full batch over
   first (mailpriv_release); -1 if it is not a queue id or the batch
   could not go */
int mailpriv_queue(struct mailpriv *p, struct mailrelease *r,
		   const char *queue_id);
/* mailpriv_replies - read the replies waiting; how many said failure */
int mailpriv_replies(struct mailpriv *p);
/* mailpriv_reap - a mailrelease_claim_fn: 1 if pid is the helper */
int mailpriv_reap(void *p, pid_t pid, int status);
/* mailpriv_lost - 1 once after the helper died, with why; else 0 */
int mailpriv_lost(struct mailpriv *p, char *why, size_t len);
/* mailpriv_pid - the helper's pid (0 when gone) */
pid_t mailpriv_pid(const struct mailpriv *p);
/* mailpriv_fd - the unprivileged end of the socketpair (tests) */
int mailpriv_fd(const struct mailpriv *p);

#endif
