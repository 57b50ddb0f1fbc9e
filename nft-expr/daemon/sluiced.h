/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced - the daemon's own state, shared by its main and control files
 * SYNOPSIS
 *	#include "daemon/sluiced.h"
 * DESCRIPTION
 *	Private to sluiced: sluiced_main.c owns it and runs the loop,
 *	sdsetup.c brings its parts up and down, quarantine/quarsave.c
 *	keeps its quarantines across restarts, sdctl.c answers sluicectl
 *	from it, sdmetrics.c turns it into Prometheus text, sdreload.c
 *	reloads its configuration.
 */
#ifndef SLUICE_SLUICED_H
#define SLUICE_SLUICED_H

#include <stddef.h>
#include <stdint.h>

struct sd_conf;
struct nftrules;
struct nfqueue;
struct verdict;
struct ctl_server;
struct event_sink;
struct ctevents;
struct sdexempt;
struct capture;
struct cap_goat;
struct react;
struct apps;
struct fairshare;
struct outd;
struct dnssnoop;
struct nflog;
struct quarbatch;
struct sdqueues;

struct sluiced {
	const char *path;		/* -c */
	struct sd_conf *conf;
	struct nftrules *nft;		/* NULL with ruleset = none */
	struct nftpair *pairs;		/* fast path changes; NULL if none */
	struct nfqueue *q;		/* queue_num and the fail-closed queue;
					   with a range, the fail-closed one */
	struct sdqueues *mq;		/* queue_num = N-M; NULL: one queue */
	uint32_t queue_seed;		/* of the source hash over the range */
	struct verdict *v;
	struct ctl_server *ctl;
	struct event_sink *events;
	struct ctevents *ct;		/* NULL if conntrack events fail */
	struct sdexempt *exempt;	/* own addresses, resolvers */
	struct capture *cap;		/* NULL without [capture] dark */
	struct cap_claim *claim;	/* NULL without [capture] claim */
	struct cap_goat *goat;		/* NULL without [capture] goat_dirs */
	struct react *react;		/* the countermeasures */
	struct apps *apps;		/* NULL with [applications] mode = off */
	struct fairshare *fair;		/* NULL without [fairshare] interface */
	struct outd *out;		/* the outbound policy's log group */
	struct quarshare *share;	/* NULL without [core] redis */
	struct dnssnoop *snoop;		/* NULL with the no-DNS signal off */
	struct nflog *nflog;		/* its NFLOG group; NULL when off */
	struct quarbatch *qb;		/* quarantine additions to write */
	int sfd, efd;
	int stop;
	int status;			/* exit status: 1 after a runtime failure */
	uint64_t started;		/* monotonic ns */
	uint64_t next_second;		/* housekeeping */
	uint64_t flush_from;		/* oldest unsent verdict, 0 = none */
	uint64_t last_arrival;		/* of the last queued packet read */
	uint64_t read_now;		/* clock read once per queue read */
	uint64_t wake_at;		/* the main loop's next wake-up, ns */
	uint64_t reloads, set_errors;
	uint64_t overrun_logged;	/* queue overruns when last logged */
	uint64_t overrun_log_next;	/* no new line before, ns */
	uint64_t quar_gen;		/* quarantine changes when last saved */
	int quar_failing;		/* the last save failed (logged) */
	uint64_t state_next;		/* sdstate: next snapshot, ns */
	int state_failing;		/* the last snapshot failed (logged) */
	int state_child;		/* pid writing a snapshot, 0 = none */
	/* sdbypass: bypass noticed */
	uint64_t unqueued_flows;	/* throttled sources' flows, queue silent */
	uint64_t unqueued_first;	/* ns of the first of them, 0 = none */
	char unqueued_example[96];	/* "10.77.1.11 -> 10.77.16.5" */
	int bypassed;			/* warned, not yet cleared */
	uint64_t bypassed_since;
	uint64_t bypass_warnings;	/* episodes warned about */
	/* sdbypass: the emergency bypass */
	int bypass_on;
	uint64_t bypass_on_since;
	uint64_t bypass_accepted;	/* queued packets accepted undecided */
};

#endif
