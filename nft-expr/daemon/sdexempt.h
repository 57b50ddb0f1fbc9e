/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdexempt - what sluiced never acts against besides [core] whitelist
 * SYNOPSIS
 *	#include "daemon/sdexempt.h"
 * DESCRIPTION
 *	A gateway that throttles or quarantines itself cuts its own
 *	monitoring, updates and name service off (issue 21: a poll from
 *	the gateway quarantined 10.77.1.1 for an hour). So, unless told
 *	otherwise, the machine's own addresses ([sluiced] exempt_self,
 *	read from rtnetlink and followed as they come and go) and the
 *	resolvers of [sluiced] resolv_conf (exempt_resolvers) join the
 *	whitelist: never queued, held, dropped or quarantined, as sources
 *	or destinations, in the kernel's whitelist sets as in the engine.
 *
 *	The configuration's whitelist is kept aside and conf->core.whitelist
 *	becomes the whitelist in force, the file's plus the exemptions
 *	(values SDEXEMPT_FILE, SDEXEMPT_SELF, SDEXEMPT_RESOLVER; the file's
 *	value wins for the same prefix), so every part of sluiced that asks
 *	the whitelist asks this one.
 */
#ifndef SLUICE_SDEXEMPT_H
#define SLUICE_SDEXEMPT_H

#include <stddef.h>
#include "daemon/sdconf.h"

enum { SDEXEMPT_FILE = 1, SDEXEMPT_SELF = 2, SDEXEMPT_RESOLVER = 3 };

#define SDEXEMPT_RESOLVERS_MAX 16

struct sdexempt;
typedef void sdexempt_warn_fn(void *ctx, const char *line);

/* sdexempt_open - the own-address list (rtnetlink); NULL with errno */
struct sdexempt *sdexempt_open(void);
/* sdexempt_close - accepts NULL */
void sdexempt_close(struct sdexempt *x);
/* sdexempt_fd - for epoll: own-address changes */
int sdexempt_fd(const struct sdexempt *x);
/* sdexempt_read - apply own-address changes; how many, or -1 with errno */
int sdexempt_read(struct sdexempt *x);
/* sdexempt_conf - a new configuration: keep its whitelist aside, read
   its resolvers, put the whitelist in force in c->core.whitelist;
   0, or -1 with err (out of memory, or resolv_conf unreadable: then
   the rest still applies) */
int sdexempt_conf(struct sdexempt *x, struct sd_conf *c, char *err, size_t len);
/* sdexempt_update - after sdexempt_read: the whitelist in force again */
int sdexempt_update(struct sdexempt *x, struct sd_conf *c);
/* sdexempt_warn - one line to fn for each own address or resolver a
   throttling zone covers, once per configuration (sdexempt_conf) */
void sdexempt_warn(struct sdexempt *x, const struct sd_conf *c,
		   sdexempt_warn_fn *fn, void *ctx);
/* sdexempt_resolvers - the nameserver addresses of a resolv.conf; the
   count (at most max), or -1 with errno */
int sdexempt_resolvers(const char *path, struct sl_addr *out, size_t max);
/* sdexempt_what - "whitelist", "own address", "resolver" for a value */
const char *sdexempt_what(uintptr_t value);

#endif
