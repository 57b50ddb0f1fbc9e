/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	privdrop - become an unprivileged user for good
 * DESCRIPTION
 *	See privdrop.h. Groups first (setgroups needs root), then the
 *	gids, then the uids; afterwards setuid(0) must fail, or the drop
 *	did not happen and the caller is told so.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "privdrop.h"

/* privdrop_lookup - user by name */
int privdrop_lookup(const char *user, struct privdrop_id *id, char *err,
		    size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if (user == NULL || (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: %s", user ? user : "(none)",
			 errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof(id->name)) {
		snprintf(err, errlen, "user %s: name too long", user);
		return -1;
	}
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	strcpy(id->name, pw->pw_name);
	return 0;
}

/* privdrop_group - a group's id by name */
int privdrop_group(const char *group, gid_t *gid, char *err, size_t errlen)
{
	struct group *gr;

	errno = 0;
	if (group == NULL || (gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "group %s: %s", group ? group : "(none)",
			 errno ? strerror(errno) : "no such group");
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* privdrop_dir - made if missing, for the user to come; one that is
   there already is the operator's and left as it is */
int privdrop_dir(const char *dir, mode_t mode, const struct privdrop_id *id)
{
	if (mkdir(dir, mode) < 0)
		return errno == EEXIST ? 0 : -1;
	if (id != NULL && chown(dir, id->uid, id->gid) < 0)
		return -1;
	return 0;
}

/* privdrop_become - switch to id for good */
int privdrop_become(const struct privdrop_id *id, int keepcaps, char *err,
		    size_t errlen)
{
	if (geteuid() != 0)
		return 0;	/* nothing to give up: already the user */
	if ((keepcaps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
	    || initgroups(id->name, id->gid) < 0
	    || setresgid(id->gid, id->gid, id->gid) < 0
	    || setresuid(id->uid, id->uid, id->uid) < 0) {
		snprintf(err, errlen, "becoming user %s: %s", id->name,
			 strerror(errno));
		return -1;
	}
	if (id->uid != 0 && setuid(0) == 0) {
		snprintf(err, errlen, "becoming user %s: root could be "
			 "regained", id->name);
		return -1;
	}
	return 0;
}
