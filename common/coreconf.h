/*
 * NAME
 *	coreconf - the [core] group every sluice program reads
 * SYNOPSIS
 *	#include "coreconf.h"
 * DESCRIPTION
 *	Keys of [core]:
 *
 *	  events = /var/log/sluice/events.json   JSON-lines file ("-" =
 *	                                        stdout, empty = none)
 *	  control_socket = /run/sluice/sluiced.sock  sluiced's control
 *	                                        socket (a path or unix:/path)
 *	  state_dir = /var/lib/sluice
 *	  whitelist = 127.0.0.0/8; ::1           nothing ever acts against
 *	                                        these (setting it replaces
 *	                                        the default)
 *	  syslog_events = yes                   each event also as one
 *	                                        syslog line
 *
 *	coreconf_known_groups lists every group any sluice program reads,
 *	for config_check_groups(): "zone " is the prefix of [zone NAME].
 */
#ifndef SLUICE_CORECONF_H
#define SLUICE_CORECONF_H

#include <stddef.h>
#include "config.h"
#include "prefixset.h"

struct core_conf {
	char *events;		/* JSON-lines path, default /var/log/sluice/events.json */
	char *control_socket;	/* default /run/sluice/sluiced.sock */
	char *state_dir;	/* /var/lib/sluice */
	struct prefixset *whitelist;	/* nothing ever acts against these */
	int syslog_events;
};

extern const char *const coreconf_known_groups[];

/* coreconf_apply - fill out from [core]; 0, or -1 with the error in err */
int coreconf_apply(struct config *c, struct core_conf *out, char *err, size_t len);
/* coreconf_release - free what coreconf_apply allocated; accepts NULL */
void coreconf_release(struct core_conf *cc);

#endif
