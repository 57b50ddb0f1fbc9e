/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	coreconf - the [core] group every sluice program reads
 * SYNOPSIS
 *	#include "coreconf.h"
 * DESCRIPTION
 *	Keys of [core]:
 *
 *	  events = /var/log/sluice/events.json   JSON-lines file ("-" =
 *	                                        stdout, /dev/null = none)
 *	  control_socket = /run/sluice/sluiced.sock  sluiced's control
 *	                                        socket (a path or unix:/path;
 *	                                        never empty; held as the path)
 *	  state_dir = /var/lib/sluice
 *	  whitelist = 127.0.0.0/8; ::1           nothing ever acts against
 *	                                        these (setting it replaces
 *	                                        the default)
 *	  syslog_events = yes                   each event also as one
 *	                                        syslog line
 *	  control_group =                       may read status and report
 *	                                        (quarantine HOST REASON) on
 *	                                        every control socket, which
 *	                                        is 0660 and of this group
 *	  admin_group =                         may also release, reload...
 *	                                        (root always may); empty:
 *	                                        no group
 *
 *	  redis =                               shared state: unix:/path or
 *	                                        inet:host:port of a Redis
 *	  redis_prefix = sluice:                 its keys start so
 *	  redis_timeout = 50ms                  longest wait for one decision
 *	  redis_password_file =                 PASSWORD or USER PASSWORD
 *	  redis_idle = 1h                       unused keys expire
 *	  redis_keyfile =                       required with redis: the same
 *	                                        file on every host (tags)
 *	  redis_nodes = 1                       hosts sharing the Redis
 *	                                        (local mode divides by it)
 *
 *	coreconf_apply() also checks [countermeasures] whole (a misspelt
 *	key there is refused in every program) and takes from it what
 *	every program obeys today:
 *
 *	  dry_run = no          the global observe mode: decide and report
 *	                        ("would hold", "would quarantine" events
 *	                        marked "observe": true, and counters), enforce
 *	                        nothing; a zone's or filter's own observe
 *	                        key turns it on for that part alone
 *
 *	coreconf_known_groups lists every group any sluice program reads,
 *	for config_check_groups(): "zone " is the prefix of [zone NAME].
 *
 *	coreconf_countermeasures() reads [countermeasures] into a
 *	coreconf_cm: the cmeasure_params of cmeasure(3), whose defaults are
 *	cmeasure_defaults(), and the keys of sluiced's reactions:
 *
 *	  dry_run = no          decide and report, enforce nothing
 *	  rate_cap = 60         actions a minute, all sources
 *	  score_decay = 10m     a source's score halves this often (0 = never)
 *	  weight_SIGNAL         honeypot, lockout, fanout, nodns, trw,
 *	                        honeytoken, operator, goat, outbound, spike:
 *	                        100 100 50 5 50 100 100 100 50 10
 *	  rung_ACTION           throttle, quarantine, block_port, isolate,
 *	                        hook: 10 100 50 0 0 (0 = never)
 *	  ttl_ACTION            10m, then 1h for the others
 *	  block_port_sources = 10   distinct sources a port block needs
 *	  protected_ports = 22, 53, 443   never blocked network-wide
 *	  escalate_v6 = 4       outside /64s acted on before their /56 is
 *	  fanout_threshold = 20, fanout_window = 60s
 *	  spike_hosts = 10      hosts of a zone delayed at once: a spike
 *	  harder_wset_size = 1, harder_release_interval = 5s
 *	                        throttle harder without [fairshare]
 *	  hook =                program and arguments (no shell); empty: none
 *	  hook_timeout = 10s
 */
#ifndef SLUICE_CORECONF_H
#define SLUICE_CORECONF_H

#include <stddef.h>
#include <stdint.h>
#include "cmeasure.h"
#include "config.h"
#include "ctl_server.h"
#include "prefixset.h"

struct redisc_params;

struct core_conf {
	char *events;		/* JSON-lines path, default /var/log/sluice/events.json */
	char *control_socket;	/* default /run/sluice/sluiced.sock */
	char *state_dir;	/* /var/lib/sluice */
	struct prefixset *whitelist;	/* nothing ever acts against these */
	int syslog_events;
	char *control_group, *admin_group;	/* names, NULL = none */
	struct ctl_access access;	/* their gids for ctl_server_open */
	int dry_run;		/* [countermeasures] dry_run: observe only */
	/* shared state (mailshare(3)); redis NULL = none */
	char *redis;		/* unix:/path or inet:host:port */
	char *redis_prefix;	/* key prefix, "sluice:" */
	uint64_t redis_timeout;	/* ns, one decision's round trips */
	char *redis_password_file;	/* PASSWORD or USER PASSWORD */
	uint64_t redis_idle;	/* ns, keys unused this long expire */
	char *redis_keyfile;	/* the hosts' shared key for tags */
	unsigned redis_nodes;	/* hosts sharing one Redis */
	/* derived from them */
	struct redisc_params *redis_rc;	/* redisc(3); NULL without redis */
	uint8_t redis_key[16];
};

struct coreconf_cm {
	struct cmeasure_params p;
	unsigned block_port_sources;	/* a port block needs this many */
	char **protected_ports_text;
	uint8_t protected_port[65536 / 8];	/* bit per port */
	unsigned escalate_v6;		/* /64s before the /56 */
	unsigned fanout_threshold;
	uint64_t fanout_window_ns;
	unsigned spike_hosts;
	unsigned harder_wset_size;	/* throttle harder without [fairshare] */
	uint64_t harder_release_ns;
	char *hook_text;
	char **hook;			/* argv, NULL: no hook */
	uint64_t hook_timeout_ns;
};

extern const char *const coreconf_known_groups[];

/* coreconf_apply - fill out from [core]; 0, or -1 with the error in err */
int coreconf_apply(struct config *c, struct core_conf *out, char *err, size_t len);
/* coreconf_release - free what coreconf_apply allocated; accepts NULL */
void coreconf_release(struct core_conf *cc);
/* coreconf_countermeasures - [countermeasures] into p (checked with
   cmeasure_check_params); 0, or -1 with the error in err */
int coreconf_countermeasures(struct config *c, struct coreconf_cm *p,
			     char *err, size_t len);
/* coreconf_cm_release - free what coreconf_countermeasures allocated;
   accepts NULL */
void coreconf_cm_release(struct coreconf_cm *p);
/* coreconf_portmap - port numbers t ([group] key, for the error) into
   map, a bit per port; 0, or -1 with the error in err */
int coreconf_portmap(struct config *c, const char *group, const char *key,
		     char *const *t, uint8_t map[65536 / 8], char *err, size_t len);
/* coreconf_port_protected - is port in protected_ports */
int coreconf_port_protected(const struct coreconf_cm *p, uint16_t port);

#endif
