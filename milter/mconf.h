/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mconf - sluice-milter's configuration: [milter] and its own keys
 * SYNOPSIS
 *	#include "mconf.h"
 * DESCRIPTION
 *	The [milter] group holds the throttle keys shared with
 *	sluice-policyd (mailconf(3)) and the milter's own: where to
 *	listen, whether to ask sluiced to quarantine honeytoken clients,
 *	the shard count, honeytoken samples. From [core] (coreconf(3)) it
 *	takes the event log, sluiced's control socket, the whitelist that
 *	no quarantine request may touch and syslog_events. A loaded configuration is immutable
 *	and reference counted: a session takes a reference when it
 *	starts, so a reload (SIGHUP) never frees what a running session
 *	still reads.
 */
#ifndef SLUICE_MCONF_H
#define SLUICE_MCONF_H

#include <stdint.h>
#include "coreconf.h"
#include "mailconf.h"
#include "mailthr.h"

struct mconf {
	struct mailconf mail;		/* first: mailconf_load needs it */
	char *listen;			/* endpoint, either syntax */
	unsigned shards;
	char *sample_dir;		/* honeytoken samples; NULL = none */
	uint64_t sample_max;
	/* [core]: events, control_socket, whitelist, syslog_events */
	struct core_conf core;
	/* derived */
	struct mailthr_params params;
	char conn[160];			/* libmilter's spelling of listen */
	int refs;
};

/* mconf_load - read [core] and [milter] from path; NULL with
   the error (file, group, key, value, what is accepted) in err */
struct mconf *mconf_load(const char *path, char *err, size_t errlen);
/* mconf_load_data - the same from memory (tests, fuzzing) */
struct mconf *mconf_load_data(const char *data, size_t len, char *err,
			      size_t errlen);
/* mconf_ref - one more reference; returns c */
struct mconf *mconf_ref(struct mconf *c);
/* mconf_unref - drop a reference, freeing on the last; accepts NULL */
void mconf_unref(struct mconf *c);

#endif
