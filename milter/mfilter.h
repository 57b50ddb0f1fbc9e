/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mfilter - sluice-milter's libmilter callbacks
 * SYNOPSIS
 *	#include "mfilter.h"
 * DESCRIPTION
 *	One session per SMTP connection, one libmilter thread per session.
 *	The filter asks for what it needs and nothing else: connect, HELO,
 *	MAIL, RCPT and end of message, and the macros {client_addr},
 *	{auth_authen} and {i}; headers and body only when honeytoken
 *	samples are kept. Decisions come from mstate(3) at RCPT:
 *
 *	pass	SMFIS_CONTINUE.
 *	wait	the session thread sleeps until the recipient's release
 *		(SMFIS_CONTINUE) or max_delay (SMFIS_TEMPFAIL, 451 4.7.1).
 *	defer	SMFIS_TEMPFAIL, 451 4.7.1.
 *	reject	SMFIS_REJECT, 550 5.7.1 (lockout_action = reject).
 *	hold	the message is quarantined at end of message (Postfix:
 *		the hold queue) with the reason; an event is written.
 *
 *	A honeytoken recipient also writes an event, asks sluiced to
 *	quarantine the client unless whitelisted, and keeps the message
 *	as a sample when sample_dir is set.
 */
#ifndef SLUICE_MFILTER_H
#define SLUICE_MFILTER_H

#include <libmilter/mfapi.h>
#include "mailctl.h"
#include "mailev.h"
#include "mconf.h"
#include "mstate.h"

/* mfilter_start - the state and configuration the callbacks use (conf
   is referenced); kick wakes the release ticker after a wait starts;
   events are written to events (may be NULL) */
void mfilter_start(struct mstate *state, struct mconf *conf,
		   void (*kick)(void), struct mailev *events);
/* mfilter_set_conf - a reloaded configuration for new sessions */
void mfilter_set_conf(struct mconf *conf);
/* mfilter_stats - the verdict counters into out (the rest untouched) */
void mfilter_stats(struct mailctl_stats *out);
/* mfilter_released - count n held messages released */
void mfilter_released(unsigned n);
/* mfilter_desc - the filter description for smfi_register */
struct smfiDesc *mfilter_desc(void);

#endif
