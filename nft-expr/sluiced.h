/*
 * NAME
 *	sluiced - the daemon's own state, shared by its main and control files
 * DESCRIPTION
 *	Private to sluiced: sluiced_main.c owns it and runs the loop,
 *	sdsetup.c brings its parts up and down, sdquar.c keeps its
 *	quarantines across restarts, sdctl.c answers sluicectl from it,
 *	sdmetrics.c turns it into Prometheus text.
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

struct sluiced {
	const char *path;		/* -c */
	struct sd_conf *conf;
	struct nftrules *nft;		/* NULL with ruleset = none */
	struct nfqueue *q;
	struct verdict *v;
	struct ctl_server *ctl;
	struct event_sink *events;
	struct ctevents *ct;		/* NULL if conntrack events fail */
	struct sdexempt *exempt;	/* own addresses, resolvers */
	int sfd, efd;
	int stop;
	int status;			/* exit status: 1 after a runtime failure */
	uint64_t started;		/* monotonic ns */
	uint64_t next_second;		/* housekeeping */
	uint64_t flush_from;		/* oldest unsent verdict, 0 = none */
	uint64_t last_arrival;		/* of the last queued packet read */
	uint64_t read_now;		/* clock read once per queue read */
	uint64_t reloads, set_errors;
	uint64_t quar_gen;		/* quarantine changes when last saved */
	int quar_failing;		/* the last save failed (logged) */
};

/* sluiced_reload - read the configuration again, keeping all state;
   0, or -1 with err (the running configuration stays) */
int sluiced_reload(struct sluiced *s, char *err, size_t errlen);

/* sdsetup_queue - bind the fail-open queue and the fail-closed one */
void sdsetup_queue(struct sluiced *s);
/* sdsetup_ruleset - install our table (ruleset = own), fill its sets */
void sdsetup_ruleset(struct sluiced *s);
/* sdsetup_ruleset_down - remove our table, if we installed one */
void sdsetup_ruleset_down(struct sluiced *s);
/* sdsetup_sets - whitelist and fail-closed sets from the configuration;
   0 or -1 (logged) */
int sdsetup_sets(struct sluiced *s);
/* sdsetup_exempt - own addresses and resolvers into the whitelist in
   force, warnings through warn (NULL: the log); -1 (logged or warned)
   if the own addresses cannot be read */
int sdsetup_exempt(struct sluiced *s, void (*warn)(void *, const char *));
/* sdsetup_exempt_changed - an own address came or went */
void sdsetup_exempt_changed(struct sluiced *s);
/* sdsetup_control - the control socket */
void sdsetup_control(struct sluiced *s);
/* sdsetup_outcomes - conntrack events on or off, as the zones need */
void sdsetup_outcomes(struct sluiced *s);
/* sdsetup_privileges - keep CAP_NET_ADMIN only, as [sluiced] user */
void sdsetup_privileges(struct sluiced *s);
/* sdsetup_shutdown - held packets out, table away, sockets closed */
void sdsetup_shutdown(struct sluiced *s);

/* sdquar_restore - the quarantines saved in [core] state_dir back in
   force with the time they had left (at start, after the ruleset) */
void sdquar_restore(struct sluiced *s);
/* sdquar_save - write the running quarantines now (and at stop) */
void sdquar_save(struct sluiced *s);
/* sdquar_tick - once a second: save if a quarantine changed */
void sdquar_tick(struct sluiced *s);

#endif
