/*
 * NAME
 *	mailconf - the configuration keys sluice-policyd and sluice-milter share
 * SYNOPSIS
 *	#include "mailconf.h"
 * DESCRIPTION
 *	Both mail filters read the same throttle keys from their own group
 *	([policyd], [milter]). A program's configuration struct starts with
 *	a struct mail_conf; mailconf_apply() reads the shared keys and the
 *	program's own (extra, offsets relative to that same struct) in one
 *	pass, so an unknown key in the group is reported once, by name.
 *	Besides the throttle's, the shared keys are those of the daemon
 *	around it: quarantine requests, the pid file, the operator socket,
 *	snapshots and postsuper; an empty string key comes out NULL.
 */
#ifndef SLUICE_MAILCONF_H
#define SLUICE_MAILCONF_H

#include <stddef.h>
#include "config.h"
#include "mailthr.h"

struct mail_conf {
	int mode;			/* enum mail_mode */
	uint64_t max_delay;
	int lockout;			/* enum mail_lockout */
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
	char **whitelist_sasl;
	char **whitelist_senders;
	struct prefixset *whitelist_clients;
	/* the daemon around the throttle */
	int quarantine;			/* ask sluiced after a honeytoken */
	uint64_t ctl_timeout;		/* ns, sluiced_timeout */
	char *pid_file;			/* NULL = none */
	char *control_socket;		/* operator socket; NULL = none */
	uint64_t snapshot_interval;	/* ns; state saved to [core] state_dir */
	char *postsuper;		/* releases held messages */
	char *postfix_config_directory;	/* NULL = Postfix's default */
};

/* mailconf_apply - shared keys plus the program's extra keys from group
   into out (whose first member is a struct mail_conf); 0, or -1 with err */
int mailconf_apply(struct config *c, const char *group,
		   const struct cfg_key *extra, size_t nextra, void *out,
		   char *err, size_t errlen);
/* mailconf_empty_to_null - an empty string key means "none": NULL */
void mailconf_empty_to_null(char **s);
/* mailconf_release - free what mailconf_apply allocated */
void mailconf_release(const struct cfg_key *extra, size_t nextra, void *out);
/* mailconf_params - throttle parameters from the keys (lists borrowed);
   0, or -1 with err naming the group and the conflict */
int mailconf_params(const struct mail_conf *mc, const char *group,
		    struct mailthr_params *p, char *err, size_t errlen);

#endif
