/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_int - the apps room's shared state (apps.c, appseen.c)
 * DESCRIPTION
 *	Private to nft-expr/apps: apps.c keeps the approvals and their
 *	watches, appseen.c the denials the kernel reported and the
 *	operator's commands.
 */
#ifndef SLUICE_APPS_INT_H
#define SLUICE_APPS_INT_H

#include <stdint.h>
#include <glib.h>
#include "apps/appid.h"
#include "apps/apps.h"

struct appbpf;
struct appdpkg;
struct apps_event;

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_MOVED_TO \
		    | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF)
#define SEEN_MAX 4096		/* executables remembered as denied */
#define SEEN_HASH_MAX (64ULL << 20)	/* larger denied files: no hash shown */
#define EVENT_GAP_NS 1000000000ULL	/* one event a second per executable */

enum { KIND_CONF, KIND_CTL, KIND_PKG };

/* an approval: a program, or an interpreter with its script */
struct approval {
	char *name;		/* "PATH" or "PATH SCRIPT": the table key */
	char *path, *script;	/* real paths; script NULL for a program */
	struct appid id, sid;	/* as approved */
	int kind;
	int changed;		/* contents differ from the approved */
	char now_sha256[APPID_HEX];	/* what they are since ("gone") */
	int in_kernel;
	int stale;		/* a reload's list has not named it (yet) */
};

/* an executable the kernel denied (or would have, learning) */
struct seen {
	char *path, *script;
	char sha256[APPID_HEX];
	const char *package;	/* appdpkg's, or NULL */
	int reason;
	uint64_t denied, learned, unreported;
	uint64_t last_event;
	int last_enforced;	/* of the last event: a change is told at once */
	unsigned last_pid, uid;
	char comm[16];
};

struct apps {
	struct appbpf *bpf;
	struct appid_cache *ids;
	struct appdpkg *dpkg;	/* owners and MD5s of packaged executables */
	GHashTable *approved;	/* name -> struct approval */
	GHashTable *seen;	/* "path\tscript" -> struct seen */
	GHashTable *wds;	/* wd -> folder */
	int ifd;		/* inotify */
	int mode;
	apps_event_fn *event;
	void *ctx;
	char *store;		/* [core] state_dir/applications, or NULL */
	void (*warn)(void *ctx, const char *line);	/* apps_open's */
	GHashTable *records;	/* name -> struct appstore_rec (appstore) */
	uint64_t changes;
	uint64_t now;		/* of the ring buffer read */
};


/* apps_make - hash path (and script) now; NULL with why */
struct approval *apps_make(struct apps *a, const char *path,
			       const char *script, int kind, GString *why);
/* apps_add - into the table and the kernel; 0, or -1 with why */
int apps_add(struct apps *a, struct approval *ap, GString *why);
/* apps_record - ap's contents as the approved ones, saved */
void apps_record(struct apps *a, const struct approval *ap);
/* apps_forget_record - name no longer approved, saved */
void apps_forget_record(struct apps *a, const char *name);
/* apps_kernel_drop - the approval out of the kernel's maps */
void apps_kernel_drop(struct apps *a, struct approval *ap);

#endif
