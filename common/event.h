/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	event - JSON-lines events in the Suricata EVE convention
 * SYNOPSIS
 *	#include "event.h"
 * DESCRIPTION
 *	An event is one JSON object on one line: "timestamp" (ISO 8601
 *	with microseconds and offset), "event_type", "src_ip", "src_port",
 *	"dest_ip", "dest_port", "proto" (the address fields left out when
 *	unknown), then an object named after the event type holding the
 *	event's own fields. Strings are escaped per RFC 8259, so a hostile
 *	sender address cannot break a line. event_format() only formats;
 *	event_sink writes and flushes one line per event.
 */
#ifndef SLUICE_EVENT_H
#define SLUICE_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

#define EVENT_MAX 4096		/* longest line; longer fields are cut */

enum event_ftype { EF_STR, EF_INT, EF_UINT, EF_BOOL, EF_DOUBLE };

struct event_field {
	const char *name;
	enum event_ftype type;
	union { const char *s; int64_t i; uint64_t u; int b; double d; } v;
};

struct event {
	const char *type;		/* "throttle", "lockout", "honeytoken", ... */
	uint64_t wall_ns;		/* CLOCK_REALTIME; 0 = now */
	const struct sl_addr *src;	/* may be NULL */
	uint16_t src_port;
	const struct sl_addr *dst;	/* may be NULL */
	uint16_t dst_port;
	const char *proto;		/* "TCP", "UDP", "SMTP"; may be NULL */
	const struct event_field *fields;
	size_t nfields;
};

/* convenience initialisers for fields */
#define EF_S(n, x) { .name = (n), .type = EF_STR, .v.s = (x) }
#define EF_I(n, x) { .name = (n), .type = EF_INT, .v.i = (x) }
#define EF_U(n, x) { .name = (n), .type = EF_UINT, .v.u = (x) }
#define EF_B(n, x) { .name = (n), .type = EF_BOOL, .v.b = (x) }
#define EF_D(n, x) { .name = (n), .type = EF_DOUBLE, .v.d = (x) }

/* event_format - one line with '\n' into buf; returns its length
   (always < len, always valid JSON: over-long strings are cut) */
size_t event_format(char *buf, size_t len, const struct event *ev);
/* event_summary - the same event as one readable line for syslog */
size_t event_summary(char *buf, size_t len, const struct event *ev);

struct event_sink;
/* event_open - append to path ("-" = stdout); NULL with errno */
struct event_sink *event_open(const char *path);
/* event_close - accepts NULL */
void event_close(struct event_sink *s);
/* event_reopen - for log rotation (SIGHUP); 0 or -1 with errno */
int event_reopen(struct event_sink *s);
/* event_emit - format, write and flush one event: 0 when written; -1
   with errno for the first event lost since the last one written, at
   most once a minute (a full disk is said once, not once per event);
   1 for another lost one.
   A line the file could take only in part is cut off again, so the
   file never holds half a line. */
int event_emit(struct event_sink *s, const struct event *ev);
/* event_lost - events not written since the sink was opened */
uint64_t event_lost(const struct event_sink *s);

#endif
