/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	caps - keep only CAP_NET_ADMIN, optionally as another user
 * SYNOPSIS
 *	#include "daemon/caps.h"
 * DESCRIPTION
 *	Order matters: the bounding set is cut while CAP_SETPCAP is still
 *	ours; PR_SET_KEEPCAPS keeps the permitted set across setuid; the
 *	final cap_set_proc leaves CAP_NET_ADMIN alone, permitted and
 *	effective.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "daemon/caps.h"
#include "privdrop.h"

/* bounding_cut - drop every capability but CAP_NET_ADMIN from the
   bounding set; capabilities the kernel does not know are skipped */
static void bounding_cut(void)
{
	cap_value_t c;

	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (c != CAP_NET_ADMIN)
			(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
}

/* become - switch to user, keeping the permitted capabilities */
static int become(const char *user, char *err, size_t len)
{
	struct privdrop_id id;

	if (privdrop_lookup(user, &id, err, len) < 0)
		return -1;
	return privdrop_become(&id, 1, err, len);
}

/* caps_drop - become user keeping only CAP_NET_ADMIN */
int caps_drop(const char *user, char *err, size_t errlen)
{
	cap_value_t keep[1] = { CAP_NET_ADMIN };
	cap_t caps;
	int rc;

	bounding_cut();
	if (user != NULL && *user && become(user, err, errlen) < 0)
		return -1;
	if ((caps = cap_init()) == NULL) {
		snprintf(err, errlen, "cap_init: %s", strerror(errno));
		return -1;
	}
	rc = cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) == 0
	    && cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET) == 0
	    && cap_set_proc(caps) == 0 ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "keeping only CAP_NET_ADMIN: %s",
			 strerror(errno));
	cap_free(caps);
	if (rc == 0)
		(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return rc;
}

/* caps_describe - the effective capabilities as text, for the log */
void caps_describe(char *buf, size_t len)
{
	cap_t caps = cap_get_proc();
	char *t = caps ? cap_to_text(caps, NULL) : NULL;

	snprintf(buf, len, "%s", t ? t : "?");
	cap_free(t);
	cap_free(caps);
}
