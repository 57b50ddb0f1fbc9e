/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mailconf - the configuration keys sluice-policyd and sluice-milter share
 * SYNOPSIS
 *	See mailconf.h.
 * DESCRIPTION
 *	The key table below is the single definition of the mail throttle's
 *	settings; sluice.conf(5) and examples/sluice.conf describe them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "coreconf.h"
#include "mailconf.h"

#define SEC 1000000000ULL

static const char *const modes[] = { "hold", "delay", "defer", NULL };
static const char *const lockouts[] = { "hold", "reject", NULL };

#define K(n, t, f, d, lo, hi, h) \
	{ .name = (n), .type = (t), .offset = offsetof(struct mailconf, f), \
	  .def = (d), .min = (lo), .max = (hi), .help = (h) }

static const struct cfg_key mail_keys[] = {
	{ .name = "mode", .type = CFG_ENUM,
	  .offset = offsetof(struct mailconf, mode), .def = "delay",
	  .choices = modes, .help = "what a new recipient over the working "
	  "set gets: hold (message held, released later), delay (the reply "
	  "waits for its slot), defer (4.7.1 at once)" },
	K("max_delay", CFG_DURATION, max_delay, "25s", 1000000ULL, 3600 * SEC,
	  "longest wait in delay mode before 4.7.1 (keep under the MTA's "
	  "policy or milter timeout)"),
	{ .name = "lockout_action", .type = CFG_ENUM,
	  .offset = offsetof(struct mailconf, lockout), .def = "hold",
	  .choices = lockouts, .help = "what a locked-out sender's mail gets" },
	K("lockout_min", CFG_DURATION, lockout_min, "1h", 0,
	  365 * 24 * 3600 * SEC, "a locked-out sender stays locked this long "
	  "at least, unless the operator releases it (sluicectl release); "
	  "0 = only until its queue drains below low_watermark"),
	K("observe", CFG_BOOL, observe, "no", 0, 0,
	  "decide and report (events marked \"observe\": true, would_* "
	  "counters) but enforce nothing: every recipient passes; "
	  "[countermeasures] dry_run = yes turns it on too"),
	K("wset_size", CFG_UINT, wset_size, "5", 1, 64,
	  "recipients in a sender's working set"),
	K("release_interval", CFG_DURATION, release_interval, "1s",
	  1000000ULL, 3600 * SEC, "one queued recipient released per interval"),
	K("high_watermark", CFG_UINT, high_watermark, "50", 2, 100000,
	  "queue length that locks the sender out"),
	K("low_watermark", CFG_UINT, low_watermark, "25", 1, 99999,
	  "queue length below which the lockout ends"),
	K("mem_cap", CFG_SIZE, mem_cap, "64M", 1ULL << 20, 1ULL << 40,
	  "memory for senders and their queues"),
	K("max_held", CFG_UINT, max_held, "100000", 1, 100000000,
	  "queued recipients, all senders together"),
	K("strip_extension", CFG_BOOL, strip_extension, "false", 0, 0,
	  "count user+ext@domain as user@domain"),
	K("extension_delimiter", CFG_STRING, extension_delimiter, "+", 0, 0,
	  "one character, as Postfix's recipient_delimiter"),
	K("identity", CFG_LIST, identity, "sasl_username, client_address",
	  0, 0, "sender identity, first present wins: sasl_username, sender, "
	  "client_address (sender only where clients cannot forge it: "
	  "anyone can)"),
	K("client_v6_prefix", CFG_UINT, client_v6_prefix, "64", 8, 128,
	  "IPv6 client addresses are counted per prefix of this length"),
	K("honeytokens", CFG_LIST, honeytokens, NULL, 0, 0,
	  "salted addresses or shell patterns nobody legitimate writes to"),
	K("honeytoken_ttl", CFG_DURATION, honeytoken_ttl, "1h", SEC,
	  365 * 24 * 3600 * SEC, "lockout after a honeytoken recipient"),
	K("whitelist_sasl", CFG_LIST, whitelist_sasl, NULL, 0, 0,
	  "SASL users never throttled"),
	K("whitelist_senders", CFG_LIST, whitelist_senders, NULL, 0, 0,
	  "senders (address or @domain) never throttled"),
	K("whitelist_clients", CFG_PREFIXES, whitelist_clients, NULL, 0, 0,
	  "client networks never throttled (list servers, relays)"),
	K("own_networks", CFG_STRING, own_networks, NULL, 0, 0,
	  "the site's own clients, throttled with SASL users (Postfix's "
	  "mynetworks forms: postconf -h mynetworks); others pass; required"),
	K("quarantine", CFG_BOOL, quarantine, "yes", 0, 0,
	  "ask sluiced ([core] control_socket) to quarantine a honeytoken "
	  "sender's client"),
	K("sluiced_timeout", CFG_DURATION, ctl_timeout, "1s", 10000000ULL,
	  30 * SEC, "longest wait for sluiced's answer"),
	K("pidfile", CFG_STRING, pid_file, NULL, 0, 0,
	  "write the process id here (removed at stop); empty = none"),
	K("pid_file", CFG_STRING, old_pid_file, NULL, 0, 0,
	  "the old name of pidfile"),
	K("control_listen", CFG_ENDPOINT, control_socket, NULL, 0, 0,
	  "the filter's own operator socket (sluicectl -s); default "
	  "/run/sluice/GROUP.sock; empty = none"),
	K("control_socket", CFG_ENDPOINT, old_control_socket, NULL, 0, 0,
	  "the old name of control_listen"),
	K("snapshot_interval", CFG_DURATION, snapshot_interval, "60s", SEC,
	  86400 * SEC, "save the throttle state to [core] state_dir this "
	  "often (and at stop)"),
	K("postsuper", CFG_STRING, postsuper, "/usr/sbin/postsuper", 0, 0,
	  "releases held messages (postsuper -H, then postqueue -i)"),
	K("postfix_config_directory", CFG_STRING, postfix_config_directory,
	  NULL, 0, 0, "postsuper -c DIR; empty = Postfix's default"),
	K("notify", CFG_STRING, notify, NULL, 0, 0,
	  "mail this address when an identity's mail starts being held; "
	  "empty = only the log line"),
	K("notify_command", CFG_STRING, notify_command,
	  "/usr/sbin/sendmail -t -i", 0, 0,
	  "sends the notice (the message on its standard input)"),
	K("user", CFG_STRING, user, "sluice", 0, 0,
	  "started as root, become this user once the sockets are bound "
	  "(mode = hold keeps a small root helper for postsuper -H); "
	  "empty = stay as started"),
};

#define NMAIL (sizeof(mail_keys) / sizeof(mail_keys[0]))

/* mailconf_mode_name - "hold", "delay", "defer" */
const char *mailconf_mode_name(int mode)
{
	return mode >= 0 && mode < 3 ? modes[mode] : "unknown";
}

/* merged - the shared keys followed by the program's; free() it */
static struct cfg_key *merged(const struct cfg_key *extra, size_t nextra)
{
	struct cfg_key *k = calloc(NMAIL + nextra, sizeof(*k));

	if (k == NULL)
		return NULL;
	memcpy(k, mail_keys, sizeof(mail_keys));
	if (nextra)
		memcpy(k + NMAIL, extra, nextra * sizeof(*k));
	return k;
}

/* is_set - the file sets group's key (even to an empty value) */
static int is_set(struct config *c, const char *group, const char *key)
{
	char **keys = config_keys(c, group);
	int r = keys && g_strv_contains((const char *const *)keys, key);

	g_strfreev(keys);
	return r;
}

/* renamed - an old key name still read: its value moves to the new
   key unless that is set too, and a warning is added */
static void renamed(struct config *c, const char *group, struct mailconf *mc,
		    char **newv, char **oldv, const char *newk,
		    const char *oldk)
{
	char *w;

	if (!is_set(c, group, oldk))
		return;
	w = g_strdup_printf("%s%s[%s] %s is now %s%s", mc->warnings ?
			    mc->warnings : "", mc->warnings ? "; " : "",
			    group, oldk, newk, is_set(c, group, newk) ?
			    " (both are set: the old one is ignored)" :
			    " (the old name still works for now)");
	g_free(mc->warnings);
	mc->warnings = w;
	if (!is_set(c, group, newk)) {
		g_free(*newv);
		*newv = *oldv;
		*oldv = NULL;
	}
}

/* own_networks - parse the required own_networks into own_nets */
static int own_networks(struct mailconf *mc, const char *file,
			const char *group, char *err, size_t errlen)
{
	char why[300];

	if (mc->own_networks == NULL || mc->own_networks[strspn(
	    mc->own_networks, " \t,;")] == 0) {
		snprintf(err, errlen, "%s: [%s] own_networks is not set: list "
			 "the networks of this site's own clients, which are "
			 "throttled with SASL users while everyone else passes "
			 "(on Postfix, e.g. the output of postconf -h "
			 "mynetworks)", file, group);
		return -1;
	}
	if ((mc->own_nets = prefixset_create()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (mailaddr_networks(mc->own_networks, mc->own_nets, why,
			      sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: [%s] own_networks = \"%.100s\": %s",
			 file, group, mc->own_networks, why);
		return -1;
	}
	return 0;
}

/* apply - shared keys plus the program's, in one pass; the filter's
   own socket defaults to /run/sluice/GROUP.sock */
static int apply(struct config *c, const char *group,
		 const struct cfg_key *extra, size_t nextra, void *out,
		 char *err, size_t errlen)
{
	struct cfg_key *k = merged(extra, nextra);
	char sock[128];
	struct mailconf *mc = out;
	size_t i;
	int r;

	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(sock, sizeof(sock), "/run/sluice/%s.sock", group);
	for (i = 0; i < NMAIL; i++)
		if (strcmp(k[i].name, "control_listen") == 0)
			k[i].def = sock;
	r = config_apply(c, group, k, NMAIL + nextra, out, err, errlen);
	free(k);
	if (r < 0)
		return -1;
	mc->warnings = NULL;
	renamed(c, group, mc, &mc->pid_file, &mc->old_pid_file, "pidfile",
		"pid_file");
	renamed(c, group, mc, &mc->control_socket, &mc->old_control_socket,
		"control_listen", "control_socket");
	if (mc->postsuper == NULL) {
		snprintf(err, errlen, "%s: [%s] postsuper = \"\": expected the "
			 "path of Postfix's postsuper", config_name(c), group);
		mailconf_release(extra, nextra, out);
		return -1;
	}
	if (own_networks(mc, config_name(c), group, err, errlen) < 0) {
		mailconf_release(extra, nextra, out);
		return -1;
	}
	return 0;
}

/* observe_note - observe mode is said loudly at start and reload */
static void observe_note(struct mailconf *mc, const char *group,
			 int dry_run)
{
	char *w = g_strdup_printf("%s%sobserve mode (%s%s%s): every "
				  "recipient passes, what would have been done "
				  "is only reported", mc->warnings ?
				  mc->warnings : "", mc->warnings ? "; " : "",
				  dry_run ? "[countermeasures] dry_run" : "[",
				  dry_run ? "" : group,
				  dry_run ? "" : "] observe");

	g_free(mc->warnings);
	mc->warnings = w;
}

/* mailconf_load - [core], the group, and the throttle parameters */
int mailconf_load(const struct mailconf_spec *sp, const char *path,
		  const char *data, size_t len, void *out, char *err,
		  size_t errlen)
{
	struct core_conf *core = (void *)((char *)out + sp->core_off);
	struct mailthr_params *p = (void *)((char *)out + sp->params_off);
	struct config *c;
	int r = -1;

	c = path ? config_open(path, err, errlen) :
	    config_open_data(data ? "memory" : "defaults", data ? data : "",
			     data ? len : 0, err, errlen);
	if (c == NULL)
		return -1;
	/* a misspelt group would hide its keys from every program */
	if (config_check_groups(c, coreconf_known_groups, err, errlen) < 0 ||
	    coreconf_apply(c, core, err, errlen) < 0)
		goto out;
	if (apply(c, sp->group, sp->extra, sp->nextra, out, err, errlen) < 0) {
		coreconf_release(core);
		goto out;
	}
	if ((r = mailconf_params(out, config_name(c), sp->group, p, err,
				 errlen)) < 0) {
		coreconf_release(core);
		mailconf_release(sp->extra, sp->nextra, out);
	}
	/* the global observe mode wins over the filter's own setting */
	if (r == 0 && core->dry_run)
		p->observe = 1;
	if (r == 0 && p->observe)
		observe_note(out, sp->group, core->dry_run);
out:
	config_close(c);
	return r;
}

/* mailconf_release - free what mailconf_load allocated (not [core]) */
void mailconf_release(const struct cfg_key *extra, size_t nextra, void *out)
{
	struct cfg_key *k = merged(extra, nextra);
	struct mailconf *mc = out;

	g_free(mc->warnings);
	mc->warnings = NULL;
	prefixset_free(mc->own_nets);
	mc->own_nets = NULL;
	if (k == NULL)
		return;
	config_release(k, NMAIL + nextra, out);
	free(k);
}

/* ident_kind - one identity list word */
static enum mailaddr_ident ident_kind(const char *w)
{
	if (strcmp(w, "sasl_username") == 0)
		return MAILADDR_ID_SASL;
	if (strcmp(w, "sender") == 0)
		return MAILADDR_ID_SENDER;
	if (strcmp(w, "client_address") == 0)
		return MAILADDR_ID_CLIENT;
	return MAILADDR_ID_NONE;
}

/* order_parse - the identity list into p->order */
static int order_parse(char **words, const char *file, const char *group,
		       struct mailthr_params *p, char *err, size_t errlen)
{
	size_t i, n = 0;

	for (i = 0; i < 3; i++)
		p->id.order[i] = MAILADDR_ID_NONE;
	for (i = 0; words && words[i]; i++) {
		enum mailaddr_ident k = ident_kind(words[i]);

		if (k == MAILADDR_ID_NONE || n == 3) {
			snprintf(err, errlen, "%s: [%s] identity = \"%s\": "
				 "expected up to three of sasl_username, "
				 "sender, client_address", file, group,
				 words[i]);
			return -1;
		}
		p->id.order[n++] = k;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: [%s] identity is empty: expected one "
			 "or more of sasl_username, sender, client_address",
			 file, group);
		return -1;
	}
	return 0;
}

/* mailconf_params - throttle parameters from the keys */
int mailconf_params(const struct mailconf *mc, const char *file,
		    const char *group, struct mailthr_params *p, char *err,
		    size_t errlen)
{
	const char *why;

	mailthr_defaults(p);
	p->mode = (enum mailthr_mode)mc->mode;
	p->max_delay_ns = mc->max_delay;
	p->lockout = (enum mailthr_lockout)mc->lockout;
	p->thr.wset_size = mc->wset_size;
	p->thr.release_ns = mc->release_interval;
	p->thr.high = mc->high_watermark;
	p->thr.low = mc->low_watermark;
	p->thr.mem_cap = mc->mem_cap;
	p->thr.max_held = mc->max_held;
	p->id.strip_extension = mc->strip_extension;
	if (mc->extension_delimiter == NULL ||
	    strlen(mc->extension_delimiter) != 1) {
		snprintf(err, errlen, "%s: [%s] extension_delimiter = \"%s\": "
			 "expected exactly one character", file, group,
			 mc->extension_delimiter ? mc->extension_delimiter : "");
		return -1;
	}
	p->id.extension_delim = mc->extension_delimiter[0];
	if (order_parse(mc->identity, file, group, p, err, errlen) < 0)
		return -1;
	p->id.v6_prefix = mc->client_v6_prefix;
	p->honeytokens = mc->honeytokens;
	p->honeytoken_ttl_ns = mc->honeytoken_ttl;
	p->lockout_min_ns = mc->lockout_min;
	p->observe = mc->observe;
	p->wl_sasl = mc->whitelist_sasl;
	p->wl_senders = mc->whitelist_senders;
	p->wl_clients = mc->whitelist_clients;
	p->own_nets = mc->own_nets;
	if (mailthr_check_params(p, &why) < 0) {
		snprintf(err, errlen, "%s: [%s] %s (high_watermark %u, "
			 "low_watermark %u)", file, group, why,
			 mc->high_watermark, mc->low_watermark);
		return -1;
	}
	return 0;
}
