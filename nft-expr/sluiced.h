/*
 * NAME
 *	sluiced - the daemon's own state, shared by its main and control files
 * DESCRIPTION
 *	Private to sluiced: sluiced_main.c owns it, sdctl.c answers
 *	sluicectl from it, sdmetrics.c turns it into Prometheus text.
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

struct sluiced {
	const char *path;		/* -c */
	struct sd_conf *conf;
	struct nftrules *nft;		/* NULL with ruleset = none */
	struct nfqueue *q;
	struct verdict *v;
	struct ctl_server *ctl;
	struct event_sink *events;
	struct ctevents *ct;		/* NULL if conntrack events fail */
	int sfd, efd;
	int stop;
	uint64_t started;		/* monotonic ns */
	uint64_t next_second;		/* housekeeping */
	uint64_t flush_from;		/* oldest unsent verdict, 0 = none */
	uint64_t reloads, set_errors;
};

/* sluiced_reload - read the configuration again, keeping all state;
   0, or -1 with err (the running configuration stays) */
int sluiced_reload(struct sluiced *s, char *err, size_t errlen);

#endif
