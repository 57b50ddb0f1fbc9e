/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailwait - requests held here whose release time Redis fixed
 * SYNOPSIS
 *	#include "mailwait.h"
 * DESCRIPTION
 *	In shared mode (mailshare(3)) the queue lives in Redis, but the
 *	request waiting for its turn (a policy connection, a milter
 *	thread) lives on this host: it is kept here, by due time, until
 *	mailwait_due() hands it back. A binary heap of at most max
 *	entries, grown on demand.
 */
#ifndef SLUICE_MAILWAIT_H
#define SLUICE_MAILWAIT_H

#include <stddef.h>
#include <stdint.h>
#include "mailaddr.h"

struct mailwait;

typedef void mailwait_fn(void *ctx, const char *identity, uint64_t cookie);

/* mailwait_create - at most max entries; NULL with errno */
struct mailwait *mailwait_create(size_t max);
/* mailwait_free - accepts NULL; entries are not reported */
void mailwait_free(struct mailwait *w);
/* mailwait_add - cookie of identity due at due; -1 when full */
int mailwait_add(struct mailwait *w, const char *identity, uint64_t cookie,
		 uint64_t due);
/* mailwait_due - report and remove every entry due by now; count */
size_t mailwait_due(struct mailwait *w, uint64_t now, mailwait_fn *fn,
		    void *ctx);
/* mailwait_flush - report and remove identity's entries; count */
size_t mailwait_flush(struct mailwait *w, const char *identity,
		      mailwait_fn *fn, void *ctx);
/* mailwait_next - due time of the earliest entry, UINT64_MAX if none */
uint64_t mailwait_next(const struct mailwait *w);
/* mailwait_count - entries held */
size_t mailwait_count(const struct mailwait *w);

#endif
