/*
 * NAME
 *	mailctl - what the mail filters' operator sockets share
 * DESCRIPTION
 *	See mailctl.h.
 */
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
