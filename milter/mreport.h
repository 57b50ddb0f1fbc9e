/*
 * NAME
 *	mreport - sluice-milter's events
 * SYNOPSIS
 *	#include "mreport.h"
 * DESCRIPTION
 *	Events go to the JSON-lines log of [core] events (one write per
 *	event, serialised by a mutex: events are rare, so the lock is off
 *	the hot path) and, with syslog_events, to syslog as one readable
 *	line. (A honeytoken's client is reported to sluiced by
 *	mailquar(3), shared with sluice-policyd.)
 */
#ifndef SLUICE_MREPORT_H
#define SLUICE_MREPORT_H

#include "event.h"
#include "mailthr.h"
#include "mconf.h"

struct mreport_about {			/* what an event is about */
	const char *client;		/* literal address, or "" */
	const char *identity;
	const char *sender;
	const char *sasl;		/* "" when none */
	const struct mail_result *res;	/* recipient, queued; may be NULL */
};

/* mreport_start - the event log (NULL: syslog only) */
void mreport_start(struct event_sink *events);
/* mreport_reopen - reopen the event log after rotation */
void mreport_reopen(void);
/* mreport_event - one event of type; then name, value pairs (a NULL
   value leaves its pair out), ended by a NULL name; at most 3 pairs */
void mreport_event(const struct mconf *c, const char *type,
		   const char *verdict, const struct mreport_about *a, ...);

#endif
