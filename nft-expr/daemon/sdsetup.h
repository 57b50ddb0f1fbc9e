/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sdsetup - bring sluiced's parts up and take them down
 * SYNOPSIS
 *	#include "daemon/sdsetup.h"
 * DESCRIPTION
 *	The queues, our table and its sets, conntrack events, the control
 *	socket and the privileges, each from the configuration in force;
 *	at stop, the same in reverse. Failures at start are fatal, logged.
 */
#ifndef SLUICE_SDSETUP_H
#define SLUICE_SDSETUP_H

#include "ctl_server.h"

struct sluiced;
struct cap_hit_ops;

/* sdsetup_queue - bind the fail-open queue and the fail-closed one */
void sdsetup_queue(struct sluiced *s);
/* sdsetup_capture - the capture queue and raw sockets if [capture]
   dark is set, the goat files if goat_dirs is (events and hits
   through ops) */
void sdsetup_capture(struct sluiced *s, const struct cap_hit_ops *ops);
/* sdsetup_ruleset - install our table (ruleset = own), fill its sets */
void sdsetup_ruleset(struct sluiced *s);
/* sdsetup_ruleset_down - remove our table, if we installed one */
void sdsetup_ruleset_down(struct sluiced *s);
/* sdsetup_sets - whitelist and fail-closed sets from the configuration;
   0 or -1 (logged) */
int sdsetup_sets(struct sluiced *s);
/* sdsetup_control - the control socket, requests answered by handle
   (sdctl_handle: the caller wires it, so set-up does not call up) */
void sdsetup_control(struct sluiced *s, ctl_handler *handle);
/* sdsetup_outcomes - conntrack events on or off, as the zones need */
void sdsetup_outcomes(struct sluiced *s);
struct event;
/* sdsetup_apps - the per-application BPF program ([applications]
   mode learn or enforce), events through event */
void sdsetup_apps(struct sluiced *s, void (*event)(void *, const struct event *));
/* sdsetup_privileges - keep CAP_NET_ADMIN only, as [sluiced] user */
void sdsetup_privileges(struct sluiced *s);
/* sdsetup_shutdown - held packets out, table away, sockets closed */
void sdsetup_shutdown(struct sluiced *s);

/* sdsetup_exempt - own addresses and resolvers into the whitelist in
   force, warnings through warn (NULL: the log); -1 (logged or warned)
   if the own addresses cannot be read */
int sdsetup_exempt(struct sluiced *s, void (*warn)(void *, const char *));
/* sdsetup_exempt_changed - an own address came or went */
void sdsetup_exempt_changed(struct sluiced *s);

#endif
