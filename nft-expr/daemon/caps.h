/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	caps - keep only CAP_NET_ADMIN, optionally as another user
 * SYNOPSIS
 *	#include "daemon/caps.h"
 * DESCRIPTION
 *	After start-up sluiced still talks to nf_tables (quarantine set
 *	elements, removing its table at exit) and to nfnetlink_queue
 *	(verdicts); the kernel checks CAP_NET_ADMIN for every such
 *	message. Everything else goes: the other capabilities from every
 *	set and from the bounding set, and no new privileges through exec.
 */
#ifndef SLUICE_CAPS_H
#define SLUICE_CAPS_H

#include <stddef.h>

/* caps_drop - become user (NULL = stay) keeping only CAP_NET_ADMIN;
   0, or -1 with the reason in err */
int caps_drop(const char *user, char *err, size_t errlen);
/* caps_describe - the effective capabilities as text, for the log */
void caps_describe(char *buf, size_t len);

#endif
