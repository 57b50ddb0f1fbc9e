/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps - per-application reverse firewall: approvals, denials, watches
 * SYNOPSIS
 *	#include "apps/apps.h"
 * DESCRIPTION
 *	sluiced's side of apps.bpf.c. An approval names a path (or an
 *	interpreter and a script); apps hashes the file (appid), puts
 *	its device and inode in the kernel's map and watches its folder
 *	(inotify). When the file changes, it is hashed again: other
 *	contents than the approved ones take it out of the map (the
 *	kernel already denies it, since its ctime moved) and mark it
 *	changed until an operator approves it again. With
 *	package_verified, every packaged executable (appdpkg) that still
 *	has the MD5 its package shipped is approved, interpreters aside.
 *	Denials from the kernel become "application" events (at most one
 *	a second per executable, with the count) and lines of
 *	"sluicectl apps".
 */
#ifndef SLUICE_APPS_H
#define SLUICE_APPS_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "apps/appconf.h"

struct event;
struct apps;

/* apps_event_fn - an "application" event, for the event file */
typedef void apps_event_fn(void *ctx, const struct event *ev);

/* apps_open - load the BPF program onto c's cgroup in c's mode and
   approve c's entries, held against the contents recorded in store
   (appstore; NULL: none), and those approved with sluicectl before;
   NULL with err (a missing approved file is a warning, passed to warn) */
struct apps *apps_open(const struct app_conf *c, const char *store,
		       apps_event_fn *event, void (*warn)(void *, const char *),
		       void *ctx, char *err, size_t errlen);
/* apps_close - detach, unload, forget; accepts NULL */
void apps_close(struct apps *a);
/* apps_reconf - a reload: the new mode and approve list (the cgroup
   and package_verified need a restart); 0 or -1 with err */
int apps_reconf(struct apps *a, const struct app_conf *c, char *err,
		size_t errlen);
/* apps_bpf_fd, apps_watch_fd - readable when there is work */
int apps_bpf_fd(const struct apps *a);
int apps_watch_fd(const struct apps *a);
/* apps_bpf_read - the kernel's denials */
void apps_bpf_read(struct apps *a, uint64_t now);
/* apps_watch_read - changes of approved files */
void apps_watch_read(struct apps *a);
/* apps_approve - an operator approves path (with script: an
   interpreter started with it); 0 with a line in out, or -1 with the
   reason */
int apps_approve(struct apps *a, const char *path, const char *script,
		 GString *out);
/* apps_revoke - an approval taken back; 0 or -1 as apps_approve */
int apps_revoke(struct apps *a, const char *path, const char *script,
		GString *out);

#endif
