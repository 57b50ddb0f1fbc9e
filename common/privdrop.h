/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	privdrop - become an unprivileged user for good
 * SYNOPSIS
 *	#include "privdrop.h"
 * DESCRIPTION
 *	The mail filters start as root only to bind their sockets where
 *	Postfix wants them and to fork the release helper (mailpriv);
 *	then they become [policyd] or [milter] user: its groups from the
 *	group database, real, effective and saved ids all changed, so no
 *	way back to root remains; the capabilities go with the uid
 *	(unless keepcaps, for a caller that trims them itself, as
 *	sluiced's caps.c). PR_SET_NO_NEW_PRIVS is not set here: the mail
 *	filters' notice goes out through sendmail, whose postdrop needs
 *	its set-group-id postdrop to enter the maildrop queue. A process
 *	that is not root keeps what it is (Postfix's spawn(8) already
 *	started it as the user).
 */
#ifndef SLUICE_PRIVDROP_H
#define SLUICE_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

struct privdrop_id {
	uid_t uid;
	gid_t gid;			/* the user's primary group */
	char name[64];
};

/* privdrop_lookup - user by name; 0, or -1 with err naming it */
int privdrop_lookup(const char *user, struct privdrop_id *id, char *err,
		    size_t errlen);
/* privdrop_group - a group's id by name; 0, or -1 with err */
int privdrop_group(const char *group, gid_t *gid, char *err, size_t errlen);
/* privdrop_dir - make dir (mode) if missing and, when id is given,
   give it to id, who writes there after the drop; 0 (also when it was
   there already), or -1 with errno if it could not be made or given */
int privdrop_dir(const char *dir, mode_t mode, const struct privdrop_id *id);
/* privdrop_become - switch to id for good (keepcaps: the permitted
   capabilities survive, for the caller to trim); 0, or -1 with err */
int privdrop_become(const struct privdrop_id *id, int keepcaps, char *err,
		    size_t errlen);

#endif
