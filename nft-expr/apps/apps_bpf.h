/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps_bpf - what sluiced and its BPF program (apps.bpf.c) share
 * SYNOPSIS
 *	#include "apps/apps_bpf.h"
 * DESCRIPTION
 *	The maps' keys and values and the ring buffer's event, laid out
 *	the same on both sides (fixed-width fields, explicit padding).
 *	An executable is known to the kernel by the device and inode of
 *	the process's mm->exe_file; the value holds the size and ctime
 *	it had when sluiced hashed it, so a file changed in place is
 *	denied by the kernel itself, before sluiced hears of the change.
 *	dev is the kernel's s_dev (major << 20 | minor), not st_dev.
 */
#ifndef SLUICE_APPS_BPF_H
#define SLUICE_APPS_BPF_H

#define APPS_SCRIPT_MAX 128	/* bytes of a script path (argv[1]) */
#define APPS_PARTS 12		/* path components an event carries */
#define APPS_PART_MAX 48	/* bytes of one */
#define APPS_ALLOWED_MAX 65536	/* approved executables */
#define APPS_SCRIPTS_MAX 4096	/* approved interpreter + script pairs */
#define APPS_PROCS_MAX 65536	/* processes running an approved script */

/* mode, in conf[0] */
enum { APPS_OFF = 0, APPS_LEARN = 1, APPS_ENFORCE = 2 };
/* apps_val.flags */
#define APPS_F_INTERP 1		/* an interpreter: only with an approved script */
/* why a connection was (or would have been) denied */
enum { APPS_R_UNKNOWN = 1, APPS_R_CHANGED = 2, APPS_R_SCRIPT = 3 };
/* counters, in the per-CPU array stats */
enum { APPS_S_ALLOWED, APPS_S_DENIED, APPS_S_LEARNED, APPS_S_LOST, APPS_S_N };

struct apps_key {
	__u64 dev;
	__u64 ino;
};

struct apps_val {
	__u64 size;
	__s64 ctime_sec;
	__u32 ctime_nsec;
	__u32 flags;
};

/* an interpreter's identity and the script path it was started with */
struct apps_script_key {
	struct apps_key interp;
	char path[APPS_SCRIPT_MAX];
};

struct apps_conf {
	__u32 mode;
	__u32 mntns;		/* inode of the machine's mount namespace */
};

/* one denial (or, in learn mode, one that would have been) */
struct apps_event {
	struct apps_key id;
	__u64 size;
	__s64 ctime_sec;
	__u32 ctime_nsec;
	__u32 pid;		/* tgid */
	__u32 uid;
	__u32 reason;		/* APPS_R_* */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 dport;		/* host order */
	__u8 proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	__u8 enforced;		/* 1: denied; 0: learn mode let it pass */
	__u8 nparts;		/* components in parts, leaf first */
	__u8 pad;
	__u8 daddr[16];
	char comm[16];
	char script[APPS_SCRIPT_MAX];	/* argv[1] of an interpreter */
	char parts[APPS_PARTS][APPS_PART_MAX];
};

#endif
