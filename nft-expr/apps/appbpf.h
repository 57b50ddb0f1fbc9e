/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appbpf - the per-application BPF program: loaded, attached, fed
 * SYNOPSIS
 *	#include "apps/appbpf.h"
 * DESCRIPTION
 *	appbpf_open() loads apps.bpf.c (its skeleton is built with the
 *	daemon), attaches the four connect/sendmsg programs to one
 *	cgroup (v2) as links, so they cover that cgroup and every cgroup
 *	below it and go away when the links are closed, and the exec,
 *	fork and exit tracepoints machine-wide (they only remember what
 *	an interpreter was started with). Loading needs CAP_BPF,
 *	CAP_PERFMON (the program reads kernel memory), CAP_SYS_ADMIN (the
 *	cgroup attachment) and CAP_SYS_RESOURCE on kernels that charge
 *	locked memory; updating the maps and reading the ring buffer
 *	through descriptors we hold needs none of them, so sluiced drops
 *	them all after start-up.
 */
#ifndef SLUICE_APPBPF_H
#define SLUICE_APPBPF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "apps/apps_bpf.h"

struct appbpf;

/* appbpf_event_fn - one event from the ring buffer */
typedef void appbpf_event_fn(void *ctx, const struct apps_event *e);

/* appbpf_open - load and attach to cgroup (a cgroup v2 directory) in
   mode (APPS_*); NULL with err */
struct appbpf *appbpf_open(const char *cgroup, int mode, appbpf_event_fn *fn,
			   void *ctx, char *err, size_t errlen);
/* appbpf_close - detach and unload; accepts NULL */
void appbpf_close(struct appbpf *b);
/* appbpf_mode - APPS_OFF, APPS_LEARN or APPS_ENFORCE from now on */
int appbpf_mode(struct appbpf *b, int mode);
/* appbpf_allow - k may connect while it has v's size and ctime */
int appbpf_allow(struct appbpf *b, const struct apps_key *k,
		 const struct apps_val *v);
/* appbpf_forget - k is no longer approved (absent: 0) */
int appbpf_forget(struct appbpf *b, const struct apps_key *k);
/* appbpf_script - interp started with script as argv[1] may connect
   (on) or not (off) */
int appbpf_script(struct appbpf *b, const struct apps_key *interp,
		  const char *script, int on);
/* appbpf_fd - readable when events wait */
int appbpf_fd(const struct appbpf *b);
/* appbpf_read - hand every waiting event to the callback; the count or
   -1 */
int appbpf_read(struct appbpf *b);
/* appbpf_stats - the counters (APPS_S_*) summed over the CPUs */
void appbpf_stats(const struct appbpf *b, uint64_t out[APPS_S_N]);

#endif
