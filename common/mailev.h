/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailev - the mail filters' events: one builder, one vocabulary
 * SYNOPSIS
 *	#include "mailev.h"
 * DESCRIPTION
 *	sluice-policyd and sluice-milter write the same events with the
 *	same fields (README, "Reading the output"). An event is about one
 *	SMTP client (src_ip) and carries, in this order and each only when
 *	known: "verdict" (what the filter answered: pass, delay, hold,
 *	defer, reject; mailev_verdict), "identity", "recipient",
 *	"sender", "sasl_username", "queue_id", "queued", "whitelisted",
 *	"observe" (true in observe mode: the verdict is what would have
 *	been answered, and nothing was enforced; the marking sluiced uses),
 *	then up to MAILEV_EXTRA fields of the event's own (a NULL string
 *	value leaves its field out).
 *
 *	The sink writes each event as one JSON line (event(3)) and, when
 *	asked, as one readable syslog line. Syslog lines of "throttle"
 *	events are summarised: within MAILEV_QUIET of an identity's last
 *	logged throttle line its further ones are counted, and the next
 *	line logged for it says how many were left out (the JSON log keeps
 *	every event). The sink takes a mutex per event, so the milter's
 *	session threads may share it; events are rare, so the lock is off
 *	the hot path.
 */
#ifndef SLUICE_MAILEV_H
#define SLUICE_MAILEV_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "mailthr.h"

#define MAILEV_EXTRA 4			/* an event's own fields, at most */
#define MAILEV_FIELDS (9 + MAILEV_EXTRA)
#define MAILEV_QUIET 10000000000ULL	/* ns between throttle log lines */

struct mailev_about {			/* what an event is about; any may be NULL */
	const char *client;		/* literal address */
	const char *identity;		/* NULL: res's */
	const char *sender;
	const char *sasl;
	const char *queue_id;
	const struct mailthr_result *res;	/* recipient, queued, whitelisted */
};

/* mailev_verdict - the event name of a verdict */
const char *mailev_verdict(enum mailthr_verdict v);
/* mailev_build - fill ev (fields into f[MAILEV_FIELDS], the client into
   *src) for an event of type; returns the field count */
size_t mailev_build(struct event *ev, struct event_field *f,
		    struct sl_addr *src, const char *type,
		    const char *verdict, const struct mailev_about *a,
		    const struct event_field *extra, size_t nextra);

struct mailev;
/* mailev_open - append events to path (NULL: none) and to syslog when
   to_syslog; NULL with errno */
struct mailev *mailev_open(const char *path, int to_syslog);
/* mailev_close - accepts NULL */
void mailev_close(struct mailev *m);
/* mailev_syslog - events to syslog too, or not (reload) */
void mailev_syslog(struct mailev *m, int on);
/* mailev_reopen - the event file again, after rotation; 0 or -1 errno */
int mailev_reopen(struct mailev *m);
/* mailev_lost - events the file could not take (a full disk) */
uint64_t mailev_lost(struct mailev *m);
/* mailev_emit - one event (see mailev_build); accepts a NULL sink;
   now is monotonic ns (for the throttle summary); 0, or -1 with errno
   when the event file could not be written */
int mailev_emit(struct mailev *m, uint64_t now, const char *type,
		const char *verdict, const struct mailev_about *a,
		const struct event_field *extra, size_t nextra);

/* mailev_follow - fn gets every event from now on (JSON line and
   syslog text, under the sink's lock: fn must not emit); NULL: none */
void mailev_follow(struct mailev *m, void (*fn)(void *ctx, const char *json,
						const char *text), void *ctx);
/* mailev_unlock - the unlock event of an identity */
int mailev_unlock(struct mailev *m, uint64_t now, const char *identity);

#endif
