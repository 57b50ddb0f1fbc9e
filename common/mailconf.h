/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailconf - the configuration keys sluice-policyd and sluice-milter share
 * SYNOPSIS
 *	#include "mailconf.h"
 * DESCRIPTION
 *	Both mail filters read the same throttle keys from their own group
 *	([policyd], [milter]). A program's configuration struct starts with
 *	a struct mailconf; mailconf_apply() reads the shared keys and the
 *	program's own (extra, offsets relative to that same struct) in one
 *	pass, so an unknown key in the group is reported once, by name.
 *	Besides the throttle's, the shared keys are those of the daemon
 *	around it: quarantine requests, the pid file, the operator socket,
 *	snapshots and postsuper. An empty string key is off (NULL), as
 *	everywhere (config.h); postsuper cannot be off. The old names
 *	pid_file and control_socket of pidfile and control_listen are
 *	still read, with a warning in warnings for the daemon to log.
 *	own_networks is required: neither MTA tells a filter which clients
 *	are the site's own (Postfix sends no mynetworks in a policy
 *	request), and throttling everyone would delay inbound mail.
 */
#ifndef SLUICE_MAILCONF_H
#define SLUICE_MAILCONF_H

#include <stddef.h>
#include "config.h"
#include "mailthr.h"

struct mailconf {
	int mode;			/* enum mailthr_mode */
	uint64_t max_delay;
	int lockout;			/* enum mailthr_lockout */
	unsigned wset_size;
	uint64_t release_interval;
	unsigned high_watermark, low_watermark;
	uint64_t mem_cap;
	unsigned max_held;
	int strip_extension;
	char *extension_delimiter;
	char **identity;
	unsigned client_v6_prefix;
	char **honeytokens;
	uint64_t honeytoken_ttl;
	uint64_t lockout_min;
	int observe;			/* report, enforce nothing */
	char **whitelist_sasl;
	char **whitelist_senders;
	struct prefixset *whitelist_clients;
	char *own_networks;		/* the text; required */
	struct prefixset *own_nets;	/* parsed from it */
	/* the daemon around the throttle */
	int quarantine;			/* ask sluiced after a honeytoken */
	uint64_t ctl_timeout;		/* ns, sluiced_timeout */
	char *pid_file;			/* pidfile; NULL = none */
	char *control_socket;		/* control_listen: the operator
					   socket; NULL = none */
	uint64_t snapshot_interval;	/* ns; state saved to [core] state_dir */
	char *postsuper;		/* releases held messages */
	char *postfix_config_directory;	/* NULL = Postfix's default */
	char *notify;			/* address told of held mail; NULL */
	char *notify_command;		/* sendmail -t -i */
	char *user;			/* run as; NULL = stay as started */
	char *old_pid_file, *old_control_socket;	/* the old key names */
	char *warnings;			/* old names used; NULL = none */
};

struct mailconf_spec {			/* one program's configuration */
	const char *group;		/* "policyd", "milter" */
	const struct cfg_key *extra;	/* the program's own keys */
	size_t nextra;
	size_t core_off;		/* offsetof its struct core_conf */
	size_t params_off;		/* offsetof its struct mailthr_params */
};

/* mailconf_load - read path (NULL: data, or the defaults when data is
   NULL too): the groups are checked, [core] goes to the core_conf,
   the group's shared and extra keys to out (whose first member is a
   struct mailconf), the throttle parameters to the mailthr_params;
   0, or -1 with err naming the file, group, key, value and what is
   accepted, and nothing left allocated */
int mailconf_load(const struct mailconf_spec *sp, const char *path,
		  const char *data, size_t len, void *out, char *err,
		  size_t errlen);
/* mailconf_mode_name - the name of a mode, as the mode key spells it */
const char *mailconf_mode_name(int mode);
/* mailconf_release - free what mailconf_load allocated (not [core]) */
void mailconf_release(const struct cfg_key *extra, size_t nextra, void *out);
/* mailconf_params - throttle parameters from the keys (lists borrowed);
   0, or -1 with err naming the group and the conflict */
int mailconf_params(const struct mailconf *mc, const char *file,
		    const char *group, struct mailthr_params *p, char *err,
		    size_t errlen);

#endif
