/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	promtext - one metric in the Prometheus text format
 * DESCRIPTION
 *	See promtext.h.
 */
#include "promtext.h"

/* promtext_put - HELP, TYPE and the value */
void promtext_put(GString *out, const char *name, const char *type,
		  const char *help, unsigned long long value)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n",
			       name, help, name, type, name, value);
}
