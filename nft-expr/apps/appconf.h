/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appconf - the [applications] group: per-application reverse firewall
 * SYNOPSIS
 *	#include "apps/appconf.h"
 * DESCRIPTION
 *	appconf_apply() reads mode, approve, package_verified and cgroup
 *	and checks each approve entry's shape: an absolute path, or an
 *	interpreter's absolute path and its script's ("PATH SCRIPT").
 *	Whether the files exist is checked when sluiced starts, since a
 *	file may be installed after the configuration is written.
 *	sluice.conf(5) documents every key.
 */
#ifndef SLUICE_APPCONF_H
#define SLUICE_APPCONF_H

#include <stddef.h>

enum appconf_mode { APPCONF_OFF, APPCONF_LEARN, APPCONF_ENFORCE };

struct app_conf {
	int mode;		/* enum appconf_mode */
	char **approve;		/* "PATH" or "INTERPRETER SCRIPT" each */
	int package_verified;
	char *cgroup;		/* NULL or "": the cgroup v2 root */
};

struct config;

/* appconf_apply - [applications] of c into out; 0, or -1 with err */
int appconf_apply(struct config *c, struct app_conf *out, char *err,
		  size_t errlen);
/* appconf_release - accepts NULL */
void appconf_release(struct app_conf *c);
/* appconf_split - "PATH" or "PATH SCRIPT" into its words (script NULL
   for one); 0, or -1 if it is neither */
int appconf_split(const char *entry, char **path, char **script);
/* appconf_interpreter - is path's file name an interpreter's (python,
   perl, sh, bash, node, ...): approved only with a script */
int appconf_interpreter(const char *path);
/* appconf_mode_name - "off", "learn", "enforce" */
const char *appconf_mode_name(int mode);

#endif
