/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailnotify - a notice when a mail filter starts holding mail
 * SYNOPSIS
 *	#include "mailnotify.h"
 * DESCRIPTION
 *	When an identity is locked out (its mail now held for the
 *	operator) or sends to a honeytoken, the filter logs one notice
 *	line saying what is held and how to release it, and, with
 *	[policyd]/[milter] notify set to an address, mails that address
 *	through notify_command (default Postfix's sendmail -t -i). One
 *	notice per lockout, never per message. The mail is handed to a
 *	child process and never waited for, so a slow or broken MTA
 *	cannot stall the filter; the daemon's SIGCHLD reaping collects it.
 */
#ifndef SLUICE_MAILNOTIFY_H
#define SLUICE_MAILNOTIFY_H

#include "mailconf.h"

/* mailnotify_send - the message to `to` through command (run by
   /bin/sh, the message on its standard input: headers, blank line,
   body); returns at once: 0, or -1 with errno if no child started */
int mailnotify_send(const char *command, const char *to,
		    const char *subject, const char *body);
/* mailnotify_held - the notice that identity's mail is held (why:
   "locked out", "honeytoken recipient"), from prog; the release hint
   names mc's operator socket */
void mailnotify_held(const struct mailconf *mc, const char *prog,
		     const char *identity, const char *why);

#endif
