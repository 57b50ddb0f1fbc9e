/*
 * NAME
 *	mailctl - what the mail filters' operator sockets share
 * DESCRIPTION
 *	See mailctl.h.
 */
#include <inttypes.h>
#include <glib.h>

#include "mailctl.h"

/* mailctl_host_line - one identity */
int mailctl_host_line(void *ctx, const char *identity,
		      const struct throttle_info *info)
{
	g_string_append_printf(ctx, "%s queued=%u wset=%u%s\n", identity,
			       info->queued, info->wset_used,
			       info->locked ? " locked" : "");
	return 0;
}

/* mailctl_counters - the mail layer's status lines */
void mailctl_counters(GString *out, int json, int observe,
		      const struct mailthr_counters *mc)
{
	g_string_append_printf(out, json ?
		",\"outside\":%" PRIu64 ",\"observe\":%s,\"would_delay\":%"
		PRIu64 ",\"would_hold\":%" PRIu64 ",\"would_defer\":%" PRIu64
		",\"would_reject\":%" PRIu64 ",\"would_lockout\":%" PRIu64
		"}\n" :
		"outside %" PRIu64 "\nobserve %s\nwould_delay %" PRIu64
		"\nwould_hold %" PRIu64 "\nwould_defer %" PRIu64
		"\nwould_reject %" PRIu64 "\nwould_lockout %" PRIu64 "\n",
		mc->outside, json ? (observe ? "true" : "false") :
		(observe ? "yes" : "no"), mc->would_delay, mc->would_hold,
		mc->would_defer, mc->would_reject, mc->would_lockout);
}
