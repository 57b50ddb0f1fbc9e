/*
 * NAME
 *	mreport - sluice-milter's events
 * DESCRIPTION
 *	See mreport.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "clock.h"
#include "daemon.h"
#include "mreport.h"

#define MREPORT_FIELDS 10

static struct {
	pthread_mutex_t mu;
	struct event_sink *events;
} r = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* mreport_start - the event log */
void mreport_start(struct event_sink *events)
{
	r.events = events;
}

/* mreport_reopen - after rotation */
void mreport_reopen(void)
{
	pthread_mutex_lock(&r.mu);
	if (r.events && event_reopen(r.events) < 0)
		daemon_log(LOG_WARNING, "reopen event log: %m");
	pthread_mutex_unlock(&r.mu);
}

/* about_fields - the fields every event carries; returns their count */
static size_t about_fields(struct event_field *f, const char *verdict,
			   const struct mreport_about *a)
{
	const struct mail_result *res = a->res;
	size_t n = 0;

	f[n++] = (struct event_field)EF_S("verdict", verdict);
	f[n++] = (struct event_field)EF_S("identity",
					  res ? res->identity : a->identity);
	if (res && res->recipient[0])
		f[n++] = (struct event_field)EF_S("recipient", res->recipient);
	f[n++] = (struct event_field)EF_S("sender", a->sender);
	if (a->sasl && a->sasl[0])
		f[n++] = (struct event_field)EF_S("sasl_username", a->sasl);
	if (res)
		f[n++] = (struct event_field)EF_U("queued", res->queued);
	if (res && res->whitelisted)
		f[n++] = (struct event_field)EF_B("whitelisted", 1);
	return n;
}

/* mreport_event - one event, to the log and syslog */
void mreport_event(const struct mconf *c, const char *type,
		   const char *verdict, const struct mreport_about *a, ...)
{
	struct event_field f[MREPORT_FIELDS];
	struct event ev = { .type = type, .proto = "SMTP", .fields = f };
	const char *name, *val;
	char line[EVENT_MAX];
	struct sl_addr src;
	size_t n;
	va_list ap;

	if (addr_parse(a->client, &src) == 0)
		ev.src = &src;
	n = about_fields(f, verdict, a);
	va_start(ap, a);
	while (n < MREPORT_FIELDS && (name = va_arg(ap, const char *)) != NULL)
		if ((val = va_arg(ap, const char *)) != NULL)
			f[n++] = (struct event_field)EF_S(name, val);
	va_end(ap);
	ev.nfields = n;
	if (c->core.syslog_events) {
		event_summary(line, sizeof(line), &ev);
		daemon_log(LOG_NOTICE, "%s", line);
	}
	pthread_mutex_lock(&r.mu);
	if (r.events && event_emit(r.events, &ev) < 0)
		daemon_log(LOG_WARNING, "event log: %m");
	pthread_mutex_unlock(&r.mu);
}
