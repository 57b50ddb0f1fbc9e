/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fs_sluiced - fair sharing inside sluiced: start, lockouts, commands
 * SYNOPSIS
 *	#include "fairshare/fs_sluiced.h"
 * DESCRIPTION
 *	fs_sluiced_up() opens fairshare(3) with [fairshare] (before the
 *	table, whose batch carries its rules), its weights from the
 *	zones' share, its whitelist the one in force, its events
 *	through sluiced's. fs_sluiced_event() sees every event: with
 *	contain = lockout a lockout slows its host. The control
 *	commands: fairshare (the hosts and their classes), contain HOST
 *	[DURATION], uncontain HOST.
 */
#ifndef SLUICE_FS_SLUICED_H
#define SLUICE_FS_SLUICED_H

#include <glib.h>
#include "ctl_server.h"

struct sluiced;
struct event;

/* fs_sluiced_up - fair sharing on, when configured; exits 1 on failure */
void fs_sluiced_up(struct sluiced *s,
		   void (*event)(void *ctx, const struct event *ev));
/* fs_sluiced_event - a lockout's host contained (contain = lockout) */
void fs_sluiced_event(struct sluiced *s, const struct event *ev);

/* the control commands, for sdctl's table */
int fs_sluiced_cmd_list(void *ctx, int json, char **argv, GString *out);
int fs_sluiced_cmd_contain(void *ctx, int json, char **argv, GString *out);
int fs_sluiced_cmd_uncontain(void *ctx, int json, char **argv, GString *out);

#endif
